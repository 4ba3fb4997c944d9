use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Responses remembered under a client's `Idempotency-Key`, so that a creating request retried
/// after a lost answer returns the original response instead of creating twice. A row is
/// claimed (without a response) before the request runs, so two concurrent retries cannot both
/// run it; the primary key is the caller's digest and the key. Rows older than a day are
/// pruned.
#[derive(DeriveIden)]
enum IdempotencyKeys {
    Table,
    Caller,
    Key,
    RequestDigest,
    Status,
    ContentType,
    Location,
    Body,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(IdempotencyKeys::Table)
                    .col(string_len(IdempotencyKeys::Caller, 64))
                    .col(string_len(IdempotencyKeys::Key, 255))
                    .col(string_len(IdempotencyKeys::RequestDigest, 64))
                    .col(integer_null(IdempotencyKeys::Status))
                    .col(string_len_null(IdempotencyKeys::ContentType, 100))
                    .col(string_len_null(IdempotencyKeys::Location, 500))
                    .col(blob_null(IdempotencyKeys::Body))
                    .col(timestamp_with_time_zone(IdempotencyKeys::CreatedAt))
                    .primary_key(
                        Index::create()
                            .name("pk_idempotency_keys")
                            .col(IdempotencyKeys::Caller)
                            .col(IdempotencyKeys::Key),
                    )
                    .to_owned(),
            )
            .await?;
        crate::create_index(
            manager,
            "idx_idempotency_keys_created_at",
            IdempotencyKeys::Table,
            vec![IdempotencyKeys::CreatedAt],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(IdempotencyKeys::Table).to_owned()).await
    }
}
