//! Supply and demand (供需对接) of the city: demand is the headcount enterprises asked for in
//! jobs, apprenticeships and order classes; supply is the graduates per year schools offer in
//! their program offerings; placements are the people placed in completed brokering projects
//! against that demand. Each is shown by program class, industry cluster, district and year, with
//! the gap and the fill rate of the domain (`supply_demand_gap`, `fill_rate`).
//!
//! Which postings count and in which year is [`super::facts`]'s rule, shared with the outlook.
//! A posting naming several classes or clusters counts under each, so those tables need not add up
//! to the city total; districts and years do. The postings behind a number are listed by
//! [`super::supply_demand_postings`].

use std::collections::BTreeMap;

use chanjiao_domain::reference::{ClusterId, clusters, programs_in_class};
use chanjiao_domain::statistics::indicators::{fill_rate, supply_demand_gap};
use chanjiao_domain::statistics::{Balance, Status, Thresholds, classify};
use sea_orm::ConnectionTrait;
use serde::Serialize;

use super::cells::{Cell, Grouping, Scope, cells};
use super::filter::{Filter, districts};
use crate::error::ApiError;

/// The figures of one line (or of the whole table).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[schema(as = SupplyDemandFigures)]
pub struct Figures {
    /// People asked for.
    pub demand: i64,
    /// Graduates offered.
    pub supply: i64,
    /// People placed through completed projects against the demand.
    pub placements: i64,
    pub demand_postings: i64,
    pub supply_postings: i64,
    /// Demand − supply: positive is a shortage of people.
    pub gap: f64,
    /// Supply ÷ demand; `None` without demand.
    pub fill_rate: Option<f64>,
    /// The early-warning verdict on these figures (docs/statistics.md thresholds), without a
    /// forecast.
    pub status: Status,
}

impl Default for Figures {
    fn default() -> Figures {
        Figures {
            demand: 0,
            supply: 0,
            placements: 0,
            demand_postings: 0,
            supply_postings: 0,
            gap: 0.0,
            fill_rate: None,
            status: Status::InsufficientData,
        }
    }
}

impl Figures {
    fn add(&mut self, cell: &Cell) {
        self.demand += cell.demand;
        self.supply += cell.supply;
        self.placements += cell.placements;
        self.demand_postings += cell.demand_postings;
        self.supply_postings += cell.supply_postings;
        self.finish();
    }

    fn finish(&mut self) {
        let (demand, supply) = (self.demand as f64, self.supply as f64);
        self.gap = supply_demand_gap(demand, supply);
        self.fill_rate = fill_rate(demand, supply);
        self.status = Balance::new(demand, supply)
            .map_or(Status::InsufficientData, |now| classify(now, None, &Thresholds::DEFAULT).status);
    }

    /// Whether nothing was counted.
    pub fn is_empty(&self) -> bool {
        self.demand_postings == 0 && self.supply_postings == 0 && self.placements == 0
    }
}

/// One line of a table: a class, cluster, district or year.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = SupplyDemandLine)]
pub struct Line {
    pub key: String,
    pub name: String,
    #[serde(flatten)]
    pub figures: Figures,
}

/// The supply-and-demand page's figures under one filter.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SupplyDemand {
    pub filter: Filter,
    /// The city (or the district) over the filter's years.
    pub total: Figures,
    pub by_class: Vec<Line>,
    pub by_cluster: Vec<Line>,
    pub by_district: Vec<Line>,
    pub by_year: Vec<Line>,
}

impl SupplyDemand {
    pub fn is_empty(&self) -> bool {
        self.total.is_empty()
    }
}

/// The Chinese name of a program class (专业类) by its four-digit code.
pub fn class_name(code: &str) -> String {
    programs_in_class(code).first().map(|p| p.class_name.clone()).unwrap_or_else(|| code.to_owned())
}

/// The Chinese name of a cluster by its id.
pub fn cluster_name(id: &str) -> String {
    ClusterId::parse(id).map(|c| c.cluster().name_zh.clone()).unwrap_or_else(|_| id.to_owned())
}

fn scope_of(filter: &Filter) -> Scope {
    Scope { district: filter.region_prefix().map(str::to_owned), year: filter.year, up_to_year: None }
}

/// Sums cells per code, in code order.
fn by_code(cells: &[Cell]) -> BTreeMap<String, Figures> {
    let mut lines: BTreeMap<String, Figures> = BTreeMap::new();
    for cell in cells {
        lines.entry(cell.code.clone()).or_default().add(cell);
    }
    lines
}

/// The figures under `filter`.
pub async fn summary(db: &impl ConnectionTrait, filter: &Filter) -> Result<SupplyDemand, ApiError> {
    let scope = scope_of(filter);
    // Three independent groupings: run them side by side on the pool.
    let (by_district_year, class_cells, cluster_cells) = tokio::try_join!(
        cells(db, Grouping::District, &scope),
        cells(db, Grouping::Class, &scope),
        cells(db, Grouping::Cluster, &scope),
    )?;
    let mut total = Figures::default();
    let mut years: BTreeMap<i32, Figures> = BTreeMap::new();
    for cell in &by_district_year {
        total.add(cell);
        years.entry(cell.year).or_default().add(cell);
    }
    let mut per_district = by_code(&by_district_year);
    let shown: Vec<_> = districts().into_iter().filter(|d| filter.covers_region(&d.code)).collect();
    let by_district = shown
        .into_iter()
        .map(|d| Line {
            key: d.code.clone(),
            name: d.name.clone(),
            figures: per_district.remove(&d.code).unwrap_or_default(),
        })
        .collect();
    let by_year = years
        .into_iter()
        .map(|(year, figures)| Line { key: year.to_string(), name: year.to_string(), figures })
        .collect();
    let by_class = by_code(&class_cells)
        .into_iter()
        .map(|(code, figures)| Line { name: class_name(&code), key: code, figures })
        .collect();
    let mut per_cluster = by_code(&cluster_cells);
    // The plan's order, then anything unknown (a cluster dropped from the list) by id.
    let mut by_cluster: Vec<Line> = clusters()
        .iter()
        .filter_map(|c| {
            per_cluster.remove(c.id.as_str()).map(|figures| Line {
                key: c.id.as_str().to_owned(),
                name: c.name_zh.clone(),
                figures,
            })
        })
        .collect();
    by_cluster.extend(per_cluster.into_iter().map(|(code, figures)| Line {
        name: cluster_name(&code),
        key: code,
        figures,
    }));
    Ok(SupplyDemand { filter: filter.clone(), total, by_class, by_cluster, by_district, by_year })
}
