//! Schools' yearly reports: full-time teachers, dual-qualified teachers and days of enterprise
//! practice. A school's administrators report for their own school; one report per school and
//! year, a new one replacing the old (the audit log keeps what changed). Overseers see every
//! school's reports; a school sees its own; nobody else sees any.

use chanjiao_domain::OrgKind;
use chanjiao_domain::access::Power;
use chanjiao_domain::region::RegionCode;
use chanjiao_domain::statistics::designation::district_of;
use chanjiao_domain::statistics::targets::{SchoolReportInput, SchoolYearReport, dual_qualified_ratio};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
};
use serde::Serialize;
use serde_json::json;

use super::designations::CITY;
use crate::auth::CurrentUser;
use crate::entities::{organizations, school_reports};
use crate::error::ApiError;
use crate::services::audit;

/// One school's report for one year.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = SchoolReport)]
pub struct SchoolReportView {
    pub id: i64,
    pub organization_id: i64,
    pub school_name: String,
    pub district: Option<String>,
    pub district_name: Option<String>,
    pub year: i32,
    pub full_time_teachers: u32,
    pub dual_qualified_teachers: u32,
    pub practice_days: u32,
    pub dual_ratio: Option<f64>,
    pub updated_at: DateTime<Utc>,
}

pub(super) fn domain(row: &school_reports::Model) -> SchoolYearReport {
    let n = |v: i32| u32::try_from(v).unwrap_or(0);
    SchoolYearReport {
        year: row.year,
        full_time_teachers: n(row.full_time_teachers),
        dual_qualified_teachers: n(row.dual_qualified_teachers),
        practice_days: n(row.practice_days),
    }
}

fn view(row: &school_reports::Model, school: Option<&organizations::Model>) -> SchoolReportView {
    let report = domain(row);
    let district = school.and_then(|s| district_of(s.region_code.as_str(), CITY));
    SchoolReportView {
        id: row.id,
        organization_id: row.organization_id,
        school_name: school.map(|s| s.name.clone()).unwrap_or_default(),
        district_name: district.as_ref().map(|d| d.name().to_owned()),
        district: district.as_ref().map(RegionCode::to_string),
        year: row.year,
        full_time_teachers: report.full_time_teachers,
        dual_qualified_teachers: report.dual_qualified_teachers,
        practice_days: report.practice_days,
        dual_ratio: dual_qualified_ratio(&[report]),
        updated_at: row.updated_at,
    }
}

/// The school `user` reports for, if the policy lets them: an administrator of a verified
/// school, acting for it themselves (not an intermediary acting for a client).
fn reporting_school(user: &CurrentUser) -> Result<i64, ApiError> {
    user.require(Power::SubmitSchoolReports)?;
    user.organization_id().ok_or(ApiError::Forbidden)
}

/// Reports `user` may see, newest year first: all for overseers, a school's own for its users.
pub async fn list(db: &DatabaseConnection, user: &CurrentUser) -> Result<Vec<SchoolReportView>, ApiError> {
    let mut select = school_reports::Entity::find()
        .order_by_desc(school_reports::Column::Year)
        .order_by_asc(school_reports::Column::OrganizationId);
    if !user.may(Power::OverseeCity) {
        match user.organization.as_ref() {
            Some(org) if org.kind == OrgKind::School && user.intermediary.is_none() => {
                select = select.filter(school_reports::Column::OrganizationId.eq(org.id));
            }
            _ => return Err(user.refused(Power::OverseeCity)),
        }
    }
    let rows = select.all(db).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.organization_id).collect();
    let schools = organizations::Entity::find().filter(organizations::Column::Id.is_in(ids)).all(db).await?;
    Ok(rows.iter().map(|r| view(r, schools.iter().find(|s| s.id == r.organization_id))).collect())
}

/// Records the school's report for a year, replacing an earlier one for the same year.
pub async fn submit(
    db: &DatabaseConnection,
    user: &CurrentUser,
    input: &SchoolReportInput,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<SchoolReportView, ApiError> {
    let school = reporting_school(user)?;
    let report = SchoolYearReport::parse(input, today.year())?;
    let as_json = |r: &SchoolYearReport| {
        json!({"full_time_teachers": r.full_time_teachers, "dual_qualified_teachers": r.dual_qualified_teachers,
            "practice_days": r.practice_days})
    };
    let txn = crate::db::begin_write(db).await?;
    let existing = school_reports::Entity::find()
        .filter(school_reports::Column::OrganizationId.eq(school))
        .filter(school_reports::Column::Year.eq(report.year))
        .one(&txn)
        .await?;
    let as_i32 = |v: u32| i32::try_from(v).unwrap_or(i32::MAX);
    let row = match existing {
        Some(row) => {
            let before = as_json(&domain(&row));
            let mut active: school_reports::ActiveModel = row.into();
            active.full_time_teachers = Set(as_i32(report.full_time_teachers));
            active.dual_qualified_teachers = Set(as_i32(report.dual_qualified_teachers));
            active.practice_days = Set(as_i32(report.practice_days));
            active.reported_by = Set(user.user_id);
            active.updated_at = Set(now);
            let row = active.update(&txn).await?;
            let changes = audit::diff(&before, &as_json(&report));
            audit::record(
                &txn,
                Some(user),
                now,
                "school_report",
                row.id,
                "replace",
                json!({"year": report.year, "changes": changes}),
            )
            .await?;
            row
        }
        None => {
            let row = school_reports::ActiveModel {
                organization_id: Set(school),
                year: Set(report.year),
                full_time_teachers: Set(as_i32(report.full_time_teachers)),
                dual_qualified_teachers: Set(as_i32(report.dual_qualified_teachers)),
                practice_days: Set(as_i32(report.practice_days)),
                reported_by: Set(user.user_id),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            let mut changes = as_json(&report);
            changes["year"] = json!(report.year);
            audit::record(&txn, Some(user), now, "school_report", row.id, "create", changes).await?;
            row
        }
    };
    txn.commit().await?;
    let school_row = organizations::Entity::find_by_id(school).one(db).await?;
    Ok(view(&row, school_row.as_ref()))
}
