use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::one_of;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Where a spreadsheet import is, under the progress token the server issued, so that a poll
/// reaching any node behind the load balancer finds it. The key is the SHA-256 of the token
/// (the token itself is never stored); the owner is the user or API key it was issued to. Rows
/// untouched for ten minutes are pruned by a periodic job.
#[derive(DeriveIden)]
enum ImportProgress {
    Table,
    TokenHash,
    OwnerKind,
    OwnerId,
    Phase,
    Done,
    Total,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ImportProgress::Table)
                    .col(string_len(ImportProgress::TokenHash, 64).primary_key())
                    .col(
                        string_len(ImportProgress::OwnerKind, 16)
                            .check(one_of(ImportProgress::OwnerKind, &["user", "api_key"])),
                    )
                    .col(big_integer(ImportProgress::OwnerId))
                    .col(
                        string_len(ImportProgress::Phase, 16)
                            .check(one_of(ImportProgress::Phase, &["waiting", "reading", "saving", "done", "failed"])),
                    )
                    .col(big_integer(ImportProgress::Done).check(Expr::col(ImportProgress::Done).gte(0)))
                    .col(big_integer(ImportProgress::Total).check(Expr::col(ImportProgress::Total).gte(0)))
                    .col(timestamp_with_time_zone(ImportProgress::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        crate::create_index(
            manager,
            "idx_import_progress_owner",
            ImportProgress::Table,
            vec![ImportProgress::OwnerKind, ImportProgress::OwnerId],
        )
        .await?;
        crate::create_index(
            manager,
            "idx_import_progress_updated_at",
            ImportProgress::Table,
            vec![ImportProgress::UpdatedAt],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(ImportProgress::Table).to_owned()).await
    }
}
