//! City statistics over the API: aggregates only, for any signed-in user.

use axum::Json;
use axum::extract::State;

use crate::auth::ApiUser;
use crate::clock;
use crate::error::ApiError;
use crate::services::statistics::open_data;
use crate::services::statistics::outlook::{self, OutlookReport};
use crate::startup::AppState;

/// `GET /statistics/outlook`: demand and supply per program class, forecast, early warning.
pub async fn outlook(State(state): State<AppState>, ApiUser(_user): ApiUser) -> Result<Json<OutlookReport>, ApiError> {
    Ok(Json(outlook::report(&state.db, clock::today()).await?))
}

/// `GET /open-data`: public aggregates, no sign-in.
pub async fn open_data(State(state): State<AppState>) -> Result<Json<open_data::OpenData>, ApiError> {
    Ok(Json(open_data::figures(&state.db).await?))
}
