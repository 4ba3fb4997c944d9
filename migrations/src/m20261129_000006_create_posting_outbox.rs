use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::one_of;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The outbox of posting changes: written in the same transaction as the change, read in
/// sequence order by every search indexer. `seq` only grows, so an indexer that remembers the
/// last sequence it applied can resume exactly there after a crash.
#[derive(DeriveIden)]
enum PostingOutbox {
    Table,
    Seq,
    PostingId,
    Op,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PostingOutbox::Table)
                    .col(big_pk_auto(PostingOutbox::Seq))
                    .col(big_integer(PostingOutbox::PostingId))
                    .col(string_len(PostingOutbox::Op, 16).check(one_of(PostingOutbox::Op, &["upsert", "delete"])))
                    .col(timestamp_with_time_zone(PostingOutbox::CreatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(PostingOutbox::Table).to_owned()).await
    }
}
