//! Reading the statistics' fact rows back as cells: demand, supply and placements per code
//! (district, program class or industry cluster) and year, grouped in SQL. The supply-and-demand
//! page and the outlook both read through here, so they count the same postings.
//!
//! Placements are the people placed in completed brokering projects (`projects.placed`), counted
//! against the demand posting of the project, in that posting's district, classes, clusters and
//! year: a cell's placements are placements against the demand of the same cell.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;

use chanjiao_domain::region::SHAOXING;
use sea_orm::{ConnectionTrait, FromQueryResult};

use super::facts::Sql;
use crate::error::ApiError;

/// The groupings of the fact rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    District,
    Class,
    Cluster,
}

impl Grouping {
    pub fn as_str(self) -> &'static str {
        match self {
            Grouping::District => "district",
            Grouping::Class => "class",
            Grouping::Cluster => "cluster",
        }
    }
}

/// Which rows count: the whole city or one district; one year, every year, or up to a year.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    pub district: Option<String>,
    pub year: Option<i32>,
    pub up_to_year: Option<i32>,
}

impl Scope {
    /// Appends the conditions on the fact rows aliased `f`.
    pub(crate) fn push_conditions(&self, sql: &mut Sql) {
        match &self.district {
            Some(district) => {
                sql.push(" AND f.district = ").bind(district.clone());
            }
            // The whole city: every district of it, including postings placed at city level. A
            // range rather than LIKE, so an index on the district serves it with a bound value.
            None => {
                let city = &SHAOXING[..4];
                let next = city.parse::<u32>().map_or_else(|_| city.to_owned(), |c| (c + 1).to_string());
                sql.push(" AND f.district >= ").bind(city.to_owned()).push(" AND f.district < ").bind(next);
            }
        }
        if let Some(year) = self.year {
            sql.push(" AND f.created_year = ").bind(year);
        }
        if let Some(year) = self.up_to_year {
            sql.push(" AND f.created_year <= ").bind(year);
        }
    }
}

/// One code's figures in one year.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct Cell {
    pub code: String,
    pub year: i32,
    pub demand: i64,
    pub supply: i64,
    pub demand_postings: i64,
    pub supply_postings: i64,
    pub placements: i64,
}

/// Every non-empty cell of the grouping within the scope, by code then year.
pub async fn cells(db: &impl ConnectionTrait, grouping: Grouping, scope: &Scope) -> Result<Vec<Cell>, ApiError> {
    let mut sql = Sql::new(db.get_database_backend());
    sql.push(
        "SELECT f.code AS code, f.created_year AS year, \
         CAST(SUM(CASE WHEN f.measure = 'demand' THEN f.quantity ELSE 0 END) AS BIGINT) AS demand, \
         CAST(SUM(CASE WHEN f.measure = 'supply' THEN f.quantity ELSE 0 END) AS BIGINT) AS supply, \
         CAST(SUM(CASE WHEN f.measure = 'demand' THEN 1 ELSE 0 END) AS BIGINT) AS demand_postings, \
         CAST(SUM(CASE WHEN f.measure = 'supply' THEN 1 ELSE 0 END) AS BIGINT) AS supply_postings, \
         CAST(0 AS BIGINT) AS placements \
         FROM posting_facts f WHERE f.dimension = ",
    )
    .bind(grouping.as_str());
    scope.push_conditions(&mut sql);
    sql.push(
        " GROUP BY f.code, f.created_year UNION ALL \
         SELECT f.code AS code, f.created_year AS year, CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), \
         CAST(0 AS BIGINT), CAST(SUM(pr.placed) AS BIGINT) \
         FROM projects pr JOIN posting_facts f \
           ON (f.posting_id = pr.proposer_posting_id OR f.posting_id = pr.recipient_posting_id) \
         WHERE pr.status = 'completed' AND pr.placed IS NOT NULL AND f.measure = 'demand' AND f.dimension = ",
    )
    .bind(grouping.as_str());
    scope.push_conditions(&mut sql);
    sql.push(" GROUP BY f.code, f.created_year");
    let rows = Cell::find_by_statement(sql.statement()).all(db).await?;
    // The two halves meet here: a handful of rows per code and year.
    let mut merged: BTreeMap<(String, i32), Cell> = BTreeMap::new();
    for row in rows {
        match merged.entry((row.code.clone(), row.year)) {
            Entry::Occupied(mut cell) => {
                let cell = cell.get_mut();
                cell.demand += row.demand;
                cell.supply += row.supply;
                cell.demand_postings += row.demand_postings;
                cell.supply_postings += row.supply_postings;
                cell.placements += row.placements;
            }
            Entry::Vacant(slot) => {
                slot.insert(row);
            }
        }
    }
    Ok(merged.into_values().collect())
}
