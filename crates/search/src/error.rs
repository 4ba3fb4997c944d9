//! The one error type of the search crate.
//!
//! Only the index itself can fail (IO, a corrupt segment, a poisoned writer): user input never
//! does, because queries are built from analysed tokens rather than parsed.

/// What can go wrong opening, writing or reading the index.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index failed: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("search index directory cannot be opened: {0}")]
    Directory(#[from] tantivy::directory::error::OpenDirectoryError),
    #[error("search index directory io failed: {0}")]
    Io(#[from] std::io::Error),
    #[error("search index commit payload is not understood: {0:?}")]
    Payload(String),
    #[error("search index is being rebuilt: changes are applied once the rebuild has finished")]
    Rebuilding,
    #[error("search index rebuild step called outside a rebuild")]
    NotRebuilding,
}

pub type Result<T, E = SearchError> = std::result::Result<T, E>;
