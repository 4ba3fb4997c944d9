//! Looking at an index on disk without changing it, for `chanjiao doctor`.
//!
//! [`SearchIndex::open_or_create`](crate::SearchIndex::open_or_create) creates a missing index,
//! deletes one of another schema and takes the writer's lock: right for a server, wrong for a
//! check that may run beside one. [`inspect`] only reads the metadata and the document count,
//! and probes the writer's lock (taken and released at once when free) to tell whether a
//! process is using the index.

use std::path::Path;

use tantivy::directory::error::LockError;
use tantivy::directory::{Directory, INDEX_WRITER_LOCK, MmapDirectory};
use tantivy::{Index, TantivyError};

use crate::error::Result;
use crate::index::parse_payload;
use crate::schema;

/// What is on disk in an index directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexState {
    /// No index there (the server creates it at start).
    Missing,
    /// An index written with another schema or analyser version; the server deletes and
    /// rebuilds it at start.
    Incompatible,
    Present {
        /// The outbox sequence of the last committed change; `None` while a first build has not
        /// committed anything.
        last_seq: Option<i64>,
        /// Searchable postings.
        docs: u64,
        /// Whether another process (a running server, `chanjiao reindex`) holds the writer.
        in_use: bool,
    },
}

/// Reads what the index in `dir` is, creating nothing but tantivy's lock file.
pub fn inspect(dir: &Path) -> Result<IndexState> {
    if !dir.is_dir() {
        return Ok(IndexState::Missing);
    }
    let directory = MmapDirectory::open(dir)?;
    if !Index::exists(&directory).map_err(TantivyError::from)? {
        return Ok(IndexState::Missing);
    }
    let index = Index::open(directory.clone())?;
    if index.schema() != schema::build().0 {
        return Ok(IndexState::Incompatible);
    }
    let last_seq = parse_payload(index.load_metas()?.payload.as_deref())?;
    let docs = index.reader()?.searcher().num_docs();
    let in_use = match directory.acquire_lock(&INDEX_WRITER_LOCK) {
        Ok(_released_when_dropped) => false,
        Err(LockError::LockBusy) => true,
        Err(other) => return Err(TantivyError::from(other).into()),
    };
    Ok(IndexState::Present { last_seq, docs, in_use })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SearchIndex;

    #[test]
    fn a_missing_index_is_reported_missing_and_not_created() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("index");
        assert_eq!(inspect(&path).unwrap(), IndexState::Missing);
        assert!(!path.exists());
        std::fs::create_dir(&path).unwrap();
        assert_eq!(inspect(&path).unwrap(), IndexState::Missing);
    }

    #[test]
    fn an_open_index_is_in_use_and_a_closed_one_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let index = SearchIndex::open_or_create(dir.path()).unwrap();
        index.apply(&[], 42).unwrap();
        assert_eq!(inspect(dir.path()).unwrap(), IndexState::Present { last_seq: Some(42), docs: 0, in_use: true });
        drop(index);
        assert_eq!(inspect(dir.path()).unwrap(), IndexState::Present { last_seq: Some(42), docs: 0, in_use: false });
        // The probe released the lock: the index opens for writing again.
        assert!(SearchIndex::open_or_create(dir.path()).is_ok());
    }
}
