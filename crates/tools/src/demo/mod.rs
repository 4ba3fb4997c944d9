//! Demonstration data for Shaoxing, created by `serve --demo`: 49 enterprises over the 12
//! industry clusters and 15 schools of every level across the city's six districts and counties
//! (from [`catalog`]), an intermediary and the city authority, one account per role (all with the
//! password [`DEMO_PASSWORD`]), and several hundred postings of every kind with a few years of
//! history ([`seed_postings`]; the history the outlook counts is planned class by class in
//! [`catalog_outlook`]), slots and bookings of training bases ([`seed_slots`]), designations and
//! school reports for the targets dashboard ([`seed_targets`]), proposals in every state with
//! projects, outcomes and assessments ([`seed_brokering`]) and a published allocation round
//! ([`seed_rounds`]). The last two go through the platform's services as the demo accounts, so
//! their histories, audit trail and inbox notices are what the platform itself writes.
//!
//! Seeding is idempotent: an organization is matched by name, an account by e-mail, postings
//! are added only while the demo organizations have none, and each later part only while its
//! own rows are missing, so starting the demo twice changes nothing. It is deterministic: fixed
//! seeds, and every date relative to the clock's today.

pub mod catalog;
mod catalog_enterprises;
mod catalog_orgs;
pub mod catalog_outlook;
mod catalog_subjects;
#[cfg(test)]
mod catalog_tests;
mod compose;
mod compose_enterprise;
mod compose_school;
pub mod seed_brokering;
pub mod seed_postings;
pub mod seed_rounds;
pub mod seed_slots;
pub mod seed_targets;
pub mod texts;
mod texts_dyeing;
mod texts_emerging;
pub mod texts_enterprise;
mod texts_materials;
mod texts_process;
pub mod texts_school;
mod texts_service;
mod texts_traditional;

use std::collections::HashMap;

use chanjiao_domain::organization::KindIdentity;
use chanjiao_domain::posting::Side;
use chanjiao_domain::{CreditCode, Email, NewOrganization, OrgName, RegionCode, Role, Verification};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
};

use catalog::{DemoIdentity, DemoOrg};
use chanjiao_api::auth::password;
use chanjiao_api::clock::Clock;
use chanjiao_api::db::Stored;
use chanjiao_api::entities::{organizations, users};
use chanjiao_api::error::ApiError;
use chanjiao_api::progress::{Phase, Progress, Silent};
use chanjiao_api::services::accounts;

pub const DEMO_PASSWORD: &str = "chanjiao-demo";
pub const PLATFORM_ADMIN: &str = "admin@demo.local";

/// One demo account, as printed at start-up.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub email: &'static str,
    pub role_zh: &'static str,
    pub organization: Option<&'static str>,
}

/// The catalogue organizations that have a demo account: (index, e-mail, role).
const CATALOGUE_ACCOUNTS: &[(usize, &str, &str)] =
    &[(0, "enterprise@demo.local", "企业管理员"), (6, "school@demo.local", "学校管理员")];

/// The organizations that post nothing of their own: (name, region, kind, e-mail, role).
const BROKERS: &[(&str, &str, bool, &str, &str)] = &[
    ("绍兴产教融合服务中心", "330602", true, "broker@demo.local", "服务组织管理员"),
    ("绍兴市产教融合工作领导小组办公室", "330600", false, "city@demo.local", "主管部门"),
];

/// Creates what is missing of the demo organizations and accounts and returns the accounts.
/// Postings are separate ([`seed_postings`]), so tests can start from a city without any.
pub async fn seed(db: &DatabaseConnection, clock: &Clock) -> Result<Vec<DemoAccount>, ApiError> {
    Ok(seed_organizations(db, clock.now(), &Silent).await?.1)
}

/// Everything `serve --demo` shows: organizations, accounts and postings.
pub async fn seed_all(db: &DatabaseConnection, clock: &Clock) -> Result<(Vec<DemoAccount>, usize), ApiError> {
    seed_all_with(db, clock, &Silent).await
}

/// [`seed_all`], reporting each step, organization and posting to `progress`.
pub async fn seed_all_with(
    db: &DatabaseConnection,
    clock: &Clock,
    progress: &dyn Progress,
) -> Result<(Vec<DemoAccount>, usize), ApiError> {
    let (today, now) = (clock.today(), clock.now());
    let (org_ids, accounts) = seed_organizations(db, now, progress).await?;
    let txn = chanjiao_api::db::begin_write(db).await?;
    let added = seed_postings::seed(&txn, &org_ids, today, progress).await?;
    progress.start(Phase::DemoResources, None);
    seed_slots::seed(&txn, &org_ids, today, now).await?;
    seed_targets::seed(&txn, &org_ids, today).await?;
    txn.commit().await?;
    progress.finish();
    // Through the services, as the demo accounts would do it, each in its own transactions.
    progress.start(Phase::DemoBrokering, None);
    seed_brokering::seed(db, now).await?;
    progress.finish();
    progress.start(Phase::DemoRounds, None);
    seed_rounds::seed(db, now).await?;
    progress.finish();
    Ok((accounts, added))
}

