use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::one_of;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// One counter of failed sign-ins per throttle key: an account from one client, an account
/// from anywhere, or one client across accounts (an empty string stands for "any"). An attempt
/// is counted *before* its password is checked, by a compare-and-set on `revision`, so that
/// parallel attempts cannot all read the same count and all pass.
#[derive(DeriveIden)]
enum LoginThrottles {
    Table,
    Id,
    Scope,
    Email,
    Client,
    Failures,
    LastFailureAt,
    Revision,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(LoginThrottles::Table)
                    .col(big_pk_auto(LoginThrottles::Id))
                    .col(
                        string_len(LoginThrottles::Scope, 16)
                            .check(one_of(LoginThrottles::Scope, &["account_client", "account", "client"])),
                    )
                    .col(string_len(LoginThrottles::Email, 254))
                    .col(string_len(LoginThrottles::Client, 64))
                    .col(integer(LoginThrottles::Failures).check(Expr::col(LoginThrottles::Failures).gte(0)))
                    .col(timestamp_with_time_zone(LoginThrottles::LastFailureAt))
                    .col(big_integer(LoginThrottles::Revision))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_login_throttles_key")
                    .table(LoginThrottles::Table)
                    .col(LoginThrottles::Scope)
                    .col(LoginThrottles::Email)
                    .col(LoginThrottles::Client)
                    .unique()
                    .to_owned(),
            )
            .await?;
        crate::create_index(
            manager,
            "idx_login_throttles_last_failure",
            LoginThrottles::Table,
            vec![LoginThrottles::LastFailureAt],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(LoginThrottles::Table).to_owned()).await
    }
}
