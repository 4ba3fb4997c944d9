//! What proposals and projects look like to the API and pages: the rows with the names of the
//! organizations and postings behind them, labels in both languages, and what the viewer may
//! do next, and who may see something between organizations.

use std::collections::{HashMap, HashSet};

use chanjiao_domain::OrgKind;
use chanjiao_domain::access::Power;
use chanjiao_domain::brokering::{DeclineReason, ProjectStatus, ProjectType, ProposalSide, ProposalStatus};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use crate::auth::CurrentUser;
use crate::db::Stored;
use crate::entities::{delegations, organizations, postings, projects, proposal_events, proposals};
use crate::error::ApiError;

/// Whether `user` may see something between organizations `parties`: a party itself, an
/// intermediary holding an active grant from a party, or someone who oversees everything.
pub async fn may_see(db: &impl ConnectionTrait, user: &CurrentUser, parties: &[i64]) -> Result<bool, ApiError> {
    if user.may(Power::OverseeCity) || user.organization_id().is_some_and(|org| parties.contains(&org)) {
        return Ok(true);
    }
    match user.home_organization() {
        Some(home) if home.kind == OrgKind::Intermediary => Ok(delegations::Entity::find()
            .filter(delegations::Column::IntermediaryId.eq(home.id))
            .filter(delegations::Column::OrganizationId.is_in(parties.iter().copied()))
            .filter(delegations::Column::RevokedAt.is_null())
            .one(db)
            .await?
            .is_some()),
        _ => Ok(false),
    }
}

