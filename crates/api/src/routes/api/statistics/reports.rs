//! The school annual quality report and the city report as JSON (`services::statistics::reports`
//! decides who may see them).

use axum::Json;
use axum::extract::State;

use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::routes::api::extract::{Path, Query};
use crate::routes::api::openapi::shared::{NotFound, TooManyRequests};
use crate::services::statistics::filter::{Filter, FilterQuery};
use crate::services::statistics::reports::{Report, city, school};
use crate::startup::AppState;

/// `GET /statistics/reports/school/{org_id}?year=`
#[utoipa::path(
    get,
    path = "/statistics/reports/school/{org_id}",
    operation_id = "statisticsSchoolReport",
    tag = "statistics",
    summary = "The school annual quality report (职业院校年度质量报告 figures) for one year (last year by default): for that \
        school and authorities; 404 for anyone else. Printable page /statistics/reports/school/{org_id}, workbook \
        /statistics/reports/school/{org_id}.xlsx",
    params(
        ("org_id" = i64, Path, minimum = 1, description = "The school's organization id."),
        FilterQuery,
    ),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "OK.", body = Report),
        (status = 404, response = NotFound),
        (status = 429, response = TooManyRequests),
    ),
)]
pub async fn school(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(org_id): Path<i64>,
    Query(query): Query<FilterQuery>,
) -> Result<Json<Report>, ApiError> {
    let today = state.clock.today();
    let filter = Filter::parse(&query, today)?;
    Ok(Json(school::report(&state.db, &user, org_id, &filter, today).await?))
}

/// `GET /statistics/reports/city?district=&year=`
#[utoipa::path(
    get,
    path = "/statistics/reports/city",
    operation_id = "statisticsCityReport",
    tag = "statistics",
    summary = "The city report (postings by kind, projects by type and status, placements and retention, league leaders) \
        for authorities and platform administrators; 403 for anyone else. Printable page /statistics/reports/city, \
        workbook /statistics/reports/city.xlsx",
    params(
        FilterQuery,
    ),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "OK.", body = Report),
        (status = 429, response = TooManyRequests),
    ),
)]
pub async fn city(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(query): Query<FilterQuery>,
) -> Result<Json<Report>, ApiError> {
    let today = state.clock.today();
    let filter = Filter::parse(&query, today)?;
    Ok(Json(city::report(&state.db, &user, &filter, today).await?))
}
