//! The league table page (`/statistics/league`, tab "league") and "my indicators"
//! (`/statistics/league/mine`): the service decides what the viewer may see; the page shows
//! "no data" as such, never as 0.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use chanjiao_domain::statistics::LeagueIndicator;
use minijinja::context;
use minijinja::value::Serde;
use serde_json::json;

use crate::auth::PageUser;
use crate::services::statistics::filter::nav_context;
use crate::services::statistics::indicators::{self, League, LeagueQuery, LeagueRequest, RANKED, Scope};
use crate::startup::AppState;
use crate::web::Page;

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

pub async fn league(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    Query(query): Query<LeagueQuery>,
) -> Response {
    let result = match LeagueRequest::parse(&query, state.clock.today()) {
        Ok(request) => indicators::league(&state.db, &user, request).await,
        Err(error) => Err(error),
    };
    match result {
        Ok(league) => render(&state, &page, league, false),
        Err(error) => page.error(&state, error).into_response(),
    }
}

pub async fn mine(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    Query(query): Query<LeagueQuery>,
) -> Response {
    let result = match LeagueRequest::parse(&query, state.clock.today()) {
        Ok(request) => indicators::mine(&state.db, &user, request).await,
        Err(error) => Err(error),
    };
    match result {
        Ok(league) => render(&state, &page, league, true),
        Err(error) => page.error(&state, error).into_response(),
    }
}

fn render(state: &AppState, page: &Page, league: League, mine: bool) -> Response {
    let (filter, districts) = nav_context(&league.filter);
    let columns: Vec<serde_json::Value> = COLUMNS
        .iter()
        .map(|c| json!({"key": c.as_str(), "label": page.lang.pick(c.zh(), c.en()), "sorted": c.as_str() == league.sort}))
        .collect();
    let kinds: Vec<serde_json::Value> = RANKED
        .iter()
        .map(|k| json!({"key": k.as_str(), "label": page.lang.pick(k.zh(), k.as_str()), "current": *k == league.kind}))
        .collect();
    let shown: Vec<&str> = COLUMNS.iter().map(|c| c.as_str()).collect();
    let summary: Vec<serde_json::Value> = league
        .summary
        .iter()
        .filter(|s| shown.contains(&s.indicator))
        .map(|s| {
            json!({"key": s.indicator, "label": page.lang.pick(s.label_zh, s.label_en), "organizations": s.spread.organizations,
                "with_data": s.spread.with_data, "q1": s.spread.q1, "median": s.spread.median, "q3": s.spread.q3})
        })
        .collect();
    let full = league.scope == Scope::Full;
    page.render(
        state,
        "statistics_league.html",
        context! {
            league => Serde(&league), filter => Serde(filter), districts => Serde(districts),
            columns => Serde(columns), kinds => Serde(kinds), summary => Serde(summary), full, mine,
            kind_label => page.lang.pick(league.kind.zh(), league.kind.as_str()),
        },
    )
}
