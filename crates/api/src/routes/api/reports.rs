//! The school annual quality report and the city report as JSON (`services::statistics::reports`
//! decides who may see them).

use axum::Json;
use axum::extract::State;

use super::extract::{Path, Query};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::services::statistics::filter::{Filter, FilterQuery};
use crate::services::statistics::reports::{Report, city, school};
use crate::startup::AppState;

/// `GET /statistics/reports/school/{org_id}?year=`
pub async fn school(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(org_id): Path<i64>,
    Query(query): Query<FilterQuery>,
) -> Result<Json<Report>, ApiError> {
    let today = state.clock.today();
    let filter = Filter::parse(&query, today)?;
    Ok(Json(school::report(&state.db, &user, org_id, &filter, today).await?))
}

/// `GET /statistics/reports/city?district=&year=`
pub async fn city(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(query): Query<FilterQuery>,
) -> Result<Json<Report>, ApiError> {
    let today = state.clock.today();
    let filter = Filter::parse(&query, today)?;
    Ok(Json(city::report(&state.db, &user, &filter, today).await?))
}
