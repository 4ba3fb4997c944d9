//! City statistics over the API: aggregates for any signed-in user; the postings behind a
//! supply-and-demand number as the caller may see them.

use axum::Json;
use axum::extract::State;

use super::extract::Query;
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::services::statistics::filter::{Filter, FilterQuery};
use crate::services::statistics::open_data;
use crate::services::statistics::outlook::{self, OutlookReport};
use crate::services::statistics::supply_demand::{self, SupplyDemand};
use crate::services::statistics::supply_demand_postings::{self, Drill, DrillQuery};
use crate::startup::AppState;

/// `GET /statistics/outlook`: demand and supply per program class and per industry cluster,
/// forecast, early warning; under the shared filter.
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
pub async fn supply_demand_postings(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(query): Query<DrillQuery>,
) -> Result<Json<supply_demand_postings::Postings>, ApiError> {
    let drill = Drill::parse(&query, state.clock.today())?;
    Ok(Json(supply_demand_postings::postings(&state.db, &user, &drill).await?))
}

/// `GET /open-data`: public aggregates, no sign-in.
pub async fn open_data(State(state): State<AppState>) -> Result<Json<open_data::OpenData>, ApiError> {
    Ok(Json(open_data::figures(&state.db).await?))
}
