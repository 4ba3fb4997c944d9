//! `GET /postings/{id}/matches` and `POST /match`. The language of the reasons follows `?lang=`,
//! then `Accept-Language` (both languages are in every criterion anyway).

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};

use super::ApiJson;
use super::extract::{Path, Query};
use super::openapi::shared::{NotFound, TooManyRequests};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::services::matching::free::{self, FreeMatches, MatchRequest};
use crate::services::matching::postings::{self, DEFAULT_LIMIT, MAX_LIMIT, MatchView};
use crate::startup::AppState;
use crate::web::Lang;

/// The query string of `GET /postings/{id}/matches`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct MatchesQuery {
    /// How many matches, 1–50 (default 10).
    #[param(value_type = Option<u8>, minimum = 1, maximum = 50, default = 10)]
    limit: Option<String>,
    /// Language of `reason` and `label` (`zh` or `en`); otherwise `Accept-Language`, then Chinese.
    lang: Option<Lang>,
}

/// `?lang=` on `POST /match`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct LangQuery {
    /// Language of `reason` and `label` (`zh` or `en`); otherwise `Accept-Language`, then Chinese.
    lang: Option<Lang>,
}

/// The matches of a posting, best first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PostingMatches {
    matches: Vec<MatchView>,
}

fn limit(raw: Option<&str>) -> Result<usize, ApiError> {
    match raw.map(str::trim).filter(|l| !l.is_empty()) {
        None => Ok(DEFAULT_LIMIT),
        Some(raw) => raw.parse::<usize>().ok().filter(|l| (1..=MAX_LIMIT).contains(l)).ok_or_else(|| {
            ApiError::invalid("limit", chanjiao_domain::Invalid::OutOfRange { min: 1, max: MAX_LIMIT as i64 })
        }),
    }
}

/// `GET /postings/{id}/matches`.
#[utoipa::path(
    get,
    path = "/postings/{id}/matches",
    operation_id = "getPostingMatches",
    tag = "matching",
    summary = "The best counterparts of a posting, with reasons",
    description = "Never includes the asking organization's postings, unpublished postings, kinds that do not pair, \
        or levels two steps apart. See docs/matching.md.",
    params(
        ("id" = i64, Path, minimum = 1, description = "The resource's id."),
        MatchesQuery,
    ),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "Best first.", body = PostingMatches),
        (status = 404, response = NotFound),
        (status = 429, response = TooManyRequests),
    ),
)]
pub async fn posting_matches(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Query(query): Query<MatchesQuery>,
    headers: HeaderMap,
) -> Result<Json<PostingMatches>, ApiError> {
    let lang = query.lang.unwrap_or_else(|| Lang::from_headers(&headers, None));
    let matches = postings::for_posting(&state, &user, id, limit(query.limit.as_deref())?, lang.code()).await?;
    Ok(Json(PostingMatches { matches }))
}

/// `POST /match`.
#[utoipa::path(
    post,
    path = "/match",
    operation_id = "matchText",
    tag = "matching",
    summary = "Match free text with catalogue programs and published school offers",
    params(LangQuery),
    request_body = MatchRequest,
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "Programs and offers, best first.", body = FreeMatches),
        (status = 429, response = TooManyRequests),
    ),
)]
pub async fn match_text(
    State(state): State<AppState>,
    ApiUser(_): ApiUser,
    Query(query): Query<LangQuery>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<MatchRequest>,
) -> Result<Json<FreeMatches>, ApiError> {
    let lang = query.lang.unwrap_or_else(|| Lang::from_headers(&headers, None));
    Ok(Json(free::match_text(&state, &request, lang.code()).await?))
}
