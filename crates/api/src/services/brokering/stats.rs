//! An organization's responsiveness, computed from the proposal history: every offer that
//! waited for its answer is a round (see the domain's `brokering::stats`).

use chanjiao_domain::brokering::{EventKind, ProposalSide, ResponseStats, Round, RoundEnd};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::db::Stored;
use crate::entities::{proposal_events, proposals};
use crate::error::ApiError;

/// Response rate and median response time of `organization_id` as the answering side.
pub async fn response_stats(db: &impl ConnectionTrait, organization_id: i64) -> Result<ResponseStats, ApiError> {
    let involved = proposals::Entity::find()
        .filter(
            Condition::any()
                .add(proposals::Column::ProposerOrgId.eq(organization_id))
                .add(proposals::Column::RecipientOrgId.eq(organization_id)),
        )
        .all(db)
        .await?;
    if involved.is_empty() {
        return Ok(ResponseStats::default());
    }
    let events = proposal_events::Entity::find()
        .filter(proposal_events::Column::ProposalId.is_in(involved.iter().map(|p| p.id)))
        .order_by_asc(proposal_events::Column::ProposalId)
        .order_by_asc(proposal_events::Column::Id)
        .all(db)
        .await?;
    let mut counted = Vec::new();
    for proposal in &involved {
        let side_of_org =
            if proposal.proposer_org_id == organization_id { ProposalSide::Proposer } else { ProposalSide::Recipient };
        let history: Vec<&proposal_events::Model> = events.iter().filter(|e| e.proposal_id == proposal.id).collect();
        counted.extend(rounds(&history)?.into_iter().filter(|(side, _)| *side == side_of_org).map(|(_, r)| r));
    }
    Ok(ResponseStats::of(&counted))
}

/// The rounds of one proposal's history (its events in order), each with the side it waited
/// for: an offer opens a round for the other side; an answer, expiry or withdrawal closes it.
pub(crate) fn rounds(events: &[&proposal_events::Model]) -> Result<Vec<(ProposalSide, Round)>, ApiError> {
    let mut out = Vec::new();
    // The open round: when it opened and whose answer it waits for.
    let mut open: Option<(chrono::DateTime<chrono::Utc>, ProposalSide)> = None;
    for event in events {
        let kind = *event.action;
        let end = match kind {
            EventKind::Counter | EventKind::Accept | EventKind::Decline => Some(RoundEnd::Answered(event.at)),
            EventKind::Expire => Some(RoundEnd::Expired),
            EventKind::Withdraw => Some(RoundEnd::Withdrawn),
            EventKind::Propose | EventKind::Remind => None,
        };
        if let (Some(end), Some((opened_at, awaiting))) = (end, open) {
            out.push((awaiting, Round { opened_at, end }));
        }
        if end.is_some() {
            open = None;
        }
        match kind {
            EventKind::Propose => open = Some((event.at, ProposalSide::Recipient)),
            EventKind::Counter => {
                let by = event.side.map(Stored::into_inner);
                open = Some((event.at, by.unwrap_or(ProposalSide::Recipient).other()));
            }
            _ => {}
        }
    }
    if let Some((opened_at, awaiting)) = open {
        out.push((awaiting, Round { opened_at, end: RoundEnd::Open }));
    }
    Ok(out)
}
