//! The public open-data figures: counts and totals only, never a name, a title or anything that
//! points at one organization. Cells counting fewer than [`MIN_CELL`] postings or projects are
//! withheld (shown as "fewer than 3"), because a count of one in a district is as good as a
//! name.

use std::collections::BTreeMap;

use chanjiao_domain::posting::{PostingKind, PostingStatus};
use chanjiao_domain::{RegionCode, RegionLevel};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use serde::Serialize;

use crate::entities::{postings, projects};
use crate::error::ApiError;

/// The smallest count published as a number.
pub const MIN_CELL: u64 = 3;

/// A published count, or `None` when it is below [`MIN_CELL`] (and above zero).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = OpenDataCell)]
pub struct Cell {
    pub count: Option<u64>,
    /// People or places summed over the cell, withheld with the count.
    pub quantity: Option<u64>,
}

impl Cell {
    fn of(count: u64, quantity: u64) -> Cell {
        if count == 0 || count >= MIN_CELL {
            Cell { count: Some(count), quantity: Some(quantity) }
        } else {
            Cell { count: None, quantity: None }
        }
    }
}

// The rows are described as arrays of `len` values rather than as tuples: schemathesis rewrites
// a tuple's `prefixItems` into a Draft 4 `items` list, and then refuses it when one of the
// values is an object (`OpenDataCell`).
fn rows_of_three() -> utoipa::openapi::Array {
    rows(3)
}

fn rows_of_two() -> utoipa::openapi::Array {
    rows(2)
}

fn rows(len: usize) -> utoipa::openapi::Array {
    use utoipa::openapi::schema::{ArrayBuilder, Schema};
    let row = ArrayBuilder::new().min_items(Some(len)).max_items(Some(len)).build();
    ArrayBuilder::new().items(utoipa::openapi::RefOr::T(Schema::Array(row))).build()
}

/// Public aggregates: no names, small cells withheld.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OpenData {
    /// Published postings by kind: `(kind, label, cell)`.
    #[schema(schema_with = rows_of_three)]
    pub by_kind: Vec<(String, String, Cell)>,
    /// Published postings by county or district: `(code, name, cell)`.
    #[schema(schema_with = rows_of_three)]
    pub by_district: Vec<(String, String, Cell)>,
    /// Cooperation projects by status: `(status, cell)`.
    #[schema(schema_with = rows_of_two)]
    pub projects: Vec<(String, Cell)>,
    /// People placed and hired through completed projects, when at least [`MIN_CELL`] projects
    /// completed.
    pub placed: Option<u64>,
    pub hired: Option<u64>,
}

/// The city's headline numbers, as the home page shows them: sums of the published cells only,
/// so a withheld small cell stays withheld.
#[derive(Debug, Clone, Serialize)]
pub struct Headline {
    /// Published postings.
    pub postings: u64,
    /// People or places those postings ask for or offer.
    pub places: u64,
    /// Cooperation projects agreed, under way or completed.
    pub projects: u64,
    /// People placed through completed projects, when enough projects completed.
    pub placed: Option<u64>,
}

impl OpenData {
    pub fn headline(&self) -> Headline {
        let cells = || self.by_kind.iter().map(|(_, _, cell)| cell);
        Headline {
            postings: cells().filter_map(|c| c.count).sum(),
            places: cells().filter_map(|c| c.quantity).sum(),
            projects: self.projects.iter().filter(|(s, _)| s != "cancelled").filter_map(|(_, c)| c.count).sum(),
            placed: self.placed,
        }
    }
}

/// The county-level division a region code lies in (itself for a county), if any.
fn district(code: &str) -> Option<(String, String)> {
    let region = RegionCode::parse(code).ok()?;
    region.ancestry().into_iter().find(|r| r.level == RegionLevel::County).map(|r| (r.code.clone(), r.name.clone()))
}

pub async fn figures(db: &impl ConnectionTrait) -> Result<OpenData, ApiError> {
    let rows: Vec<(String, String, Option<i64>)> = postings::Entity::find()
        .select_only()
        .columns([postings::Column::Kind, postings::Column::RegionCode, postings::Column::Quantity])
        .filter(postings::Column::Status.eq(PostingStatus::Published.as_str()))
        .into_tuple()
        .all(db)
        .await?;
    let mut kinds: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let mut districts: BTreeMap<(String, String), (u64, u64)> = BTreeMap::new();
    for (kind, region, quantity) in rows {
        let quantity = quantity.and_then(|q| u64::try_from(q).ok()).unwrap_or(0);
        let cell = kinds.entry(kind).or_default();
        cell.0 += 1;
        cell.1 += quantity;
        if let Some(key) = district(&region) {
            let cell = districts.entry(key).or_default();
            cell.0 += 1;
            cell.1 += quantity;
        }
    }
    let by_kind = PostingKind::ALL
        .iter()
        .map(|kind| {
            let (count, quantity) = kinds.get(kind.as_str()).copied().unwrap_or_default();
            (kind.as_str().to_owned(), kind.zh().to_owned(), Cell::of(count, quantity))
        })
        .collect();
    let by_district = districts
        .into_iter()
        .map(|((code, name), (count, quantity))| (code, name, Cell::of(count, quantity)))
        .collect();
    let project_rows: Vec<(String, Option<i32>, Option<i32>)> = projects::Entity::find()
        .select_only()
        .columns([projects::Column::Status, projects::Column::Placed, projects::Column::Hired])
        .into_tuple()
        .all(db)
        .await?;
    let mut statuses: BTreeMap<String, u64> = BTreeMap::new();
    let (mut completed, mut placed, mut hired) = (0u64, 0u64, 0u64);
    for (status, p, h) in project_rows {
        *statuses.entry(status.clone()).or_default() += 1;
        if status == "completed" {
            completed += 1;
            placed += p.and_then(|v| u64::try_from(v).ok()).unwrap_or(0);
            hired += h.and_then(|v| u64::try_from(v).ok()).unwrap_or(0);
        }
    }
    let projects = ["agreed", "active", "completed", "cancelled"]
        .into_iter()
        .map(|s| (s.to_owned(), Cell::of(statuses.get(s).copied().unwrap_or(0), 0)))
        .map(|(s, c)| (s, Cell { quantity: None, ..c }))
        .collect();
    let enough = completed >= MIN_CELL;
    Ok(OpenData { by_kind, by_district, projects, placed: enough.then_some(placed), hired: enough.then_some(hired) })
}
