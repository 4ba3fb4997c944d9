//! Database schema of Chanjiao, as sea-orm migrations that run on SQLite and PostgreSQL alike.
//!
//! Migrations are append-only: once merged, a migration is never edited; a change of schema is
//! a new migration with a working `down()`. Enumerated columns carry CHECK constraints listing
//! their values, so the database refuses what the domain would refuse.

pub use sea_orm_migration::prelude::*;

mod m20261129_000001_create_organizations;
mod m20261129_000002_create_users;
mod m20261129_000003_create_sessions;
mod m20261129_000004_create_login_attempts;
mod m20261129_000005_create_postings;
mod m20261129_000006_create_posting_outbox;
mod m20261129_000007_create_audit_events;
mod m20261129_000008_create_reference_tables;
mod m20261129_000009_create_brokering;
mod m20261129_000020_create_notifications;
mod m20261129_000021_create_subscriptions;
mod m20261129_000022_create_webhook_deliveries;
mod m20261129_000030_create_training_slots;
mod m20261129_000031_create_slot_bookings;
mod m20261129_000040_create_rounds;
mod m20261129_000041_create_round_students;
mod m20261129_000042_create_round_access_log;
mod m20261129_000050_create_plan_targets;
mod m20261129_000051_create_designations;
mod m20261129_000052_create_school_reports;
mod m20261129_000060_create_posting_facts;
mod m20261207_000100_add_requested_identity_to_organizations;
mod m20261207_000120_create_login_throttles;
mod m20261207_000130_guard_delegations;
mod m20261207_000131_add_users_disabled_at;
mod m20261207_000200_create_api_keys;
mod m20261207_000201_add_api_key_to_audit_events;
mod m20261207_000210_add_change_to_posting_outbox;
mod m20261207_000211_allow_posting_changed_webhooks;
mod m20261207_000220_create_idempotency_keys;
mod m20261207_000300_create_periodic_jobs;
mod m20261207_000301_create_import_progress;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261129_000001_create_organizations::Migration),
            Box::new(m20261129_000002_create_users::Migration),
            Box::new(m20261129_000003_create_sessions::Migration),
            Box::new(m20261129_000004_create_login_attempts::Migration),
            Box::new(m20261129_000005_create_postings::Migration),
            Box::new(m20261129_000006_create_posting_outbox::Migration),
            Box::new(m20261129_000007_create_audit_events::Migration),
            Box::new(m20261129_000008_create_reference_tables::Migration),
            Box::new(m20261129_000009_create_brokering::Migration),
            Box::new(m20261129_000020_create_notifications::Migration),
            Box::new(m20261129_000021_create_subscriptions::Migration),
            Box::new(m20261129_000022_create_webhook_deliveries::Migration),
            Box::new(m20261129_000030_create_training_slots::Migration),
            Box::new(m20261129_000031_create_slot_bookings::Migration),
            Box::new(m20261129_000040_create_rounds::Migration),
            Box::new(m20261129_000041_create_round_students::Migration),
            Box::new(m20261129_000042_create_round_access_log::Migration),
            Box::new(m20261129_000050_create_plan_targets::Migration),
            Box::new(m20261129_000051_create_designations::Migration),
            Box::new(m20261129_000052_create_school_reports::Migration),
            Box::new(m20261129_000060_create_posting_facts::Migration),
            Box::new(m20261207_000100_add_requested_identity_to_organizations::Migration),
            Box::new(m20261207_000120_create_login_throttles::Migration),
            Box::new(m20261207_000130_guard_delegations::Migration),
            Box::new(m20261207_000131_add_users_disabled_at::Migration),
            Box::new(m20261207_000200_create_api_keys::Migration),
            Box::new(m20261207_000201_add_api_key_to_audit_events::Migration),
            Box::new(m20261207_000210_add_change_to_posting_outbox::Migration),
            Box::new(m20261207_000211_allow_posting_changed_webhooks::Migration),
            Box::new(m20261207_000220_create_idempotency_keys::Migration),
            Box::new(m20261207_000300_create_periodic_jobs::Migration),
            Box::new(m20261207_000301_create_import_progress::Migration),
        ]
    }
}

/// Creates the index `name` on `columns` of `table`.
pub(crate) async fn create_index<T, C>(
    manager: &SchemaManager<'_>,
    name: &str,
    table: T,
    columns: Vec<C>,
) -> Result<(), DbErr>
where
    T: IntoIden,
    C: IntoIden,
{
    let mut index = Index::create();
    index.name(name).table(table);
    for column in columns {
        index.col(column);
    }
    manager.create_index(index.to_owned()).await
}

/// `column IN ('a', 'b', …)`, the CHECK constraint of an enumerated column.
pub(crate) fn one_of(column: impl IntoIden, values: &[&str]) -> SimpleExpr {
    Expr::col(column).is_in(values.iter().copied())
}
