use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261129_000001_create_organizations::Organizations;
use crate::m20261129_000002_create_users::Users;
use crate::m20261129_000005_create_postings::Postings;
use crate::one_of;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A proposal of cooperation on a pair of postings. The current terms and the state of the
/// offer on the table are columns; every offer, answer, reminder and expiry is a row of
/// `proposal_events`, from which response statistics are computed.
#[derive(DeriveIden)]
enum Proposals {
    Table,
    Id,
    ProposerOrgId,
    RecipientOrgId,
    ProposerPostingId,
    RecipientPostingId,
    Status,
    Awaiting,
    Round,
    Deadline,
    Reminded,
    Message,
    Quantity,
    StartsOn,
    EndsOn,
    DeclineReason,
    DeclineNote,
    CreatedBy,
    OnBehalfOf,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ProposalEvents {
    Table,
    Id,
    ProposalId,
    At,
    Action,
    /// The side that acted (empty for the clock).
    Side,
    ActorUserId,
    /// The intermediary that acted for the side, if one did.
    OnBehalfOf,
    Message,
    Quantity,
    StartsOn,
    EndsOn,
    Note,
}

/// A cooperation project: what an accepted proposal became, with its outcomes.
#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum Projects {
    Table,
    Id,
    ProposalId,
    ProjectType,
    Status,
    Title,
    ProposerOrgId,
    RecipientOrgId,
    ProposerPostingId,
    RecipientPostingId,
    /// The intermediary that brokered it, if any.
    BrokerOrgId,
    Quantity,
    StartsOn,
    EndsOn,
    Placed,
    Hired,
    Retained6m,
    Retained12m,
    Certificates,
    PracticeHours,
    CreatedAt,
    UpdatedAt,
    StartedAt,
    CompletedAt,
    CancelledAt,
}

/// An organization's grant to an intermediary to post and propose on its behalf.
#[derive(DeriveIden)]
enum Delegations {
    Table,
    Id,
    OrganizationId,
    IntermediaryId,
    GrantedBy,
    GrantedAt,
    RevokedBy,
    RevokedAt,
}

/// An intermediary's notes on a client's case.
#[derive(DeriveIden)]
enum CaseNotes {
    Table,
    Id,
    IntermediaryId,
    ClientOrgId,
    AuthorUserId,
    Subject,
    Body,
    CreatedAt,
}

/// An assessor appointed to a completed project, and the assessment once submitted.
#[derive(DeriveIden)]
enum Assessments {
    Table,
    Id,
    ProjectId,
    AssessorOrgId,
    AppointedBy,
    AppointedAt,
    SubmittedBy,
    SubmittedAt,
    Scores,
    Mean,
    Comment,
    Evidence,
}

#[derive(DeriveIden)]
enum PostingsPlaced {
    Placed,
}

const PROPOSAL_STATUSES: &[&str] = &["open", "accepted", "declined", "withdrawn", "expired"];
const SIDES: &[&str] = &["proposer", "recipient"];
const PROJECT_TYPES: &[&str] = &[
    "apprenticeship_cohort",
    "order_class",
    "training_base_placement",
    "teacher_practice",
    "technician_teaching",
    "employee_training",
    "job_placement",
    "rnd",
];

fn fk(
    name: &str,
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
) -> ForeignKeyCreateStatement {
    ForeignKey::create().name(name).from(from.0, from.1).to(to.0, to.1).on_delete(ForeignKeyAction::Cascade).to_owned()
}

