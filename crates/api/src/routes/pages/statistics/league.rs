//! The league table page (`/statistics/league`, tab "league") and "my indicators"
//! (`/statistics/league/mine`): the service decides what the viewer may see; the page shows
//! "no data" as such, never as 0.

use axum::extract::State;
use axum::response::Response;
use chanjiao_domain::statistics::{LeagueIndicator, Spread};
use minijinja::context;
use minijinja::value::Serde;
use serde::Serialize;

use super::stats_nav;
use crate::auth::PageUser;
use crate::routes::pages::PageQuery;
use crate::services::statistics::indicators::{self, League, LeagueQuery, LeagueRequest, RANKED, Scope};
use crate::startup::AppState;
use crate::web::{Localized, Page, PageError};

/// The indicators shown as columns; practice hours per teacher stays in the API until schools'
/// teacher numbers are recorded.
const COLUMNS: [LeagueIndicator; 8] = [
    LeagueIndicator::ResponseRate,
    LeagueIndicator::MedianDaysToMatch,
    LeagueIndicator::Placements,
    LeagueIndicator::Hires,
    LeagueIndicator::Retention6m,
    LeagueIndicator::Retention12m,
    LeagueIndicator::MeanAssessment,
    LeagueIndicator::PracticeHours,
];

/// A column or tab link: its key, label, and whether it is the current one.
#[derive(Serialize)]
struct Choice {
    key: &'static str,
    label: &'static str,
    current: bool,
}

/// The spread of one shown indicator over the ranked organizations.
#[derive(Serialize)]
struct SummaryRow<'a> {
    key: &'static str,
    label: &'static str,
    #[serde(flatten)]
    spread: &'a Spread,
}

/// `GET /statistics/league`.
pub async fn league(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    PageQuery(query): PageQuery<LeagueQuery>,
) -> Result<Response, PageError> {
    let request = LeagueRequest::parse(&query, state.clock.today())?;
    let league = indicators::league(&state.db, &user, request).await?;
    Ok(render(&state, &page, league, false))
}

/// `GET /statistics/league/mine`.
pub async fn mine(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    PageQuery(query): PageQuery<LeagueQuery>,
) -> Result<Response, PageError> {
    let request = LeagueRequest::parse(&query, state.clock.today())?;
    let league = indicators::mine(&state.db, &user, request).await?;
    Ok(render(&state, &page, league, true))
}

fn render(state: &AppState, page: &Page, league: League, mine: bool) -> Response {
    let lang = page.lang;
    let columns: Vec<Choice> = COLUMNS
        .iter()
        .map(|c| Choice { key: c.as_str(), label: c.label(lang), current: c.as_str() == league.sort })
        .collect();
    let kinds: Vec<Choice> =
        RANKED.iter().map(|k| Choice { key: k.as_str(), label: k.label(lang), current: *k == league.kind }).collect();
    let summary: Vec<SummaryRow<'_>> = league
        .summary
        .iter()
        .filter_map(|s| {
            let column = COLUMNS.iter().find(|c| c.as_str() == s.indicator)?;
            Some(SummaryRow { key: s.indicator, label: column.label(lang), spread: &s.spread })
        })
        .collect();
    let ctx = context! {
        league => Serde(&league), columns => Serde(columns), kinds => Serde(kinds), summary => Serde(summary),
        full => league.scope == Scope::Full, mine, kind_label => league.kind.label(lang),
        ..stats_nav(&league.filter)
    };
    page.render(state, "statistics/league.html", ctx)
}
