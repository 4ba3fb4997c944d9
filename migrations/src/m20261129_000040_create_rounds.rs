use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261129_000001_create_organizations::Organizations;
use crate::m20261129_000002_create_users::Users;
use crate::m20261129_000005_create_postings::Postings;
use crate::one_of;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// An allocation round, opened by an authority or intermediary. `seed` is the lottery seed drawn
/// at creation; `report` the aggregate report of the last run (JSON), kept after the round's
/// personal data is deleted (`personal_data_deleted_at`).
#[derive(DeriveIden)]
pub(crate) enum Rounds {
    Table,
    Id,
    Name,
    OrganizerOrgId,
    ParentRoundId,
    Phase,
    Mechanism,
    Seed,
    PreferenceDeadline,
    ResponseDeadline,
    Report,
    CreatedBy,
    CreatedAt,
    RunAt,
    PublishedAt,
    ClosedAt,
    PersonalDataDeletedAt,
}

/// A place of a round: a published enterprise posting with the seats it offers in this round
/// (at most the posting's quantity) and how the enterprise ranks applicants.
#[derive(DeriveIden)]
pub(crate) enum RoundPlaces {
    Table,
    Id,
    RoundId,
    PostingId,
    OrganizationId,
    Capacity,
    RankingRule,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use Rounds::{
            ClosedAt, CreatedAt, CreatedBy, Id, Mechanism, Name, OrganizerOrgId, ParentRoundId, PersonalDataDeletedAt,
            Phase, PreferenceDeadline, PublishedAt, Report, ResponseDeadline, RunAt, Seed,
        };
        manager
            .create_table(
                Table::create()
                    .table(Rounds::Table)
                    .col(big_pk_auto(Id))
                    .col(string_len(Name, 200))
                    .col(big_integer(OrganizerOrgId))
                    .col(big_integer_null(ParentRoundId))
                    .col(
                        string_len(Phase, 16)
                            .check(one_of(Phase, &["draft", "collecting", "run", "published", "closed"])),
                    )
                    .col(
                        string_len(Mechanism, 24)
                            .check(one_of(Mechanism, &["student-proposing", "enterprise-proposing", "max-welfare"])),
                    )
                    .col(big_integer(Seed))
                    .col(timestamp_with_time_zone(PreferenceDeadline))
                    .col(timestamp_with_time_zone_null(ResponseDeadline))
                    .col(text_null(Report))
                    .col(big_integer_null(CreatedBy))
                    .col(timestamp_with_time_zone(CreatedAt))
                    .col(timestamp_with_time_zone_null(RunAt))
                    .col(timestamp_with_time_zone_null(PublishedAt))
                    .col(timestamp_with_time_zone_null(ClosedAt))
                    .col(timestamp_with_time_zone_null(PersonalDataDeletedAt))
                    .check(("ck_rounds_seed", Expr::col(Seed).gte(0)))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_rounds_organizer")
                            .from(Rounds::Table, OrganizerOrgId)
                            .to(Organizations::Table, Organizations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_rounds_parent")
                            .from(Rounds::Table, ParentRoundId)
                            .to(Rounds::Table, Rounds::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_rounds_created_by")
                            .from(Rounds::Table, CreatedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        crate::create_index(manager, "idx_rounds_organizer", Rounds::Table, vec![OrganizerOrgId, CreatedAt]).await?;

        use RoundPlaces::{Capacity, OrganizationId, PostingId, RankingRule, RoundId};
        manager
            .create_table(
                Table::create()
                    .table(RoundPlaces::Table)
                    .col(big_pk_auto(RoundPlaces::Id))
                    .col(big_integer(RoundId))
                    .col(big_integer(PostingId))
                    .col(big_integer(OrganizationId))
                    .col(integer(Capacity))
                    .col(string_len(RankingRule, 16).check(one_of(RankingRule, &["explicit", "scoring"])))
                    .check(("ck_round_places_capacity", Expr::col(Capacity).gt(0)))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_round_places_round")
                            .from(RoundPlaces::Table, RoundId)
                            .to(Rounds::Table, Rounds::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_round_places_posting")
                            .from(RoundPlaces::Table, PostingId)
                            .to(Postings::Table, Postings::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_round_places_organization")
                            .from(RoundPlaces::Table, OrganizationId)
                            .to(Organizations::Table, Organizations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_round_places_posting")
                    .table(RoundPlaces::Table)
                    .col(RoundId)
                    .col(PostingId)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(RoundPlaces::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Rounds::Table).to_owned()).await
    }
}
