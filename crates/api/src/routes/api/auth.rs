//! Signing in and out, and who am I.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::ApiJson;
use crate::abuse::ClientAddr;
use crate::auth::cookies::{self, SameSite};
use crate::auth::{ApiUser, CurrentUser};
use crate::error::ApiError;
use crate::services::accounts::{self, LoginAttempt};
use crate::startup::AppState;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Credentials {
    pub email: String,
    pub password: String,
}

/// `200 {"token": …}` with the session cookie; 401 for wrong credentials, 429 with
/// `Retry-After` while the login throttle makes this account or client wait.
pub async fn login(
    State(state): State<AppState>,
    client: ClientAddr,
    ApiJson(body): ApiJson<Credentials>,
) -> Result<Response, ApiError> {
    let attempt = LoginAttempt { email: &body.email, password: &body.password, client };
    let token = accounts::login(&state.db, &state.hasher, &state.config, attempt, state.clock.now()).await?;
    let cookie = session_cookie(&state, &token);
    Ok(([(SET_COOKIE, cookie)], Json(json!({ "token": token }))).into_response())
}

pub fn session_cookie(state: &AppState, token: &str) -> axum::http::HeaderValue {
    let max_age = state.config.session_ttl_hours * 3600;
    cookies::set(cookies::SESSION, token, max_age, SameSite::Lax, state.config.cookie_secure)
}

pub async fn logout(State(state): State<AppState>, ApiUser(user): ApiUser) -> Result<Response, ApiError> {
    accounts::logout(&state.db, &user.session_digest).await?;
    let clear = cookies::set(cookies::SESSION, "", 0, SameSite::Lax, state.config.cookie_secure);
    Ok((StatusCode::NO_CONTENT, [(SET_COOKIE, clear)]).into_response())
}

pub async fn me(ApiUser(user): ApiUser) -> Json<CurrentUser> {
    Json(user)
}
