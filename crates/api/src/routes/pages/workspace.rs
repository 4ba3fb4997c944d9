//! Pages for intermediaries and the organizations they serve: granting and revoking
//! delegations, acting for a client, the pipeline board with case notes, and assessors'
//! scoring forms.

use axum::extract::{Path, State};
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Redirect, Response};
use chanjiao_domain::OrgKind;
use chanjiao_domain::brokering::{AssessmentInput, Criterion};
use minijinja::context;
use minijinja::value::Serde;
use serde::Deserialize;
use serde_json::json;

use super::PageForm;
use crate::auth::cookies::{self, SameSite};
use crate::auth::{CurrentUser, PageUser};
use crate::error::ApiError;
use crate::services::brokering::{assessments, delegations, stats, workspace};
use crate::startup::AppState;
use crate::web::{Lang, Page};

async fn delegations_page(state: &AppState, page: &Page, user: &CurrentUser, error: Option<ApiError>) -> Response {
    let list = match delegations::list(&state.db, user).await {
        Ok(list) => list,
        Err(error) => return page.error(state, error).into_response(),
    };
    let home_kind = user.home_organization().map(|o| o.kind);
    let intermediaries = if home_kind != Some(OrgKind::Intermediary) {
        delegations::intermediaries(&state.db).await.unwrap_or_default()
    } else {
        Vec::new()
    };
    page.render_form(
        state,
        "delegations.html",
        context! {
            delegations => Serde(list),
            is_intermediary => home_kind == Some(OrgKind::Intermediary),
            may_grant => user.intermediary.is_none() && user.organization_id().is_some_and(|o| user.may_administer(o)),
            intermediaries => Serde(intermediaries.into_iter().map(|(id, name)| json!({"id": id, "name": name})).collect::<Vec<_>>()),
            acting_for => user.intermediary.as_ref().and(user.organization.as_ref()).map(|o| o.name.clone()),
        },
        error,
    )
}

pub async fn index(State(state): State<AppState>, page: Page, PageUser(user): PageUser) -> Response {
    delegations_page(&state, &page, &user, None).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct GrantForm {
    intermediary_id: String,
}

pub async fn grant(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    PageForm(form): PageForm<GrantForm>,
) -> Response {
    let result = match form.intermediary_id.trim().parse::<i64>() {
        Ok(id) => delegations::grant(&state.db, &user, id, state.clock.now()).await.map(|_| ()),
        Err(_) => Err(ApiError::invalid("intermediary_id", chanjiao_domain::Invalid::Required)),
    };
    match result {
        Ok(()) => Redirect::to("/delegations").into_response(),
        Err(error) if error.belongs_on_form() => delegations_page(&state, &page, &user, Some(error)).await,
        Err(error) => page.error(&state, error).into_response(),
    }
}

pub async fn revoke(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> Response {
    match delegations::revoke(&state.db, &user, id, state.clock.now()).await {
        Ok(_) => Redirect::to("/delegations").into_response(),
        Err(error) => page.error(&state, error).into_response(),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ActingForm {
    /// The client's id, or empty to act for one's own organization again.
    client: String,
}

/// Starts or stops acting for a client; the grant is checked here and again on every request.
pub async fn acting(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    PageForm(form): PageForm<ActingForm>,
) -> Response {
    let secure = state.config.cookie_secure;
    let cookie = match form.client.trim().parse::<i64>() {
        Ok(client) => {
            if let Err(error) = delegations::may_act_for(&state.db, &user, client).await {
                return page.error(&state, error).into_response();
            }
            cookies::set(cookies::ACTING, &client.to_string(), 60 * 60 * 8, SameSite::Lax, secure)
        }
        Err(_) => cookies::set(cookies::ACTING, "", 0, SameSite::Lax, secure),
    };
    let mut response = Redirect::to("/workspace").into_response();
    response.headers_mut().append(SET_COOKIE, cookie);
    response
}

pub async fn board(State(state): State<AppState>, page: Page, PageUser(user): PageUser) -> Response {
    let pipeline = match workspace::pipeline(&state.db, &user, state.clock.now()).await {
        Ok(pipeline) => pipeline,
        Err(error) => return page.error(&state, error).into_response(),
    };
    let notes = workspace::notes(&state.db, &user, None).await.unwrap_or_default();
    page.render(
        &state,
        "workspace.html",
        context! {
            board => Serde(pipeline),
            notes => Serde(notes),
            acting_for => user.intermediary.as_ref().and(user.organization.as_ref()).map(|o| o.name.clone()),
        },
    )
}

pub async fn add_note(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    PageForm(note): PageForm<workspace::NewNote>,
) -> Response {
    match workspace::add_note(&state.db, &user, note, state.clock.now()).await {
        Ok(_) => Redirect::to("/workspace#notes").into_response(),
        Err(error) => page.error(&state, error).into_response(),
    }
}

fn criteria(lang: Lang) -> serde_json::Value {
    Criterion::ALL
        .iter()
        .map(|c| json!({"id": c.as_str(), "label": if lang == Lang::Zh { c.zh() } else { c.en() }}))
        .collect()
}

async fn assessments_page(state: &AppState, page: &Page, user: &CurrentUser, error: Option<ApiError>) -> Response {
    match assessments::list(&state.db, user).await {
        Ok(list) => page.render_form(
            state,
            "assessments.html",
            context! {
                assessments => Serde(list),
                criteria => Serde(criteria(page.lang)),
            },
            error,
        ),
        Err(error) => page.error(state, error).into_response(),
    }
}

pub async fn assessments_index(State(state): State<AppState>, page: Page, PageUser(user): PageUser) -> Response {
    assessments_page(&state, &page, &user, None).await
}

pub async fn submit(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Response {
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
        Ok(_) => Redirect::to("/assessments").into_response(),
        Err(error) if error.belongs_on_form() => assessments_page(&state, &page, &user, Some(error)).await,
        Err(error) => page.error(&state, error).into_response(),
    }
}

/// The response figures shown on an organization's page.
pub async fn responsiveness(
    state: &AppState,
    organization_id: i64,
) -> Option<chanjiao_domain::brokering::ResponseStats> {
    stats::response_stats(&state.db, organization_id).await.ok()
}
