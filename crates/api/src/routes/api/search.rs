//! `GET /search` and `GET /suggest`.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;

use super::extract::Query;
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::services::search::{self, SearchPage, SearchQuery};
use crate::startup::AppState;

pub async fn search(
    State(state): State<AppState>,
    ApiUser(_): ApiUser,
    Query(query): Query<SearchQuery>,
) -> Result<Json<SearchPage>, ApiError> {
    Ok(Json(search::search(&state.db, &state.index, &query).await?))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SuggestQuery {
    q: String,
}

pub async fn suggest(
    State(state): State<AppState>,
    ApiUser(_): ApiUser,
    Query(query): Query<SuggestQuery>,
) -> Result<Json<search::Suggestions>, ApiError> {
    Ok(Json(search::suggest(&state.index, &query.q).await?))
}
