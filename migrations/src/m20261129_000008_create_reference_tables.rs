use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Reference data that may be loaded but not shipped (see `chanjiao reference import`):
/// program profiles (职业教育专业简介), occupation definitions and tasks, and the national
/// program ↔ occupation crosswalk.
#[derive(DeriveIden)]
enum ProgramProfiles {
    Table,
    Code,
    Name,
    Occupations,
    Objective,
    Abilities,
    Courses,
    Certificates,
    FurtherStudy,
}

#[derive(DeriveIden)]
enum OccupationDetails {
    Table,
    Code,
    Definition,
    Tasks,
}

#[derive(DeriveIden)]
enum ProgramOccupations {
    Table,
    ProgramCode,
    OccupationCode,
    Level,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ProgramProfiles::Table)
                    .col(string_len(ProgramProfiles::Code, 16).primary_key())
                    .col(string_len(ProgramProfiles::Name, 100))
                    .col(text(ProgramProfiles::Occupations))
                    .col(text(ProgramProfiles::Objective))
                    .col(text(ProgramProfiles::Abilities))
                    .col(text(ProgramProfiles::Courses))
                    .col(text(ProgramProfiles::Certificates))
                    .col(text(ProgramProfiles::FurtherStudy))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OccupationDetails::Table)
                    .col(string_len(OccupationDetails::Code, 16).primary_key())
                    .col(text(OccupationDetails::Definition))
                    .col(text(OccupationDetails::Tasks))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ProgramOccupations::Table)
                    .col(string_len(ProgramOccupations::ProgramCode, 16))
                    .col(string_len(ProgramOccupations::OccupationCode, 16))
                    .col(string_len(ProgramOccupations::Level, 16))
                    .primary_key(
                        Index::create()
                            .col(ProgramOccupations::ProgramCode)
                            .col(ProgramOccupations::OccupationCode)
                            .col(ProgramOccupations::Level),
                    )
                    .to_owned(),
            )
            .await?;
        crate::create_index(
            manager,
            "idx_program_occupations_occupation",
            ProgramOccupations::Table,
            vec![ProgramOccupations::OccupationCode],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(ProgramOccupations::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(OccupationDetails::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(ProgramProfiles::Table).to_owned()).await
    }
}
