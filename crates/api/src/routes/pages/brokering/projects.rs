//! Project pages: the list, and a project with its status actions, outcomes, assessments and
//! (for authorities) the form appointing an assessor.

use axum::extract::State;
use axum::http::Uri;
use axum::response::{IntoResponse, Redirect, Response};
use chanjiao_domain::access::Power;
use chanjiao_domain::brokering::OutcomesInput;
use minijinja::context;
use minijinja::value::Serde;
use serde::Deserialize;

use super::number;
use crate::auth::{CurrentUser, PageUser};
use crate::error::ApiError;
use crate::routes::pages::{PageForm, PagePath, PageQuery};
use crate::services::brokering::{assessments, projects};
use crate::services::paging::PagingQuery;
use crate::startup::AppState;
use crate::web::next_page_href;
use crate::web::{Page, PageError, on_form};

/// `GET /projects?status=`.
pub async fn index(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    PageQuery(query): PageQuery<projects::ListQuery>,
    PageQuery(paging): PageQuery<PagingQuery>,
    uri: Uri,
) -> Result<Response, PageError> {
    let (list, next) = projects::list(&state.db, &user, &query, paging.paging().map_err(ApiError::from)?).await?;
    let next = next_page_href(&uri, next.as_deref());
    Ok(page.render(&state, "brokering/projects.html", context! { projects => Serde(list), next }))
}

async fn project_page(
    state: &AppState,
    page: &Page,
    user: &CurrentUser,
    id: i64,
    error: Option<ApiError>,
) -> Result<Response, PageError> {
    let project = projects::get(&state.db, user, id).await?;
    // The project is shown even when its assessments or the assessor list cannot be read.
    let assessments = assessments::of_project(&state.db, id).await.unwrap_or_default();
    let assessors = if user.may(Power::AppointAssessors) {
        assessments::candidates(&state.db).await.unwrap_or_default()
    } else {
        Vec::new()
    };
    let ctx = context! {
        project => Serde(project), assessments => Serde(assessments), assessors => Serde(assessors),
    };
    Ok(page.render_form(state, "brokering/project_show.html", ctx, error))
}

/// `GET /projects/{id}`.
pub async fn show(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    project_page(&state, &page, &user, id, None).await
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ProjectForm {
    action: String,
    placed: String,
    hired: String,
    retained_6m: String,
    retained_12m: String,
    certificates: String,
    practice_hours: String,
    assessor_org_id: String,
}

/// `POST /projects/{id}`: a status action, the outcomes, or (`action=appoint`) an assessor.
pub async fn update(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    PagePath(id): PagePath<i64>,
    PageForm(form): PageForm<ProjectForm>,
) -> Result<Response, PageError> {
    let result = if form.action == "appoint" {
        match form.assessor_org_id.trim().parse::<i64>() {
            Ok(assessor_org_id) => {
                let request = assessments::Appointment { assessor_org_id };
                assessments::appoint(&state.db, &user, id, request, state.clock.now()).await.map(|_| ())
            }
            Err(_) => Err(ApiError::invalid("assessor_org_id", chanjiao_domain::Invalid::Required)),
        }
    } else {
        let request = projects::ProjectUpdate {
            action: Some(form.action).filter(|a| !a.is_empty() && a != "outcomes"),
            outcomes: OutcomesInput {
                placed: number(&form.placed),
                hired: number(&form.hired),
                retained_6m: number(&form.retained_6m),
                retained_12m: number(&form.retained_12m),
                certificates: number(&form.certificates),
                practice_hours: number(&form.practice_hours),
            },
        };
        projects::update(&state.db, &user, id, request, state.clock.now()).await.map(|_| ())
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/projects/{id}")).into_response()),
        Err(error) => project_page(&state, &page, &user, id, Some(on_form(error)?)).await,
    }
}
