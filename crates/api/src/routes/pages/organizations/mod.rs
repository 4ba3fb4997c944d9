//! "My organization": the profile, its members, and what its administrators may change; its
//! API keys are in [`api_keys`].

pub mod api_keys;

pub mod profile;

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use minijinja::value::Serde;

use super::PageForm;
use crate::auth::{CurrentUser, PageUser};
use crate::error::ApiError;
use crate::services::accounts::{self, NewUser};
use crate::services::organizations::{self as orgs, ProfileChanges};
use crate::startup::AppState;
use crate::web::{Page, PageError, on_form};

/// The organization's page, with a refused profile or member form's problems if there was one.
async fn org_page(
    state: &AppState,
    page: &Page,
    user: &CurrentUser,
    error: Option<ApiError>,
) -> Result<Response, PageError> {
    let Some(org) = user.organization.clone() else {
        let ctx = context! { org => Option::<()>::None, members => Vec::<()>::new(), is_admin => false };
        return Ok(page.render_form(state, "organizations/org.html", ctx, None));
    };
    let members = orgs::members(&state.db, user, org.id).await?;
    let responsiveness = crate::routes::pages::brokering::workspace::responsiveness(state, org.id).await;
    let ctx = context! {
        is_admin => user.may_administer(org.id),
        may_manage_keys => user.may(chanjiao_domain::access::Power::ManageApiKeys) && user.intermediary.is_none(),
        responsiveness => Serde(responsiveness),
        org => Serde(org), members => Serde(members),
    };
    Ok(page.render_form(state, "organizations/org.html", ctx, error))
}

/// The organization the user administers; others may not change it.
fn administered(user: &CurrentUser) -> Result<i64, ApiError> {
    user.organization_id().filter(|id| user.may_administer(*id)).ok_or(ApiError::Forbidden)
}

pub async fn show(State(state): State<AppState>, page: Page, PageUser(user): PageUser) -> Result<Response, PageError> {
    org_page(&state, &page, &user, None).await
}

pub async fn update(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    PageForm(changes): PageForm<ProfileChanges>,
) -> Result<Response, PageError> {
    let org_id = administered(&user)?;
    match orgs::update_profile(&state.db, org_id, changes, state.clock.now()).await {
        Ok(_) => Ok(Redirect::to("/org").into_response()),
        Err(error) => org_page(&state, &page, &user, Some(on_form(error)?)).await,
    }
}

pub async fn add_member(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    PageForm(form): PageForm<NewUser>,
) -> Result<Response, PageError> {
    let org_id = administered(&user)?;
    match accounts::add_user(&state.db, &state.hasher, Some(org_id), form, state.clock.now()).await {
        Ok(_) => Ok(Redirect::to("/org").into_response()),
        Err(error) => org_page(&state, &page, &user, Some(on_form(error)?)).await,
    }
}
