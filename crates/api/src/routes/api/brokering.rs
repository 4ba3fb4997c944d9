//! Brokering over the API: proposals, projects, delegations, the intermediary's workspace and
//! assessments. Thin: extract, call the service, render JSON.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chanjiao_domain::brokering::AssessmentInput;
use serde::Deserialize;

use super::ApiJson;
use super::extract::{Path, Query};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::services::brokering::assessments::{self, Appointment, Assessment};
use crate::services::brokering::delegations::{self, Delegation};
use crate::services::brokering::projects::{self, ProjectUpdate};
use crate::services::brokering::proposals::{self, Answer, NewProposal};
use crate::services::brokering::stats;
use crate::services::brokering::views::{ProjectView, ProposalView};
use crate::services::brokering::workspace::{self, CaseNote, NewNote, Pipeline};
use crate::startup::AppState;

pub async fn propose(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(body): ApiJson<NewProposal>,
) -> Result<(StatusCode, Json<ProposalView>), ApiError> {
    let view = proposals::create(&state.db, &user, body, state.clock.now(), state.clock.today()).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

pub async fn list_proposals(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(query): Query<proposals::ListQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let list = proposals::list(&state.db, &user, &query, state.clock.now()).await?;
    Ok(Json(serde_json::json!({ "proposals": list })))
}

pub async fn show_proposal(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<ProposalView>, ApiError> {
    Ok(Json(proposals::get(&state.db, &user, id, state.clock.now()).await?))
}

/// `POST /proposals/{id}/answer` with `{"action": "accept" | "decline" | "counter" | "withdraw", …}`.
pub async fn answer(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<Answer>,
) -> Result<Json<ProposalView>, ApiError> {
    Ok(Json(proposals::answer(&state.db, &user, id, body, state.clock.now(), state.clock.today()).await?))
}

pub async fn list_projects(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(query): Query<projects::ListQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let list = projects::list(&state.db, &user, &query).await?;
    Ok(Json(serde_json::json!({ "projects": list })))
}

pub async fn show_project(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let project = projects::get(&state.db, &user, id).await?;
    let assessments = assessments::of_project(&state.db, id).await?;
    Ok(Json(serde_json::json!({ "project": project, "assessments": assessments })))
}

pub async fn update_project(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<ProjectUpdate>,
) -> Result<Json<ProjectView>, ApiError> {
    Ok(Json(projects::update(&state.db, &user, id, body, state.clock.now()).await?))
}

#[derive(Debug, Deserialize)]
pub struct Grant {
    pub intermediary_id: i64,
}

pub async fn grant(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(body): ApiJson<Grant>,
) -> Result<(StatusCode, Json<Delegation>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(delegations::grant(&state.db, &user, body.intermediary_id, state.clock.now()).await?),
    ))
}

pub async fn list_delegations(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<serde_json::Value>, ApiError> {
    Ok(Json(serde_json::json!({ "delegations": delegations::list(&state.db, &user).await? })))
}

pub async fn revoke(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<delegations::Revocation>, ApiError> {
    Ok(Json(delegations::revoke(&state.db, &user, id, state.clock.now()).await?))
}

pub async fn pipeline(State(state): State<AppState>, ApiUser(user): ApiUser) -> Result<Json<Pipeline>, ApiError> {
    Ok(Json(workspace::pipeline(&state.db, &user, state.clock.now()).await?))
}

#[derive(Debug, Default, Deserialize)]
pub struct NotesQuery {
    pub client: Option<i64>,
}

pub async fn notes(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(query): Query<NotesQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    Ok(Json(serde_json::json!({ "notes": workspace::notes(&state.db, &user, query.client).await? })))
}

pub async fn add_note(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(body): ApiJson<NewNote>,
) -> Result<(StatusCode, Json<CaseNote>), ApiError> {
    Ok((StatusCode::CREATED, Json(workspace::add_note(&state.db, &user, body, state.clock.now()).await?)))
}

pub async fn appoint(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(project_id): Path<i64>,
    ApiJson(body): ApiJson<Appointment>,
) -> Result<(StatusCode, Json<Assessment>), ApiError> {
    Ok((StatusCode::CREATED, Json(assessments::appoint(&state.db, &user, project_id, body, state.clock.now()).await?)))
}

pub async fn list_assessments(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<serde_json::Value>, ApiError> {
    Ok(Json(serde_json::json!({ "assessments": assessments::list(&state.db, &user).await? })))
}

pub async fn submit_assessment(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<AssessmentInput>,
) -> Result<Json<Assessment>, ApiError> {
    Ok(Json(assessments::submit(&state.db, &user, id, body, state.clock.now()).await?))
}

/// Response rate and median response time; public like the organization's profile.
pub async fn responsiveness(
    State(state): State<AppState>,
    ApiUser(_user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<chanjiao_domain::brokering::ResponseStats>, ApiError> {
    crate::services::organizations::get(&state.db, id).await?;
    Ok(Json(stats::response_stats(&state.db, id).await?))
}
