//! The change feed of postings (`GET /api/v1/feed/postings`), its snapshot, and who sees what
//! in them.
//!
//! The feed is the outbox read in sequence order, so its cursor (an outbox sequence) is the
//! same on every node and survives restarts; it stops at a young gap ([`super::outbox::settled`])
//! so a client resuming from a cursor never misses a change that commits later. Each change
//! carries the posting as it is *now* for the caller, or a tombstone (no posting) when the
//! caller could once see it and no longer can; changes to postings the caller never could see
//! (another organization's drafts) are passed over, never revealed.
//!
//! The snapshot is every posting the caller sees now, a page at a time, with the feed cursor to
//! continue from: a cursor taken *before* the first page is read, so any change that lands
//! while the pages are read is in the feed after it (and a mirror applies it once more,
//! harmlessly).

use chanjiao_domain::posting::{PostingChange, PostingStatus};
use chanjiao_domain::{Invalid, Invalids, Text};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

use super::{Posting, outbox, with_org_names};
use crate::auth::CurrentUser;
use crate::entities::{posting_outbox, postings};
use crate::error::ApiError;
use crate::services::paging;

pub const DEFAULT_LIMIT: u64 = 100;
pub const MAX_LIMIT: u64 = 1000;

/// Whose view of the postings a feed shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Anonymous callers, and signed-in users without an organization: published postings.
    Public,
    /// An organization (its members, its keys, its delegates, its webhooks): published
    /// postings and all of its own.
    Organization(i64),
    /// Platform administrators: every posting.
    Everyone,
}

impl Audience {
    pub fn of(viewer: Option<&CurrentUser>) -> Audience {
        match viewer {
            Some(user) if user.is_platform_admin() => Audience::Everyone,
            Some(user) => user.organization_id().map_or(Audience::Public, Audience::Organization),
            None => Audience::Public,
        }
    }

    /// Whether the audience sees the posting now.
    pub fn sees(self, posting: &Posting) -> bool {
        match self {
            Audience::Public => posting.is_public(),
            Audience::Organization(id) => posting.is_public() || posting.organization_id == id,
            Audience::Everyone => true,
        }
    }

    /// Whether the audience may have seen the posting at some time: it was published once, or
    /// it is the audience's own. A change to a posting it never could see is not reported.
    fn may_have_seen(self, posting: &Posting) -> bool {
        self.sees(posting) || posting.published_at.is_some()
    }

    /// The SQL condition of the postings the audience sees now.
    fn condition(self) -> Condition {
        let published = postings::Column::Status.eq(PostingStatus::Published.as_str());
        match self {
            Audience::Public => Condition::all().add(published),
            Audience::Organization(id) => Condition::any().add(published).add(postings::Column::OrganizationId.eq(id)),
            Audience::Everyone => Condition::all(),
        }
    }
}

/// The query string of `GET /feed/postings`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct FeedQuery {
    /// A `next_cursor` (or a snapshot's `cursor`); omit to start at the beginning.
    #[param(example = "1042")]
    pub after: Option<String>,
    /// Changes per page, 1–1000 (default 100).
    #[param(value_type = Option<u16>, minimum = 1, maximum = 1000)]
    pub limit: Option<String>,
}

/// The query string of `GET /feed/postings/snapshot`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct SnapshotQuery {
    /// The previous page's `next_page`; omit for the first page.
    pub page: Option<String>,
    /// Postings per page, 1–1000 (default 100).
    #[param(value_type = Option<u16>, minimum = 1, maximum = 1000)]
    pub limit: Option<String>,
}

/// One change. Without `posting` it is a tombstone: the caller no longer sees the posting
/// (closed, filled, expired, paused, reopened as a draft, or deleted) and a mirror drops it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FeedEvent {
    /// This change's position; resuming after it continues with the next change.
    pub cursor: String,
    pub change: PostingChange,
    pub posting_id: i64,
    /// When the change was made.
    pub at: DateTime<Utc>,
    /// The posting as it is now, as `GET /postings/{id}` shows it to the caller.
    #[schema(required = true)]
    pub posting: Option<Posting>,
}

/// A page of the feed.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FeedPage {
    pub events: Vec<FeedEvent>,
    /// Pass as `after` for the next page. When no change was read it is the `after` given.
    pub next_cursor: String,
    /// More changes are waiting now; otherwise poll again later with `next_cursor`.
    pub has_more: bool,
}

/// A page of the snapshot.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SnapshotPage {
    /// Postings the caller sees now, by id.
    pub items: Vec<Posting>,
    /// Pass as `page` for the next page; null on the last.
    #[schema(required = true)]
    pub next_page: Option<String>,
    /// The feed cursor to continue from after the last page (the same on every page).
    pub cursor: String,
}

fn cursor_of(field: &str, raw: &str, errors: &mut Invalids) -> i64 {
    match raw.trim().parse::<i64>() {
        Ok(n) if n >= 0 => n,
        _ => {
            errors.push(field, Invalid::Format(Text::new("a cursor the feed gave", "变更流给出的游标")));
            0
        }
    }
}

