//! The inbox and subscriptions over the API: `GET /inbox`, `POST /inbox/{id}/read`,
//! `POST /inbox/read`, `GET|POST /subscriptions`, `GET|DELETE /subscriptions/{id}` and the
//! delivery log `GET /subscriptions/{id}/deliveries`.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::ApiJson;
use super::extract::{Path, Query};
use super::openapi::shared::NotFound;
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::services::alerts::inbox::{self, Inbox};
use crate::services::alerts::subscriptions::{self, NewSubscription, Subscription};
use crate::services::alerts::webhooks::{self, Delivery};
use crate::services::paging::PagingQuery;
use crate::startup::AppState;
use crate::web::Lang;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct InboxQuery {
    unread: Option<bool>,
    lang: Option<Lang>,
}

#[utoipa::path(
    get,
    path = "/inbox",
    operation_id = "listInbox",
    tag = "alerts",
    summary = "The notices of the caller's organization",
    params(
        ("unread" = Option<bool>, Query, description = "true for unread only."),
        ("lang" = Option<Lang>, Query, description = "zh (default) or en, for title and topic_label."),
        PagingQuery,
    ),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "Newest first, with the caller's unread count.", body = Inbox),
    ),
)]
pub async fn inbox(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(query): Query<InboxQuery>,
    Query(page): Query<PagingQuery>,
    headers: HeaderMap,
) -> Result<Json<Inbox>, ApiError> {
    let unread_only = query.unread.unwrap_or(false);
    let lang = query.lang.unwrap_or_else(|| Lang::from_headers(&headers, None));
    Ok(Json(inbox::list(&state.db, &user, unread_only, lang.code(), page.paging()?).await?))
}

/// How many notices the caller has not read.
#[derive(Serialize, ToSchema)]
pub struct UnreadCount {
    unread: u64,
}

#[utoipa::path(
    post,
    path = "/inbox/{id}/read",
    operation_id = "readNotice",
    tag = "alerts",
    summary = "Mark one notice read for the caller",
    params(
        ("id" = i64, Path, minimum = 1, description = "The resource's id."),
    ),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The caller's remaining unread count.", body = UnreadCount),
        (status = 404, response = NotFound),
    ),
)]
pub async fn read(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<UnreadCount>, ApiError> {
    inbox::mark_read(&state.db, &user, id, state.clock.now()).await?;
    Ok(Json(UnreadCount { unread: inbox::unread_count(&state.db, &user).await? }))
}

#[utoipa::path(
    post,
    path = "/inbox/read",
    operation_id = "readAllNotices",
    tag = "alerts",
    summary = "Mark every notice read for the caller",
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "Nothing left unread.", body = UnreadCount),
    ),
)]
pub async fn read_all(State(state): State<AppState>, ApiUser(user): ApiUser) -> Result<Json<UnreadCount>, ApiError> {
    inbox::mark_all_read(&state.db, &user, state.clock.now()).await?;
    Ok(Json(UnreadCount { unread: 0 }))
}

/// The organization's subscriptions, then those shared with it.
#[derive(Serialize, ToSchema)]
pub struct SubscriptionList {
    subscriptions: Vec<Subscription>,
}

#[utoipa::path(
    get,
    path = "/subscriptions",
    operation_id = "listSubscriptions",
    tag = "alerts",
    summary = "The organization's subscriptions, then those shared with it",
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "Own first, then shared (read_only).", body = SubscriptionList),
    ),
)]
pub async fn list(State(state): State<AppState>, ApiUser(user): ApiUser) -> Result<Json<SubscriptionList>, ApiError> {
    Ok(Json(SubscriptionList { subscriptions: subscriptions::list(&state.db, &user).await? }))
}

/// Answers 201 with the subscription and, once only, its `webhook_secret`.
#[utoipa::path(
    post,
    path = "/subscriptions",
    operation_id = "createSubscription",
    tag = "alerts",
    summary = "Save a search, watch a posting's new matches, or add a topic webhook",
    request_body = NewSubscription,
    security(("bearerAuth" = [])),
    responses(
        (status = 201, description = "The subscription, with webhook_secret this once.", body = Subscription),
        (status = 404, response = NotFound),
    ),
)]
pub async fn create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(input): ApiJson<NewSubscription>,
) -> Result<(StatusCode, Json<Subscription>), ApiError> {
    let created = subscriptions::create(&state.db, &state.config.alerts, &user, input, state.clock.now()).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

#[utoipa::path(
    get,
    path = "/subscriptions/{id}",
    operation_id = "getSubscription",
    tag = "alerts",
    summary = "One subscription (never its secret)",
    params(
        ("id" = i64, Path, minimum = 1, description = "The resource's id."),
    ),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The subscription.", body = Subscription),
        (status = 404, response = NotFound),
    ),
)]
pub async fn show(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Subscription>, ApiError> {
    Ok(Json(subscriptions::get(&state.db, &user, id).await?))
}

#[utoipa::path(
    delete,
    path = "/subscriptions/{id}",
    operation_id = "deleteSubscription",
    tag = "alerts",
    summary = "Delete a subscription and its pending deliveries",
    params(
        ("id" = i64, Path, minimum = 1, description = "The resource's id."),
    ),
    security(("bearerAuth" = [])),
    responses(
        (status = 204, description = "Deleted."),
        (status = 404, response = NotFound),
    ),
)]
pub async fn delete(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    subscriptions::delete(&state.db, &user, id, state.clock.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    get,
    path = "/subscriptions/{id}/deliveries",
    operation_id = "listDeliveries",
    tag = "alerts",
    summary = "The webhook delivery log of a subscription",
    params(
        ("id" = i64, Path, minimum = 1, description = "The resource's id."),
        PagingQuery,
    ),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "Newest first, a page at a time, each with its attempts.", body = DeliveryList),
        (status = 404, response = NotFound),
    ),
)]
pub async fn deliveries(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Query(page): Query<PagingQuery>,
) -> Result<Json<DeliveryList>, ApiError> {
    let (deliveries, next_cursor) = webhooks::log(&state.db, &user, id, page.paging()?).await?;
    Ok(Json(DeliveryList { deliveries, next_cursor }))
}

/// A page of a subscription's webhook deliveries, newest first.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct DeliveryList {
    pub deliveries: Vec<Delivery>,
    /// Pass as `cursor` for the next page; null on the last.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}
