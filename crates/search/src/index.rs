//! The index: opening it, applying changes from the outbox, and remembering how far it got.
//!
//! Every [`SearchIndex::apply`] is one tantivy commit whose payload is the outbox sequence of the
//! last change in it, so what is searchable and how far the indexer got are committed together:
//! after a crash at any point the index and [`SearchIndex::last_seq`] agree, and replaying
//! changes after that sequence neither loses nor duplicates anything, because an upsert deletes
//! by posting id before it adds.
//!
//! There is one writer, behind a mutex, so `apply` takes `&self` and can run on a blocking
//! thread while searches go on; readers reload when a commit returns, so a change is searchable
//! as soon as `apply` returns.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, RwLock};

use tantivy::directory::MmapDirectory;
use tantivy::schema::Schema;
use tantivy::{Executor, Index, IndexReader, IndexWriter, ReloadPolicy, TantivyError, Term};

use crate::document::IndexDoc;
use crate::error::{Result, SearchError};
use crate::query::counts::Counting;
use crate::schema::{self, Fields};

/// The writer's memory budget on disk, shared by its threads; a segment is flushed when a
/// thread's share fills. Sized for a rebuild (see [`crate::rebuild`]): incremental batches commit
/// long before it fills, and tantivy takes the memory as it needs it, not up front.
const WRITER_HEAP_BYTES: usize = 512_000_000;
/// In memory (tests, small tools) one thread and tantivy's minimum is plenty.
const RAM_WRITER_HEAP_BYTES: usize = 15_000_000;
const PAYLOAD_PREFIX: &str = "last_seq=";

/// One change to apply, in outbox order.
#[derive(Debug, Clone, PartialEq)]
#[expect(clippy::large_enum_variant, reason = "changes are built once per outbox row and consumed in batches")]
pub enum Change {
    /// Index the posting, replacing any earlier version; a posting that is not listed
    /// (draft, paused, closed …) is removed instead.
    Upsert(IndexDoc),
    /// Remove the posting, if indexed.
    Delete(u64),
}

/// The search index of postings.
pub struct SearchIndex {
    pub(crate) fields: Fields,
    pub(crate) reader: IndexReader,
    writer: Mutex<IndexWriter>,
    /// The writer's threads and heap, to make a new one when a rollback fails.
    writer_size: (usize, usize),
    /// The payload of the last commit, kept so reading it needs no IO.
    last_seq: Mutex<Option<i64>>,
    /// How totals and facet counts are made, and those of recent searches.
    pub(crate) counting: Counting,
    /// Between [`rebuild_start`](Self::rebuild_start) and its finish.
    pub(crate) rebuilding: AtomicBool,
    /// Where a search's top-k runs over the segments (see [`set_search_threads`](Self::set_search_threads)).
    pub(crate) executor: RwLock<Executor>,
}

