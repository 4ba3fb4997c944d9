use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::one_of;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// An organization's API keys. The key string a client holds is `cjk_<public_id>_<secret>`:
/// `public_id` finds the row, and only the SHA-256 of the secret is kept (the secret is 256
/// random bits, so a fast hash is enough). A key is never deleted, only revoked, so the audit
/// trail can always name it.
#[derive(DeriveIden)]
enum ApiKeys {
    Table,
    Id,
    OrganizationId,
    Name,
    PublicId,
    SecretDigest,
    CreatedBy,
    CreatedAt,
    RotatedAt,
    LastUsedAt,
    RevokedAt,
}

/// One row per scope a key holds.
#[derive(DeriveIden)]
enum ApiKeyScopes {
    Table,
    ApiKeyId,
    Scope,
}

#[derive(DeriveIden)]
enum Organizations {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ApiKeys::Table)
                    .col(big_pk_auto(ApiKeys::Id))
                    .col(big_integer(ApiKeys::OrganizationId))
                    .col(string_len(ApiKeys::Name, 60))
                    .col(string_len(ApiKeys::PublicId, 12).unique_key())
                    .col(string_len(ApiKeys::SecretDigest, 64))
                    .col(big_integer_null(ApiKeys::CreatedBy))
                    .col(timestamp_with_time_zone(ApiKeys::CreatedAt))
                    .col(timestamp_with_time_zone_null(ApiKeys::RotatedAt))
                    .col(timestamp_with_time_zone_null(ApiKeys::LastUsedAt))
                    .col(timestamp_with_time_zone_null(ApiKeys::RevokedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_api_keys_organization")
                            .from(ApiKeys::Table, ApiKeys::OrganizationId)
                            .to(Organizations::Table, Organizations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_api_keys_created_by")
                            .from(ApiKeys::Table, ApiKeys::CreatedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_api_keys_organization_name")
                    .table(ApiKeys::Table)
                    .col(ApiKeys::OrganizationId)
                    .col(ApiKeys::Name)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ApiKeyScopes::Table)
                    .col(big_integer(ApiKeyScopes::ApiKeyId))
                    .col(
                        string_len(ApiKeyScopes::Scope, 32)
                            .check(one_of(ApiKeyScopes::Scope, &["read", "postings:write", "proposals:write", "feed"])),
                    )
                    .primary_key(Index::create().col(ApiKeyScopes::ApiKeyId).col(ApiKeyScopes::Scope))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_api_key_scopes_key")
                            .from(ApiKeyScopes::Table, ApiKeyScopes::ApiKeyId)
                            .to(ApiKeys::Table, ApiKeys::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(ApiKeyScopes::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(ApiKeys::Table).to_owned()).await
    }
}
