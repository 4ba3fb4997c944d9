//! `GET /search` and `GET /suggest`.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::extract::Query;
use super::openapi::shared::TooManyRequests;
use crate::auth::ApiCaller;
use crate::error::ApiError;
use crate::services::search::{self, SearchPage, SearchQuery};
use crate::startup::AppState;
use crate::web::cache;

/// What a search answer varies by besides its address: who asks (a token, or the session cookie).
const VARY: &str = "Authorization, Cookie";

/// `GET /search`: a page of published postings with facet counts.
#[utoipa::path(
    get,
    path = "/search",
    operation_id = "search",
    tag = "search",
    summary = "Full-text search of published postings, with facet counts",
    description = "Chinese text is segmented; pinyin and initials match too. Without `q`, a browse. Open to \
        anonymous callers (published postings are public). The `ETag` names the index's last applied change and \
        the query: `If-None-Match` with it answers 304 without searching until a posting changes. Anonymous \
        answers are `Cache-Control: public, max-age=60`, signed-in ones `private, no-cache`.",
    params(SearchQuery),
    security((), ("bearerAuth" = [])),
    responses(
        (status = 200, description = "A page of hits.", body = SearchPage,
            headers(("ETag" = String, description = "The index's state and the query."))),
        (status = 304, description = "Unchanged since the `ETag` sent in `If-None-Match`."),
        (status = 429, response = TooManyRequests),
    ),
)]
pub async fn search(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    headers: HeaderMap,
    Query(query): Query<SearchQuery>,
) -> Result<Response, ApiError> {
    let control = if caller.is_some() { cache::PRIVATE } else { cache::PUBLIC };
    // Checked before searching: a client polling an unchanged result costs no search.
    let tag = search::etag(&query, state.index.last_seq())?;
    if cache::not_modified(&headers, &tag) {
        return Ok(cache::unchanged(&tag, control, VARY));
    }
    let mut response = Json(search::search(&state.db, &state.index, &query).await?).into_response();
    cache::mark(&mut response, &tag, control, VARY);
    Ok(response)
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
    description = "Open to anonymous callers: the titles are those of published postings.",
    params(SuggestQuery),
    security((), ("bearerAuth" = [])),
    responses(
        (status = 200, description = "Up to 10 titles.", body = search::Suggestions),
        (status = 429, response = TooManyRequests),
    ),
)]

pub async fn suggest(
    State(state): State<AppState>,
    ApiCaller(_): ApiCaller,
    Query(query): Query<SuggestQuery>,
) -> Result<Json<search::Suggestions>, ApiError> {
    Ok(Json(search::suggest(&state.index, &query.q).await?))
}