impl SearchIndex {
    /// Opens the index in `dir`, creating it (and the directory) when missing. An index written
    /// with another schema or analyser version is deleted and recreated empty, with no
    /// [`last_seq`](Self::last_seq), which tells the caller to rebuild it from the database.
    pub fn open_or_create(dir: impl AsRef<Path>) -> Result<Self> {
        let dir = dir.as_ref();
        std::fs::create_dir_all(dir)?;
        let (schema, fields) = schema::build();
        let index = match open_existing(dir, &schema)? {
            Some(index) => index,
            None => Index::create_in_dir(dir, schema)?,
        };
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(2));
        Self::with_index(index, fields, threads, WRITER_HEAP_BYTES)
    }

    /// A fresh index in memory.
    pub fn in_ram() -> Result<Self> {
        let (schema, fields) = schema::build();
        Self::with_index(Index::create_in_ram(schema), fields, 1, RAM_WRITER_HEAP_BYTES)
    }

    fn with_index(index: Index, fields: Fields, threads: usize, heap: usize) -> Result<Self> {
        schema::register_tokenizers(&index);
        let last_seq = parse_payload(index.load_metas()?.payload.as_deref())?;
        let writer = index.writer_with_num_threads(threads, heap)?;
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        Ok(SearchIndex {
            fields,
            reader,
            writer: Mutex::new(writer),
            writer_size: (threads, heap),
            last_seq: Mutex::new(last_seq),
            counting: Counting::default(),
            rebuilding: AtomicBool::new(false),
            executor: RwLock::new(Executor::single_thread()),
        })
    }

    /// Applies `changes` in order and commits them with `last_seq`, the outbox sequence of the
    /// last of them, as the commit payload. On error nothing of the batch is committed.
    pub fn apply(&self, changes: &[Change], last_seq: i64) -> Result<()> {
        // Analysis is the expensive part; do it before taking the writer, on every core.
        let upserts = changes.iter().filter_map(|change| match change {
            Change::Upsert(doc) => Some(doc),
            Change::Delete(_) => None,
        });
        let mut prepared = crate::rebuild::prepare(upserts, &self.fields).into_iter();
        let mut writer = self.writer();
        // Checked under the writer's lock, which a rebuild's start takes too.
        if self.rebuilding.load(Ordering::SeqCst) {
            return Err(SearchError::Rebuilding);
        }
        let result = (|| -> Result<()> {
            for change in changes {
                let (id, doc) = match change {
                    Change::Upsert(doc) => (doc.id, prepared.next().flatten()),
                    Change::Delete(id) => (*id, None),
                };
                // Deletes apply to documents added before them, so delete-then-add replaces.
                writer.delete_term(Term::from_field_u64(self.fields.id, id));
                if let Some(doc) = doc {
                    writer.add_document(doc)?;
                }
            }
            self.commit_with(&mut writer, last_seq)
        })();
        if let Err(error) = result {
            self.roll_back(&mut writer)?;
            return Err(error);
        }
        drop(writer);
        self.remember_seq(last_seq);
        self.reader.reload()?;
        Ok(())
    }

    /// Commits what the writer holds with `last_seq` as the payload.
    pub(crate) fn commit_with(&self, writer: &mut IndexWriter, last_seq: i64) -> Result<()> {
        let mut commit = writer.prepare_commit()?;
        commit.set_payload(&format!("{PAYLOAD_PREFIX}{last_seq}"));
        commit.commit()?;
        Ok(())
    }

    pub(crate) fn remember_seq(&self, last_seq: i64) {
        *self.last_seq.lock().unwrap_or_else(|p| p.into_inner()) = Some(last_seq);
    }

    pub(crate) fn forget_seq(&self) {
        *self.last_seq.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }

    /// The outbox sequence of the last committed change, `None` for a new or wiped index.
    pub fn last_seq(&self) -> Option<i64> {
        *self.last_seq.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether searches reuse the counts of an identical search since the last commit (on by
    /// default). Benchmarks of counting itself turn it off.
    pub fn set_count_cache(&self, enabled: bool) {
        self.counting.set_cache(enabled);
    }

    /// Sets the number of matches from which a search's total and facet counts are estimated
    /// from a sample rather than counted ([`EXACT_LIMIT`](crate::EXACT_LIMIT) by default).
    pub fn set_exact_count_limit(&self, limit: u64) {
        self.counting.set_exact_limit(limit);
    }

    /// Searches one query's segments on `threads` threads (1, the default: on the calling
    /// thread). On a server answering many searches at once the cores are already busy, and
    /// spreading one query over them only moves its work; docs/benchmarks.md has the measurement.
    pub fn set_search_threads(&self, threads: usize) -> Result<()> {
        let executor = match threads {
            0 | 1 => Executor::single_thread(),
            n => Executor::multi_thread(n, "search-")?,
        };
        *self.executor.write().unwrap_or_else(|p| p.into_inner()) = executor;
        Ok(())
    }

    /// How many postings are searchable.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// The writer. A panic while it was held left no commit behind (every `apply` commits or
    /// rolls back), so after rolling back whatever was pending it is safe to use again.
    pub(crate) fn writer(&self) -> MutexGuard<'_, IndexWriter> {
        match self.writer.lock() {
            Ok(writer) => writer,
            Err(poisoned) => {
                self.writer.clear_poison();
                let mut writer = poisoned.into_inner();
                // A writer that cannot be rolled back or replaced fails its next commit, which
                // reports it.
                let _ = self.roll_back(&mut writer);
                writer
            }
        }
    }

    /// Drops what is pending since the last commit. tantivy's rollback hands the directory lock
    /// to a new writer; when making that writer fails (the disk, say), the old one is left
    /// without a lock and rolling it back again would panic. So a failed rollback is followed
    /// by a fresh writer, which takes the lock the failed one gave up.
    pub(crate) fn roll_back(&self, writer: &mut IndexWriter) -> Result<()> {
        let rolled = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| writer.rollback()));
        match rolled {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(_)) | Err(_) => {
                let (threads, heap) = self.writer_size;
                *writer = writer.index().writer_with_num_threads(threads, heap)?;
                Ok(())
            }
        }
    }
}

/// The index in `dir` if there is one with this schema. An index with another schema is
/// removed, file by file, so anything else kept in the directory survives.
fn open_existing(dir: &Path, schema: &Schema) -> Result<Option<Index>> {
    let directory = MmapDirectory::open(dir)?;
    if !Index::exists(&directory).map_err(TantivyError::from)? {
        return Ok(None);
    }
    let index = Index::open(directory)?;
    if index.schema() == *schema {
        return Ok(Some(index));
    }
    drop(index);
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if is_index_file(&entry.file_name().to_string_lossy()) && entry.file_type()?.is_file() {
            std::fs::remove_file(entry.path())?;
        }
    }
    Ok(None)
}

/// Tantivy's files: its metadata, its locks and segment files named by a 32-digit hex id.
fn is_index_file(name: &str) -> bool {
    let segment_id = name.split('.').next().unwrap_or_default();
    name == "meta.json"
        || name == ".managed.json"
        || name.starts_with(".tantivy-")
        || (segment_id.len() == 32 && segment_id.bytes().all(|b| b.is_ascii_hexdigit()))
}

pub(crate) fn parse_payload(payload: Option<&str>) -> Result<Option<i64>> {
    match payload {
        None | Some("") => Ok(None),
        Some(text) => text
            .strip_prefix(PAYLOAD_PREFIX)
            .and_then(|n| n.parse().ok())
            .map(Some)
            .ok_or_else(|| SearchError::Payload(text.to_owned())),
    }
}
