//! Brokering over the API: proposals, projects, delegations, the intermediary's workspace and
//! assessments. Thin: extract, call the service, render JSON.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chanjiao_domain::brokering::{AssessmentInput, ProjectStatus, ProposalStatus, ResponseStats};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::ApiJson;
use super::extract::{Path, Query};
use super::openapi::shared::{Conflict, NotFound};
use crate::auth::ApiUser;
use crate::error::{ApiError, Problem};
use crate::services::brokering::assessments::{self, Appointment, Assessment};
use crate::services::brokering::delegations::{self, Delegation, Revocation};
use crate::services::brokering::projects::{self, ProjectUpdate};
use crate::services::brokering::proposals::{self, Answer, Mailbox, NewProposal};
use crate::services::brokering::stats;
use crate::services::brokering::views::{ProjectView, ProposalView};
use crate::services::brokering::workspace::{self, CaseNote, NewNote, Pipeline};
use crate::services::paging::PagingQuery;
use crate::startup::AppState;

// The lists come wrapped in an object named after what they hold, as they always have.

/// A page of proposals, newest first.
#[derive(Serialize, ToSchema)]
pub struct ProposalList {
    proposals: Vec<ProposalView>,
    /// Pass as `cursor` for the next page; null on the last.
    #[schema(required = true)]
    next_cursor: Option<String>,
}

/// A page of projects, newest first.
#[derive(Serialize, ToSchema)]
pub struct ProjectList {
    projects: Vec<ProjectView>,
    /// Pass as `cursor` for the next page; null on the last.
    #[schema(required = true)]
    next_cursor: Option<String>,
}

/// A project and its assessments.
#[derive(Serialize, ToSchema)]
pub struct ProjectDetail {
    project: ProjectView,
    assessments: Vec<Assessment>,
}

/// Grants, newest first.
#[derive(Serialize, ToSchema)]
pub struct DelegationList {
    delegations: Vec<Delegation>,
}

/// A page of case notes, newest first.
#[derive(Serialize, ToSchema)]
pub struct NoteList {
    notes: Vec<CaseNote>,
    /// Pass as `cursor` for the next page; null on the last.
    #[schema(required = true)]
    next_cursor: Option<String>,
}

/// Assessments, newest first.
#[derive(Serialize, ToSchema)]
pub struct AssessmentList {
    assessments: Vec<Assessment>,
}

#[utoipa::path(
    post,
    path = "/proposals",
    operation_id = "createProposal",
    tag = "brokering",
    summary = "Propose cooperation on a pair of postings",
    request_body = NewProposal,
    security(("bearerAuth" = [])),
    responses(
        (status = 201, description = "The open proposal, awaiting the recipient.", body = ProposalView),
        (status = 409, description = "An open proposal on these two postings already exists (`to_posting_id`).",
            body = Problem, content_type = "application/problem+json"),
    ),
)]
pub async fn propose(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(body): ApiJson<NewProposal>,
) -> Result<(StatusCode, Json<ProposalView>), ApiError> {
    let view = proposals::create(&state.db, &user, body, state.clock.now(), state.clock.today()).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

#[utoipa::path(
    get,
    path = "/proposals",
    operation_id = "listProposals",
    tag = "brokering",
    summary = "The organization's proposals (authorities and platform admins: all)",
    params(
        ("box" = Option<Mailbox>, Query, description = "Sent, received or both (default `all`)."),
        ("status" = Option<ProposalStatus>, Query, description = "Only this status."),
        PagingQuery,
    ),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "Newest first, a page at a time.", body = ProposalList),
    ),
)]
pub async fn list_proposals(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(query): Query<proposals::ListQuery>,
    Query(page): Query<PagingQuery>,
) -> Result<Json<ProposalList>, ApiError> {
    let (proposals, next_cursor) = proposals::list(&state.db, &user, &query, page.paging()?, state.clock.now()).await?;
    Ok(Json(ProposalList { proposals, next_cursor }))
}

