//! The targets dashboard over the API: progress per target, district and year (aggregates for
//! everyone signed in, school names only for overseers and a school's own), designations
//! (recorded and revoked by overseers) and schools' yearly reports.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chanjiao_domain::statistics::designation::DesignationInput;
use chanjiao_domain::statistics::targets::SchoolReportInput;

use crate::auth::ApiUser;
use crate::error::{ApiError, Problem};
use crate::routes::api::ApiJson;
use crate::routes::api::extract::{Path, Query};
use crate::routes::api::openapi::shared::{NotFound, TooManyRequests};
use crate::services::statistics::filter::{Filter, FilterQuery};
use crate::services::statistics::targets::designations::{self, DesignationView, RevokeInput};
use crate::services::statistics::targets::school_reports::{self, SchoolReportView};
use crate::services::statistics::targets::{self, TargetsReport};
use crate::startup::AppState;

/// `GET /statistics/targets?district=&year=`
#[utoipa::path(
    get,
    path = "/statistics/targets",
    operation_id = "statisticsTargets",
    tag = "statistics",
    summary = "Progress on the plan's targets per target, district and year, with the districts behind; schools behind are \
        named only to authorities and platform admins (a school sees only itself)",
    params(
        FilterQuery,
    ),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The report.", body = TargetsReport),
        (status = 429, response = TooManyRequests),
    ),
)]
pub async fn progress(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(query): Query<FilterQuery>,
) -> Result<Json<TargetsReport>, ApiError> {
    let today = state.clock.today();
    let filter = Filter::parse(&query, today)?;
    Ok(Json(targets::progress(&state.db, &filter, today).await?.for_viewer(&user)))
}

/// `GET /statistics/designations?district=&year=`
#[utoipa::path(
    get,
    path = "/statistics/designations",
    operation_id = "listDesignations",
    tag = "statistics",
    summary = "Designations (认定), revoked ones included: all for authorities and platform admins, otherwise only the \
        caller's organization's",
    params(
        FilterQuery,
    ),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The designations, newest year first.", body = Vec<DesignationView>),
    ),
)]
pub async fn list_designations(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(query): Query<FilterQuery>,
) -> Result<Json<Vec<DesignationView>>, ApiError> {
    let filter = Filter::parse(&query, state.clock.today())?;
    Ok(Json(designations::list(&state.db, &user, &filter).await?))
}

/// `POST /statistics/designations`
#[utoipa::path(
    post,
    path = "/statistics/designations",
    operation_id = "createDesignation",
    tag = "statistics",
    summary = "Record a designation with evidence (authorities and platform admins only)",
    request_body = DesignationInput,
    security(("bearerAuth" = [])),
    responses(
        (status = 201, description = "The recorded designation.", body = DesignationView),
    ),
)]
pub async fn create_designation(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(input): ApiJson<DesignationInput>,
) -> Result<(StatusCode, Json<DesignationView>), ApiError> {
    let created = designations::create(&state.db, &user, &input, state.clock.today(), state.clock.now()).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// `POST /statistics/designations/{id}/revoke`
#[utoipa::path(
    post,
    path = "/statistics/designations/{id}/revoke",
    operation_id = "revokeDesignation",
    tag = "statistics",
    summary = "Revoke a designation with a reason; it stays on record and stops counting (authorities and platform admins \
        only)",
    params(
        ("id" = i64, Path, minimum = 1, description = "The resource's id."),
    ),
    request_body = RevokeInput,
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The revoked designation.", body = DesignationView),
        (status = 404, response = NotFound),
        (status = 409, description = "Already revoked.", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub async fn revoke_designation(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<RevokeInput>,
) -> Result<Json<DesignationView>, ApiError> {
    Ok(Json(designations::revoke(&state.db, &user, id, &input, state.clock.now()).await?))
}

/// `GET /statistics/school-reports`
#[utoipa::path(
    get,
    path = "/statistics/school-reports",
    operation_id = "listSchoolReports",
    tag = "statistics",
    summary = "Schools' yearly teacher reports: all for authorities and platform admins, a school's own for its members; 403 \
        for others",
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The reports, newest year first.", body = Vec<SchoolReportView>),
    ),
)]
pub async fn list_school_reports(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<Vec<SchoolReportView>>, ApiError> {
    Ok(Json(school_reports::list(&state.db, &user).await?))
}

/// `POST /statistics/school-reports`: creates or replaces the school's report for the year.
#[utoipa::path(
    post,
    path = "/statistics/school-reports",
    operation_id = "submitSchoolReport",
    tag = "statistics",
    summary = "Report (or replace) the caller's school's figures for a year (school administrators only; the change is \
        audited)",
    request_body = SchoolReportInput,
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The stored report.", body = SchoolReportView),
    ),
)]
pub async fn submit_school_report(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(input): ApiJson<SchoolReportInput>,
) -> Result<Json<SchoolReportView>, ApiError> {
    Ok(Json(school_reports::submit(&state.db, &user, &input, state.clock.today(), state.clock.now()).await?))
}
