//! Postings in the database: reading them back as domain values, who may see and change them,
//! and the writes (in `write`) and listings (in `list`).
//!
//! Every write goes through one transaction that also appends to the outbox (for the search
//! indexers) and to the audit log, so the three never disagree.

pub mod feed;
mod list;
pub mod outbox;
pub mod sitemap;
pub mod write;

use std::collections::HashMap;

use chanjiao_domain::posting::{NewPosting, PostingInput, PostingStatus, Side};
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, EntityTrait};
use serde::Serialize;

use crate::auth::CurrentUser;
use crate::db::CorruptValue;
use crate::entities::postings;
use crate::error::ApiError;

pub use list::{ListQuery, Page as ListPage, list, list_all, newest_by_kind};
pub(crate) use write::record_placements;
pub use write::{Create, code_rows, create, expire_due, insert_historical, row_model, transition, update};

/// A stored posting with its owner and status, as the API and pages show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Posting {
    pub id: i64,
    pub organization_id: i64,
    pub organization_name: String,
    pub side: Side,
    pub status: PostingStatus,
    #[serde(flatten)]
    pub posting: NewPosting,
    pub kind_zh: &'static str,
    pub region_name: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[schema(required = true)]
    pub published_at: Option<DateTime<Utc>>,
}

impl Posting {
    /// Owners (and their delegates) and platform administrators see everything of theirs; others
    /// see only published postings. A draft, paused, closed, filled or expired posting of another
    /// organization does not exist for them: the statistics count it, nothing shows it.
    pub fn visible_to(&self, user: &CurrentUser) -> bool {
        self.is_public() || self.owned_by(user) || user.is_platform_admin()
    }

    /// Whether anyone, signed in or not, may see the posting: only published postings are public.
    pub fn is_public(&self) -> bool {
        self.status == PostingStatus::Published
    }

    /// Whether `viewer` (nobody: an anonymous visitor) may see the posting.
    pub fn visible_to_viewer(&self, viewer: Option<&CurrentUser>) -> bool {
        match viewer {
            Some(user) => self.visible_to(user),
            None => self.is_public(),
        }
    }

    /// Members of the owning organization change it.
    pub fn owned_by(&self, user: &CurrentUser) -> bool {
        user.organization_id() == Some(self.organization_id)
    }
}

/// Parses a stored row back into the domain. A row whose details no longer parse is a bug (or
/// an unmigrated rule change), reported as a corrupt value rather than shown half-valid.
pub(crate) fn from_row(row: postings::Model, organization_name: String) -> Result<Posting, ApiError> {
    let corrupt =
        || CorruptValue::new(format!("postings.details (id {})", row.id), "PostingInput", row.details.as_str());
    let input: PostingInput = serde_json::from_str(&row.details).map_err(|_| corrupt())?;
    let posting = NewPosting::parse(&input).map_err(|_| corrupt())?;
    let status = *row.status;
    Ok(Posting {
        id: row.id,
        organization_id: row.organization_id,
        organization_name,
        side: posting.side(),
        status,
        kind_zh: posting.kind.zh(),
        region_name: posting.region.full_name(),
        posting,
        created_at: row.created_at,
        updated_at: row.updated_at,
        published_at: row.published_at,
    })
}

/// Rows with their organizations' names, in the order given.
pub async fn with_org_names(db: &impl ConnectionTrait, rows: Vec<postings::Model>) -> Result<Vec<Posting>, ApiError> {
    let ids: Vec<i64> = rows.iter().map(|r| r.organization_id).collect();
    let names: HashMap<i64, String> = crate::services::organizations::names(db, ids).await?;
    rows.into_iter()
        .map(|row| {
            let name = names.get(&row.organization_id).cloned().unwrap_or_default();
            from_row(row, name)
        })
        .collect()
}

/// A posting by id, as `user` may see it: other organizations' unpublished postings do not exist
/// for them.
pub async fn get(db: &impl ConnectionTrait, user: &CurrentUser, id: i64) -> Result<Posting, ApiError> {
    get_for(db, Some(user), id).await
}

/// A posting as `viewer` may see it, anonymous visitors included: what they may not see does not
/// exist for them (404).
pub async fn get_for(db: &impl ConnectionTrait, viewer: Option<&CurrentUser>, id: i64) -> Result<Posting, ApiError> {
    let row = postings::Entity::find_by_id(id).one(db).await?.ok_or(ApiError::NotFound)?;
    let posting = with_org_names(db, vec![row]).await?.pop().ok_or(ApiError::NotFound)?;
    if posting.visible_to_viewer(viewer) { Ok(posting) } else { Err(ApiError::NotFound) }
}

/// Loads a posting `user` may change: 404 if they cannot see it, 403 if they can but it is not
/// theirs.
pub(crate) async fn get_owned(db: &impl ConnectionTrait, user: &CurrentUser, id: i64) -> Result<Posting, ApiError> {
    let posting = get(db, user, id).await?;
    if posting.owned_by(user) { Ok(posting) } else { Err(ApiError::Forbidden) }
}