#[utoipa::path(
    get,
    path = "/proposals/{id}",
    operation_id = "getProposal",
    tag = "brokering",
    summary = "A proposal with its history",
    params(
        ("id" = i64, Path, minimum = 1, description = "The resource's id."),
    ),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The proposal; `events` holds its history.", body = ProposalView),
        (status = 404, description = "No such proposal, or not visible to the caller.", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub async fn show_proposal(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<ProposalView>, ApiError> {
    Ok(Json(proposals::get(&state.db, &user, id, state.clock.now()).await?))
}

/// `POST /proposals/{id}/answer` with `{"action": "accept" | "decline" | "counter" | "withdraw", …}`.
#[utoipa::path(
    post,
    path = "/proposals/{id}/answer",
    operation_id = "answerProposal",
    tag = "brokering",
    summary = "Accept, decline, counter or withdraw",
    params(
        ("id" = i64, Path, minimum = 1, description = "The resource's id."),
    ),
    request_body = Answer,
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The proposal after the answer; accepting creates its project (`project_id`).",
            body = ProposalView),
        (status = 403, description = "The caller's organization is not a side of the proposal.", body = Problem, content_type = "application/problem+json"),
        (status = 404, response = NotFound),
        (status = 409, description = "Not possible now (not the caller's turn, past the deadline, closed, too many \
            rounds), or changed meanwhile; `errors[0]` says which.", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub async fn answer(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<Answer>,
) -> Result<Json<ProposalView>, ApiError> {
    Ok(Json(proposals::answer(&state.db, &user, id, body, state.clock.now(), state.clock.today()).await?))
}

#[utoipa::path(
    get,
    path = "/projects",
    operation_id = "listProjects",
    tag = "brokering",
    summary = "Cooperation projects the caller may see",
    params(
        ("status" = Option<ProjectStatus>, Query, description = "Only this status."),
        PagingQuery,
    ),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "Newest first, a page at a time.", body = ProjectList),
    ),
)]
pub async fn list_projects(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(query): Query<projects::ListQuery>,
    Query(page): Query<PagingQuery>,
) -> Result<Json<ProjectList>, ApiError> {
    let (projects, next_cursor) = projects::list(&state.db, &user, &query, page.paging()?).await?;
    Ok(Json(ProjectList { projects, next_cursor }))
}

#[utoipa::path(
    get,
    path = "/projects/{id}",
    operation_id = "getProject",
    tag = "brokering",
    summary = "A project and its assessments",
    params(
        ("id" = i64, Path, minimum = 1, description = "The resource's id."),
    ),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The project.", body = ProjectDetail),
        (status = 404, description = "No such project, or not visible to the caller.", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub async fn show_project(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<ProjectDetail>, ApiError> {
    let project = projects::get(&state.db, &user, id).await?;
    let assessments = assessments::of_project(&state.db, id).await?;
    Ok(Json(ProjectDetail { project, assessments }))
}

#[utoipa::path(
    patch,
    path = "/projects/{id}",
    operation_id = "updateProject",
    tag = "brokering",
    summary = "Start, complete or cancel a project, or record its outcomes (participants)",
    params(
        ("id" = i64, Path, minimum = 1, description = "The resource's id."),
    ),
    request_body = ProjectUpdate,
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The project.", body = ProjectView),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ),
)]
pub async fn update_project(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<ProjectUpdate>,
) -> Result<Json<ProjectView>, ApiError> {
    Ok(Json(projects::update(&state.db, &user, id, body, state.clock.now()).await?))
}

/// The intermediary to grant acting for the organization.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Grant {
    /// A verified intermediary.
    pub intermediary_id: i64,
}

#[utoipa::path(
    post,
    path = "/delegations",
    operation_id = "grantDelegation",
    tag = "brokering",
    summary = "Let an intermediary act for the organization (its org admins)",
    request_body = Grant,
    security(("bearerAuth" = [])),
    responses(
        (status = 201, description = "The active grant.", body = Delegation),
        (status = 409, description = "An active grant to this intermediary exists (`intermediary_id`).", body = Problem, content_type = "application/problem+json"),
    ),
)]
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

