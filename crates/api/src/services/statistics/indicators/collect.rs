//! Reads the brokering record of a set of organizations and fills each one's effectiveness
//! indicators with the domain's formulas. Every query is bounded by the filter's year in SQL
//! (and selects only the columns it needs); organizations are matched in memory through a map,
//! so no query carries a list of every organization's id. Published postings are counted in SQL,
//! not read: only matched postings are read, by id in chunks.
//!
//! Who an intermediary's figures belong to: the proposals it made or answered for a client
//! (`proposals.on_behalf_of`, `proposal_events.on_behalf_of`), the postings its members published
//! for clients (`postings.created_by` is a member of the intermediary) and the projects it
//! brokered (`projects.broker_org_id`). docs/statistics.md states every definition.

use std::collections::{HashMap, HashSet};

use chanjiao_domain::brokering::{ProjectStatus, ProposalSide, ResponseStats, Round};
use chanjiao_domain::statistics::indicators::mean;
use chanjiao_domain::statistics::{MatchTiming, OrgIndicators, OutcomeTotals, ProjectOutcome, TimeToMatch};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;

use super::super::filter::Filter;
use super::year_window;
use crate::entities::{assessments, postings, projects, proposal_events, proposals, users};
use crate::error::ApiError;
use crate::services::brokering::stats::rounds;
use crate::services::organizations::Organization;

/// One organization's indicators with the counts behind them.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = LeagueFigures)]
pub struct Figures {
    pub organization: OrgRef,
    pub indicators: OrgIndicators,
    pub responses: ResponseStats,
    pub matching: TimeToMatch,
    pub outcomes: OutcomeTotals,
    /// Submitted third-party assessments counted in the mean.
    pub assessments: u32,
    /// Whether it did anything in the period: published a posting, took part in a proposal
    /// round or completed a project.
    pub active: bool,
}

/// An organization as the league names it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = LeagueOrganization)]
pub struct OrgRef {
    pub id: i64,
    pub name: String,
    pub kind: chanjiao_domain::OrgKind,
    pub region: String,
    pub region_name: String,
}

#[derive(Default)]
struct Tally {
    rounds: Vec<Round>,
    /// Postings published in the period (counted in SQL).
    published: u32,
    /// The matched ones among them, with when they were published and first matched.
    timings: Vec<MatchTiming>,
    outcomes: Vec<ProjectOutcome>,
    scores: Vec<f64>,
}

/// The figures of `organizations` in the filter's year (the district was applied when they were
/// chosen), in the order given.
pub async fn figures(
    db: &impl ConnectionTrait,
    organizations: Vec<Organization>,
    filter: &Filter,
) -> Result<Vec<Figures>, ApiError> {
    let window = filter.year.map(year_window);
    let wanted: HashSet<i64> = organizations.iter().map(|o| o.id).collect();
    let mut tallies: HashMap<i64, Tally> = HashMap::new();
    response_rounds(db, &wanted, window, &mut tallies).await?;
    match_timings(db, &wanted, window, &mut tallies).await?;
    outcomes(db, &wanted, window, &mut tallies).await?;
    Ok(organizations
        .into_iter()
        .map(|org| {
            let tally = tallies.remove(&org.id).unwrap_or_default();
            let responses = ResponseStats::of(&tally.rounds);
            let mut matching = TimeToMatch::of(&tally.timings);
            // `timings` holds the matched postings only; the others were counted, not read.
            matching.unmatched = tally.published.saturating_sub(matching.matched);
            let outcomes = OutcomeTotals::of(&tally.outcomes);
            let indicators = OrgIndicators {
                response_rate: responses.rate,
                median_days_to_match: matching.median_days,
                placements: outcomes.placed,
                hires: outcomes.hired,
                retention_6m: outcomes.retention_6m,
                retention_12m: outcomes.retention_12m,
                mean_assessment: mean(&tally.scores),
                practice_hours: outcomes.practice_hours.map(|h| h as f64),
                // Schools' full-time teacher numbers are not recorded yet; see docs/statistics.md.
                practice_hours_per_teacher: None,
            };
            let active = !tally.rounds.is_empty() || tally.published > 0 || !tally.outcomes.is_empty();
            Figures {
                organization: OrgRef {
                    id: org.id,
                    name: org.name,
                    kind: org.kind,
                    region: org.region,
                    region_name: org.region_name,
                },
                indicators,
                responses,
                matching,
                outcomes,
                assessments: tally.scores.len() as u32,
                active,
            }
        })
        .collect())
}

