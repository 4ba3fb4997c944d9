//! The inbox and subscriptions over the API: `GET /inbox`, `POST /inbox/{id}/read`,
//! `POST /inbox/read`, `GET|POST /subscriptions`, `GET|DELETE /subscriptions/{id}` and the
//! delivery log `GET /subscriptions/{id}/deliveries`.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};

use super::ApiJson;
use super::extract::{Path, Query};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::services::alerts::inbox::{self, Inbox};
use crate::services::alerts::subscriptions::{self, NewSubscription, Subscription};
use crate::services::alerts::webhooks::{self, Delivery};
use crate::startup::AppState;
use crate::web::Lang;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct InboxQuery {
    unread: Option<bool>,
    lang: Option<Lang>,
}

pub async fn inbox(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(query): Query<InboxQuery>,
    headers: HeaderMap,
) -> Result<Json<Inbox>, ApiError> {
    let unread_only = query.unread.unwrap_or(false);
    let lang = query.lang.unwrap_or_else(|| Lang::from_headers(&headers, None));
    Ok(Json(inbox::list(&state.db, &user, unread_only, lang.code()).await?))
}

pub async fn read(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    inbox::mark_read(&state.db, &user, id, state.clock.now()).await?;
    Ok(Json(json!({ "unread": inbox::unread_count(&state.db, &user).await? })))
}

pub async fn read_all(State(state): State<AppState>, ApiUser(user): ApiUser) -> Result<Json<Value>, ApiError> {
    inbox::mark_all_read(&state.db, &user, state.clock.now()).await?;
    Ok(Json(json!({ "unread": 0 })))
}

pub async fn list(State(state): State<AppState>, ApiUser(user): ApiUser) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!({ "subscriptions": subscriptions::list(&state.db, &user).await? })))
}

/// Answers 201 with the subscription and, once only, its `webhook_secret`.
pub async fn create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(input): ApiJson<NewSubscription>,
) -> Result<(StatusCode, Json<Subscription>), ApiError> {
    let created = subscriptions::create(&state.db, &state.config.alerts, &user, input, state.clock.now()).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

pub async fn show(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Subscription>, ApiError> {
    Ok(Json(subscriptions::get(&state.db, &user, id).await?))
}

pub async fn delete(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    subscriptions::delete(&state.db, &user, id, state.clock.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn deliveries(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<Delivery>>, ApiError> {
    Ok(Json(webhooks::log(&state.db, &user, id).await?))
}
