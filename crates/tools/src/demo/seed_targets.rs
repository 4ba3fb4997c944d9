//! Demonstration designations and school reports for the targets dashboard: designations of
//! every type over 2020–2024 across the districts (some targets met, some behind, one
//! designation revoked with its reason), and each demo school's yearly teacher report from 2020
//! to last year, with the city's dual-qualified share rising towards, but not quite reaching, 90 %.
//! Deterministic (a fixed seed), and added once: nothing is added while any designation or
//! report exists.

use std::collections::HashMap;

use chanjiao_domain::posting::Side;
use chanjiao_domain::statistics::designation::district_of;
use chanjiao_domain::statistics::targets::DesignationType;
use chrono::{Datelike, NaiveDate, TimeZone, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
};

use super::catalog::{self, Prng};
use chanjiao_api::db::Stored;
use chanjiao_api::entities::{designations, school_reports, users};
use chanjiao_api::error::ApiError;
use chanjiao_api::services::statistics::targets::designations::CITY;

/// How many designations of each type the demo records (the plan's targets in brackets).
const PLAN: &[(DesignationType, usize)] = &[
    (DesignationType::ProvincialAlliance, 1),             // 1
    (DesignationType::DemonstrationBase, 2),              // 2
    (DesignationType::PilotEnterprise, 26),               // 30: behind
    (DesignationType::EngineeringProject, 8),             // 10: behind
    (DesignationType::CollaborativeEducationProject, 43), // 50: behind
    (DesignationType::K12CareerBase, 15),                 // 15
    (DesignationType::XCertificatePilotUnit, 12),         // at least 10
    (DesignationType::NewElectronicsSchool, 1),           // 1
];

/// Designations of bodies that are no organization on the platform: (type, name, district).
const NAMED: &[(DesignationType, &str, &str)] = &[
    (DesignationType::ProvincialAlliance, "绍兴市现代纺织产教融合联盟", "330603"),
    (DesignationType::NewElectronicsSchool, "绍兴市电子信息职业技术学校（新建）", "330604"),
];

fn issuer(kind: DesignationType) -> (&'static str, &'static str) {
    match kind {
        DesignationType::ProvincialAlliance
        | DesignationType::DemonstrationBase
        | DesignationType::PilotEnterprise
        | DesignationType::EngineeringProject => ("浙江省发展和改革委员会", "浙发改社会"),
        DesignationType::CollaborativeEducationProject => ("教育部高等教育司", "教高司函"),
        DesignationType::K12CareerBase => ("绍兴市教育局", "绍市教"),
        DesignationType::XCertificatePilotUnit => ("教育部职业教育与成人教育司", "教职所"),
        DesignationType::NewElectronicsSchool | DesignationType::VocationalEducationPark => {
            ("绍兴市人民政府", "绍政发")
        }
    }
}

/// Whether designations of the type go to schools (else to enterprises).
fn for_schools(kind: DesignationType) -> bool {
    matches!(
        kind,
        DesignationType::EngineeringProject
            | DesignationType::CollaborativeEducationProject
            | DesignationType::XCertificatePilotUnit
    )
}

pub async fn seed(
    db: &impl ConnectionTrait,
    org_ids: &HashMap<usize, (i64, Side)>,
    today: NaiveDate,
) -> Result<(), ApiError> {
    let city_user =
        users::Entity::find().filter(users::Column::Email.eq("city@demo.local")).one(db).await?.map(|u| u.id);
    let orgs = catalog::organizations();
    let mut schools: Vec<(i64, &str, String)> = Vec::new();
    let mut enterprises: Vec<(i64, &str, String)> = Vec::new();
    for (index, org) in orgs.iter().enumerate() {
        let (Some((id, side)), Some(district)) = (org_ids.get(&index), district_of(org.region, CITY)) else { continue };
        let entry = (*id, org.name, district.to_string());
        match side {
            Side::School => schools.push(entry),
            Side::Enterprise => enterprises.push(entry),
        }
    }
    if designations::Entity::find().count(db).await? == 0 {
        seed_designations(db, &schools, &enterprises, city_user).await?;
    }
    if school_reports::Entity::find().count(db).await? == 0 {
        seed_reports(db, &schools, today).await?;
    }
    Ok(())
}

