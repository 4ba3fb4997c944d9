//! Which plan the dashboard measures against: the targets imported for the platform's city (the
//! plan period with the latest first year), or, when none were imported, the Shaoxing 2020–2024
//! targets embedded in the binary. `chanjiao targets import` replaces one city's plan period as a
//! whole, in one transaction, after the whole file has been checked.

use chanjiao_domain::region::{RegionCode, RegionLevel};
use chanjiao_domain::statistics::targets::{CellError, PlanPeriod, Target, parse_targets_csv, shaoxing_targets};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
};
use serde::Serialize;

use crate::db::{CorruptValue, Stored};
use crate::entities::plan_targets;
use crate::error::ApiError;
use crate::progress::{Phase, Progress, Silent};

/// The plan in force for a city.
#[derive(Debug, Clone, Serialize)]
pub struct ActivePlan {
    pub city: String,
    pub period: PlanPeriod,
    /// `embedded` (the Shaoxing file compiled in) or `imported`.
    pub source: &'static str,
    pub targets: Vec<Target>,
}

/// The plan of `city`: its imported period with the latest first year, else the embedded
/// Shaoxing plan.
pub async fn active(db: &impl ConnectionTrait, city: &str) -> Result<ActivePlan, ApiError> {
    let rows = plan_targets::Entity::find()
        .filter(plan_targets::Column::CityCode.eq(city))
        .order_by_desc(plan_targets::Column::FirstYear)
        .order_by_asc(plan_targets::Column::Position)
        .all(db)
        .await?;
    let Some(first) = rows.first() else {
        return Ok(ActivePlan {
            city: city.to_owned(),
            period: PlanPeriod::SHAOXING,
            source: "embedded",
            targets: shaoxing_targets(),
        });
    };
    let period = PlanPeriod::parse(first.first_year, first.last_year).map_err(|_| {
        CorruptValue::new("plan_targets.first_year", "PlanPeriod", format!("{}–{}", first.first_year, first.last_year))
    })?;
    let mut targets = Vec::new();
    for row in rows.iter().filter(|r| r.first_year == period.first_year) {
        targets.push(Target {
            kind: *row.target_id,
            name_zh: row.name_zh.clone(),
            name_en: row.name_en.clone(),
            value: row.target,
            unit: *row.unit,
            lead_unit: row.lead_unit.clone(),
        });
    }
    Ok(ActivePlan { city: city.to_owned(), period, source: "imported", targets })
}

/// Why an import was refused; nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{0} is not a city (a prefecture-level division code like 330600)")]
    City(String),
    #[error("the plan period {0}–{1} is not one to ten years from 2000 on")]
    Period(i32, i32),
    #[error("the file has problems, nothing was imported:\n{}", .0.iter().map(|e| format!("  {e}")).collect::<Vec<_>>().join("\n"))]
    Cells(Vec<CellError>),
    #[error("database: {0}")]
    Database(#[from] sea_orm::DbErr),
}

/// Replaces the targets of `city` for the period starting `first_year` with those of `text`.
/// Returns how many targets were stored.
pub async fn import(
    db: &DatabaseConnection,
    city: &str,
    first_year: i32,
    last_year: i32,
    text: &str,
    now: DateTime<Utc>,
) -> Result<usize, ImportError> {
    import_with(db, city, first_year, last_year, text, now, &Silent).await
}

/// [`import`], reporting the targets written to `progress` once the file has been checked.
pub async fn import_with(
    db: &DatabaseConnection,
    city: &str,
    first_year: i32,
    last_year: i32,
    text: &str,
    now: DateTime<Utc>,
    progress: &dyn Progress,
) -> Result<usize, ImportError> {
    let code = RegionCode::parse(city).map_err(|_| ImportError::City(city.to_owned()))?;
    if code.region().level != RegionLevel::City {
        return Err(ImportError::City(city.to_owned()));
    }
    let period = PlanPeriod::parse(first_year, last_year).map_err(|_| ImportError::Period(first_year, last_year))?;
    let targets = parse_targets_csv(text).map_err(ImportError::Cells)?;
    progress.start(Phase::WriteTargets, Some(targets.len() as u64));
    let txn = crate::db::begin_write(db).await?;
    plan_targets::Entity::delete_many()
        .filter(plan_targets::Column::CityCode.eq(code.as_str()))
        .filter(plan_targets::Column::FirstYear.eq(period.first_year))
        .exec(&txn)
        .await?;
    let rows = targets.iter().enumerate().map(|(position, t)| plan_targets::ActiveModel {
        city_code: Set(code.as_str().to_owned()),
        first_year: Set(period.first_year),
        last_year: Set(period.last_year),
        target_id: Set(Stored(t.kind)),
        position: Set(position as i32),
        name_zh: Set(t.name_zh.clone()),
        name_en: Set(t.name_en.clone()),
        target: Set(t.value),
        unit: Set(Stored(t.unit)),
        lead_unit: Set(t.lead_unit.clone()),
        imported_at: Set(now),
        ..Default::default()
    });
    plan_targets::Entity::insert_many(rows).exec(&txn).await?;
    txn.commit().await?;
    progress.inc(targets.len() as u64);
    progress.finish();
    Ok(targets.len())
}
