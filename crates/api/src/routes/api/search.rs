//! `GET /search` and `GET /suggest`.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;

use super::extract::Query;
use super::openapi::shared::TooManyRequests;
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::services::search::{self, SearchPage, SearchQuery};
use crate::startup::AppState;

/// `GET /search`: a page of published postings with facet counts.
#[utoipa::path(
    get,
    path = "/search",
    operation_id = "search",
    tag = "search",
    summary = "Full-text search of published postings, with facet counts",
    description = "Chinese text is segmented; pinyin and initials match too. Without `q`, a browse.",
    params(SearchQuery),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "A page of hits.", body = SearchPage),
        (status = 429, response = TooManyRequests),
    ),
)]
pub async fn search(
    State(state): State<AppState>,
    ApiUser(_): ApiUser,
    Query(query): Query<SearchQuery>,
) -> Result<Json<SearchPage>, ApiError> {
    Ok(Json(search::search(&state.db, &state.index, &query).await?))
}

/// The query string of `GET /suggest`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct SuggestQuery {
    /// What has been typed: characters, pinyin or initials (first 50 characters used).
    #[param(required = false, example = "shukong")]
    q: String,
}

/// `GET /suggest`: completions of a posting title.
#[utoipa::path(
    get,
    path = "/suggest",
    operation_id = "suggest",
    tag = "search",
    summary = "Autocomplete posting titles",
    params(SuggestQuery),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "Up to 10 titles.", body = search::Suggestions),
        (status = 429, response = TooManyRequests),
    ),
)]

pub async fn suggest(
    State(state): State<AppState>,
    ApiUser(_): ApiUser,
    Query(query): Query<SuggestQuery>,
) -> Result<Json<search::Suggestions>, ApiError> {
    Ok(Json(search::suggest(&state.index, &query.q).await?))
}
