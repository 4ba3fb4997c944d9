//! The platform administrators' list of users, where a user is disabled or re-enabled.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use minijinja::value::Serde;
use serde::Serialize;

use crate::auth::{CurrentUser, PageAdmin};
use crate::routes::pages::PagePath;
use crate::services::account_security::{self, UserAccount};
use crate::services::organizations as orgs;
use crate::startup::AppState;
use crate::web::{Page, PageError};

/// One row of the list: the user, their organization's name, and whether it is the admin.
#[derive(Serialize)]
struct UserRow<'a> {
    user: &'a UserAccount,
    organization: Option<String>,
    is_self: bool,
}

pub async fn index(
    State(state): State<AppState>,
    page: Page,
    PageAdmin(admin): PageAdmin,
) -> Result<Response, PageError> {
    let users = account_security::users(&state.db).await?;
    let names = orgs::names(&state.db, users.iter().filter_map(|u| u.organization_id)).await?;
    let rows: Vec<UserRow> = users
        .iter()
        .map(|user| UserRow {
            user,
            organization: user.organization_id.and_then(|id| names.get(&id).cloned()),
            is_self: Some(user.id) == admin.user_id,
        })
        .collect();
    Ok(page.render(&state, "admin/users.html", context! { rows => Serde(rows) }))
}

async fn set(state: &AppState, admin: &CurrentUser, id: i64, disabled: bool) -> Result<Response, PageError> {
    account_security::set_disabled(&state.db, admin, id, disabled, state.clock.now()).await?;
    Ok(Redirect::to(&format!("/admin/users#user-{id}")).into_response())
}

pub async fn disable(
    State(state): State<AppState>,
    PageAdmin(admin): PageAdmin,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    set(&state, &admin, id, true).await
}

pub async fn enable(
    State(state): State<AppState>,
    PageAdmin(admin): PageAdmin,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    set(&state, &admin, id, false).await
}
