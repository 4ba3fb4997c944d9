use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261129_000001_create_organizations::Organizations;
use crate::m20261129_000040_create_rounds::{RoundPlaces, Rounds};
use crate::one_of;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The personal data of a round, all deleted together after the retention period: students
/// (a pseudonym chosen by their school, never a name or an ID number), their preferences, the
/// enterprises' rankings of them and their results.
#[derive(DeriveIden)]
enum RoundStudents {
    Table,
    Id,
    RoundId,
    SchoolId,
    Pseudonym,
    ProgramCode,
    Level,
    ConsentAt,
    Response,
    RespondedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum RoundPreferences {
    Table,
    StudentId,
    PlaceId,
    Rank,
}

#[derive(DeriveIden)]
enum RoundRankings {
    Table,
    PlaceId,
    StudentId,
    Rank,
    InterviewScore,
    Unacceptable,
}

#[derive(DeriveIden)]
enum RoundResults {
    Table,
    StudentId,
    PlaceId,
    Choice,
    ExplanationZh,
    ExplanationEn,
}

fn to_student(table: impl IntoIden, name: &str, column: impl IntoIden) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(table, column)
        .to(RoundStudents::Table, RoundStudents::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

fn to_place(table: impl IntoIden, name: &str, column: impl IntoIden) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(table, column)
        .to(RoundPlaces::Table, RoundPlaces::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use RoundStudents::{
            ConsentAt, CreatedAt, Id, Level, ProgramCode, Pseudonym, RespondedAt, Response, RoundId, SchoolId,
        };
        manager
            .create_table(
                Table::create()
                    .table(RoundStudents::Table)
                    .col(big_pk_auto(Id))
                    .col(big_integer(RoundId))
                    .col(big_integer(SchoolId))
                    .col(string_len(Pseudonym, 40))
                    .col(string_len(ProgramCode, 16))
                    .col(
                        string_len(Level, 16)
                            .check(one_of(Level, &["zhongzhi", "gaozhi_zhuanke", "gaozhi_benke", "putong_benke"])),
                    )
                    .col(timestamp_with_time_zone(ConsentAt))
                    .col(string_len(Response, 16).check(one_of(Response, &["pending", "accepted", "declined"])))
                    .col(timestamp_with_time_zone_null(RespondedAt))
                    .col(timestamp_with_time_zone(CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_round_students_round")
                            .from(RoundStudents::Table, RoundId)
                            .to(Rounds::Table, Rounds::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_round_students_school")
                            .from(RoundStudents::Table, SchoolId)
                            .to(Organizations::Table, Organizations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_round_students_pseudonym")
                    .table(RoundStudents::Table)
                    .col(RoundId)
                    .col(SchoolId)
                    .col(Pseudonym)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RoundPreferences::Table)
                    .col(big_integer(RoundPreferences::StudentId))
                    .col(big_integer(RoundPreferences::PlaceId))
                    .col(integer(RoundPreferences::Rank))
                    .primary_key(Index::create().col(RoundPreferences::StudentId).col(RoundPreferences::PlaceId))
                    .check(("ck_round_preferences_rank", Expr::col(RoundPreferences::Rank).between(1, 20)))
                    .foreign_key(&mut to_student(
                        RoundPreferences::Table,
                        "fk_round_preferences_student",
                        RoundPreferences::StudentId,
                    ))
                    .foreign_key(&mut to_place(
                        RoundPreferences::Table,
                        "fk_round_preferences_place",
                        RoundPreferences::PlaceId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_round_preferences_rank")
                    .table(RoundPreferences::Table)
                    .col(RoundPreferences::StudentId)
                    .col(RoundPreferences::Rank)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RoundRankings::Table)
                    .col(big_integer(RoundRankings::PlaceId))
                    .col(big_integer(RoundRankings::StudentId))
                    .col(integer_null(RoundRankings::Rank))
                    .col(integer_null(RoundRankings::InterviewScore))
                    .col(boolean(RoundRankings::Unacceptable))
                    .primary_key(Index::create().col(RoundRankings::PlaceId).col(RoundRankings::StudentId))
                    .check(("ck_round_rankings_rank", Expr::col(RoundRankings::Rank).gt(0)))
                    .check(("ck_round_rankings_interview", Expr::col(RoundRankings::InterviewScore).between(0, 100)))
                    .foreign_key(&mut to_place(RoundRankings::Table, "fk_round_rankings_place", RoundRankings::PlaceId))
                    .foreign_key(&mut to_student(
                        RoundRankings::Table,
                        "fk_round_rankings_student",
                        RoundRankings::StudentId,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RoundResults::Table)
                    .col(big_integer(RoundResults::StudentId).primary_key())
                    .col(big_integer_null(RoundResults::PlaceId))
                    .col(integer_null(RoundResults::Choice))
                    .col(text(RoundResults::ExplanationZh))
                    .col(text(RoundResults::ExplanationEn))
                    .check((
                        "ck_round_results_choice",
                        Expr::col(RoundResults::PlaceId).is_null().and(Expr::col(RoundResults::Choice).is_null()).or(
                            Expr::col(RoundResults::PlaceId)
                                .is_not_null()
                                .and(Expr::col(RoundResults::Choice).between(1, 20)),
                        ),
                    ))
                    .foreign_key(&mut to_student(
                        RoundResults::Table,
                        "fk_round_results_student",
                        RoundResults::StudentId,
                    ))
                    .foreign_key(&mut to_place(RoundResults::Table, "fk_round_results_place", RoundResults::PlaceId))
                    .to_owned(),
            )
            .await?;
        crate::create_index(manager, "idx_round_results_place", RoundResults::Table, vec![RoundResults::PlaceId]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            RoundResults::Table.into_iden(),
            RoundRankings::Table.into_iden(),
            RoundPreferences::Table.into_iden(),
            RoundStudents::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
