use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261129_000001_create_organizations::Organizations;
use crate::m20261129_000002_create_users::Users;
use crate::one_of;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Designations (认定) recorded by authorities, each feeding the plan target of its type. A
/// revoked designation stays, with who revoked it and why, and no longer counts. Evidence is a
/// document number or an https link; the CHECK makes the database refuse a row with neither.
#[derive(DeriveIden)]
enum Designations {
    Table,
    Id,
    DesignationType,
    OrganizationId,
    OrganizationName,
    RegionCode,
    Year,
    IssuingBody,
    DocumentNumber,
    EvidenceUrl,
    Note,
    CreatedBy,
    CreatedAt,
    RevokedBy,
    RevokedAt,
    RevokeReason,
}

const TYPES: &[&str] = &[
    "provincial_alliance",
    "demonstration_base",
    "pilot_enterprise",
    "engineering_project",
    "collaborative_education_project",
    "k12_career_base",
    "x_certificate_pilot_unit",
    "new_electronics_school",
    "vocational_education_park",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use Designations::{
            CreatedAt, CreatedBy, DesignationType, DocumentNumber, EvidenceUrl, Id, IssuingBody, Note, OrganizationId,
            OrganizationName, RegionCode, RevokeReason, RevokedAt, RevokedBy, Year,
        };
        let evidence =
            Condition::any().add(Expr::col(DocumentNumber).is_not_null()).add(Expr::col(EvidenceUrl).is_not_null());
        let revoked_with_reason =
            Condition::any().add(Expr::col(RevokedAt).is_null()).add(Expr::col(RevokeReason).is_not_null());
        manager
            .create_table(
                Table::create()
                    .table(Designations::Table)
                    .col(big_pk_auto(Id))
                    .col(string_len(DesignationType, 40).check(one_of(DesignationType, TYPES)))
                    .col(big_integer_null(OrganizationId))
                    .col(string_len(OrganizationName, 100))
                    .col(string_len(RegionCode, 12))
                    .col(integer(Year).check(Expr::col(Year).gte(2000)))
                    .col(string_len(IssuingBody, 100))
                    .col(string_len_null(DocumentNumber, 100))
                    .col(string_len_null(EvidenceUrl, 500))
                    .col(text_null(Note))
                    .col(big_integer_null(CreatedBy))
                    .col(timestamp_with_time_zone(CreatedAt))
                    .col(big_integer_null(RevokedBy))
                    .col(timestamp_with_time_zone_null(RevokedAt))
                    .col(text_null(RevokeReason))
                    .check(("ck_designations_evidence", evidence))
                    .check(("ck_designations_revoke_reason", revoked_with_reason))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_designations_organization")
                            .from(Designations::Table, OrganizationId)
                            .to(Organizations::Table, Organizations::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_designations_created_by")
                            .from(Designations::Table, CreatedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_designations_revoked_by")
                            .from(Designations::Table, RevokedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        crate::create_index(manager, "idx_designations_type_year", Designations::Table, vec![DesignationType, Year])
            .await?;
        crate::create_index(manager, "idx_designations_organization", Designations::Table, vec![OrganizationId]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Designations::Table).to_owned()).await
    }
}