fn user_fk(name: &str, from: (impl IntoIden, impl IntoIden)) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(Users::Table, Users::Id)
        .on_delete(ForeignKeyAction::SetNull)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Proposals::Table)
                    .col(big_pk_auto(Proposals::Id))
                    .col(big_integer(Proposals::ProposerOrgId))
                    .col(big_integer(Proposals::RecipientOrgId))
                    .col(big_integer(Proposals::ProposerPostingId))
                    .col(big_integer(Proposals::RecipientPostingId))
                    .col(string_len(Proposals::Status, 16).check(one_of(Proposals::Status, PROPOSAL_STATUSES)))
                    .col(string_len(Proposals::Awaiting, 16).check(one_of(Proposals::Awaiting, SIDES)))
                    .col(integer(Proposals::Round))
                    .col(timestamp_with_time_zone(Proposals::Deadline))
                    .col(boolean(Proposals::Reminded))
                    .col(text(Proposals::Message))
                    .col(big_integer_null(Proposals::Quantity))
                    .col(date_null(Proposals::StartsOn))
                    .col(date_null(Proposals::EndsOn))
                    .col(string_len_null(Proposals::DeclineReason, 32))
                    .col(text_null(Proposals::DeclineNote))
                    .col(big_integer_null(Proposals::CreatedBy))
                    .col(big_integer_null(Proposals::OnBehalfOf))
                    .col(timestamp_with_time_zone(Proposals::CreatedAt))
                    .col(timestamp_with_time_zone(Proposals::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_proposals_proposer",
                        (Proposals::Table, Proposals::ProposerOrgId),
                        (Organizations::Table, Organizations::Id),
                    ))
                    .foreign_key(&mut fk(
                        "fk_proposals_recipient",
                        (Proposals::Table, Proposals::RecipientOrgId),
                        (Organizations::Table, Organizations::Id),
                    ))
                    .foreign_key(&mut fk(
                        "fk_proposals_proposer_posting",
                        (Proposals::Table, Proposals::ProposerPostingId),
                        (Postings::Table, Postings::Id),
                    ))
                    .foreign_key(&mut fk(
                        "fk_proposals_recipient_posting",
                        (Proposals::Table, Proposals::RecipientPostingId),
                        (Postings::Table, Postings::Id),
                    ))
                    .foreign_key(&mut user_fk("fk_proposals_created_by", (Proposals::Table, Proposals::CreatedBy)))
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            ("idx_proposals_recipient", vec![Proposals::RecipientOrgId, Proposals::Status]),
            ("idx_proposals_proposer", vec![Proposals::ProposerOrgId, Proposals::Status]),
            ("idx_proposals_due", vec![Proposals::Status, Proposals::Deadline]),
        ] {
            crate::create_index(manager, name, Proposals::Table, columns).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(ProposalEvents::Table)
                    .col(big_pk_auto(ProposalEvents::Id))
                    .col(big_integer(ProposalEvents::ProposalId))
                    .col(timestamp_with_time_zone(ProposalEvents::At))
                    .col(string_len(ProposalEvents::Action, 16).check(one_of(
                        ProposalEvents::Action,
                        &["propose", "counter", "accept", "decline", "withdraw", "remind", "expire"],
                    )))
                    .col(string_len_null(ProposalEvents::Side, 16))
                    .col(big_integer_null(ProposalEvents::ActorUserId))
                    .col(big_integer_null(ProposalEvents::OnBehalfOf))
                    .col(text_null(ProposalEvents::Message))
                    .col(big_integer_null(ProposalEvents::Quantity))
                    .col(date_null(ProposalEvents::StartsOn))
                    .col(date_null(ProposalEvents::EndsOn))
                    .col(text_null(ProposalEvents::Note))
                    .foreign_key(&mut fk(
                        "fk_proposal_events_proposal",
                        (ProposalEvents::Table, ProposalEvents::ProposalId),
                        (Proposals::Table, Proposals::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        crate::create_index(
            manager,
            "idx_proposal_events_proposal",
            ProposalEvents::Table,
            vec![ProposalEvents::ProposalId, ProposalEvents::Id],
        )
        .await?;
        let count = |column: Projects| integer_null(column).check(Expr::col(column).gte(0)).to_owned();
        manager
            .create_table(
                Table::create()
                    .table(Projects::Table)
                    .col(big_pk_auto(Projects::Id))
                    .col(big_integer_uniq(Projects::ProposalId))
                    .col(string_len(Projects::ProjectType, 32).check(one_of(Projects::ProjectType, PROJECT_TYPES)))
                    .col(
                        string_len(Projects::Status, 16)
                            .check(one_of(Projects::Status, &["agreed", "active", "completed", "cancelled"])),
                    )
                    .col(string_len(Projects::Title, 300))
                    .col(big_integer(Projects::ProposerOrgId))
                    .col(big_integer(Projects::RecipientOrgId))
                    .col(big_integer(Projects::ProposerPostingId))
                    .col(big_integer(Projects::RecipientPostingId))
                    .col(big_integer_null(Projects::BrokerOrgId))
                    .col(big_integer_null(Projects::Quantity))
                    .col(date_null(Projects::StartsOn))
                    .col(date_null(Projects::EndsOn))
                    .col(count(Projects::Placed))
                    .col(count(Projects::Hired))
                    .col(count(Projects::Retained6m))
                    .col(count(Projects::Retained12m))
                    .col(count(Projects::Certificates))
                    .col(count(Projects::PracticeHours))
                    .col(timestamp_with_time_zone(Projects::CreatedAt))
                    .col(timestamp_with_time_zone(Projects::UpdatedAt))
                    .col(timestamp_with_time_zone_null(Projects::StartedAt))
                    .col(timestamp_with_time_zone_null(Projects::CompletedAt))
                    .col(timestamp_with_time_zone_null(Projects::CancelledAt))
                    .foreign_key(&mut fk(
                        "fk_projects_proposal",
                        (Projects::Table, Projects::ProposalId),
                        (Proposals::Table, Proposals::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            ("idx_projects_proposer", vec![Projects::ProposerOrgId, Projects::Status]),
            ("idx_projects_recipient", vec![Projects::RecipientOrgId, Projects::Status]),
            ("idx_projects_status", vec![Projects::Status, Projects::ProjectType]),
        ] {
            crate::create_index(manager, name, Projects::Table, columns).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(Delegations::Table)
                    .col(big_pk_auto(Delegations::Id))
                    .col(big_integer(Delegations::OrganizationId))
                    .col(big_integer(Delegations::IntermediaryId))
                    .col(big_integer_null(Delegations::GrantedBy))
                    .col(timestamp_with_time_zone(Delegations::GrantedAt))
                    .col(big_integer_null(Delegations::RevokedBy))
                    .col(timestamp_with_time_zone_null(Delegations::RevokedAt))
                    .foreign_key(&mut fk(
                        "fk_delegations_organization",
                        (Delegations::Table, Delegations::OrganizationId),
                        (Organizations::Table, Organizations::Id),
                    ))
                    .foreign_key(&mut fk(
                        "fk_delegations_intermediary",
                        (Delegations::Table, Delegations::IntermediaryId),
                        (Organizations::Table, Organizations::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        crate::create_index(
            manager,
            "idx_delegations_pair",
            Delegations::Table,
            vec![Delegations::IntermediaryId, Delegations::OrganizationId],
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(CaseNotes::Table)
                    .col(big_pk_auto(CaseNotes::Id))
                    .col(big_integer(CaseNotes::IntermediaryId))
                    .col(big_integer(CaseNotes::ClientOrgId))
                    .col(big_integer_null(CaseNotes::AuthorUserId))
                    .col(string_len_null(CaseNotes::Subject, 64))
                    .col(text(CaseNotes::Body))
                    .col(timestamp_with_time_zone(CaseNotes::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_case_notes_intermediary",
                        (CaseNotes::Table, CaseNotes::IntermediaryId),
                        (Organizations::Table, Organizations::Id),
                    ))
                    .foreign_key(&mut fk(
                        "fk_case_notes_client",
                        (CaseNotes::Table, CaseNotes::ClientOrgId),
                        (Organizations::Table, Organizations::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        crate::create_index(
            manager,
            "idx_case_notes_client",
            CaseNotes::Table,
            vec![CaseNotes::IntermediaryId, CaseNotes::ClientOrgId],
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(Assessments::Table)
                    .col(big_pk_auto(Assessments::Id))
                    .col(big_integer(Assessments::ProjectId))
                    .col(big_integer(Assessments::AssessorOrgId))
                    .col(big_integer_null(Assessments::AppointedBy))
                    .col(timestamp_with_time_zone(Assessments::AppointedAt))
                    .col(big_integer_null(Assessments::SubmittedBy))
                    .col(timestamp_with_time_zone_null(Assessments::SubmittedAt))
                    .col(text_null(Assessments::Scores))
                    .col(double_null(Assessments::Mean))
                    .col(text_null(Assessments::Comment))
                    .col(text_null(Assessments::Evidence))
                    .foreign_key(&mut fk(
                        "fk_assessments_project",
                        (Assessments::Table, Assessments::ProjectId),
                        (Projects::Table, Projects::Id),
                    ))
                    .foreign_key(&mut fk(
                        "fk_assessments_assessor",
                        (Assessments::Table, Assessments::AssessorOrgId),
                        (Organizations::Table, Organizations::Id),
                    ))
                    .index(Index::create().unique().col(Assessments::ProjectId).col(Assessments::AssessorOrgId))
                    .to_owned(),
            )
            .await?;
        crate::create_index(manager, "idx_assessments_assessor", Assessments::Table, vec![Assessments::AssessorOrgId])
            .await?;
        // People placed through completed projects, against the posting's quantity.
        manager
            .alter_table(
                Table::alter().table(Postings::Table).add_column(integer(PostingsPlaced::Placed).default(0)).to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table(Postings::Table).drop_column(PostingsPlaced::Placed).to_owned())
            .await?;
        for table in [
            Assessments::Table.into_iden(),
            CaseNotes::Table.into_iden(),
            Delegations::Table.into_iden(),
            Projects::Table.into_iden(),
            ProposalEvents::Table.into_iden(),
            Proposals::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