async fn seed_designations(
    db: &impl ConnectionTrait,
    schools: &[(i64, &str, String)],
    enterprises: &[(i64, &str, String)],
    city_user: Option<i64>,
) -> Result<(), ApiError> {
    let mut rng = Prng::new(2020);
    let mut serial = 100;
    for (kind, count) in PLAN {
        let pool = if for_schools(*kind) { schools } else { enterprises };
        for n in 0..*count {
            let year = 2020 + rng.range(0, 4) as i32;
            let (organization_id, name, district) = match NAMED.iter().find(|(k, _, _)| k == kind) {
                Some((_, name, district)) => (None, (*name).to_owned(), (*district).to_owned()),
                None if pool.is_empty() => continue,
                None => {
                    // Spread over the pool in turn, from a shifted start, so districts differ by type.
                    let (id, name, district) = &pool[(n + rng.below(pool.len())) % pool.len()];
                    (Some(*id), (*name).to_owned(), district.clone())
                }
            };
            let (body, prefix) = issuer(*kind);
            serial += 1 + rng.below(7);
            let created = Utc.with_ymd_and_hms(year, 6, 1, 9, 0, 0).single().unwrap_or_else(Utc::now);
            designations::ActiveModel {
                designation_type: Set(Stored(*kind)),
                organization_id: Set(organization_id),
                organization_name: Set(name),
                region_code: Set(district),
                year: Set(year),
                issuing_body: Set(body.to_owned()),
                document_number: Set(Some(format!("{prefix}〔{year}〕{serial}号"))),
                evidence_url: Set(None),
                note: Set(None),
                created_by: Set(city_user),
                created_at: Set(created),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
    }
    // One pilot enterprise lost its designation: kept on record, no longer counted.
    if let Some((id, name, district)) = enterprises.last() {
        designations::ActiveModel {
            designation_type: Set(Stored(DesignationType::PilotEnterprise)),
            organization_id: Set(Some(*id)),
            organization_name: Set((*name).to_owned()),
            region_code: Set(district.clone()),
            year: Set(2021),
            issuing_body: Set("浙江省发展和改革委员会".to_owned()),
            document_number: Set(Some("浙发改社会〔2021〕57号".to_owned())),
            evidence_url: Set(None),
            note: Set(None),
            created_by: Set(city_user),
            created_at: Set(Utc.with_ymd_and_hms(2021, 5, 10, 9, 0, 0).single().unwrap_or_else(Utc::now)),
            revoked_by: Set(city_user),
            revoked_at: Set(Some(Utc.with_ymd_and_hms(2023, 3, 1, 9, 0, 0).single().unwrap_or_else(Utc::now))),
            revoke_reason: Set(Some("年度复核未通过（演示数据）".to_owned())),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

async fn seed_reports(
    db: &impl ConnectionTrait,
    schools: &[(i64, &str, String)],
    today: NaiveDate,
) -> Result<(), ApiError> {
    let mut rng = Prng::new(90);
    let last = today.year() - 1;
    for (id, _, _) in schools {
        let teachers = rng.range(80, 360);
        // Each school starts between 60 % and 88 % dual-qualified and gains 1–4 points a year.
        let start = rng.range(60, 88);
        let gain = rng.range(1, 4);
        let days_per_teacher = rng.range(14, 45);
        for year in 2020..=last {
            let grown = teachers + (year - 2020) as i64 * rng.range(0, 6);
            let share = (start + gain * i64::from(year - 2020)).min(97);
            let now = Utc.with_ymd_and_hms(year + 1, 1, 15, 9, 0, 0).single().unwrap_or_else(Utc::now);
            school_reports::ActiveModel {
                organization_id: Set(*id),
                year: Set(year),
                full_time_teachers: Set(grown as i32),
                dual_qualified_teachers: Set((grown * share / 100) as i32),
                practice_days: Set((grown * days_per_teacher) as i32),
                reported_by: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
    }
    Ok(())
}
