//! The platform administrators' verification queue.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use chanjiao_domain::Verification;
use minijinja::context;
use minijinja::value::Serde;
use serde::Deserialize;

use super::PageForm;
use crate::auth::PageAdmin;
use crate::error::ApiError;
use crate::services::organizations as orgs;
use crate::startup::AppState;
use crate::web::Page;

pub async fn queue(State(state): State<AppState>, page: Page, PageAdmin(_): PageAdmin) -> Response {
    match orgs::with_verification(&state.db, Verification::Pending).await {
        Ok(pending) => page.render(&state, "admin_verifications.html", context! { pending => Serde(pending) }),
        Err(e) => page.error(&state, e).into_response(),
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
