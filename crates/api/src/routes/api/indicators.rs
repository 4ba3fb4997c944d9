//! Effectiveness indicators and the league table over the API. Authorities and platform
//! administrators get the full table; any other organization the reduced shape (its own row and
//! aggregates of its kind) — see `services::statistics::indicators`.

use axum::Json;
use axum::extract::State;

use super::extract::Query;
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::services::statistics::indicators::{self, League, LeagueQuery, LeagueRequest};
use crate::startup::AppState;

/// `GET /statistics/league?kind=&sort=&district=&year=`
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
pub async fn mine(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(query): Query<LeagueQuery>,
) -> Result<Json<League>, ApiError> {
    let request = LeagueRequest::parse(&query, state.clock.today())?;
    Ok(Json(indicators::mine(&state.db, &user, request).await?))
}
