//! The signed-in user's own account: changing the password, logging out everywhere; and, for
//! platform administrators, the users of the platform, disabled and re-enabled.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::ApiJson;
use super::extract::Path;
use crate::auth::cookies::{self, SameSite};
use crate::auth::{ApiAdmin, ApiUser};
use crate::error::ApiError;
use crate::services::account_security::{self, PasswordChange, UserAccount};
use crate::startup::AppState;

/// `204`: the password is changed and every other session of the user has ended.
pub async fn change_password(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(form): ApiJson<PasswordChange>,
) -> Result<StatusCode, ApiError> {
    account_security::change_password(&state.db, &state.hasher, &user, &form, state.clock.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `204`: every session of the user has ended, this one included.
pub async fn logout_everywhere(State(state): State<AppState>, ApiUser(user): ApiUser) -> Result<Response, ApiError> {
    account_security::logout_everywhere(&state.db, user.id).await?;
    let clear = cookies::set(cookies::SESSION, "", 0, SameSite::Lax, state.config.cookie_secure);
    Ok((StatusCode::NO_CONTENT, [(SET_COOKIE, clear)]).into_response())
}

pub async fn users(State(state): State<AppState>, ApiAdmin(_): ApiAdmin) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!({ "users": account_security::users(&state.db).await? })))
}

pub async fn disable(
    State(state): State<AppState>,
    ApiAdmin(admin): ApiAdmin,
    Path(id): Path<i64>,
) -> Result<Json<UserAccount>, ApiError> {
    Ok(Json(account_security::set_disabled(&state.db, &admin, id, true, state.clock.now()).await?))
}

pub async fn enable(
    State(state): State<AppState>,
    ApiAdmin(admin): ApiAdmin,
    Path(id): Path<i64>,
) -> Result<Json<UserAccount>, ApiError> {
    Ok(Json(account_security::set_disabled(&state.db, &admin, id, false, state.clock.now()).await?))
}