fn within(at: DateTime<Utc>, window: Option<(DateTime<Utc>, DateTime<Utc>)>) -> bool {
    window.is_none_or(|(start, end)| at >= start && at < end)
}

/// Rounds opened in the year, counted for the organization on the side they waited for, and
/// for an intermediary that acted for that side on the proposal.
async fn response_rounds(
    db: &impl ConnectionTrait,
    wanted: &HashSet<i64>,
    window: Option<(DateTime<Utc>, DateTime<Utc>)>,
    tallies: &mut HashMap<i64, Tally>,
) -> Result<(), ApiError> {
    // A round opened in the year belongs to a proposal made before the year ended and last
    // changed after it began.
    let mut chosen = Query::select();
    chosen.column(proposals::Column::Id).from(proposals::Entity);
    let mut select = proposals::Entity::find();
    if let Some((start, end)) = window {
        chosen.and_where(proposals::Column::CreatedAt.lt(end));
        chosen.and_where(proposals::Column::UpdatedAt.gte(start));
        select = select.filter(proposals::Column::CreatedAt.lt(end)).filter(proposals::Column::UpdatedAt.gte(start));
    }
    let rows: Vec<(i64, i64, i64, Option<i64>)> = select
        .select_only()
        .columns([
            proposals::Column::Id,
            proposals::Column::ProposerOrgId,
            proposals::Column::RecipientOrgId,
            proposals::Column::OnBehalfOf,
        ])
        .into_tuple()
        .all(db)
        .await?;
    if rows.is_empty() {
        return Ok(());
    }
    let events = proposal_events::Entity::find()
        .filter(proposal_events::Column::ProposalId.in_subquery(chosen))
        .order_by_asc(proposal_events::Column::ProposalId)
        .order_by_asc(proposal_events::Column::Id)
        .all(db)
        .await?;
    let mut by_proposal: HashMap<i64, Vec<&proposal_events::Model>> = HashMap::new();
    for event in &events {
        by_proposal.entry(event.proposal_id).or_default().push(event);
    }
    for (id, proposer, recipient, made_for) in rows {
        let history = by_proposal.remove(&id).unwrap_or_default();
        // Who answers for each side: the side itself, and any intermediary that acted for it.
        let mut answerers: Vec<(ProposalSide, i64)> =
            vec![(ProposalSide::Proposer, proposer), (ProposalSide::Recipient, recipient)];
        if let Some(intermediary) = made_for {
            answerers.push((ProposalSide::Proposer, intermediary));
        }
        for event in &history {
            if let (Some(intermediary), Some(side)) = (event.on_behalf_of, event.side.map(|side| *side))
                && !answerers.contains(&(side, intermediary))
            {
                answerers.push((side, intermediary));
            }
        }
        for (side, round) in rounds(&history)? {
            if !within(round.opened_at, window) {
                continue;
            }
            for &(answering, org) in &answerers {
                if answering == side && wanted.contains(&org) {
                    tallies.entry(org).or_default().rounds.push(round);
                }
            }
        }
    }
    Ok(())
}

/// A posting's id, owner, author and publication time.
type PublishedPosting = (i64, i64, Option<i64>, Option<DateTime<Utc>>);

/// How many ids one `IN (…)` list carries: SQLite allows 32,766 bound values per statement.
const IN_CHUNK: usize = 5_000;

