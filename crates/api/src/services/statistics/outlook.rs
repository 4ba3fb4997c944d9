//! The outlook per program class and per industry cluster: yearly demand (headcount asked for by
//! enterprises' jobs, apprenticeships and order classes) against supply (graduates offered by
//! schools' program offers), forecast three years ahead with a back-test, classified shortage /
//! balanced / oversupply, with the classes (and clusters) to expand and at risk.
//!
//! Which postings count and in which year is [`super::facts`]'s rule: a posting counts in the year
//! it was created, whatever its status now (a filled or expired need was still demand that year);
//! drafts never count. Only complete years are used: the current year would look like a collapse.
//! The yearly totals are grouped in SQL ([`super::cells`]); only the few totals per class and year
//! reach Rust.

use std::collections::BTreeMap;

use chanjiao_domain::statistics::{
    BackTest, Forecast, Outlook, Recommendation, Series, Status, Subject, Thresholds, Trend, at_risk_of_phase_out,
    programs_to_expand,
};
use chrono::{Datelike, NaiveDate};
use sea_orm::ConnectionTrait;
use serde::Serialize;

use super::cells::{Cell, Grouping, Scope, cells};
use super::filter::Filter;
use super::supply_demand::{class_name, cluster_name};
use crate::error::ApiError;

/// Years forecast ahead.
const HORIZON: u32 = 3;

/// One program class's (or cluster's) history, forecast and classification.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ClassOutlook {
    /// The program class (专业类, e.g. 4601) or the industry cluster.
    pub code: String,
    pub name: String,
    /// `(year, demand, supply)`, oldest first.
    pub history: Vec<(i32, f64, f64)>,
    pub demand_forecast: Vec<Forecast>,
    pub supply_forecast: Vec<Forecast>,
    pub status: Status,
    pub status_label: &'static str,
    pub demand_backtest: Option<BackTest>,
}

/// Demand and supply per program class and per industry cluster, forecast, early warning.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OutlookReport {
    pub first_year: i32,
    pub last_year: i32,
    pub classes: Vec<ClassOutlook>,
    pub expand: Vec<Recommendation>,
    pub at_risk: Vec<Recommendation>,
    /// The same per industry cluster of the plan.
    pub clusters: Vec<ClassOutlook>,
    pub clusters_expand: Vec<Recommendation>,
    pub clusters_at_risk: Vec<Recommendation>,
}

/// The outlook of the whole city over every complete year, as of `today`.
pub async fn report(db: &impl ConnectionTrait, today: NaiveDate) -> Result<OutlookReport, ApiError> {
    report_for(db, &Filter::default(), today).await
}

/// The outlook of the filter's district (or the city), with history up to the filter's year (or
/// the last complete year), as of `today`.
pub async fn report_for(
    db: &impl ConnectionTrait,
    filter: &Filter,
    today: NaiveDate,
) -> Result<OutlookReport, ApiError> {
    let last_year = filter.year.map_or(today.year() - 1, |year| year.min(today.year() - 1));
    let scope = Scope { district: filter.region_prefix().map(str::to_owned), year: None, up_to_year: Some(last_year) };
    let (class_cells, cluster_cells) =
        tokio::try_join!(cells(db, Grouping::Class, &scope), cells(db, Grouping::Cluster, &scope))?;
    let first_year = class_cells.iter().chain(&cluster_cells).map(|c| c.year).min().unwrap_or(last_year);
    let (classes, expand, at_risk) = outlooks(&class_cells, first_year, last_year, class_name)?;
    let (clusters, clusters_expand, clusters_at_risk) = outlooks(&cluster_cells, first_year, last_year, cluster_name)?;
    Ok(OutlookReport { first_year, last_year, classes, expand, at_risk, clusters, clusters_expand, clusters_at_risk })
}

type Outlooks = (Vec<ClassOutlook>, Vec<Recommendation>, Vec<Recommendation>);

/// A code's `(year, people)` points of demand and of supply.
type YearPoints = (Vec<(i32, f64)>, Vec<(i32, f64)>);

/// Each code's outlook from its yearly cells, with the codes to expand and at risk.
fn outlooks(
    cells: &[Cell],
    first_year: i32,
    last_year: i32,
    name_of: fn(&str) -> String,
) -> Result<Outlooks, ApiError> {
    let mut per_code: BTreeMap<&str, YearPoints> = BTreeMap::new();
    for cell in cells {
        let (demand, supply) = per_code.entry(cell.code.as_str()).or_default();
        demand.push((cell.year, cell.demand as f64));
        supply.push((cell.year, cell.supply as f64));
    }
    let thresholds = Thresholds::DEFAULT;
    let mut subjects = Vec::new();
    let mut outlooks = Vec::new();
    for (code, (demand, supply)) in per_code {
        let name = name_of(code);
        let series = |points: Vec<(i32, f64)>| {
            Series::from_year_totals(first_year, last_year, points)
                .map_err(|e| ApiError::Internal(format!("outlook series of {code}: {e}")))
        };
        let (demand, supply) = (series(demand)?, series(supply)?);
        let backtest = BackTest::run(&demand, Trend::DEFAULT);
        let outlook = Outlook::new(demand, supply, Trend::DEFAULT, HORIZON)
            .map_err(|e| ApiError::Internal(format!("outlook of {code}: {e}")))?;
        let assessment = outlook.assess(&thresholds);
        let history = outlook
            .demand()
            .points()
            .zip(outlook.supply().points())
            .map(|((year, demand), (_, supply))| (year, demand, supply))
            .collect();
        outlooks.push(ClassOutlook {
            code: code.to_owned(),
            name: name.clone(),
            history,
            demand_forecast: outlook.demand_forecast().to_vec(),
            supply_forecast: outlook.supply_forecast().to_vec(),
            status: assessment.status,
            status_label: assessment.status.zh(),
            demand_backtest: backtest,
        });
        subjects.push(Subject { code: code.to_owned(), name, outlook });
    }
    Ok((outlooks, programs_to_expand(&subjects, &thresholds), at_risk_of_phase_out(&subjects, &thresholds)))
}
