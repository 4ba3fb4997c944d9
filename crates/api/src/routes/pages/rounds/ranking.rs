//! An enterprise's ranking page for one of its places in a round: the applicants in the order
//! its ranking gives them, the rule (scoring or explicit), ranks, interview scores and the
//! "not acceptable" marks, saved with one plain form post.

use std::collections::HashMap;

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use minijinja::value::Serde;

use crate::auth::{CurrentUser, PageUser};
use crate::error::ApiError;
use crate::routes::pages::{PageForm, PagePath};
use crate::services::rounds::manage;
use crate::services::rounds::ranking::{self, MarkBody, RankingBody};
use crate::startup::AppState;
use crate::web::{Page, PageError, on_form};

/// `GET /rounds/{id}/places/{place}/ranking`: the enterprise's applicants to one of its places,
/// in the order its ranking gives them, with the rule, ranks, interview scores and marks.
pub async fn ranking_page(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    PagePath((id, place)): PagePath<(i64, i64)>,
) -> Result<Response, PageError> {
    render_ranking(&state, &page, &user, id, place, None).await
}

async fn render_ranking(
    state: &AppState,
    page: &Page,
    user: &CurrentUser,
    id: i64,
    place: i64,
    error: Option<ApiError>,
) -> Result<Response, PageError> {
    let detail = manage::get(&state.db, user, id).await?;
    let applicants = ranking::applicants(&state.db, user, id, place, state.clock.now()).await?;
    let title = detail.places.iter().find(|p| p.id == place).map(|p| p.title.clone()).unwrap_or_default();
    let ctx = context! { round => Serde(&detail.round), place => place, title, applicants => Serde(&applicants) };
    Ok(page.render_form(state, "rounds/ranking.html", ctx, error))
}

/// `POST /rounds/{id}/places/{place}/ranking`: `rule`, and per applicant `rank_{id}`,
/// `interview_{id}` and the checkbox `unacceptable_{id}`.
pub async fn save_ranking(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    PagePath((id, place)): PagePath<(i64, i64)>,
    PageForm(form): PageForm<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let current = ranking::applicants(&state.db, &user, id, place, state.clock.now()).await?;
    // A number field that is not a number is sent on as -1, which the service refuses for
    // that field; an empty one means "none".
    let number = |key: String| -> Option<i64> {
        let raw = form.get(&key).map(|v| v.trim()).unwrap_or_default();
        (!raw.is_empty()).then(|| raw.parse().unwrap_or(-1))
    };
    let body = RankingBody {
        rule: form.get("rule").cloned(),
        applicants: current
            .applicants
            .iter()
            .map(|a| MarkBody {
                student_id: a.student_id,
                rank: number(format!("rank_{}", a.student_id)),
                interview_score: number(format!("interview_{}", a.student_id)),
                unacceptable: form.contains_key(&format!("unacceptable_{}", a.student_id)),
            })
            .collect(),
    };
    match ranking::set(&state.db, &user, id, place, &body, state.clock.now()).await {
        Ok(_) => Ok(Redirect::to(&format!("/rounds/{id}/places/{place}/ranking")).into_response()),
        Err(error) => render_ranking(&state, &page, &user, id, place, Some(on_form(error)?)).await,
    }
}