#[utoipa::path(
    get,
    path = "/delegations",
    operation_id = "listDelegations",
    tag = "brokering",
    summary = "Grants given (organizations) or held (intermediaries)",
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "Newest first, revoked included.", body = DelegationList),
    ),
)]
pub async fn list_delegations(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<DelegationList>, ApiError> {
    Ok(Json(DelegationList { delegations: delegations::list(&state.db, &user).await? }))
}

#[utoipa::path(
    post,
    path = "/delegations/{id}/revoke",
    operation_id = "revokeDelegation",
    tag = "brokering",
    summary = "Revoke a grant; acting for the organization stops at once, and what the intermediary set up for it is disabled",
    params(
        ("id" = i64, Path, minimum = 1, description = "The resource's id."),
    ),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The revoked grant and what the revocation switched off, in the same \
            transaction.", body = Revocation),
        (status = 404, response = NotFound),
        (status = 409, description = "Already revoked.", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub async fn revoke(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Revocation>, ApiError> {
    Ok(Json(delegations::revoke(&state.db, &user, id, state.clock.now()).await?))
}

#[utoipa::path(
    get,
    path = "/workspace/pipeline",
    operation_id = "getPipeline",
    tag = "brokering",
    summary = "The intermediary's pipeline board of its clients",
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "Clients' postings, proposals and projects grouped by status.", body = Pipeline),
        (status = 403, description = "Not a member of an intermediary.", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub async fn pipeline(State(state): State<AppState>, ApiUser(user): ApiUser) -> Result<Json<Pipeline>, ApiError> {
    Ok(Json(workspace::pipeline(&state.db, &user, state.clock.now()).await?))
}

#[derive(Debug, Default, Deserialize)]
pub struct NotesQuery {
    pub client: Option<i64>,
}

#[utoipa::path(
    get,
    path = "/workspace/notes",
    operation_id = "listCaseNotes",
    tag = "brokering",
    summary = "The intermediary's case notes",
    params(
        ("client" = Option<i64>, Query, description = "Only notes on this client organization."),
        PagingQuery,
    ),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "Newest first, a page at a time.", body = NoteList),
    ),
)]
pub async fn notes(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(query): Query<NotesQuery>,
    Query(page): Query<PagingQuery>,
) -> Result<Json<NoteList>, ApiError> {
    let (notes, next_cursor) = workspace::notes(&state.db, &user, query.client, page.paging()?).await?;
    Ok(Json(NoteList { notes, next_cursor }))
}

#[utoipa::path(
    post,
    path = "/workspace/notes",
    operation_id = "addCaseNote",
    tag = "brokering",
    summary = "Add a case note on a client",
    request_body = NewNote,
    security(("bearerAuth" = [])),
    responses(
        (status = 201, description = "The note.", body = CaseNote),
    ),
)]
pub async fn add_note(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(body): ApiJson<NewNote>,
) -> Result<(StatusCode, Json<CaseNote>), ApiError> {
    Ok((StatusCode::CREATED, Json(workspace::add_note(&state.db, &user, body, state.clock.now()).await?)))
}

#[utoipa::path(
    post,
    path = "/projects/{id}/assessments",
    operation_id = "appointAssessor",
    tag = "brokering",
    summary = "Appoint a third-party assessor to a completed project (authorities)",
    params(
        ("id" = i64, Path, minimum = 1, description = "The resource's id."),
    ),
    request_body = Appointment,
    security(("bearerAuth" = [])),
    responses(
        (status = 201, description = "The appointment, not yet scored.", body = Assessment),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ),
)]
pub async fn appoint(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(project_id): Path<i64>,
    ApiJson(body): ApiJson<Appointment>,
) -> Result<(StatusCode, Json<Assessment>), ApiError> {
    Ok((StatusCode::CREATED, Json(assessments::appoint(&state.db, &user, project_id, body, state.clock.now()).await?)))
}

#[utoipa::path(
    get,
    path = "/assessments",
    operation_id = "listAssessments",
    tag = "brokering",
    summary = "Appointments of the caller's organization (authorities: all)",
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "Newest first.", body = AssessmentList),
    ),
)]
pub async fn list_assessments(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<AssessmentList>, ApiError> {
    Ok(Json(AssessmentList { assessments: assessments::list(&state.db, &user).await? }))
}

#[utoipa::path(
    post,
    path = "/assessments/{id}",
    operation_id = "submitAssessment",
    tag = "brokering",
    summary = "Submit an assessment's scores, once (the appointed assessor)",
    params(
        ("id" = i64, Path, minimum = 1, description = "The resource's id."),
    ),
    request_body = AssessmentInput,
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The submitted assessment.", body = Assessment),
        (status = 404, description = "No such appointment of the caller's organization.", body = Problem, content_type = "application/problem+json"),
        (status = 409, response = Conflict),
    ),
)]
pub async fn submit_assessment(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<AssessmentInput>,
) -> Result<Json<Assessment>, ApiError> {
    Ok(Json(assessments::submit(&state.db, &user, id, body, state.clock.now()).await?))
}

/// Response rate and median response time; public like the organization's profile.
#[utoipa::path(
    get,
    path = "/organizations/{id}/responsiveness",
    operation_id = "getResponsiveness",
    tag = "brokering",
    summary = "An organization's response rate and median response time",
    params(
        ("id" = i64, Path, minimum = 1, description = "The resource's id."),
    ),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "Over the proposal rounds that waited for the organization.", body = ResponseStats),
        (status = 404, response = NotFound),
    ),
)]
pub async fn responsiveness(
    State(state): State<AppState>,
    ApiUser(_user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<ResponseStats>, ApiError> {
    crate::services::organizations::get(&state.db, id).await?;
    Ok(Json(stats::response_stats(&state.db, id).await?))
}
