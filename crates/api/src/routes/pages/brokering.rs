//! Pages for brokering: proposing from a match, the proposals mailbox and a proposal's answer
//! forms, and projects with their status actions and outcomes. Thin: extract, call the
//! service, render or redirect; a refused form comes back with its errors.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chanjiao_domain::brokering::{DeclineReason, OutcomesInput, TermsInput};
use chanjiao_domain::posting::NumberInput;
use minijinja::context;
use minijinja::value::Serde;
use serde::Deserialize;
use serde_json::{Value, json};

use super::PageForm;
use crate::auth::PageUser;
use crate::error::ApiError;
use crate::services::brokering::{assessments, projects, proposals};
use crate::services::postings;
use crate::startup::AppState;
use crate::web::{Lang, Page};

fn number(raw: &str) -> Option<NumberInput> {
    Some(NumberInput::Text(raw.to_owned())).filter(|n| !n.is_blank())
}

fn decline_reasons(lang: Lang) -> Value {
    DeclineReason::ALL.iter().map(|r| json!({"value": r.as_str(), "label": lang.pick(r.zh(), r.en())})).collect()
}

/// The terms form, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct TermsForm {
    from: i64,
    to: i64,
    message: String,
    quantity: String,
    starts_on: String,
    ends_on: String,
    respond_within_days: String,
}

impl TermsForm {
    fn input(&self) -> TermsInput {
        TermsInput {
            message: self.message.clone(),
            quantity: number(&self.quantity),
            starts_on: Some(self.starts_on.clone()),
            ends_on: Some(self.ends_on.clone()),
            respond_within_days: number(&self.respond_within_days),
        }
    }
}

async fn propose_page(
    state: &AppState,
    page: &Page,
    user: &crate::auth::CurrentUser,
    form: &TermsForm,
    error: Option<ApiError>,
) -> Response {
    let (from, to) =
        match (postings::get(&state.db, user, form.from).await, postings::get(&state.db, user, form.to).await) {
            (Ok(from), Ok(to)) => (from, to),
            (Err(e), _) | (_, Err(e)) => return page.error(state, e).into_response(),
        };
    page.render_form(
        state,
        "proposal_new.html",
        context! {
            from => Serde(json!({"id": from.id, "title": from.posting.title.as_str(), "org": from.organization_name})),
            to => Serde(json!({"id": to.id, "title": to.posting.title.as_str(), "org": to.organization_name})),
            form => Serde(json!({"message": form.message, "quantity": form.quantity, "starts_on": form.starts_on,
                "ends_on": form.ends_on, "respond_within_days": form.respond_within_days})),
        },
        error,
    )
}

/// `GET /proposals/new?from=&to=`: the proposal form, from a match on the posting page.
pub async fn new(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    Query(form): Query<TermsForm>,
) -> Response {
    propose_page(&state, &page, &user, &form, None).await
}

pub async fn create(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    PageForm(form): PageForm<TermsForm>,
) -> Response {
    let request = proposals::NewProposal { from_posting_id: form.from, to_posting_id: form.to, terms: form.input() };
    match proposals::create(&state.db, &user, request, state.clock.now(), state.clock.today()).await {
        Ok(view) => Redirect::to(&format!("/proposals/{}", view.id)).into_response(),
        Err(error) if error.belongs_on_form() => propose_page(&state, &page, &user, &form, Some(error)).await,
        Err(error) => page.error(&state, error).into_response(),
    }
}

pub async fn index(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    Query(query): Query<proposals::ListQuery>,
) -> Response {
    match proposals::list(&state.db, &user, &query, state.clock.now()).await {
        Ok(list) => page.render(
            &state,
            "proposals.html",
            context! { proposals => Serde(list), mailbox => Serde(query.mailbox) },
        ),
        Err(error) => page.error(&state, error).into_response(),
    }
}

async fn proposal_page(
    state: &AppState,
    page: &Page,
    user: &crate::auth::CurrentUser,
    id: i64,
    error: Option<ApiError>,
) -> Response {
    match proposals::get(&state.db, user, id, state.clock.now()).await {
        Ok(view) => page.render_form(
            state,
            "proposal_show.html",
            context! {
                p => Serde(view),
                reasons => Serde(decline_reasons(page.lang)),
            },
            error,
        ),
        Err(error) => page.error(state, error).into_response(),
    }
}

pub async fn show(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> Response {
    proposal_page(&state, &page, &user, id, None).await
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AnswerForm {
    action: String,
    reason: String,
    note: String,
    message: String,
    quantity: String,
    starts_on: String,
    ends_on: String,
    respond_within_days: String,
}

pub async fn answer(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    PageForm(form): PageForm<AnswerForm>,
) -> Response {
    let answer = proposals::Answer {
        action: form.action,
        reason: Some(form.reason).filter(|r| !r.is_empty()),
        note: form.note,
        terms: TermsInput {
            message: form.message,
            quantity: number(&form.quantity),
            starts_on: Some(form.starts_on),
            ends_on: Some(form.ends_on),
            respond_within_days: number(&form.respond_within_days),
        },
    };
    match proposals::answer(&state.db, &user, id, answer, state.clock.now(), state.clock.today()).await {
        Ok(view) => match view.project_id {
            Some(project) => Redirect::to(&format!("/projects/{project}")).into_response(),
            None => Redirect::to(&format!("/proposals/{id}")).into_response(),
        },
        Err(error) if error.belongs_on_form() => proposal_page(&state, &page, &user, id, Some(error)).await,
        Err(error) => page.error(&state, error).into_response(),
    }
}

pub async fn projects_index(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    Query(query): Query<projects::ListQuery>,
) -> Response {
    match projects::list(&state.db, &user, &query).await {
        Ok(list) => page.render(&state, "projects.html", context! { projects => Serde(list) }),
        Err(error) => page.error(&state, error).into_response(),
    }
}

async fn project_page(
    state: &AppState,
    page: &Page,
    user: &crate::auth::CurrentUser,
    id: i64,
    error: Option<ApiError>,
) -> Response {
    let project = match projects::get(&state.db, user, id).await {
        Ok(project) => project,
        Err(error) => return page.error(state, error).into_response(),
    };
    let assessments = assessments::of_project(&state.db, id).await.unwrap_or_default();
    let assessors = if user.may(chanjiao_domain::access::Power::AppointAssessors) {
        assessments::candidates(&state.db).await.unwrap_or_default()
    } else {
        Vec::new()
    };
    page.render_form(
        state,
        "project_show.html",
        context! {
            project => Serde(project),
            assessments => Serde(assessments),
            assessors => Serde(assessors),
        },
        error,
    )
}

pub async fn project(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> Response {
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

pub async fn project_update(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    PageForm(form): PageForm<ProjectForm>,
) -> Response {
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
        Ok(()) => Redirect::to(&format!("/projects/{id}")).into_response(),
        Err(error) if error.belongs_on_form() => project_page(&state, &page, &user, id, Some(error)).await,
        Err(error) => page.error(&state, error).into_response(),
    }
}
