//! An organization's responsiveness, computed from the proposal history: every offer that
//! waited for its answer is a round (see the domain's `brokering::stats`).

use chanjiao_domain::brokering::{ResponseStats, Round, RoundEnd};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

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
    let mut rounds = Vec::new();
    for proposal in &involved {
        let side_of_org = if proposal.proposer_org_id == organization_id { "proposer" } else { "recipient" };
        // The open round: when it opened and whose answer it waits for.
        let mut open: Option<(chrono::DateTime<chrono::Utc>, &str)> = None;
        for event in events.iter().filter(|e| e.proposal_id == proposal.id) {
            let end = match event.action.as_str() {
                "counter" | "accept" | "decline" => Some(RoundEnd::Answered(event.at)),
                "expire" => Some(RoundEnd::Expired),
                "withdraw" => Some(RoundEnd::Withdrawn),
                _ => None,
            };
            if let (Some(end), Some((opened_at, awaiting))) = (end, open)
                && awaiting == side_of_org
            {
                rounds.push(Round { opened_at, end });
            }
            if end.is_some() {
                open = None;
            }
            match event.action.as_str() {
                "propose" => open = Some((event.at, "recipient")),
                "counter" => {
                    let by = event.side.as_deref().unwrap_or_default();
                    open = Some((event.at, if by == "proposer" { "recipient" } else { "proposer" }));
                }
                _ => {}
            }
        }
        if let Some((opened_at, awaiting)) = open
            && awaiting == side_of_org
        {
            rounds.push(Round { opened_at, end: RoundEnd::Open });
        }
    }
    Ok(ResponseStats::of(&rounds))
}
