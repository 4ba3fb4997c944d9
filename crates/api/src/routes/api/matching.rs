//! `GET /postings/{id}/matches` and `POST /match`. The language of the reasons follows `?lang=`,
//! then `Accept-Language` (both languages are in every criterion anyway).

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use serde::Deserialize;
use serde_json::{Value, json};

use super::ApiJson;
use super::extract::{Path, Query};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::services::matching::free::{self, FreeMatches, MatchRequest};
use crate::services::matching::postings::{self, DEFAULT_LIMIT, MAX_LIMIT};
use crate::startup::AppState;
use crate::web::Lang;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MatchesQuery {
    limit: Option<String>,
    lang: Option<Lang>,
}

/// `?lang=` on `POST /match`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LangQuery {
    lang: Option<Lang>,
}

fn limit(raw: Option<&str>) -> Result<usize, ApiError> {
    match raw.map(str::trim).filter(|l| !l.is_empty()) {
        None => Ok(DEFAULT_LIMIT),
        Some(raw) => raw.parse::<usize>().ok().filter(|l| (1..=MAX_LIMIT).contains(l)).ok_or_else(|| {
            ApiError::invalid("limit", chanjiao_domain::Invalid::OutOfRange { min: 1, max: MAX_LIMIT as i64 })
        }),
    }
}

pub async fn posting_matches(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Query(query): Query<MatchesQuery>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let lang = query.lang.unwrap_or_else(|| Lang::from_headers(&headers, None));
    let matches = postings::for_posting(&state, &user, id, limit(query.limit.as_deref())?, lang.code()).await?;
    Ok(Json(json!({ "matches": matches })))
}

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
