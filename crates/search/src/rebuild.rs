//! A full rebuild of the index from the database, as fast as the machine allows, and the
//! analysis of a batch of postings on every core, which the incremental path shares.
//!
//! The incremental path ([`SearchIndex::apply`]) commits every batch with its outbox sequence,
//! so each batch becomes its own small segments, and merging them runs beside the indexing.
//! A rebuild instead:
//!
//! - empties the index and commits that with no sequence;
//! - adds every posting ([`SearchIndex::rebuild_add`]) without committing, so segments are as
//!   large as the writer's heap and no merge runs meanwhile;
//! - commits once at the end with the outbox sequence ([`SearchIndex::rebuild_finish`]), then
//!   merges in the background as usual.
//!
//! Until that last commit the index has no sequence, so a crash or a kill midway leaves an index
//! the next start sees as never built and rebuilds again, never one that looks complete and is
//! not. [`SearchIndex::apply`] refuses to run during a rebuild for the same reason.

use std::sync::atomic::Ordering;

use tantivy::TantivyDocument;
use tantivy::indexer::{LogMergePolicy, NoMergePolicy};

use crate::document::IndexDoc;
use crate::error::{Result, SearchError};
use crate::index::SearchIndex;
use crate::schema::Fields;

/// Below this many postings a batch is analysed on the calling thread: starting threads would
/// cost more than it saves.
const PARALLEL_FROM: usize = 64;

impl SearchIndex {
    /// Starts a rebuild: removes every document and forgets the sequence.
    pub fn rebuild_start(&self) -> Result<()> {
        let mut writer = self.writer();
        self.rebuilding.store(true, Ordering::SeqCst);
        writer.set_merge_policy(Box::new(NoMergePolicy));
        writer.delete_all_documents()?;
        writer.commit()?;
        drop(writer);
        self.forget_seq();
        self.reader.reload()?;
        Ok(())
    }

    /// Adds postings to a rebuild (those not listed are skipped). Nothing is searchable, or
    /// durable, before [`rebuild_finish`](Self::rebuild_finish).
    pub fn rebuild_add(&self, docs: &[IndexDoc]) -> Result<()> {
        if !self.rebuilding.load(Ordering::SeqCst) {
            return Err(SearchError::NotRebuilding);
        }
        let prepared = prepare(docs.iter().filter(|doc| doc.is_listed()), &self.fields);
        let mut writer = self.writer();
        for doc in prepared.into_iter().flatten() {
            if let Err(error) = writer.add_document(doc) {
                self.roll_back(&mut writer)?;
                return Err(error.into());
            }
        }
        Ok(())
    }

    /// Ends a rebuild: commits everything added with `last_seq`, the outbox's end when the
    /// rebuild started, and lets segments merge again.
    pub fn rebuild_finish(&self, last_seq: i64) -> Result<()> {
        if !self.rebuilding.load(Ordering::SeqCst) {
            return Err(SearchError::NotRebuilding);
        }
        let mut writer = self.writer();
        writer.set_merge_policy(Box::new(LogMergePolicy::default()));
        self.commit_with(&mut writer, last_seq)?;
        self.rebuilding.store(false, Ordering::SeqCst);
        drop(writer);
        self.remember_seq(last_seq);
        self.reader.reload()?;
        Ok(())
    }
}

/// The tantivy documents of `docs`, analysed on up to as many threads as there are cores, in
/// order. `None` for a document that is not listed.
pub(crate) fn prepare<'a>(docs: impl Iterator<Item = &'a IndexDoc>, fields: &Fields) -> Vec<Option<TantivyDocument>> {
    let docs: Vec<&IndexDoc> = docs.collect();
    let one = |doc: &&IndexDoc| doc.is_listed().then(|| doc.to_document(fields));
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if docs.len() < PARALLEL_FROM || threads == 1 {
        return docs.iter().map(one).collect();
    }
    let chunk = docs.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> =
            docs.chunks(chunk).map(|part| scope.spawn(move || part.iter().map(one).collect::<Vec<_>>())).collect();
        let mut out = Vec::with_capacity(docs.len());
        for handle in handles {
            match handle.join() {
                Ok(part) => out.extend(part),
                // Analysis does not panic on any input (tests/hostile.rs); if it ever did, it
                // fails the batch as it would have on one thread.
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        out
    })
}
