//! City statistics over the API: aggregates for any signed-in user; the postings behind a
//! supply-and-demand number as the caller may see them.

pub(crate) mod indicators;
pub(crate) mod reports;
pub(crate) mod targets;

use axum::Json;
use axum::extract::State;

use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::routes::api::extract::Query;
use crate::routes::api::openapi::shared::TooManyRequests;
use crate::services::statistics::filter::{Filter, FilterQuery};
use crate::services::statistics::open_data;
use crate::services::statistics::outlook::{self, OutlookReport};
use crate::services::statistics::supply_demand::{self, SupplyDemand};
use crate::services::statistics::supply_demand_postings::{self, Drill, DrillQuery};
use crate::startup::AppState;

/// `GET /statistics/outlook`: demand and supply per program class and per industry cluster,
/// forecast, early warning; under the shared filter.
#[utoipa::path(
    get,
    path = "/statistics/outlook",
    operation_id = "statisticsOutlook",
    tag = "statistics",
    summary = "Demand and supply per program class by year, forecast three years ahead with a back-test, early \
        warning, programs to expand and at risk (aggregates only)",
    description = "Under the shared statistics filter: `district` restricts the counted postings to one district; \
        `year` makes it the last year of history (never later than the last complete year).",
    params(FilterQuery),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The outlook.", body = OutlookReport),
        (status = 429, response = TooManyRequests),
    ),
)]
pub async fn outlook(
    State(state): State<AppState>,
    ApiUser(_user): ApiUser,
    Query(query): Query<FilterQuery>,
) -> Result<Json<OutlookReport>, ApiError> {
    let filter = Filter::parse(&query, state.clock.today())?;
    Ok(Json(outlook::report_for(&state.db, &filter, state.clock.today()).await?))
}

/// `GET /statistics/supply-demand`: demand, supply, placements, gap and fill rate by program
/// class, industry cluster, district and year, under the shared filter.
#[utoipa::path(
    get,
    path = "/statistics/supply-demand",
    operation_id = "statisticsSupplyDemand",
    tag = "statistics",
    summary = "Demand, supply, placements, gap and fill rate by program class, industry cluster, district and year \
        (aggregates only)",
    params(FilterQuery),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The figures.", body = SupplyDemand),
        (status = 429, response = TooManyRequests),
    ),
)]
pub async fn supply_demand(
    State(state): State<AppState>,
    ApiUser(_user): ApiUser,
    Query(query): Query<FilterQuery>,
) -> Result<Json<SupplyDemand>, ApiError> {
    let filter = Filter::parse(&query, state.clock.today())?;
    Ok(Json(supply_demand::summary(&state.db, &filter).await?))
}

/// `GET /statistics/supply-demand/postings`: the postings behind one number, as the caller may
/// see them (others' non-public postings only counted).
#[utoipa::path(
    get,
    path = "/statistics/supply-demand/postings",
    operation_id = "statisticsSupplyDemandPostings",
    tag = "statistics",
    summary = "The postings behind one supply-and-demand number, newest first, 20 a page",
    description = "Authorities and platform administrators see every posting; anyone else sees published postings \
        and their own organization's, and only a count of the rest.",
    params(DrillQuery),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "A page of postings with the totals.", body = supply_demand_postings::Postings),
        (status = 429, response = TooManyRequests),
    ),
)]
pub async fn supply_demand_postings(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(query): Query<DrillQuery>,
) -> Result<Json<supply_demand_postings::Postings>, ApiError> {
    let drill = Drill::parse(&query, state.clock.today())?;
    Ok(Json(supply_demand_postings::postings(&state.db, &user, &drill).await?))
}

/// `GET /open-data`: public aggregates, no sign-in.
#[utoipa::path(
    get,
    path = "/open-data",
    operation_id = "openData",
    tag = "statistics",
    summary = "Public aggregates: published postings by kind and district, projects by status, people placed; no \
        names, small cells withheld",
    responses(
        (status = 200, description = "The figures.", body = open_data::OpenData),
        (status = 429, response = TooManyRequests),
    ),
)]
pub async fn open_data(State(state): State<AppState>) -> Result<Json<open_data::OpenData>, ApiError> {
    Ok(Json(open_data::figures(&state.db).await?))
}
