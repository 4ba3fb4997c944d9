//! Registering organizations, their profiles and members, and verification by platform admins.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chanjiao_domain::Verification;
use chanjiao_domain::access::Power;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::ApiJson;
use super::extract::{Path, Query};
use super::openapi::shared::{Conflict, NotFound, ServiceUnavailable, TooManyRequests};
use crate::auth::{ApiCaller, ApiUser};
use crate::error::ApiError;
use crate::services::accounts::{self, NewUser, Registration};
use crate::services::organizations::{self as orgs, Member, Organization, ProfileChanges};
use crate::startup::AppState;

/// A platform administrator creates an organization of any kind, verified at once: the only way
/// to an authority over the API.
#[utoipa::path(
    post,
    path = "/admin/organizations",
    operation_id = "createVerifiedOrganization",
    tag = "organizations",
    summary = "Create a verified organization of any kind, authorities included (platform administrators)",
    request_body = Registration,
    security(("bearerAuth" = [])),
    responses(
        (status = 201, description = "Created, with `verification: verified`.", body = Organization),
        (status = 409, response = Conflict),
        (status = 503, response = ServiceUnavailable),
    ),
)]
pub async fn create_verified(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(form): ApiJson<Registration>,
) -> Result<(StatusCode, Json<Organization>), ApiError> {
    user.require(Power::AdministerPlatform)?;
    let org = accounts::create_verified(&state.db, &state.hasher, form, state.clock.now()).await?;
    Ok((StatusCode::CREATED, Json(org)))
}

/// Anyone may register (any kind but authority); the organization waits for verification.
#[utoipa::path(
    post,
    path = "/organizations",
    operation_id = "registerOrganization",
    tag = "organizations",
    summary = "Register an organization and its first administrator",
    request_body = Registration,
    responses(
        (status = 201, description = "Registered, with `verification: pending`.", body = Organization),
        (status = 409, response = Conflict),
        (status = 429, response = TooManyRequests),
        (status = 503, response = ServiceUnavailable),
    ),
)]
pub async fn register(
    State(state): State<AppState>,
    ApiJson(form): ApiJson<Registration>,
) -> Result<(StatusCode, Json<Organization>), ApiError> {
    let org = accounts::register(&state.db, &state.hasher, form, state.clock.now()).await?;
    Ok((StatusCode::CREATED, Json(org)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Which state (default `pending`).
    #[param(value_type = Option<Verification>)]
    pub verification: Option<String>,
}

/// Organizations in one verification state.
#[derive(Serialize, ToSchema)]
pub struct OrganizationList {
    items: Vec<Organization>,
    total: usize,
}

/// The verification queue (or any verification state), for platform administrators.
#[utoipa::path(
    get,
    path = "/organizations",
    operation_id = "listOrganizations",
    tag = "organizations",
    summary = "Organizations by verification state (platform administrators)",
    params(ListQuery),
    security(("bearerAuth" = [])),
    responses((status = 200, description = "Oldest first, the order a queue is worked in.", body = OrganizationList)),
)]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(query): Query<ListQuery>,
) -> Result<Json<OrganizationList>, ApiError> {
    user.require(Power::AdministerPlatform)?;
    let wanted = match query.verification.as_deref() {
        None => Verification::Pending,
        Some(raw) => raw.parse().map_err(|e| ApiError::invalid("verification", e))?,
    };
    let items = orgs::with_verification(&state.db, wanted).await?;
    Ok(Json(OrganizationList { total: items.len(), items }))
}

#[utoipa::path(
    get,
    path = "/organizations/{id}",
    operation_id = "getOrganization",
    tag = "organizations",
    summary = "An organization's public profile",
    description = "Anonymous callers see verified organizations only (404 otherwise), without `requested_change`; \
        members and their e-mail addresses are never part of a profile. The credit code is shown: it is public by \
        law (国家企业信用信息公示系统). Its own members and platform administrators also see an organization awaiting \
        review, and a requested change.",
    params(("id" = i64, Path, minimum = 1, description = "The resource's id.")),
    security((), ("bearerAuth" = [])),
    responses((status = 200, description = "The profile.", body = Organization), (status = 404, response = NotFound)),
)]
pub async fn show(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<i64>,
) -> Result<Json<Organization>, ApiError> {
    Ok(Json(orgs::visible_to_viewer(&state.db, caller.as_ref(), id).await?))
}