/// Postings published in the year and when each was first matched (its first accepted
/// proposal, on either side), for their organization and for an intermediary whose member
/// published them for a client.
///
/// The published postings are counted in SQL (`GROUP BY` owner, and author for intermediaries'
/// members); only the matched ones are read, since the median is over them alone. Reading every
/// published posting into memory took seconds at a million postings.
async fn match_timings(
    db: &impl ConnectionTrait,
    wanted: &HashSet<i64>,
    window: Option<(DateTime<Utc>, DateTime<Utc>)>,
    tallies: &mut HashMap<i64, Tally>,
) -> Result<(), ApiError> {
    let published = || {
        let select = postings::Entity::find().filter(postings::Column::PublishedAt.is_not_null());
        match window {
            Some((start, end)) => {
                select.filter(postings::Column::PublishedAt.gte(start)).filter(postings::Column::PublishedAt.lt(end))
            }
            None => select,
        }
    };
    let per_owner: Vec<(i64, i64)> = published()
        .select_only()
        .column(postings::Column::OrganizationId)
        .column_as(postings::Column::Id.count(), "published")
        .group_by(postings::Column::OrganizationId)
        .into_tuple()
        .all(db)
        .await?;
    for (owner, count) in per_owner {
        if wanted.contains(&owner) {
            tallies.entry(owner).or_default().published += u32::try_from(count).unwrap_or(u32::MAX);
        }
    }
    // Members of the intermediaries among the organizations, for postings made for clients.
    let members: HashMap<i64, i64> = users::Entity::find()
        .select_only()
        .columns([users::Column::Id, users::Column::OrganizationId])
        .filter(users::Column::OrganizationId.is_not_null())
        .into_tuple::<(i64, Option<i64>)>()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(user, org)| Some((user, org?)))
        .filter(|(_, org)| wanted.contains(org))
        .collect();
    let member_ids: Vec<i64> = members.keys().copied().collect();
    for chunk in member_ids.chunks(IN_CHUNK) {
        let per_author: Vec<(Option<i64>, i64, i64)> = published()
            .select_only()
            .columns([postings::Column::CreatedBy, postings::Column::OrganizationId])
            .column_as(postings::Column::Id.count(), "published")
            .filter(postings::Column::CreatedBy.is_in(chunk.iter().copied()))
            .group_by(postings::Column::CreatedBy)
            .group_by(postings::Column::OrganizationId)
            .into_tuple()
            .all(db)
            .await?;
        for (author, owner, count) in per_author {
            if let Some(&poster) = author.and_then(|u| members.get(&u))
                && poster != owner
            {
                tallies.entry(poster).or_default().published += u32::try_from(count).unwrap_or(u32::MAX);
            }
        }
    }

    let accepted: Vec<(i64, i64, i64)> = proposals::Entity::find()
        .select_only()
        .columns([proposals::Column::Id, proposals::Column::ProposerPostingId, proposals::Column::RecipientPostingId])
        .filter(proposals::Column::Status.eq(chanjiao_domain::brokering::ProposalStatus::Accepted.as_str()))
        .into_tuple()
        .all(db)
        .await?;
    let accepted_at: HashMap<i64, DateTime<Utc>> = proposal_events::Entity::find()
        .select_only()
        .columns([proposal_events::Column::ProposalId, proposal_events::Column::At])
        .filter(proposal_events::Column::Action.eq(chanjiao_domain::brokering::EventKind::Accept.as_str()))
        .into_tuple::<(i64, DateTime<Utc>)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut first: HashMap<i64, DateTime<Utc>> = HashMap::new();
    for (proposal, a, b) in accepted {
        let Some(&at) = accepted_at.get(&proposal) else { continue };
        for posting in [a, b] {
            first.entry(posting).and_modify(|t| *t = (*t).min(at)).or_insert(at);
        }
    }
    let matched_ids: Vec<i64> = first.keys().copied().collect();
    for chunk in matched_ids.chunks(IN_CHUNK) {
        let matched: Vec<PublishedPosting> = published()
            .select_only()
            .columns([
                postings::Column::Id,
                postings::Column::OrganizationId,
                postings::Column::CreatedBy,
                postings::Column::PublishedAt,
            ])
            .filter(postings::Column::Id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        for (id, owner, created_by, published_at) in matched {
            let (Some(published_at), Some(&accepted_at)) = (published_at, first.get(&id)) else { continue };
            let timing = MatchTiming { published_at, first_accepted_at: Some(accepted_at) };
            if wanted.contains(&owner) {
                tallies.entry(owner).or_default().timings.push(timing);
            }
            if let Some(&poster) = created_by.and_then(|u| members.get(&u))
                && poster != owner
            {
                tallies.entry(poster).or_default().timings.push(timing);
            }
        }
    }
    Ok(())
}

