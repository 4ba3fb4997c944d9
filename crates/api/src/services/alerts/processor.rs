//! The alert processor: turns newly published postings into notices.
//!
//! It tails the posting outbox like the search indexer, but behind it: only sequences this
//! process's index has applied are read, so a saved search is evaluated by the real search
//! index with the posting already in it ([`chanjiao_search::SearchIndex::matching_ids`], the
//! very query of the search page restricted to the new postings), and new matches by
//! [`crate::services::matching::postings::matches_of`], the matches a posting's page shows.
//!
//! Its position is the one row of `alert_cursor`. A round computes its notices first, then in
//! one transaction moves the cursor from where it read it (compare-and-set, so of several
//! processes on one database exactly one wins each round) and writes the notices; a crash
//! before the commit leaves the cursor where it was, and the round is done again. `alert_hits`
//! remembers which publication of which posting a subscription has already reported, so edits
//! of a published posting do not notify again, and republishing (resume, reopen) does.
//! An organization is never told about its own postings, and disabled subscriptions (their
//! delegation was revoked) are not evaluated.

use chrono::{DateTime, Utc};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use chanjiao_domain::alerts::SubscriptionKind;
use chanjiao_domain::posting::PostingStatus;
use chanjiao_search::SearchIndex;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::json;

use super::inbox::{Notice, Topic, notify};
use super::subscriptions::saved_search_query;
use crate::clock::Clock;
use crate::entities::alerts::{alert_cursor, alert_hits, subscription_shares, subscriptions, webhook_deliveries};
use crate::entities::{posting_outbox, postings as posting_rows};
use crate::error::ApiError;
use crate::services::matching::{Catalogue, postings as matching};
use crate::services::postings::{Posting, with_org_names};

/// Outbox rows read per round.
const BATCH: u64 = 200;
/// Matches of a subscribed posting looked through for new postings.
const MATCHES: usize = matching::MAX_LIMIT;

/// A notice waiting for its round to commit, with the record that keeps it from repeating.
struct Pending {
    hit: alert_hits::ActiveModel,
    notice: Notice,
}

/// Processes new postings until the process stops.
pub async fn run(db: DatabaseConnection, index: Arc<SearchIndex>, catalogue: Catalogue, poll: Duration, clock: Clock) {
    loop {
        match process(&db, &index, &catalogue, clock.now()).await {
            Ok(0) => tokio::time::sleep(poll).await,
            Ok(_) => {}
            Err(error) => {
                tracing::warn!(%error, "alert round failed; retrying");
                tokio::time::sleep(poll.max(Duration::from_secs(1))).await;
            }
        }
    }
}

