//! Keeps this process's search index in step with the database by tailing the posting outbox.
//!
//! Every write appends an outbox row (sequence, posting id) in the write's own transaction. The
//! indexer reads rows after the last sequence it applied, re-reads those postings, applies them
//! to tantivy and commits with the last sequence in the commit's payload. On start it resumes
//! from that payload, so a crash at any point loses nothing (the database has the writes and the
//! outbox has the sequence) and duplicates nothing (documents are replaced by posting id).
//!
//! Sequences are handed out when a row is inserted, not when its transaction commits, so on
//! PostgreSQL a later sequence can become visible before an earlier one. The indexer therefore
//! stops at a gap and waits for it to fill; a gap still open after [`GAP_PATIENCE`] belongs to a
//! transaction that rolled back, and is skipped.

use std::sync::Arc;
use std::time::Duration;

use chanjiao_search::{Change, IndexDoc, SearchIndex};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::clock::Clock;
use crate::entities::{postings as posting_rows, program_profiles};
use crate::error::ApiError;
use crate::progress::{Phase, Progress, Silent};
use crate::services::postings::outbox;
use crate::services::postings::{Posting, with_org_names};

pub use crate::services::postings::outbox::GAP_PATIENCE;
/// How often the outbox is polled when idle; a write is searchable within about this long.
pub const POLL: Duration = Duration::from_millis(100);
const BATCH: u64 = 500;
/// Postings read from the database per step of a rebuild.
const REBUILD_BATCH: u64 = 5_000;

fn index_error(e: impl std::fmt::Display) -> ApiError {
    ApiError::Internal(format!("search index: {e}"))
}

/// The index document of a posting; postings that are not listed are deleted from the index.
pub fn document(posting: &Posting) -> IndexDoc {
    IndexDoc::from_posting(
        posting.id as u64,
        &posting.posting,
        posting.status,
        posting.organization_id as u64,
        posting.organization_name.clone(),
        posting.created_at,
    )
}

/// Index documents for postings, their text enriched with the national profiles of their
/// programs (职业面向 and 培养目标), when `chanjiao reference import` has loaded them: an
/// enterprise searching "数控车工" then finds a program whose profile names that occupation.
async fn documents(db: &DatabaseConnection, postings: &[Posting]) -> Result<Vec<IndexDoc>, ApiError> {
    let codes: Vec<String> =
        postings.iter().flat_map(|p| p.posting.program_codes.iter().map(|c| c.as_str().to_owned())).collect();
    let profiles: std::collections::HashMap<String, String> = if codes.is_empty() {
        Default::default()
    } else {
        program_profiles::Entity::find()
            .filter(program_profiles::Column::Code.is_in(codes))
            .all(db)
            .await?
            .into_iter()
            .map(|p| (p.code, format!("{} {}", p.occupations, p.objective)))
            .collect()
    };
    Ok(postings
        .iter()
        .map(|p| {
            let mut doc = document(p);
            doc.extra_text = p
                .posting
                .program_codes
                .iter()
                .filter_map(|c| profiles.get(c.as_str()))
                .cloned()
                .collect::<Vec<_>>()
                .join("\n");
            doc
        })
        .collect())
}

/// The changes for a set of posting ids, read from the database as they are now.
async fn changes_for(db: &DatabaseConnection, ids: Vec<i64>) -> Result<Vec<Change>, ApiError> {
    let rows = posting_rows::Entity::find().filter(posting_rows::Column::Id.is_in(ids.clone())).all(db).await?;
    let found: Vec<Posting> = with_org_names(db, rows).await?;
    let mut changes: Vec<Change> = documents(db, &found).await?.into_iter().map(Change::Upsert).collect();
    for id in ids {
        if !found.iter().any(|p| p.id == id) {
            changes.push(Change::Delete(id as u64));
        }
    }
    Ok(changes)
}

