//! A round's results page: a school's (or the organizer's) students with their placements and
//! the reasons, an enterprise's intake; and the school's record of a placed student's answer.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chanjiao_domain::rounds::Step;
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};

use crate::auth::PageUser;
use crate::routes::pages::{PageForm, PagePath};
use crate::services::rounds::views::{self, StudentOutcome};
use crate::services::rounds::{Part, manage, students};
use crate::startup::AppState;
use crate::web::{Lang, Page, PageError};

/// A student's result with the explanation in the page's language.
#[derive(Serialize)]
struct ResultRow<'a> {
    #[serde(flatten)]
    outcome: &'a StudentOutcome,
    explanation: &'a str,
}

impl<'a> ResultRow<'a> {
    fn new(outcome: &'a StudentOutcome, lang: Lang) -> Self {
        // The explanations are stored per language with the result (the run writes both).
        let explanation = match lang {
            Lang::Zh => &outcome.explanation_zh,
            Lang::En => &outcome.explanation_en,
        };
        ResultRow { outcome, explanation }
    }
}

/// `GET /rounds/{id}/results`: a school's (or the organizer's) results with their reasons, and
/// an enterprise's intake.
pub async fn results(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    let detail = manage::get(&state.db, &user, id).await?;
    let enterprise = detail.places.iter().any(|p| Some(p.organization_id) == user.organization_id());
    let (results, intake) = if enterprise && detail.part != Part::Organizer {
        (None, Some(views::intake(&state.db, &user, id, state.clock.now()).await?))
    } else {
        (Some(views::results(&state.db, &user, id, state.clock.now()).await?), None)
    };
    let rows: Option<Vec<ResultRow<'_>>> =
        results.as_ref().map(|rows| rows.iter().map(|r| ResultRow::new(r, page.lang)).collect());
    let may_respond = detail.part == Part::School && detail.round.phase.allows(Step::Respond);
    let ctx = context! {
        round => Serde(&detail.round), results => Serde(rows), intake => Serde(intake), may_respond,
    };
    Ok(page.render(&state, "rounds/results.html", ctx))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ResponseForm {
    response: String,
}

/// `POST /rounds/{id}/students/{student}/response`: the school records a placed student's
/// acceptance or decline.
pub async fn respond(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    PagePath((id, student)): PagePath<(i64, i64)>,
    PageForm(form): PageForm<ResponseForm>,
) -> Result<Response, PageError> {
    let body = students::ResponseBody { response: Some(form.response) };
    students::respond(&state.db, &user, id, student, &body, state.clock.now()).await?;
    Ok(Redirect::to(&format!("/rounds/{id}/results")).into_response())
}
