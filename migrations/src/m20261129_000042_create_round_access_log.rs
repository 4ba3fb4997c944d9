use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261129_000040_create_rounds::Rounds;
use crate::one_of;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Every read of a round's student-level data: who (user and the organization they acted as),
/// which round, what, and when. Kept after the personal data itself is deleted; it holds no
/// pseudonyms, only counts.
#[derive(DeriveIden)]
enum RoundAccessLog {
    Table,
    Id,
    RoundId,
    UserId,
    UserEmail,
    OrganizationId,
    What,
    Records,
    At,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use RoundAccessLog::{At, Id, OrganizationId, Records, RoundId, UserEmail, UserId, What};
        manager
            .create_table(
                Table::create()
                    .table(RoundAccessLog::Table)
                    .col(big_pk_auto(Id))
                    .col(big_integer(RoundId))
                    .col(big_integer_null(UserId))
                    .col(string_len(UserEmail, 254))
                    .col(big_integer_null(OrganizationId))
                    .col(
                        string_len(What, 24)
                            .check(one_of(What, &["students", "applicants", "results", "intake", "export"])),
                    )
                    .col(integer(Records))
                    .col(timestamp_with_time_zone(At))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_round_access_log_round")
                            .from(RoundAccessLog::Table, RoundId)
                            .to(Rounds::Table, Rounds::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        crate::create_index(manager, "idx_round_access_log_round", RoundAccessLog::Table, vec![RoundId, At]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(RoundAccessLog::Table).to_owned()).await
    }
}
