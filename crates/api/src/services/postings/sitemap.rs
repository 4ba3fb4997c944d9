//! What the sitemap lists: published postings with when they last changed, a bounded file at a
//! time, and the organizations whose profiles are public.

use chanjiao_domain::Verification;
use chanjiao_domain::posting::PostingStatus;
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::entities::{organizations, postings};
use crate::error::ApiError;

/// The most addresses one sitemap file may hold (sitemaps.org).
pub const MAX_URLS: u64 = 50_000;

/// How many postings are published (each has a public page).
pub async fn published_count(db: &impl ConnectionTrait) -> Result<u64, ApiError> {
    Ok(postings::Entity::find()
        .filter(postings::Column::Status.eq(PostingStatus::Published.as_str()))
        .count(db)
        .await?)
}

/// Published postings' ids and last changes, oldest id first, skipping `skip`, at most `max`:
/// only two columns, so a full file stays small in memory.
pub async fn published(db: &impl ConnectionTrait, skip: u64, max: u64) -> Result<Vec<(i64, DateTime<Utc>)>, ApiError> {
    Ok(postings::Entity::find()
        .select_only()
        .columns([postings::Column::Id, postings::Column::UpdatedAt])
        .filter(postings::Column::Status.eq(PostingStatus::Published.as_str()))
        .order_by_asc(postings::Column::Id)
        .offset(skip)
        .limit(max)
        .into_tuple()
        .all(db)
        .await?)
}

/// The ids of verified organizations (their profiles are public), at most `max`.
pub async fn verified_organizations(db: &impl ConnectionTrait, max: u64) -> Result<Vec<i64>, ApiError> {
    Ok(organizations::Entity::find()
        .select_only()
        .column(organizations::Column::Id)
        .filter(organizations::Column::Verification.eq(Verification::Verified.as_str()))
        .order_by_asc(organizations::Column::Id)
        .limit(max)
        .into_tuple()
        .all(db)
        .await?)
}