/// Applies the outbox rows after the index's last sequence, up to the first fresh gap. Returns
/// how many rows were applied.
pub async fn catch_up(db: &DatabaseConnection, index: &Arc<SearchIndex>, clock: &Clock) -> Result<usize, ApiError> {
    let mut last = index.last_seq().unwrap_or(0);
    let mut applied = 0;
    loop {
        let rows = outbox::settled(db, last, BATCH, clock.now()).await?;
        let Some(newest) = rows.last().map(|r| r.seq) else { return Ok(applied) };
        let mut ids: Vec<i64> = rows.iter().map(|r| r.posting_id).collect();
        ids.sort_unstable();
        ids.dedup();
        let changes = changes_for(db, ids).await?;
        blocking(index, move |index| index.apply(&changes, newest)).await?;
        applied += rows.len();
        last = newest;
        if (rows.len() as u64) < BATCH {
            return Ok(applied);
        }
    }
}

/// Rebuilds the index from the database: every posting, with the outbox's current end as the
/// sequence, so that later changes are applied on top (replaying one twice is harmless). The
/// index commits once, at the end (see `chanjiao_search`'s rebuild): a rebuild cut short leaves
/// an index without a sequence, which the next start rebuilds again.
pub async fn rebuild(db: &DatabaseConnection, index: &Arc<SearchIndex>) -> Result<usize, ApiError> {
    rebuild_with(db, index, &Silent).await
}

/// [`rebuild`], reporting each batch of postings indexed to `progress`.
pub async fn rebuild_with(
    db: &DatabaseConnection,
    index: &Arc<SearchIndex>,
    progress: &dyn Progress,
) -> Result<usize, ApiError> {
    let newest = outbox::newest(db).await?;
    let published = posting_rows::Entity::find().filter(posting_rows::Column::Status.eq("published")).count(db).await?;
    progress.start(Phase::IndexPostings, Some(published));
    blocking(index, |index| index.rebuild_start()).await?;
    let mut after = 0;
    let mut count = 0;
    loop {
        let rows = posting_rows::Entity::find()
            .filter(posting_rows::Column::Id.gt(after))
            .filter(posting_rows::Column::Status.eq("published"))
            .order_by_asc(posting_rows::Column::Id)
            .limit(REBUILD_BATCH)
            .all(db)
            .await?;
        let Some(last) = rows.last().map(|r| r.id) else { break };
        after = last;
        let postings = with_org_names(db, rows).await?;
        count += postings.len();
        let docs = documents(db, &postings).await?;
        blocking(index, move |index| index.rebuild_add(&docs)).await?;
        progress.inc(postings.len() as u64);
    }
    blocking(index, move |index| index.rebuild_finish(newest)).await?;
    progress.finish();
    Ok(count)
}

/// Runs `work` on the index on a blocking thread.
async fn blocking(
    index: &Arc<SearchIndex>,
    work: impl FnOnce(&SearchIndex) -> chanjiao_search::Result<()> + Send + 'static,
) -> Result<(), ApiError> {
    let index = index.clone();
    tokio::task::spawn_blocking(move || work(&index)).await.map_err(index_error)?.map_err(index_error)
}

/// Tails the outbox for as long as the process runs, after rebuilding the index when it has no
/// sequence (new, wiped by a schema change, or a rebuild cut short); a failed rebuild is retried.
pub async fn run(db: DatabaseConnection, index: Arc<SearchIndex>, clock: Clock) {
    loop {
        if index.last_seq().is_none() {
            match rebuild(&db, &index).await {
                Ok(count) => tracing::info!(count, "search index rebuilt"),
                Err(error) => {
                    tracing::error!(%error, "search index rebuild failed; retrying");
                    tokio::time::sleep(Duration::from_secs(5)).await;
                    continue;
                }
            }
        }
        match catch_up(&db, &index, &clock).await {
            Ok(0) => tokio::time::sleep(POLL).await,
            Ok(_) => {}
            Err(error) => {
                tracing::warn!(%error, "search indexing failed; retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}
