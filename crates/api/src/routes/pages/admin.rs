//! The platform administrators' pages: the verification queue (registrations and changes of
//! name or region awaiting approval) and creating organizations, authorities included.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use chanjiao_domain::Verification;
use minijinja::context;
use minijinja::value::Serde;
use serde::Deserialize;

use super::PageForm;
use super::account::{OrgFormFor, register_page};
use crate::auth::PageAdmin;
use crate::error::ApiError;
use crate::services::accounts::{self, Registration};
use crate::services::organizations as orgs;
use crate::startup::AppState;
use crate::web::Page;
use axum::http::StatusCode;

pub async fn queue(State(state): State<AppState>, page: Page, PageAdmin(_): PageAdmin) -> Response {
    let pending = orgs::with_verification(&state.db, Verification::Pending).await;
    let changes = orgs::with_requested_changes(&state.db).await;
    match (pending, changes) {
        (Ok(pending), Ok(changes)) => page.render(
            &state,
            "admin_verifications.html",
            context! { pending => Serde(pending), changes => Serde(changes) },
        ),
        (Err(e), _) | (_, Err(e)) => page.error(&state, e).into_response(),
    }
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
) -> Response {
    match accounts::create_verified(&state.db, &state.hasher, form.clone(), state.clock.now()).await {
        Ok(_) => Redirect::to("/admin/verifications").into_response(),
        Err(error @ (ApiError::Validation(_) | ApiError::Conflict { .. })) => {
            register_page(&state, &page, error.status_code(), &form, Some(error), OrgFormFor::PlatformAdmin)
        }
        Err(other) => page.error(&state, other).into_response(),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DecisionForm {
    decision: String,
}

pub async fn decide(
    State(state): State<AppState>,
    page: Page,
    PageAdmin(_): PageAdmin,
    Path(id): Path<i64>,
    PageForm(form): PageForm<DecisionForm>,
) -> Response {
    let decision = match form.decision.parse::<Verification>() {
        Ok(decision) => decision,
        Err(e) => return page.error(&state, ApiError::invalid("decision", e)).into_response(),
    };
    match orgs::decide(&state.db, id, decision).await {
        Ok(_) => Redirect::to("/admin/verifications").into_response(),
        Err(e) => page.error(&state, e).into_response(),
    }
}
