use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261129_000001_create_organizations::Organizations;
use crate::one_of;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub(crate) enum Users {
    Table,
    Id,
    OrganizationId,
    Email,
    PasswordHash,
    Role,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(big_pk_auto(Users::Id))
                    .col(big_integer_null(Users::OrganizationId))
                    .col(string_len(Users::Email, 254).unique_key())
                    .col(string_len(Users::PasswordHash, 255))
                    .col(
                        string_len(Users::Role, 16)
                            .check(one_of(Users::Role, &["member", "org_admin", "platform_admin"])),
                    )
                    .col(timestamp_with_time_zone(Users::CreatedAt))
                    // Platform administrators stand apart from organizations; everyone else belongs to one.
                    .check(
                        Expr::col(Users::Role).eq("platform_admin").and(Expr::col(Users::OrganizationId).is_null()).or(
                            Expr::col(Users::Role)
                                .ne("platform_admin")
                                .and(Expr::col(Users::OrganizationId).is_not_null()),
                        ),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_users_organization")
                            .from(Users::Table, Users::OrganizationId)
                            .to(Organizations::Table, Organizations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        crate::create_index(manager, "idx_users_organization", Users::Table, vec![Users::OrganizationId]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Users::Table).to_owned()).await
    }
}
