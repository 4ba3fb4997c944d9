//! Assessors' page: the projects an organization was appointed to assess, each with its
//! scoring form.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chanjiao_domain::brokering::{AssessmentInput, Criterion};
use minijinja::context;
use minijinja::value::Serde;

use crate::auth::{CurrentUser, PageUser};
use crate::error::ApiError;
use crate::routes::pages::{PageForm, PagePath};
use crate::services::brokering::assessments;
use crate::startup::AppState;
use crate::web::{Page, PageError, on_form, options};

async fn assessments_page(
    state: &AppState,
    page: &Page,
    user: &CurrentUser,
    error: Option<ApiError>,
) -> Result<Response, PageError> {
    let list = assessments::list(&state.db, user).await?;
    let ctx = context! { assessments => Serde(list), criteria => Serde(options(Criterion::ALL, page.lang)) };
    Ok(page.render_form(state, "brokering/assessments.html", ctx, error))
}

/// `GET /assessments`.
pub async fn index(State(state): State<AppState>, page: Page, PageUser(user): PageUser) -> Result<Response, PageError> {
    assessments_page(&state, &page, &user, None).await
}

/// `POST /assessments/{id}`: `comment`, `evidence` and a `score_{criterion}` per criterion.
pub async fn submit(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    PagePath(id): PagePath<i64>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let mut input = AssessmentInput::default();
    for (key, value) in pairs {
        match key.as_str() {
            "comment" => input.comment = value,
            "evidence" => input.evidence = value,
            "_csrf" => {}
            other => {
                if let Some(criterion) = other.strip_prefix("score_") {
                    input.scores.insert(criterion.to_owned(), value);
                }
            }
        }
    }
    match assessments::submit(&state.db, &user, id, input, state.clock.now()).await {
        Ok(_) => Ok(Redirect::to("/assessments").into_response()),
        Err(error) => assessments_page(&state, &page, &user, Some(on_form(error)?)).await,
    }
}
