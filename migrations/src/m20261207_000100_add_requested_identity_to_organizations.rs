use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261129_000001_create_organizations::Organizations;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A new name or region a verified organization asked for. It is not shown as the organization's
/// until a platform administrator approves it, so nobody can trade on a verified standing under
/// another name; the review queue shows it beside the approved values.
#[derive(DeriveIden)]
enum Requested {
    RequestedName,
    RequestedRegionCode,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one column at a time.
        manager
            .alter_table(
                Table::alter()
                    .table(Organizations::Table)
                    .add_column(string_len_null(Requested::RequestedName, 100))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Organizations::Table)
                    .add_column(string_len_null(Requested::RequestedRegionCode, 12))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Requested::RequestedRegionCode, Requested::RequestedName] {
            manager.alter_table(Table::alter().table(Organizations::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
