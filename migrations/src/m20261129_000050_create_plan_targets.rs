use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::one_of;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The targets of a city's plan, imported from a file (`chanjiao targets import`). A city and
/// plan period are replaced as a whole; without any rows the embedded Shaoxing 2020–2024 targets
/// apply.
#[derive(DeriveIden)]
enum PlanTargets {
    Table,
    Id,
    CityCode,
    FirstYear,
    LastYear,
    TargetId,
    Position,
    NameZh,
    NameEn,
    Target,
    Unit,
    LeadUnit,
    ImportedAt,
}

const TARGET_IDS: &[&str] = &[
    "provincial_alliance",
    "demonstration_base",
    "pilot_enterprise",
    "engineering_project",
    "collaborative_education_project",
    "k12_career_base",
    "x_certificate_pilot_unit",
    "new_electronics_school",
    "vocational_education_park",
    "dual_qualified_teacher_ratio",
    "teacher_enterprise_practice",
];

const UNITS: &[&str] = &["count", "count (at least)", "ratio (at least)", "years per teacher (at least)"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use PlanTargets::{
            CityCode, FirstYear, Id, ImportedAt, LastYear, LeadUnit, NameEn, NameZh, Position, Target, TargetId, Unit,
        };
        manager
            .create_table(
                Table::create()
                    .table(PlanTargets::Table)
                    .col(big_pk_auto(Id))
                    .col(string_len(CityCode, 12))
                    .col(integer(FirstYear))
                    .col(integer(LastYear))
                    .col(string_len(TargetId, 40).check(one_of(TargetId, TARGET_IDS)))
                    .col(integer(Position))
                    .col(string_len(NameZh, 100))
                    .col(string_len(NameEn, 200))
                    .col(double(Target).check(Expr::col(Target).gt(0)))
                    .col(string_len(Unit, 40).check(one_of(Unit, UNITS)))
                    .col(string_len(LeadUnit, 100))
                    .col(timestamp_with_time_zone(ImportedAt))
                    .check(("ck_plan_targets_period", Expr::col(LastYear).gte(Expr::col(FirstYear))))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_plan_targets_city_period_target")
                    .table(PlanTargets::Table)
                    .col(CityCode)
                    .col(FirstYear)
                    .col(TargetId)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(PlanTargets::Table).to_owned()).await
    }
}
