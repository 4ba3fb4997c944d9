use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::one_of;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub(crate) enum Organizations {
    Table,
    Id,
    Kind,
    Name,
    RegionCode,
    CreditCode,
    SchoolLevel,
    Verification,
    CreatedAt,
    VerifiedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Organizations::Table)
                    .col(big_pk_auto(Organizations::Id))
                    .col(
                        string_len(Organizations::Kind, 16)
                            .check(one_of(Organizations::Kind, &["enterprise", "school", "intermediary", "authority"])),
                    )
                    .col(string_len(Organizations::Name, 100))
                    .col(string_len(Organizations::RegionCode, 12))
                    .col(string_len_null(Organizations::CreditCode, 18).unique_key())
                    .col(string_len_null(Organizations::SchoolLevel, 16).check(one_of(
                        Organizations::SchoolLevel,
                        &["zhongzhi", "gaozhi_zhuanke", "gaozhi_benke", "putong_benke"],
                    )))
                    .col(
                        string_len(Organizations::Verification, 16)
                            .default("pending")
                            .check(one_of(Organizations::Verification, &["pending", "verified", "rejected"])),
                    )
                    .col(timestamp_with_time_zone(Organizations::CreatedAt))
                    .col(timestamp_with_time_zone_null(Organizations::VerifiedAt))
                    .to_owned(),
            )
            .await?;
        crate::create_index(
            manager,
            "idx_organizations_verification",
            Organizations::Table,
            vec![Organizations::Verification],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Organizations::Table).to_owned()).await
    }
}
