//! The platform administrators' list of users, where a user is disabled or re-enabled.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use minijinja::value::Serde;

use crate::auth::PageAdmin;
use crate::services::account_security;
use crate::services::organizations as orgs;
use crate::startup::AppState;
use crate::web::Page;

pub async fn index(State(state): State<AppState>, page: Page, PageAdmin(admin): PageAdmin) -> Response {
    let users = match account_security::users(&state.db).await {
        Ok(users) => users,
        Err(e) => return page.error(&state, e).into_response(),
    };
    let names = match orgs::names(&state.db, users.iter().filter_map(|u| u.organization_id)).await {
        Ok(names) => names,
        Err(e) => return page.error(&state, e).into_response(),
    };
    let rows: Vec<_> = users
        .iter()
        .map(|u| {
            let organization = u.organization_id.and_then(|id| names.get(&id).cloned());
            context! { user => Serde(u), organization, is_self => u.id == admin.id }
        })
        .collect();
    page.render(&state, "admin_users.html", context! { rows })
}

async fn set(state: &AppState, page: &Page, admin: &crate::auth::CurrentUser, id: i64, disabled: bool) -> Response {
    match account_security::set_disabled(&state.db, admin, id, disabled, state.clock.now()).await {
        Ok(_) => Redirect::to(&format!("/admin/users#user-{id}")).into_response(),
        Err(e) => page.error(state, e).into_response(),
    }
}

pub async fn disable(
    State(state): State<AppState>,
    page: Page,
    PageAdmin(admin): PageAdmin,
    Path(id): Path<i64>,
) -> Response {
    set(&state, &page, &admin, id, true).await
}

pub async fn enable(
    State(state): State<AppState>,
    page: Page,
    PageAdmin(admin): PageAdmin,
    Path(id): Path<i64>,
) -> Response {
    set(&state, &page, &admin, id, false).await
}