/// Completed projects (completed in the year) and their submitted assessments, for both
/// parties and the broker.
async fn outcomes(
    db: &impl ConnectionTrait,
    wanted: &HashSet<i64>,
    window: Option<(DateTime<Utc>, DateTime<Utc>)>,
    tallies: &mut HashMap<i64, Tally>,
) -> Result<(), ApiError> {
    let completed = completed_projects(db, window).await?;
    if completed.is_empty() {
        return Ok(());
    }
    let parties = |p: &projects::Model| {
        let mut orgs = vec![p.proposer_org_id, p.recipient_org_id];
        orgs.extend(p.broker_org_id.filter(|b| !orgs.contains(b)));
        orgs.retain(|o| wanted.contains(o));
        orgs
    };
    let mut of_project: HashMap<i64, Vec<i64>> = HashMap::new();
    for project in &completed {
        let orgs = parties(project);
        for &org in &orgs {
            tallies.entry(org).or_default().outcomes.push(outcome_of(project));
        }
        of_project.insert(project.id, orgs);
    }
    let mut chosen = Query::select();
    chosen
        .column(projects::Column::Id)
        .from(projects::Entity)
        .and_where(projects::Column::Status.eq(ProjectStatus::Completed.as_str()));
    if let Some((start, end)) = window {
        chosen.and_where(projects::Column::CompletedAt.gte(start));
        chosen.and_where(projects::Column::CompletedAt.lt(end));
    }
    let scores: Vec<(i64, Option<f64>)> = assessments::Entity::find()
        .select_only()
        .columns([assessments::Column::ProjectId, assessments::Column::Mean])
        .filter(assessments::Column::Mean.is_not_null())
        .filter(assessments::Column::ProjectId.in_subquery(chosen))
        .into_tuple()
        .all(db)
        .await?;
    for (project, score) in scores {
        let Some(score) = score else { continue };
        for org in of_project.get(&project).into_iter().flatten() {
            tallies.entry(*org).or_default().scores.push(score);
        }
    }
    Ok(())
}

/// Projects completed in the window (all completed projects without one).
async fn completed_projects(
    db: &impl ConnectionTrait,
    window: Option<(DateTime<Utc>, DateTime<Utc>)>,
) -> Result<Vec<projects::Model>, ApiError> {
    let mut select = projects::Entity::find().filter(projects::Column::Status.eq(ProjectStatus::Completed.as_str()));
    if let Some((start, end)) = window {
        select = select.filter(projects::Column::CompletedAt.gte(start)).filter(projects::Column::CompletedAt.lt(end));
    }
    Ok(select.order_by_asc(projects::Column::Id).all(db).await?)
}

/// A stored project's outcomes as the domain sums them.
pub(crate) fn outcome_of(project: &projects::Model) -> ProjectOutcome {
    let count = |v: Option<i32>| v.and_then(|v| u32::try_from(v).ok());
    ProjectOutcome {
        project_type: Some(*project.project_type),
        placed: count(project.placed),
        hired: count(project.hired),
        retained_6m: count(project.retained6m),
        retained_12m: count(project.retained12m),
        certificates: count(project.certificates),
        practice_hours: count(project.practice_hours),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_window_holds_its_start_and_not_its_end() {
        let start = Utc.with_ymd_and_hms(2023, 12, 31, 16, 0, 0).unwrap();
        let end = Utc.with_ymd_and_hms(2024, 12, 31, 16, 0, 0).unwrap();
        assert!(within(start, Some((start, end))));
        assert!(!within(end, Some((start, end))));
        assert!(within(end, None));
    }
}
