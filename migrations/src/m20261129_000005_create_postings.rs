use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261129_000001_create_organizations::Organizations;
use crate::m20261129_000002_create_users::Users;
use crate::one_of;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// All offers and needs of every kind in one table. The columns that listings filter and sort on
/// are promoted; the whole posting, as the domain parses it, is kept in `details` (JSON text),
/// so adding a field to a kind needs no schema change.
#[derive(DeriveIden)]
pub(crate) enum Postings {
    Table,
    Id,
    OrganizationId,
    Side,
    Kind,
    Status,
    Title,
    RegionCode,
    StartsOn,
    EndsOn,
    Quantity,
    EducationLevel,
    Details,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
    PublishedAt,
}

/// The codes a posting carries (programs, occupations, industry clusters), one row each, so
/// listings can filter by them with an index.
#[derive(DeriveIden)]
enum PostingCodes {
    Table,
    PostingId,
    CodeType,
    Code,
}

pub(crate) const KINDS: &[&str] = &[
    "job",
    "apprenticeship",
    "order_class",
    "training_base_hosted",
    "teacher_practice_post",
    "technician_to_campus",
    "employee_training",
    "rnd_cooperation",
    "program_offering",
    "practice_place_need",
    "teacher_practice_need",
    "teaching_need",
    "training_course",
    "research_capability",
    "shared_training_base",
    "k12_career_base",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Postings::Table)
                    .col(big_pk_auto(Postings::Id))
                    .col(big_integer(Postings::OrganizationId))
                    .col(string_len(Postings::Side, 16).check(one_of(Postings::Side, &["enterprise", "school"])))
                    .col(string_len(Postings::Kind, 32).check(one_of(Postings::Kind, KINDS)))
                    .col(string_len(Postings::Status, 16).check(one_of(
                        Postings::Status,
                        &["draft", "published", "paused", "closed", "filled", "expired"],
                    )))
                    .col(string_len(Postings::Title, 200))
                    .col(string_len(Postings::RegionCode, 12))
                    .col(date_null(Postings::StartsOn))
                    .col(date_null(Postings::EndsOn))
                    .col(big_integer_null(Postings::Quantity))
                    .col(string_len_null(Postings::EducationLevel, 16))
                    .col(text(Postings::Details))
                    .col(big_integer_null(Postings::CreatedBy))
                    .col(timestamp_with_time_zone(Postings::CreatedAt))
                    .col(timestamp_with_time_zone(Postings::UpdatedAt))
                    .col(timestamp_with_time_zone_null(Postings::PublishedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_postings_organization")
                            .from(Postings::Table, Postings::OrganizationId)
                            .to(Organizations::Table, Organizations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_postings_created_by")
                            .from(Postings::Table, Postings::CreatedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            ("idx_postings_status_kind", vec![Postings::Status, Postings::Kind]),
            ("idx_postings_organization", vec![Postings::OrganizationId, Postings::Status]),
            ("idx_postings_region", vec![Postings::RegionCode]),
            ("idx_postings_ends_on", vec![Postings::Status, Postings::EndsOn]),
        ] {
            crate::create_index(manager, name, Postings::Table, columns).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(PostingCodes::Table)
                    .col(big_integer(PostingCodes::PostingId))
                    .col(
                        string_len(PostingCodes::CodeType, 16)
                            .check(one_of(PostingCodes::CodeType, &["program", "occupation", "cluster"])),
                    )
                    .col(string_len(PostingCodes::Code, 32))
                    .primary_key(
                        Index::create()
                            .col(PostingCodes::PostingId)
                            .col(PostingCodes::CodeType)
                            .col(PostingCodes::Code),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_posting_codes_posting")
                            .from(PostingCodes::Table, PostingCodes::PostingId)
                            .to(Postings::Table, Postings::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        crate::create_index(
            manager,
            "idx_posting_codes_code",
            PostingCodes::Table,
            vec![PostingCodes::CodeType, PostingCodes::Code],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(PostingCodes::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Postings::Table).to_owned()).await
    }
}
