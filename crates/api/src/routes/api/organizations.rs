//! Registering organizations, their profiles and members, and verification by platform admins.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chanjiao_domain::Verification;
use chanjiao_domain::access::Power;
use serde::Deserialize;
use serde_json::{Value, json};

use super::ApiJson;
use super::extract::{Path, Query};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::services::accounts::{self, NewUser, Registration};
use crate::services::organizations::{self as orgs, Member, Organization, ProfileChanges};
use crate::startup::AppState;

/// A platform administrator creates an organization of any kind, verified at once: the only way
/// to an authority over the API.
pub async fn create_verified(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(form): ApiJson<Registration>,
) -> Result<(StatusCode, Json<Organization>), ApiError> {
    user.require(Power::AdministerPlatform)?;
    let org = accounts::create_verified(&state.db, &state.hasher, form, state.clock.now()).await?;
    Ok((StatusCode::CREATED, Json(org)))
}

/// Anyone may register (any kind but authority); the organization waits for verification.
pub async fn register(
    State(state): State<AppState>,
    ApiJson(form): ApiJson<Registration>,
) -> Result<(StatusCode, Json<Organization>), ApiError> {
    let org = accounts::register(&state.db, &state.hasher, form, state.clock.now()).await?;
    Ok((StatusCode::CREATED, Json(org)))
}

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    pub verification: Option<String>,
}

/// The verification queue (or any verification state), for platform administrators.
pub async fn list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(query): Query<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    user.require(Power::AdministerPlatform)?;
    let wanted = match query.verification.as_deref() {
        None => Verification::Pending,
        Some(raw) => raw.parse().map_err(|e| ApiError::invalid("verification", e))?,
    };
    let items = orgs::with_verification(&state.db, wanted).await?;
    Ok(Json(json!({ "items": items, "total": items.len() })))
}

pub async fn show(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Organization>, ApiError> {
    Ok(Json(orgs::visible(&state.db, &user, id).await?))
}

pub async fn update(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    ApiJson(changes): ApiJson<ProfileChanges>,
) -> Result<Json<Organization>, ApiError> {
    orgs::get(&state.db, id).await?;
    if !user.may_administer(id) {
        return Err(ApiError::Forbidden);
    }
    Ok(Json(orgs::update_profile(&state.db, id, changes).await?))
}

pub async fn members(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<Member>>, ApiError> {
    orgs::visible(&state.db, &user, id).await?;
    if !user.may_read_private(id) {
        return Err(ApiError::Forbidden);
    }
    Ok(Json(orgs::members(&state.db, &user, id).await?))
}

pub async fn add_member(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    ApiJson(form): ApiJson<NewUser>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    orgs::get(&state.db, id).await?;
    if !user.may_administer(id) {
        return Err(ApiError::Forbidden);
    }
    let user_id = accounts::add_user(&state.db, &state.hasher, Some(id), form, state.clock.now()).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": user_id }))))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Decision {
    pub decision: String,
}

pub async fn verify(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<Decision>,
) -> Result<Json<Organization>, ApiError> {
    user.require(Power::AdministerPlatform)?;
    let decision = body.decision.parse().map_err(|e| ApiError::invalid("decision", e))?;
    Ok(Json(orgs::decide(&state.db, id, decision).await?))
}