/// The changes after `query.after` that `viewer` may see.
pub async fn changes(
    db: &impl ConnectionTrait,
    viewer: Option<&CurrentUser>,
    query: &FeedQuery,
    now: DateTime<Utc>,
) -> Result<FeedPage, ApiError> {
    let mut errors = Invalids::default();
    let limit = paging::limit(query.limit.as_deref(), DEFAULT_LIMIT, MAX_LIMIT, &mut errors);
    let after =
        query.after.as_deref().filter(|a| !a.trim().is_empty()).map_or(0, |a| cursor_of("after", a, &mut errors));
    errors.finish(|| ())?;
    let rows = outbox::settled(db, after, limit, now).await?;
    let next_cursor = rows.last().map_or(after, |r| r.seq).to_string();
    let has_more = rows.len() as u64 == limit;
    let events = events(db, Audience::of(viewer), &rows).await?;
    Ok(FeedPage { events, next_cursor, has_more })
}

/// The events `audience` is told of for outbox rows, in their order.
pub async fn events(
    db: &impl ConnectionTrait,
    audience: Audience,
    rows: &[posting_outbox::Model],
) -> Result<Vec<FeedEvent>, ApiError> {
    let mut ids: Vec<i64> = rows.iter().map(|r| r.posting_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let found = postings::Entity::find().filter(postings::Column::Id.is_in(ids)).all(db).await?;
    let current: HashMap<i64, Posting> = with_org_names(db, found).await?.into_iter().map(|p| (p.id, p)).collect();
    let mut events = Vec::with_capacity(rows.len());
    for row in rows {
        let change = row.change.map_or(PostingChange::Updated, |c| *c);
        let posting = match current.get(&row.posting_id) {
            Some(posting) if audience.sees(posting) => Some(posting.clone()),
            Some(posting) if audience.may_have_seen(posting) => None,
            Some(_) => continue,
            // Gone from the database: a tombstone, whatever the row said.
            None => {
                events.push(FeedEvent {
                    cursor: row.seq.to_string(),
                    change: PostingChange::Deleted,
                    posting_id: row.posting_id,
                    at: row.created_at,
                    posting: None,
                });
                continue;
            }
        };
        events.push(FeedEvent {
            cursor: row.seq.to_string(),
            change,
            posting_id: row.posting_id,
            at: row.created_at,
            posting,
        });
    }
    Ok(events)
}

/// A page of every posting `viewer` sees now, with the feed cursor to continue from.
pub async fn snapshot(
    db: &impl ConnectionTrait,
    viewer: Option<&CurrentUser>,
    query: &SnapshotQuery,
    now: DateTime<Utc>,
) -> Result<SnapshotPage, ApiError> {
    let mut errors = Invalids::default();
    let limit = paging::limit(query.limit.as_deref(), DEFAULT_LIMIT, MAX_LIMIT, &mut errors);
    let page = query.page.as_deref().map(str::trim).filter(|p| !p.is_empty()).and_then(|raw| {
        let parsed = raw.split_once('.').and_then(|(cursor, last)| Some((cursor.parse().ok()?, last.parse().ok()?)));
        match parsed {
            Some((cursor, last)) if cursor >= 0 && last >= 0 => Some((cursor, last)),
            _ => {
                errors
                    .push("page", Invalid::Format(Text::new("a next_page the snapshot gave", "快照给出的 next_page")));
                None
            }
        }
    });
    errors.finish(|| ())?;
    let (cursor, after_id) = match page {
        Some(page) => page,
        None => (watermark(db, now).await?, 0),
    };
    let rows = postings::Entity::find()
        .filter(Audience::of(viewer).condition())
        .filter(postings::Column::Id.gt(after_id))
        .order_by_asc(postings::Column::Id)
        .limit(limit + 1)
        .all(db)
        .await?;
    let more = rows.len() as u64 > limit;
    let mut items = with_org_names(db, rows).await?;
    items.truncate(limit as usize);
    let next_page = if more { items.last().map(|p| format!("{cursor}.{}", p.id)) } else { None };
    Ok(SnapshotPage { items, next_page, cursor: cursor.to_string() })
}

/// The newest sequence before which nothing can still appear: the end of the settled prefix of
/// the recent outbox rows (older gaps are settled by age).
async fn watermark(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<i64, ApiError> {
    let horizon = now - chrono::Duration::from_std(outbox::GAP_PATIENCE * 2).unwrap_or_default();
    let base = posting_outbox::Entity::find()
        .filter(posting_outbox::Column::CreatedAt.lt(horizon))
        .order_by_desc(posting_outbox::Column::Seq)
        .one(db)
        .await?
        .map_or(0, |r| r.seq);
    let mut last = base;
    loop {
        let rows = outbox::settled(db, last, MAX_LIMIT, now).await?;
        let Some(end) = rows.last().map(|r| r.seq) else { return Ok(last) };
        last = end;
        if (rows.len() as u64) < MAX_LIMIT {
            return Ok(last);
        }
    }
}
