//! The signed-in user's own account: changing the password, logging out everywhere; and, for
//! platform administrators, the users of the platform, disabled and re-enabled.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::cookies::{self, SameSite};
use crate::auth::{ApiAdmin, ApiUser};
use crate::error::ApiError;
use crate::error::Problem;
use crate::routes::api::ApiJson;
use crate::routes::api::extract::Path;
use crate::routes::api::openapi::shared::NotFound;
use crate::services::account_security::{self, PasswordChange, UserAccount};
use crate::startup::AppState;

/// `204`: the password is changed and every other session of the user has ended.
#[utoipa::path(
    post,
    path = "/me/password",
    operation_id = "changePassword",
    tag = "auth",
    summary = "Change one's password; every other session ends",
    description = "The current password must be given. The new one follows the registration rules (8–128 \
        characters). The session making the change goes on; every other session of the user ends at once.",
    request_body = PasswordChange,
    security(("bearerAuth" = [])),
    responses(
        (status = 204, description = "Changed; every other session has ended."),
        (status = 422, description = "`current_password` is wrong or missing, or `new_password` breaks the rules.",
            body = Problem, content_type = "application/problem+json"),
    ),
)]
pub async fn change_password(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(form): ApiJson<PasswordChange>,
) -> Result<StatusCode, ApiError> {
    account_security::change_password(&state.db, &state.hasher, &user, &form, state.clock.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `204`: every session of the user has ended, this one included.
#[utoipa::path(
    post,
    path = "/auth/logout-everywhere",
    operation_id = "logoutEverywhere",
    tag = "auth",
    summary = "Sign out on every device: every session of the user ends, this one included",
    security(("bearerAuth" = [])),
    responses(
        (status = 204, description = "Every session ended; the session cookie is cleared.",
            headers(("Set-Cookie" = String, description = "Clears the session cookie."))),
    ),
)]
pub async fn logout_everywhere(State(state): State<AppState>, ApiUser(user): ApiUser) -> Result<Response, ApiError> {
    account_security::logout_everywhere(&state.db, user.person()?).await?;
    let clear = cookies::set(cookies::SESSION, "", 0, SameSite::Lax, state.config.cookie_secure);
    Ok((StatusCode::NO_CONTENT, [(SET_COOKIE, clear)]).into_response())
}

/// Every user of the platform.
#[derive(Serialize, ToSchema)]
pub struct Users {
    users: Vec<UserAccount>,
}

#[utoipa::path(
    get,
    path = "/users",
    operation_id = "listUsers",
    tag = "auth",
    summary = "Every user of the platform (platform administrators only)",
    security(("bearerAuth" = [])),
    responses((status = 200, description = "Users in the order they joined.", body = Users)),
)]
pub async fn users(State(state): State<AppState>, ApiAdmin(_): ApiAdmin) -> Result<Json<Users>, ApiError> {
    Ok(Json(Users { users: account_security::users(&state.db).await? }))
}

#[utoipa::path(
    post,
    path = "/users/{id}/disable",
    operation_id = "disableUser",
    tag = "auth",
    summary = "Disable a user: no sign-in, and every session ends at once (platform administrators only)",
    params(("id" = i64, Path, minimum = 1, description = "The user's id.")),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The disabled user.", body = UserAccount),
        (status = 404, response = NotFound),
        (status = 409, description = "Administrators cannot disable their own account (`id`, code `own_account`).",
            body = Problem, content_type = "application/problem+json"),
    ),
)]
pub async fn disable(
    State(state): State<AppState>,
    ApiAdmin(admin): ApiAdmin,
    Path(id): Path<i64>,
) -> Result<Json<UserAccount>, ApiError> {
    Ok(Json(account_security::set_disabled(&state.db, &admin, id, true, state.clock.now()).await?))
}

#[utoipa::path(
    post,
    path = "/users/{id}/enable",
    operation_id = "enableUser",
    tag = "auth",
    summary = "Re-enable a disabled user (platform administrators only)",
    params(("id" = i64, Path, minimum = 1, description = "The user's id.")),
    security(("bearerAuth" = [])),
    responses((status = 200, description = "The user, enabled.", body = UserAccount), (status = 404, response = NotFound)),
)]
pub async fn enable(
    State(state): State<AppState>,
    ApiAdmin(admin): ApiAdmin,
    Path(id): Path<i64>,
) -> Result<Json<UserAccount>, ApiError> {
    Ok(Json(account_security::set_disabled(&state.db, &admin, id, false, state.clock.now()).await?))
}