async fn seed_organizations(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    progress: &dyn Progress,
) -> Result<(HashMap<usize, (i64, Side)>, Vec<DemoAccount>), ApiError> {
    let catalogue = catalog::organizations();
    let pending = pending_registrations()?;
    // The platform administrator is the one account without an organization.
    let total = catalogue.len() + BROKERS.len() + pending.len() + 1;
    progress.start(Phase::DemoOrganizations, Some(total as u64));
    let hash = password::hash_offline(DEMO_PASSWORD).await?;
    let txn = chanjiao_api::db::begin_write(db).await?;
    let mut org_ids = HashMap::new();
    let mut made = Vec::new();
    for (index, demo) in catalogue.iter().enumerate() {
        let id = ensure_organization(&txn, demo.name, catalogue_org(demo)?, now).await?;
        let side = match demo.identity {
            DemoIdentity::Enterprise { .. } => Side::Enterprise,
            DemoIdentity::School { .. } => Side::School,
        };
        org_ids.insert(index, (id, side));
        if let Some((_, email, role_zh)) = CATALOGUE_ACCOUNTS.iter().find(|(i, _, _)| *i == index) {
            ensure_user(&txn, Some(id), email, &hash, Role::OrgAdmin, now).await?;
            made.push(DemoAccount { email, role_zh, organization: Some(demo.name) });
        }
        progress.inc(1);
    }
    for (name, region, intermediary, email, role_zh) in BROKERS {
        let identity = if *intermediary { KindIdentity::Intermediary } else { KindIdentity::Authority };
        let org = NewOrganization {
            name: OrgName::parse(name).map_err(|_| bad(name, "name"))?,
            region: RegionCode::parse(region).map_err(|_| bad(name, "region"))?,
            identity,
        };
        let id = ensure_organization(&txn, name, org, now).await?;
        ensure_user(&txn, Some(id), email, &hash, Role::OrgAdmin, now).await?;
        made.push(DemoAccount { email, role_zh, organization: Some(name) });
        progress.inc(1);
    }
    // Two registrations wait for the platform administrator's decision.
    for (name, region, identity, email) in pending {
        let org = NewOrganization {
            name: OrgName::parse(name).map_err(|_| bad(name, "name"))?,
            region: RegionCode::parse(region).map_err(|_| bad(name, "region"))?,
            identity,
        };
        let existing = organizations::Entity::find().filter(organizations::Column::Name.eq(name)).one(&txn).await?;
        if existing.is_none() {
            let id = accounts::insert_organization(&txn, &org, Verification::Pending, now).await?.id;
            ensure_user(&txn, Some(id), email, &hash, Role::OrgAdmin, now).await?;
        }
        progress.inc(1);
    }
    ensure_user(&txn, None, PLATFORM_ADMIN, &hash, Role::PlatformAdmin, now).await?;
    made.push(DemoAccount { email: PLATFORM_ADMIN, role_zh: "平台管理员", organization: None });
    txn.commit().await?;
    progress.inc(1);
    progress.finish();
    Ok((org_ids, made))
}

/// Organizations that registered and are not verified yet: (name, region, identity, e-mail).
fn pending_registrations() -> Result<Vec<(&'static str, &'static str, KindIdentity, &'static str)>, ApiError> {
    let name = "绍兴柯桥智纺新材料科技有限公司";
    let credit_code = CreditCode::complete("91330603MA2KQ7W3N").ok_or_else(|| bad(name, "credit code"))?;
    Ok(vec![
        (name, "330603", KindIdentity::Enterprise { credit_code }, "zhifang@demo.local"),
        (
            "诸暨市技师学院",
            "330681",
            KindIdentity::School { level: chanjiao_domain::SchoolLevel::Zhongzhi },
            "jishi@demo.local",
        ),
    ])
}

fn bad(name: &str, what: &str) -> ApiError {
    ApiError::Internal(format!("demo organization {name} has a bad {what}"))
}

fn catalogue_org(demo: &DemoOrg) -> Result<NewOrganization, ApiError> {
    let identity = match &demo.identity {
        DemoIdentity::Enterprise { credit_prefix } => KindIdentity::Enterprise {
            credit_code: CreditCode::complete(credit_prefix).ok_or_else(|| bad(demo.name, "credit code"))?,
        },
        DemoIdentity::School { level } => KindIdentity::School { level: *level },
    };
    Ok(NewOrganization {
        name: OrgName::parse(demo.name).map_err(|_| bad(demo.name, "name"))?,
        region: RegionCode::parse(demo.region).map_err(|_| bad(demo.name, "region"))?,
        identity,
    })
}

/// The id of the organization named `name`, created (verified) if missing.
async fn ensure_organization(
    db: &impl ConnectionTrait,
    name: &str,
    org: NewOrganization,
    now: DateTime<Utc>,
) -> Result<i64, ApiError> {
    let existing = organizations::Entity::find().filter(organizations::Column::Name.eq(name)).one(db).await?;
    match existing {
        Some(row) => Ok(row.id),
        None => Ok(accounts::insert_organization(db, &org, Verification::Verified, now).await?.id),
    }
}

async fn ensure_user(
    db: &impl sea_orm::ConnectionTrait,
    organization_id: Option<i64>,
    email: &str,
    hash: &str,
    role: Role,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let email = Email::parse(email).map_err(|_| ApiError::Internal(format!("demo e-mail {email} is invalid")))?;
    let exists = users::Entity::find().filter(users::Column::Email.eq(email.as_str())).one(db).await?.is_some();
    if !exists {
        users::ActiveModel {
            organization_id: Set(organization_id),
            email: Set(email.as_str().to_owned()),
            password_hash: Set(hash.to_owned()),
            role: Set(Stored(role)),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// The start-up banner listing the demo accounts.
pub fn banner(accounts: &[DemoAccount], base_url: &str) -> String {
    let mut text = format!("\n演示账号 / Demo accounts (password: {DEMO_PASSWORD})  {base_url}\n");
    for account in accounts {
        let org = account.organization.unwrap_or("—");
        text.push_str(&format!("  {:<24} {:<10} {}\n", account.email, account.role_zh, org));
    }
    text
}
