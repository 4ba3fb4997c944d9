//! The verification queue (registrations and changes of name or region awaiting approval) and
//! creating organizations, authorities included.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chanjiao_domain::Verification;
use minijinja::context;
use minijinja::value::Serde;
use serde::Deserialize;

use crate::auth::PageAdmin;
use crate::error::ApiError;
use crate::routes::pages::accounts::{OrgFormFor, register_page};
use crate::routes::pages::{PageForm, PagePath};
use crate::services::accounts::{self, Registration};
use crate::services::organizations as orgs;
use crate::startup::AppState;
use crate::web::{Page, PageError, on_form};

pub async fn queue(State(state): State<AppState>, page: Page, PageAdmin(_): PageAdmin) -> Result<Response, PageError> {
    let pending = orgs::with_verification(&state.db, Verification::Pending).await?;
    let changes = orgs::with_requested_changes(&state.db).await?;
    let ctx = context! { pending => Serde(pending), changes => Serde(changes) };
    Ok(page.render(&state, "admin/verifications.html", ctx))
}

/// The form for a new organization, verified at once; the only way to an authority.
pub async fn new_organization(State(state): State<AppState>, page: Page, PageAdmin(_): PageAdmin) -> Response {
    let form = Registration { kind: "authority".into(), region: "330600".into(), ..Default::default() };
    register_page(&state, &page, StatusCode::OK, &form, None, OrgFormFor::PlatformAdmin)
}

pub async fn create_organization(
    State(state): State<AppState>,
    page: Page,
    PageAdmin(_): PageAdmin,
    PageForm(form): PageForm<Registration>,
) -> Result<Response, PageError> {
    match accounts::create_verified(&state.db, &state.hasher, form.clone(), state.clock.now()).await {
        Ok(_) => Ok(Redirect::to("/admin/verifications").into_response()),
        Err(error) => {
            let error = on_form(error)?;
            Ok(register_page(&state, &page, error.status_code(), &form, Some(error), OrgFormFor::PlatformAdmin))
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DecisionForm {
    decision: String,
}

pub async fn decide(
    State(state): State<AppState>,
    PageAdmin(_): PageAdmin,
    PagePath(id): PagePath<i64>,
    PageForm(form): PageForm<DecisionForm>,
) -> Result<Response, PageError> {
    let decision = form.decision.parse::<Verification>().map_err(|e| ApiError::invalid("decision", e))?;
    orgs::decide(&state.db, id, decision, state.clock.now()).await?;
    Ok(Redirect::to("/admin/verifications").into_response())
}
