use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PostingOutbox {
    Table,
    Change,
}

/// What each outbox row's write did to its posting (`created`, `updated`, `published`, …), for
/// the change feed. Rows written before this migration have none; the feed reports them as
/// `updated`, which is all a mirror needs (it applies the posting's current representation).
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(PostingOutbox::Table)
                    .add_column(string_len_null(PostingOutbox::Change, 16))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table(PostingOutbox::Table).drop_column(PostingOutbox::Change).to_owned())
            .await
    }
}
