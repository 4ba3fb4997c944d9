//! "My organization": the profile, its members, and what its administrators may change.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use minijinja::value::Serde;

use super::PageForm;
use crate::auth::{CurrentUser, PageUser};
use crate::error::ApiError;
use crate::services::accounts::{self, NewUser};
use crate::services::organizations::{self as orgs, ProfileChanges};
use crate::startup::AppState;
use crate::web::{Lang, Page};

async fn org_page(
    state: &AppState,
    page: &Page,
    user: &CurrentUser,
    status: StatusCode,
    error: Option<ApiError>,
) -> Response {
    let Some(org) = user.organization.clone() else {
        return page.render(
            state,
            "org.html",
            context! { org => Option::<()>::None, members => Vec::<()>::new(),
            is_admin => false, field_errors => Vec::<()>::new(), error_title => Option::<String>::None },
        );
    };
    let members = match orgs::members(&state.db, user, org.id).await {
        Ok(members) => members,
        Err(e) => return page.error(state, e).into_response(),
    };
    let field_errors = error.as_ref().map(ApiError::field_errors).unwrap_or_default();
    let responsiveness = super::workspace::responsiveness(state, org.id).await;
    page.render_with_status(
        state,
        status,
        "org.html",
        context! {
            is_admin => user.may_administer(org.id),
            responsiveness => Serde(responsiveness),
            org => Serde(org), members => Serde(members), field_errors => Serde(field_errors),
            error_title => error.map(|e| e.title(page.lang == Lang::Zh)),
        },
    )
}

pub async fn show(State(state): State<AppState>, page: Page, PageUser(user): PageUser) -> Response {
    org_page(&state, &page, &user, StatusCode::OK, None).await
}

pub async fn update(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    PageForm(changes): PageForm<ProfileChanges>,
) -> Response {
    let Some(org_id) = user.organization_id().filter(|id| user.may_administer(*id)) else {
        return page.error(&state, ApiError::Forbidden).into_response();
    };
    match orgs::update_profile(&state.db, org_id, changes).await {
        Ok(_) => Redirect::to("/org").into_response(),
        Err(e @ ApiError::Validation(_)) => {
            let status = e.status_code();
            org_page(&state, &page, &user, status, Some(e)).await
        }
        Err(e) => page.error(&state, e).into_response(),
    }
}

pub async fn add_member(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    PageForm(form): PageForm<NewUser>,
) -> Response {
    let Some(org_id) = user.organization_id().filter(|id| user.may_administer(*id)) else {
        return page.error(&state, ApiError::Forbidden).into_response();
    };
    match accounts::add_user(&state.db, &state.hasher, Some(org_id), form, state.clock.now()).await {
        Ok(_) => Redirect::to("/org").into_response(),
        Err(e @ (ApiError::Validation(_) | ApiError::Conflict { .. })) => {
            let status = e.status_code();
            org_page(&state, &page, &user, status, Some(e)).await
        }
        Err(e) => page.error(&state, e).into_response(),
    }
}
