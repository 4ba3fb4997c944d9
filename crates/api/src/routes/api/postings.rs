//! Postings over the API: create, read, edit, list, lifecycle actions and the audit trail.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chanjiao_domain::posting::{Action, PostingInput};
use serde::Deserialize;
use serde_json::Value;

use super::ApiJson;
use super::extract::{Path, Query};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::services::audit::{self, AuditEntry};
use crate::services::postings::{self, Create, ListPage, ListQuery, Posting};
use crate::startup::AppState;

#[derive(Debug, Deserialize)]
pub struct CreateBody {
    #[serde(flatten)]
    pub input: PostingInput,
    #[serde(default)]
    pub publish: bool,
}

pub async fn create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(body): ApiJson<CreateBody>,
) -> Result<(StatusCode, Json<Posting>), ApiError> {
    let request = Create { input: body.input, publish: body.publish };
    let posting = postings::create(&state.db, &user, request, state.clock.today(), state.clock.now()).await?;
    Ok((StatusCode::CREATED, Json(posting)))
}

pub async fn list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(query): Query<ListQuery>,
) -> Result<Json<ListPage>, ApiError> {
    Ok(Json(postings::list(&state.db, &user, &query, state.clock.today()).await?))
}

pub async fn show(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Posting>, ApiError> {
    Ok(Json(postings::get(&state.db, &user, id).await?))
}

pub async fn update(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    ApiJson(patch): ApiJson<Value>,
) -> Result<Json<Posting>, ApiError> {
    Ok(Json(postings::update(&state.db, &user, id, patch, state.clock.now()).await?))
}

/// `POST /postings/{id}/publish|pause|resume|close|mark_filled|reopen`.
pub async fn act(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, action)): Path<(i64, String)>,
) -> Result<Json<Posting>, ApiError> {
    let action = match action.parse::<Action>() {
        Ok(Action::Expire) | Err(_) => return Err(ApiError::NotFound),
        Ok(action) => action,
    };
    Ok(Json(postings::transition(&state.db, &user, id, action, state.clock.today(), state.clock.now()).await?))
}

/// Who changed the posting and how; for its own organization and platform administrators.
pub async fn audit_trail(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<AuditEntry>>, ApiError> {
    let posting = postings::get(&state.db, &user, id).await?;
    if !posting.owned_by(&user) && !user.is_platform_admin() {
        return Err(ApiError::Forbidden);
    }
    Ok(Json(audit::for_entity(&state.db, "posting", id).await?))
}
