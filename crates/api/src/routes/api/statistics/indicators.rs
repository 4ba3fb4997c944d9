//! Effectiveness indicators and the league table over the API. Authorities and platform
//! administrators get the full table; any other organization the reduced shape (its own row and
//! aggregates of its kind) — see `services::statistics::indicators`.

use axum::Json;
use axum::extract::State;

use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::routes::api::extract::Query;
use crate::routes::api::openapi::shared::TooManyRequests;
use crate::services::statistics::filter::FilterQuery;
use crate::services::statistics::indicators::{self, League, LeagueQuery, LeagueRequest};
use crate::startup::AppState;

/// `GET /statistics/league?kind=&sort=&district=&year=`
#[utoipa::path(
    get,
    path = "/statistics/league",
    operation_id = "statisticsLeague",
    tag = "statistics",
    summary = "The effectiveness league table: full with names for authorities and platform administrators; for other \
        organizations their own row and aggregates of their kind",
    params(
        LeagueQuery, FilterQuery,
    ),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "OK.", body = League),
        (status = 429, response = TooManyRequests),
    ),
)]
pub async fn league(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(query): Query<LeagueQuery>,
) -> Result<Json<League>, ApiError> {
    let request = LeagueRequest::parse(&query, state.clock.today())?;
    Ok(Json(indicators::league(&state.db, &user, request).await?))
}

/// `GET /statistics/league/mine?district=&year=`: the caller's own indicators and the
/// aggregates of its kind.
#[utoipa::path(
    get,
    path = "/statistics/league/mine",
    operation_id = "statisticsMyIndicators",
    tag = "statistics",
    summary = "The caller's own effectiveness indicators and the aggregates of its kind (schools, enterprises, \
        intermediaries; 403 for authorities and platform administrators)",
    params(
        FilterQuery,
    ),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "OK.", body = League),
        (status = 429, response = TooManyRequests),
    ),
)]
pub async fn mine(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(query): Query<LeagueQuery>,
) -> Result<Json<League>, ApiError> {
    let request = LeagueRequest::parse(&query, state.clock.today())?;
    Ok(Json(indicators::mine(&state.db, &user, request).await?))
}
