//! Signing in and out, and who am I.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::abuse::ClientAddr;
use crate::auth::cookies::{self, SameSite};
use crate::auth::{ApiUser, CurrentUser, session_cookie};
use crate::error::ApiError;
use crate::routes::api::ApiJson;
use crate::routes::api::openapi::shared::{BadCredentials, ServiceUnavailable, TooManyRequests};
use crate::services::accounts::{self, LoginAttempt};
use crate::startup::AppState;

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct Credentials {
    #[schema(format = "email", required = true)]
    pub email: String,
    #[schema(format = "password", required = true)]
    pub password: String,
}

/// A new session.
#[derive(Serialize, ToSchema)]
pub struct Token {
    /// Send as `Authorization: Bearer <token>`.
    token: String,
}

/// `200 {"token": …}` with the session cookie; 401 for wrong credentials, 429 with
/// `Retry-After` while the login throttle makes this account or client wait.
#[utoipa::path(
    post,
    path = "/auth/login",
    operation_id = "login",
    tag = "auth",
    summary = "Sign in and get a session token",
    description = "Wrong e-mail and wrong password get the same 401, whether or not the account exists. Every \
        attempt is counted before the password is checked. After 5 failures for one account from one client (and, \
        more loosely, 50 for one account from anywhere or 100 from one client across accounts) further attempts \
        must wait 2, 4, 8 … seconds, at most 10 minutes (429 with `Retry-After`); a success from that client \
        forgives its failures. The client is the connecting address, or the right-most untrusted \
        `X-Forwarded-For` address behind a configured trusted proxy. Sign-ins are also rate-limited per client \
        (429), and when too many password checks are already waiting the answer is 503 with `Retry-After`.",
    request_body = Credentials,
    responses(
        (status = 200, description = "Signed in. The same token is also set as the `chanjiao_session` cookie.",
            body = Token, headers(("Set-Cookie" = String, description = "The session cookie (HttpOnly, SameSite=Lax)."))),
        (status = 401, response = BadCredentials),
        (status = 429, response = TooManyRequests),
        (status = 503, response = ServiceUnavailable),
    ),
)]
pub async fn login(
    State(state): State<AppState>,
    client: ClientAddr,
    ApiJson(body): ApiJson<Credentials>,
) -> Result<Response, ApiError> {
    let attempt = LoginAttempt { email: &body.email, password: &body.password, client };
    let token = accounts::login(&state.db, &state.hasher, &state.config, attempt, state.clock.now()).await?;
    let cookie = session_cookie(&state, &token);
    // A credential: no cache keeps it, and no retry of this request is answered from a copy.
    let no_store = axum::http::HeaderValue::from_static("no-store");
    Ok(([(SET_COOKIE, cookie), (axum::http::header::CACHE_CONTROL, no_store)], Json(Token { token })).into_response())
}

#[utoipa::path(
    post,
    path = "/auth/logout",
    operation_id = "logout",
    tag = "auth",
    summary = "Sign out: the token stops working at once",
    security(("bearerAuth" = [])),
    responses(
        (status = 204, description = "Signed out; the session cookie is cleared.",
            headers(("Set-Cookie" = String, description = "Clears the session cookie."))),
    ),
)]
pub async fn logout(State(state): State<AppState>, ApiUser(user): ApiUser) -> Result<Response, ApiError> {
    accounts::logout(&state.db, &user.session_digest).await?;
    let clear = cookies::set(cookies::SESSION, "", 0, SameSite::Lax, state.config.cookie_secure);
    Ok((StatusCode::NO_CONTENT, [(SET_COOKIE, clear)]).into_response())
}

#[utoipa::path(
    get,
    path = "/me",
    operation_id = "getMe",
    tag = "auth",
    summary = "Who is signed in, and for which organization",
    description = "With `X-On-Behalf-Of`, `organization` is the client acted for and `intermediary` the user's own. \
        An API key (scope `read`) gets its organization and `api_key`, with `id` null and `email` empty: a key is \
        never a person.",
    security(("bearerAuth" = [])),
    responses((status = 200, description = "The signed-in user.", body = CurrentUser)),
)]
pub async fn me(ApiUser(user): ApiUser) -> Json<CurrentUser> {
    Json(user)
}
