//! Postings over the API: create, read, edit, list, lifecycle actions and the audit trail.

pub(crate) mod feed;
pub(crate) mod sheets;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chanjiao_domain::posting::{Action, PostingInput};
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::auth::{ApiCaller, ApiUser};
use crate::error::{ApiError, Problem};
use crate::routes::api::ApiJson;
use crate::routes::api::extract::{IfMatch, Path, Query};
use crate::routes::api::openapi::shared::{Conflict, NotFound};
use crate::services::audit::{self, AuditEntry};
use crate::services::postings::{self, Create, ListPage, ListQuery, Posting};
use crate::startup::AppState;

/// The posting's fields (which the kind requires, allows or forbids: see `KindSpec`), and
/// `publish`. A list item's error names its index, e.g. `program_codes[2]`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateBody {
    #[serde(flatten)]
    pub input: PostingInput,
    /// Publish at once (verified organizations only) instead of saving a draft.
    #[serde(default)]
    pub publish: bool,
}

/// The actions `POST /postings/{id}/{action}` takes: [`Action`] but `expire`, which belongs to
/// the clock. For the API's document.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code, reason = "never built: it only names the values a path segment takes")]
pub enum PostingAction {
    Publish,
    Pause,
    Resume,
    Close,
    MarkFilled,
    Reopen,
}

#[utoipa::path(
    post,
    path = "/postings",
    operation_id = "createPosting",
    tag = "postings",
    summary = "Create a posting (members of an enterprise or school)",
    description = "Each kind requires, allows or forbids the optional fields (see `KindSpec` in \
        crates/domain/src/posting/kinds.rs); a forbidden field that is sent is reported, not ignored. `publish: true` needs a verified organization (422 on `status` otherwise) and an end date not yet passed (409 `end_date_passed`).",
    request_body = CreateBody,
    security(("bearerAuth" = [])),
    responses(
        (status = 201, description = "The posting, a draft or published.", body = Posting),
        (status = 403, description = "The organization posts nothing (intermediaries, authorities), or acting \
        without a grant.", body = Problem, content_type = "application/problem+json"),
        (status = 409, response = Conflict),
    ),
)]
pub async fn create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(body): ApiJson<CreateBody>,
) -> Result<(StatusCode, Json<Posting>), ApiError> {
    let request = Create { input: body.input, publish: body.publish };
    let posting = postings::create(&state.db, &user, request, state.clock.today(), state.clock.now()).await?;
    Ok((StatusCode::CREATED, Json(posting)))
}

#[utoipa::path(
    get,
    path = "/postings",
    operation_id = "listPostings",
    tag = "postings",
    summary = "List postings, newest first",
    description = "Published postings whose end date has passed are left out. Anonymous callers may list \
        published postings (the default `status`); any other `status` is 401 for them. 403 for `status=draft` without an \
        organization. Any `status` but `published` lists only the caller's own organization's postings (all organizations' for platform administrators).",
    params(ListQuery),
    security((), ("bearerAuth" = [])),
    responses(
        (status = 200, description = "A page of postings.", body = ListPage),
    ),
)]
pub async fn list(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Query(query): Query<ListQuery>,
) -> Result<Json<ListPage>, ApiError> {
    Ok(Json(postings::list(&state.db, caller.as_ref(), &query, state.clock.today()).await?))
}

#[utoipa::path(
    get,
    path = "/postings/{id}",
    operation_id = "getPosting",
    tag = "postings",
    summary = "A posting",
    description = "Another organization's posting that is not published (draft, paused, closed, filled, \
        expired) is absent (404); its owner, the owner's delegates and platform administrators see it. \
        Anonymous callers see published postings only.",
    params(
        ("id" = i64, Path, minimum = 1, description = "The resource's id."),
    ),
    security((), ("bearerAuth" = [])),
    responses(
        (status = 200, description = "The posting.", body = Posting),
        (status = 404, description = "No such posting, or another organization's draft.", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub async fn show(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<i64>,
) -> Result<Json<Posting>, ApiError> {
    Ok(Json(postings::get_for(&state.db, caller.as_ref(), id).await?))
}

#[utoipa::path(
    patch,
    path = "/postings/{id}",
    operation_id = "updatePosting",
    tag = "postings",
    summary = "Edit a posting (members of its organization)",
    description = "The fields sent are merged over the current ones (JSON merge) and the whole posting is \
        checked again. `kind` cannot change (422). The status changes only through the lifecycle actions.",
    params(
        ("id" = i64, Path, minimum = 1, description = "The resource's id."),
    ),
    request_body(content = PostingInput, description = "Any of the posting's fields; merged over the current \
        ones. `null` clears an optional field."),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The posting.", body = Posting),
        (status = 404, response = NotFound),
    ),
)]
pub async fn update(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    IfMatch(expected): IfMatch,
    ApiJson(patch): ApiJson<Value>,
) -> Result<Json<Posting>, ApiError> {
    Ok(Json(postings::update(&state.db, &user, id, patch, expected.as_deref(), state.clock.now()).await?))
}

/// `POST /postings/{id}/publish|pause|resume|close|mark_filled|reopen`.
#[utoipa::path(
    post,
    path = "/postings/{id}/{action}",
    operation_id = "actOnPosting",
    tag = "postings",
    summary = "Move a posting through its lifecycle",
    description = "`draft → published ⇄ paused → closed | filled | expired`; a draft may be closed; closed, \
        filled and expired postings are reopened (to `draft`) by an org admin.",
    params(
        ("id" = i64, Path, minimum = 1, description = "The resource's id."),
        ("action" = PostingAction, Path, description = "The lifecycle action."),
    ),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The posting in its new status.", body = Posting),
        (status = 403, description = "Not the posting's organization, or `reopen` by someone not its org \
        admin.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such posting, or not an action (`expire` belongs to the clock).", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not possible now: `errors[0].code` is `transition_not_allowed` or \
        `end_date_passed`.", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub async fn act(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, action)): Path<(i64, String)>,
    IfMatch(expected): IfMatch,
) -> Result<Json<Posting>, ApiError> {
    let action = match action.parse::<Action>() {
        Ok(Action::Expire) | Err(_) => return Err(ApiError::NotFound),
        Ok(action) => action,
    };
    let (today, now) = (state.clock.today(), state.clock.now());
    Ok(Json(postings::transition(&state.db, &user, id, action, expected.as_deref(), today, now).await?))
}

/// Who changed the posting and how; for its own organization and platform administrators.
#[utoipa::path(
    get,
    path = "/postings/{id}/audit",
    operation_id = "getPostingAudit",
    tag = "postings",
    summary = "Who changed a posting and how (its organization, platform administrators)",
    params(
        ("id" = i64, Path, minimum = 1, description = "The resource's id."),
    ),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "Oldest first.", body = Vec<AuditEntry>),
        (status = 404, response = NotFound),
    ),
)]
pub async fn audit_trail(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<AuditEntry>>, ApiError> {
    let posting = postings::get(&state.db, &user, id).await?;
    if !posting.owned_by(&user) && !user.is_platform_admin() {
        return Err(ApiError::Forbidden);
    }
    Ok(Json(audit::for_entity(&state.db, "posting", id).await?))
}
