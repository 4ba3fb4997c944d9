//! Loads the demonstration postings of [`super::catalog`] and the outlook's history of
//! [`super::catalog_outlook`] once: when the demo organizations already have postings, nothing is
//! added, so `serve --demo` can be started any number of times.

use std::collections::HashMap;

use chanjiao_domain::posting::{NewPosting, Side};
use chrono::{NaiveDate, TimeZone, Utc};

use chanjiao_api::services::postings::write;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};

use super::{catalog, catalog_outlook};
use chanjiao_api::entities::postings;
use chanjiao_api::error::ApiError;
use chanjiao_api::progress::{Phase, Progress};

/// Inserts the catalogue's postings for the organizations in `org_ids` (by catalogue index).
/// Returns how many were added (0 when the demo already has postings).
pub async fn seed(
    db: &impl ConnectionTrait,
    org_ids: &HashMap<usize, (i64, Side)>,
    today: NaiveDate,
    progress: &dyn Progress,
) -> Result<usize, ApiError> {
    let ids: Vec<i64> = org_ids.values().map(|(id, _)| *id).collect();
    let existing = postings::Entity::find().filter(postings::Column::OrganizationId.is_in(ids)).count(db).await?;
    if existing > 0 {
        return Ok(0);
    }
    let mut added = 0;
    let demos: Vec<_> = catalog::postings(today).into_iter().chain(catalog_outlook::postings(today)).collect();
    progress.start(Phase::DemoPostings, Some(demos.len() as u64));
    for demo in demos {
        progress.inc(1);
        let Some((org_id, side)) = org_ids.get(&demo.org) else { continue };
        let posting = NewPosting::parse_for_side(&demo.input, *side)
            .map_err(|e| ApiError::Internal(format!("demo posting {:?} is invalid: {e}", demo.input.title)))?;
        let created = demo.created_on.and_hms_opt(9, 0, 0).map(|t| Utc.from_utc_datetime(&t)).unwrap_or_else(Utc::now);
        write::insert_historical(db, *org_id, &posting, demo.status, created, created).await?;
        added += 1;
    }
    progress.finish();
    Ok(added)
}
