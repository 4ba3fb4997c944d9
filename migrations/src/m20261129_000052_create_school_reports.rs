use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261129_000001_create_organizations::Organizations;
use crate::m20261129_000002_create_users::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A school's yearly report: full-time teachers, dual-qualified teachers among them and days of
/// teachers' enterprise practice. One row per school and year; a new report replaces it (the
/// audit log keeps the previous figures).
#[derive(DeriveIden)]
enum SchoolReports {
    Table,
    Id,
    OrganizationId,
    Year,
    FullTimeTeachers,
    DualQualifiedTeachers,
    PracticeDays,
    ReportedBy,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use SchoolReports::{
            CreatedAt, DualQualifiedTeachers, FullTimeTeachers, Id, OrganizationId, PracticeDays, ReportedBy,
            UpdatedAt, Year,
        };
        manager
            .create_table(
                Table::create()
                    .table(SchoolReports::Table)
                    .col(big_pk_auto(Id))
                    .col(big_integer(OrganizationId))
                    .col(integer(Year).check(Expr::col(Year).gte(2000)))
                    .col(integer(FullTimeTeachers).check(Expr::col(FullTimeTeachers).gte(0)))
                    .col(integer(DualQualifiedTeachers).check(Expr::col(DualQualifiedTeachers).gte(0)))
                    .col(integer(PracticeDays).check(Expr::col(PracticeDays).gte(0)))
                    .col(big_integer_null(ReportedBy))
                    .col(timestamp_with_time_zone(CreatedAt))
                    .col(timestamp_with_time_zone(UpdatedAt))
                    .check((
                        "ck_school_reports_dual_within_total",
                        Expr::col(DualQualifiedTeachers).lte(Expr::col(FullTimeTeachers)),
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_school_reports_organization")
                            .from(SchoolReports::Table, OrganizationId)
                            .to(Organizations::Table, Organizations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_school_reports_reported_by")
                            .from(SchoolReports::Table, ReportedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_school_reports_school_year")
                    .table(SchoolReports::Table)
                    .col(OrganizationId)
                    .col(Year)
                    .unique()
                    .to_owned(),
            )
            .await?;
        crate::create_index(manager, "idx_school_reports_year", SchoolReports::Table, vec![Year]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(SchoolReports::Table).to_owned()).await
    }
}
