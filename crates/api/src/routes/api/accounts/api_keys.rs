//! An organization's API keys, managed by its administrators in person (a key never manages
//! keys: the access policy refuses `manage_api_keys` to a key, and the scope table opens none of
//! these routes to one).

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderName, StatusCode, header};

use super::super::ApiJson;
use super::super::extract::Path;
use super::super::openapi::shared::{Conflict, NotFound};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::services::api_keys::{self, ApiKey, IssuedKey, NewKey};
use crate::startup::AppState;

#[utoipa::path(
    get,
    path = "/organizations/{id}/api-keys",
    operation_id = "listApiKeys",
    tag = "organizations",
    summary = "An organization's API keys, never their secrets (its administrators)",
    params(("id" = i64, Path, minimum = 1, description = "The resource's id.")),
    security(("bearerAuth" = [])),
    responses((status = 200, description = "Newest first, revoked keys included.", body = Vec<ApiKey>)),
)]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<ApiKey>>, ApiError> {
    Ok(Json(api_keys::list(&state.db, &user, id).await?))
}

#[utoipa::path(
    post,
    path = "/organizations/{id}/api-keys",
    operation_id = "createApiKey",
    tag = "organizations",
    summary = "Create an API key with scopes; its secret is in this answer only (its administrators)",
    params(("id" = i64, Path, minimum = 1, description = "The resource's id.")),
    request_body = NewKey,
    security(("bearerAuth" = [])),
    responses(
        (status = 201, description = "Created; `secret` is shown now and never again.", body = IssuedKey),
        (status = 409, response = Conflict),
    ),
)]
pub async fn create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    ApiJson(form): ApiJson<NewKey>,
) -> Result<(StatusCode, [(HeaderName, &'static str); 1], Json<IssuedKey>), ApiError> {
    let issued = api_keys::create(&state.db, &user, id, form, state.clock.now()).await?;
    // The secret, shown once: no cache keeps it and no idempotent replay stores it.
    Ok((StatusCode::CREATED, [(header::CACHE_CONTROL, "no-store")], Json(issued)))
}

#[utoipa::path(
    post,
    path = "/api-keys/{id}/rotate",
    operation_id = "rotateApiKey",
    tag = "organizations",
    summary = "Give an API key a new secret; the old one stops working at once (its organization's administrators)",
    params(("id" = i64, Path, minimum = 1, description = "The resource's id.")),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The new secret, shown now and never again.", body = IssuedKey),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ),
)]
pub async fn rotate(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<([(HeaderName, &'static str); 1], Json<IssuedKey>), ApiError> {
    let issued = api_keys::rotate(&state.db, &user, id, state.clock.now()).await?;
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(issued)))
}

#[utoipa::path(
    post,
    path = "/api-keys/{id}/revoke",
    operation_id = "revokeApiKey",
    tag = "organizations",
    summary = "Revoke an API key; its next request is refused (its organization's administrators)",
    params(("id" = i64, Path, minimum = 1, description = "The resource's id.")),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "Revoked.", body = ApiKey),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ),
)]
pub async fn revoke(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<ApiKey>, ApiError> {
    Ok(Json(api_keys::revoke(&state.db, &user, id, state.clock.now()).await?))
}