/// One round. Returns how many outbox rows it consumed (0 when there was nothing to do or
/// another process did the round first).
pub async fn process(
    db: &DatabaseConnection,
    index: &Arc<SearchIndex>,
    catalogue: &Catalogue,
    now: DateTime<Utc>,
) -> Result<usize, ApiError> {
    let Some(indexed) = index.last_seq() else { return Ok(0) };
    let cursor = alert_cursor::Entity::find_by_id(1).one(db).await?.map(|c| c.last_seq).unwrap_or(0);
    if indexed <= cursor {
        return Ok(0);
    }
    let rows = posting_outbox::Entity::find()
        .filter(posting_outbox::Column::Seq.gt(cursor))
        .filter(posting_outbox::Column::Seq.lte(indexed))
        .order_by_asc(posting_outbox::Column::Seq)
        .limit(BATCH)
        .all(db)
        .await?;
    // Rows that are not visible by now were passed over by the indexer as rolled back; the
    // processor passes over them the same way.
    let next = match rows.last() {
        Some(last) if rows.len() as u64 == BATCH => last.seq,
        _ => indexed,
    };
    let mut ids: Vec<i64> = rows.iter().map(|r| r.posting_id).collect();
    ids.sort_unstable();
    ids.dedup();
    // Without subscriptions (a fresh platform, a bulk import) there is nothing to evaluate.
    let watched = subscriptions::Entity::find()
        .filter(
            subscriptions::Column::Kind
                .is_in([SubscriptionKind::SavedSearch.as_str(), SubscriptionKind::NewMatch.as_str()]),
        )
        .filter(subscriptions::Column::DisabledAt.is_null())
        .one(db)
        .await?
        .is_some();
    if !watched {
        ids.clear();
    }
    let published = posting_rows::Entity::find()
        .filter(posting_rows::Column::Id.is_in(ids))
        .filter(posting_rows::Column::Status.eq(PostingStatus::Published.as_str()))
        .all(db)
        .await?;
    let fresh = with_org_names(db, published).await?;
    let mut pending = Vec::new();
    if !fresh.is_empty() {
        pending.extend(saved_searches(db, index, &fresh).await?);
        pending.extend(new_matches(db, index, catalogue, &fresh).await?);
    }

    let pushed = super::posting_changes::deliveries(db, &rows, now).await?;

    let txn = crate::db::begin_write(db).await?;
    // First statement of the transaction, so on SQLite it takes the write lock at once.
    let moved = alert_cursor::Entity::update_many()
        .col_expr(alert_cursor::Column::LastSeq, Expr::value(next))
        .filter(alert_cursor::Column::Id.eq(1))
        .filter(alert_cursor::Column::LastSeq.eq(cursor))
        .exec(&txn)
        .await?;
    if moved.rows_affected != 1 {
        txn.rollback().await?;
        return Ok(0);
    }
    let mut sent = 0;
    for Pending { hit, notice } in pending {
        let first_time = alert_hits::Entity::insert(hit)
            .on_conflict(
                OnConflict::columns([
                    alert_hits::Column::SubscriptionId,
                    alert_hits::Column::OrganizationId,
                    alert_hits::Column::PostingId,
                    alert_hits::Column::Publication,
                ])
                .do_nothing()
                .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
        if first_time == 1 {
            notify(&txn, notice, now).await?;
            sent += 1;
        }
    }
    let pushes = pushed.len();
    for chunk in pushed.chunks(200) {
        webhook_deliveries::Entity::insert_many(chunk.to_vec()).exec_without_returning(&txn).await?;
    }
    txn.commit().await?;
    if pushes > 0 {
        tracing::debug!(pushes, through = next, "posting changes pushed to webhooks");
    }
    if sent > 0 {
        tracing::info!(sent, through = next, "alerts sent");
    }
    Ok(rows.len().max(1))
}

fn publication(posting: &Posting) -> String {
    posting.published_at.map(|t| t.to_rfc3339()).unwrap_or_default()
}

fn hit(subscription_id: i64, organization_id: i64, posting: &Posting) -> alert_hits::ActiveModel {
    alert_hits::ActiveModel {
        subscription_id: Set(subscription_id),
        organization_id: Set(organization_id),
        posting_id: Set(posting.id),
        publication: Set(publication(posting)),
    }
}

async fn subscriptions_of(
    db: &DatabaseConnection,
    kind: SubscriptionKind,
) -> Result<Vec<subscriptions::Model>, ApiError> {
    Ok(subscriptions::Entity::find()
        .filter(subscriptions::Column::Kind.eq(kind.as_str()))
        .filter(subscriptions::Column::DisabledAt.is_null())
        .all(db)
        .await?)
}

/// Notices for saved searches that list one of the fresh postings: to the owner and to every
/// organization it is shared with, except the posting's own.
async fn saved_searches(
    db: &DatabaseConnection,
    index: &Arc<SearchIndex>,
    fresh: &[Posting],
) -> Result<Vec<Pending>, ApiError> {
    let searches = subscriptions_of(db, SubscriptionKind::SavedSearch).await?;
    if searches.is_empty() {
        return Ok(Vec::new());
    }
    let mut shares: HashMap<i64, Vec<i64>> = HashMap::new();
    let search_ids: Vec<i64> = searches.iter().map(|s| s.id).collect();
    for share in subscription_shares::Entity::find()
        .filter(subscription_shares::Column::SubscriptionId.is_in(search_ids))
        .all(db)
        .await?
    {
        shares.entry(share.subscription_id).or_default().push(share.organization_id);
    }
    let by_id: HashMap<u64, &Posting> = fresh.iter().map(|p| (p.id as u64, p)).collect();
    let ids: Vec<u64> = by_id.keys().copied().collect();
    let mut out = Vec::new();
    for search in searches {
        let Some(request) = search
            .query
            .as_deref()
            .and_then(saved_search_query)
            .and_then(|q| crate::services::search::request(&q).ok())
        else {
            continue;
        };
        let (searcher, wanted) = (index.clone(), ids.clone());
        let found = tokio::task::spawn_blocking(move || searcher.matching_ids(&request, &wanted))
            .await
            .map_err(|e| ApiError::Internal(format!("alert search task: {e}")))?
            .map_err(|e| ApiError::Internal(format!("alert search: {e}")))?;
        let mut recipients = vec![search.organization_id];
        recipients.extend(shares.get(&search.id).into_iter().flatten().copied());
        for posting in found.iter().filter_map(|id| by_id.get(id)) {
            for &org in recipients.iter().filter(|org| **org != posting.organization_id) {
                let title = posting.posting.title.as_str();
                out.push(Pending {
                    hit: hit(search.id, org, posting),
                    notice: Notice {
                        organization_id: org,
                        topic: Topic::SavedSearch,
                        title_zh: format!("保存的搜索「{}」有新结果：{title}", search.name),
                        title_en: format!("New result for the saved search “{}”: {title}", search.name),
                        link: format!("/postings/{}", posting.id),
                        data: json!({
                            "subscription_id": search.id,
                            "subscription_name": search.name,
                            "query": search.query,
                            "posting_id": posting.id,
                            "posting_title": title,
                            "posting_kind": posting.posting.kind,
                            "posting_organization": posting.organization_name,
                        }),
                    },
                });
            }
        }
    }
    Ok(out)
}

/// Notices for new-match subscriptions whose posting now has a fresh posting among its
/// matches with at least the subscription's score.
async fn new_matches(
    db: &DatabaseConnection,
    index: &Arc<SearchIndex>,
    catalogue: &Catalogue,
    fresh: &[Posting],
) -> Result<Vec<Pending>, ApiError> {
    let subs = subscriptions_of(db, SubscriptionKind::NewMatch).await?;
    let subject_ids: Vec<i64> = subs.iter().filter_map(|s| s.posting_id).collect();
    if subject_ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = posting_rows::Entity::find().filter(posting_rows::Column::Id.is_in(subject_ids)).all(db).await?;
    let subjects: HashMap<i64, Posting> = with_org_names(db, rows).await?.into_iter().map(|p| (p.id, p)).collect();
    let fresh_by_id: HashMap<i64, &Posting> = fresh.iter().map(|p| (p.id, p)).collect();
    let model = catalogue.get(db).await?;
    let mut out = Vec::new();
    for sub in subs {
        let Some(subject) = sub.posting_id.and_then(|id| subjects.get(&id)) else { continue };
        // Scoring is the expensive part: only when a fresh posting could be a counterpart.
        let counterparts = subject.posting.kind.counterparts();
        let candidates: HashSet<i64> = fresh
            .iter()
            .filter(|p| counterparts.contains(&p.posting.kind) && p.organization_id != sub.organization_id)
            .map(|p| p.id)
            .collect();
        if candidates.is_empty() {
            continue;
        }
        let found = matching::matches_of(db, index, &model, subject, MATCHES, "zh", matching::CANDIDATES).await?;
        let min_score = sub.min_score.unwrap_or(super::subscriptions::DEFAULT_MIN_SCORE);
        for m in found.iter().filter(|m| candidates.contains(&m.posting.id) && m.score >= min_score) {
            let Some(posting) = fresh_by_id.get(&m.posting.id) else { continue };
            let (subject_title, title) = (subject.posting.title.as_str(), posting.posting.title.as_str());
            out.push(Pending {
                hit: hit(sub.id, sub.organization_id, posting),
                notice: Notice {
                    organization_id: sub.organization_id,
                    topic: Topic::NewMatch,
                    title_zh: format!("「{subject_title}」有新的匹配：{title}（{}%）", m.percent),
                    title_en: format!("New match for “{subject_title}”: {title} ({}%)", m.percent),
                    link: format!("/postings/{}", posting.id),
                    data: json!({
                        "subscription_id": sub.id,
                        "posting_id": subject.id,
                        "match_posting_id": posting.id,
                        "match_posting_title": title,
                        "match_organization": posting.organization_name,
                        "score": m.score,
                    }),
                },
            });
        }
    }
    Ok(out)
}