/// One side of a proposal or project.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PartyView {
    pub organization_id: i64,
    pub organization_name: String,
    pub posting_id: i64,
    pub posting_title: String,
    pub posting_kind: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EventView {
    pub at: DateTime<Utc>,
    pub action: String,
    pub side: Option<String>,
    /// The intermediary that acted for the side, by name.
    pub on_behalf_of: Option<String>,
    pub message: Option<String>,
    pub quantity: Option<i64>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProposalView {
    pub id: i64,
    pub status: ProposalStatus,
    pub status_label: &'static str,
    pub awaiting: ProposalSide,
    pub round: i32,
    pub deadline: DateTime<Utc>,
    pub message: String,
    pub quantity: Option<i64>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub decline_reason: Option<DeclineReason>,
    pub decline_reason_label: Option<&'static str>,
    pub decline_note: Option<String>,
    pub proposer: PartyView,
    pub recipient: PartyView,
    /// The intermediary that made the proposal for the proposer, by name.
    pub on_behalf_of: Option<String>,
    /// The viewer's side, if they are a party.
    pub my_side: Option<ProposalSide>,
    pub may_answer: bool,
    pub may_withdraw: bool,
    pub project_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The history, oldest first; only in a single proposal's view.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<EventView>,
}

/// Names of organizations and titles and kinds of postings, fetched once for many rows.
pub(crate) struct Names {
    orgs: HashMap<i64, String>,
    postings: HashMap<i64, (String, String)>,
}

impl Names {
    pub(crate) async fn load(
        db: &impl ConnectionTrait,
        org_ids: impl IntoIterator<Item = i64>,
        posting_ids: impl IntoIterator<Item = i64>,
    ) -> Result<Names, ApiError> {
        let org_ids: HashSet<i64> = org_ids.into_iter().collect();
        let posting_ids: HashSet<i64> = posting_ids.into_iter().collect();
        let orgs = organizations::Entity::find()
            .filter(organizations::Column::Id.is_in(org_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|o| (o.id, o.name))
            .collect();
        let postings = postings::Entity::find()
            .filter(postings::Column::Id.is_in(posting_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|p| (p.id, (p.title, p.kind.as_str().to_owned())))
            .collect();
        Ok(Names { orgs, postings })
    }

    pub(crate) fn org(&self, id: i64) -> String {
        self.orgs.get(&id).cloned().unwrap_or_default()
    }

    pub(crate) fn party(&self, organization_id: i64, posting_id: i64) -> PartyView {
        let (title, kind) = self.postings.get(&posting_id).cloned().unwrap_or_default();
        PartyView {
            organization_id,
            organization_name: self.org(organization_id),
            posting_id,
            posting_title: title,
            posting_kind: kind,
        }
    }
}

fn proposal_view(
    row: proposals::Model,
    names: &Names,
    user: &CurrentUser,
    project_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<ProposalView, ApiError> {
    let status = *row.status;
    let awaiting = *row.awaiting;
    let my_side = super::proposals::side_of(&row, user);
    let open = status == ProposalStatus::Open && now <= row.deadline;
    let decline_reason = row.decline_reason.map(Stored::into_inner);
    Ok(ProposalView {
        id: row.id,
        status,
        status_label: status.zh(),
        awaiting,
        round: row.round,
        deadline: row.deadline,
        message: row.message,
        quantity: row.quantity,
        starts_on: row.starts_on,
        ends_on: row.ends_on,
        decline_reason,
        decline_reason_label: decline_reason.map(DeclineReason::zh),
        decline_note: row.decline_note,
        proposer: names.party(row.proposer_org_id, row.proposer_posting_id),
        recipient: names.party(row.recipient_org_id, row.recipient_posting_id),
        on_behalf_of: row.on_behalf_of.map(|id| names.org(id)),
        my_side,
        may_answer: open && my_side == Some(awaiting),
        may_withdraw: open && my_side == Some(awaiting.other()),
        project_id,
        created_at: row.created_at,
        updated_at: row.updated_at,
        events: Vec::new(),
    })
}

/// Many proposals, as a list shows them.
pub async fn proposals(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    rows: Vec<proposals::Model>,
    now: DateTime<Utc>,
) -> Result<Vec<ProposalView>, ApiError> {
    let names = Names::load(
        db,
        rows.iter().flat_map(|r| [r.proposer_org_id, r.recipient_org_id].into_iter().chain(r.on_behalf_of)),
        rows.iter().flat_map(|r| [r.proposer_posting_id, r.recipient_posting_id]),
    )
    .await?;
    let projects: HashMap<i64, i64> = projects::Entity::find()
        .filter(projects::Column::ProposalId.is_in(rows.iter().map(|r| r.id)))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.proposal_id, p.id))
        .collect();
    rows.into_iter()
        .map(|row| {
            let project = projects.get(&row.id).copied();
            proposal_view(row, &names, user, project, now)
        })
        .collect()
}

/// One proposal, with its history when `history` is set.
pub async fn proposal(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    row: proposals::Model,
    history: bool,
    now: DateTime<Utc>,
) -> Result<ProposalView, ApiError> {
    let id = row.id;
    let mut view = proposals(db, user, vec![row], now).await?.pop().ok_or(ApiError::NotFound)?;
    if history {
        let events = proposal_events::Entity::find()
            .filter(proposal_events::Column::ProposalId.eq(id))
            .order_by_asc(proposal_events::Column::Id)
            .all(db)
            .await?;
        let names = Names::load(db, events.iter().filter_map(|e| e.on_behalf_of), []).await?;
        view.events = events
            .into_iter()
            .map(|e| EventView {
                at: e.at,
                action: e.action.as_str().to_owned(),
                side: e.side.map(|side| side.as_str().to_owned()),
                on_behalf_of: e.on_behalf_of.map(|id| names.org(id)),
                message: e.message,
                quantity: e.quantity,
                starts_on: e.starts_on,
                ends_on: e.ends_on,
                note: e.note,
            })
            .collect();
    }
    Ok(view)
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProjectView {
    pub id: i64,
    pub proposal_id: i64,
    pub project_type: ProjectType,
    pub type_label: &'static str,
    pub status: ProjectStatus,
    pub status_label: &'static str,
    pub title: String,
    pub proposer: PartyView,
    pub recipient: PartyView,
    pub broker: Option<String>,
    pub quantity: Option<i64>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub outcomes: chanjiao_domain::brokering::Outcomes,
    /// Whether the viewer is a participant (and may start, complete, cancel, record outcomes).
    pub participant: bool,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
}

pub async fn projects(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    rows: Vec<projects::Model>,
) -> Result<Vec<ProjectView>, ApiError> {
    let names = Names::load(
        db,
        rows.iter().flat_map(|r| [r.proposer_org_id, r.recipient_org_id].into_iter().chain(r.broker_org_id)),
        rows.iter().flat_map(|r| [r.proposer_posting_id, r.recipient_posting_id]),
    )
    .await?;
    let count = |v: Option<i32>| v.and_then(|v| u32::try_from(v).ok());
    rows.into_iter()
        .map(|row| {
            let project_type = *row.project_type;
            let status = *row.status;
            let participant =
                user.organization_id().is_some_and(|org| org == row.proposer_org_id || org == row.recipient_org_id);
            Ok(ProjectView {
                id: row.id,
                proposal_id: row.proposal_id,
                project_type,
                type_label: project_type.zh(),
                status,
                status_label: status.zh(),
                title: row.title,
                proposer: names.party(row.proposer_org_id, row.proposer_posting_id),
                recipient: names.party(row.recipient_org_id, row.recipient_posting_id),
                broker: row.broker_org_id.map(|id| names.org(id)),
                quantity: row.quantity,
                starts_on: row.starts_on,
                ends_on: row.ends_on,
                outcomes: chanjiao_domain::brokering::Outcomes {
                    placed: count(row.placed),
                    hired: count(row.hired),
                    retained_6m: count(row.retained6m),
                    retained_12m: count(row.retained12m),
                    certificates: count(row.certificates),
                    practice_hours: count(row.practice_hours),
                },
                participant,
                created_at: row.created_at,
                started_at: row.started_at,
                completed_at: row.completed_at,
                cancelled_at: row.cancelled_at,
            })
        })
        .collect()
}
