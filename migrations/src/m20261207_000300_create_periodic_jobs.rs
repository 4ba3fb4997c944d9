use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::one_of;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// One row per periodic job (posting expiry, session pruning …), shared by every node on the
/// database. A node runs a job's period only after claiming it with one conditional update
/// (`due_at <= now` moves to `now + period`), so each period runs once across the cluster;
/// `runs`, `holder` and the last start, finish and error say what happened, for metrics and
/// `chanjiao doctor`.
#[derive(DeriveIden)]
enum PeriodicJobs {
    Table,
    Name,
    DueAt,
    Holder,
    Runs,
    LastStartedAt,
    LastFinishedAt,
    LastError,
}

/// The jobs' stored names (`chanjiao_api::jobs::Job`).
const JOBS: &[&str] = &[
    "posting_expiry",
    "session_pruning",
    "idempotency_pruning",
    "proposal_sweep",
    "round_retention",
    "login_throttle_pruning",
    "import_progress_pruning",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PeriodicJobs::Table)
                    .col(string_len(PeriodicJobs::Name, 40).primary_key().check(one_of(PeriodicJobs::Name, JOBS)))
                    .col(timestamp_with_time_zone(PeriodicJobs::DueAt))
                    .col(string_len_null(PeriodicJobs::Holder, 100))
                    .col(big_integer(PeriodicJobs::Runs).default(0).check(Expr::col(PeriodicJobs::Runs).gte(0)))
                    .col(timestamp_with_time_zone_null(PeriodicJobs::LastStartedAt))
                    .col(timestamp_with_time_zone_null(PeriodicJobs::LastFinishedAt))
                    .col(string_len_null(PeriodicJobs::LastError, 500))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(PeriodicJobs::Table).to_owned()).await
    }
}
