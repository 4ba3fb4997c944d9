use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Failed logins, kept in the database rather than in memory so that every server process
/// sharing one PostgreSQL enforces the same limit.
#[derive(DeriveIden)]
enum LoginFailures {
    Table,
    Id,
    Email,
    Ip,
    AttemptedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(LoginFailures::Table)
                    .col(big_pk_auto(LoginFailures::Id))
                    .col(string_len(LoginFailures::Email, 254))
                    .col(string_len(LoginFailures::Ip, 64))
                    .col(timestamp_with_time_zone(LoginFailures::AttemptedAt))
                    .to_owned(),
            )
            .await?;
        crate::create_index(
            manager,
            "idx_login_failures_email_time",
            LoginFailures::Table,
            vec![LoginFailures::Email, LoginFailures::AttemptedAt],
        )
        .await?;
        crate::create_index(
            manager,
            "idx_login_failures_ip_time",
            LoginFailures::Table,
            vec![LoginFailures::Ip, LoginFailures::AttemptedAt],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(LoginFailures::Table).to_owned()).await
    }
}