#[utoipa::path(
    patch,
    path = "/organizations/{id}",
    operation_id = "updateOrganization",
    tag = "organizations",
    summary = "Change the profile (its organization administrators)",
    description = "Only the fields sent change. A verified organization's new name or region waits for a platform \
        administrator's approval (`requested_change`). The credit code and the kind are fixed at registration: \
        sending either is refused with 422 naming it.",
    params(("id" = i64, Path, minimum = 1, description = "The resource's id.")),
    request_body = ProfileChanges,
    security(("bearerAuth" = [])),
    responses((status = 200, description = "The profile.", body = Organization), (status = 404, response = NotFound)),
)]
pub async fn update(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    ApiJson(changes): ApiJson<ProfileChanges>,
) -> Result<Json<Organization>, ApiError> {
    orgs::get(&state.db, id).await?;
    if !user.may_administer(id) {
        return Err(ApiError::Forbidden);
    }
    Ok(Json(orgs::update_profile(&state.db, id, changes, state.clock.now()).await?))
}

#[utoipa::path(
    get,
    path = "/organizations/{id}/members",
    operation_id = "listMembers",
    tag = "organizations",
    summary = "Members of an organization (its members, platform administrators)",
    params(("id" = i64, Path, minimum = 1, description = "The resource's id.")),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "Members, oldest account first.", body = Vec<Member>),
        (status = 404, response = NotFound),
    ),
)]
pub async fn members(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<Member>>, ApiError> {
    orgs::visible(&state.db, &user, id).await?;
    if !user.may_read_private(id) {
        return Err(ApiError::Forbidden);
    }
    Ok(Json(orgs::members(&state.db, &user, id).await?))
}

/// The id of a new resource.
#[derive(Serialize, ToSchema)]
pub struct Created {
    id: i64,
}

#[utoipa::path(
    post,
    path = "/organizations/{id}/members",
    operation_id = "addMember",
    tag = "organizations",
    summary = "Add a user to an organization (its organization administrators)",
    params(("id" = i64, Path, minimum = 1, description = "The resource's id.")),
    request_body = NewUser,
    security(("bearerAuth" = [])),
    responses(
        (status = 201, description = "The new user's id.", body = Created),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 503, response = ServiceUnavailable),
    ),
)]
pub async fn add_member(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    ApiJson(form): ApiJson<NewUser>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    orgs::get(&state.db, id).await?;
    if !user.may_administer(id) {
        return Err(ApiError::Forbidden);
    }
    let user_id = accounts::add_user(&state.db, &state.hasher, Some(id), form, state.clock.now()).await?;
    Ok((StatusCode::CREATED, Json(Created { id: user_id })))
}

/// A platform administrator's decision on a registration.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct Decision {
    #[schema(value_type = DecisionValue, required = true)]
    pub decision: String,
}

/// What [`Decision::decision`] may be, for the API's document.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code, reason = "never built: it only names the values a string field takes")]
pub enum DecisionValue {
    Verified,
    Rejected,
}

#[utoipa::path(
    post,
    path = "/organizations/{id}/verification",
    operation_id = "verifyOrganization",
    tag = "organizations",
    summary = "Decide on a registration (platform administrators)",
    params(("id" = i64, Path, minimum = 1, description = "The resource's id.")),
    request_body = Decision,
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The profile with the decision.", body = Organization),
        (status = 404, response = NotFound),
    ),
)]
pub async fn verify(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<Decision>,
) -> Result<Json<Organization>, ApiError> {
    user.require(Power::AdministerPlatform)?;
    let decision = body.decision.parse().map_err(|e| ApiError::invalid("decision", e))?;
    Ok(Json(orgs::decide(&state.db, id, decision, state.clock.now()).await?))
}
