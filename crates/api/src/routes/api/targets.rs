//! The targets dashboard over the API: progress per target, district and year (aggregates for
//! everyone signed in, school names only for overseers and a school's own), designations
//! (recorded and revoked by overseers) and schools' yearly reports.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chanjiao_domain::statistics::designation::DesignationInput;
use chanjiao_domain::statistics::targets::SchoolReportInput;

use super::ApiJson;
use super::extract::{Path, Query};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::services::statistics::filter::{Filter, FilterQuery};
use crate::services::statistics::targets::designations::{self, DesignationView, RevokeInput};
use crate::services::statistics::targets::school_reports::{self, SchoolReportView};
use crate::services::statistics::targets::{self, TargetsReport};
use crate::startup::AppState;

/// `GET /statistics/targets?district=&year=`
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
pub async fn list_designations(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(query): Query<FilterQuery>,
) -> Result<Json<Vec<DesignationView>>, ApiError> {
    let filter = Filter::parse(&query, state.clock.today())?;
    Ok(Json(designations::list(&state.db, &user, &filter).await?))
}

/// `POST /statistics/designations`
pub async fn create_designation(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(input): ApiJson<DesignationInput>,
) -> Result<(StatusCode, Json<DesignationView>), ApiError> {
    let created = designations::create(&state.db, &user, &input, state.clock.today(), state.clock.now()).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// `POST /statistics/designations/{id}/revoke`
pub async fn revoke_designation(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<RevokeInput>,
) -> Result<Json<DesignationView>, ApiError> {
    Ok(Json(designations::revoke(&state.db, &user, id, &input, state.clock.now()).await?))
}

/// `GET /statistics/school-reports`
pub async fn list_school_reports(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<Vec<SchoolReportView>>, ApiError> {
    Ok(Json(school_reports::list(&state.db, &user).await?))
}

/// `POST /statistics/school-reports`: creates or replaces the school's report for the year.
pub async fn submit_school_report(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(input): ApiJson<SchoolReportInput>,
) -> Result<Json<SchoolReportView>, ApiError> {
    Ok(Json(school_reports::submit(&state.db, &user, &input, state.clock.today(), state.clock.now()).await?))
}
