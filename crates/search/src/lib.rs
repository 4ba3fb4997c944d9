//! Chanjiao's search index: postings findable the way people in Shaoxing type, in Chinese first
//! and English second.
//!
//! This crate owns the tantivy index of listed postings: Chinese analysis over jieba with a
//! domain dictionary ([`tokenizer`]), query-time synonyms ([`synonyms`]), pinyin and initials of
//! titles and organization names, the schema and the documents the API layer fills
//! ([`IndexDoc`]), applying changes with the outbox sequence committed alongside
//! ([`SearchIndex::apply`]), full rebuilds ([`SearchIndex::rebuild_start`]), searching with filters, disjunctive facet counts (exact, or estimated for large result sets) and highlighted
//! snippets ([`SearchIndex::search`]), and title autocomplete ([`SearchIndex::suggest`]).
//!
//! It knows the domain's posting types and reference data, and nothing of HTTP or the database:
//! the API layer reads the outbox and calls [`SearchIndex::apply`], and runs every call here on a
//! blocking thread, since commits and segmentation take real CPU time.

mod document;
mod error;
mod filtered_top;
mod highlight;
mod index;
mod inspect;
mod pinyin;
mod query;
mod rebuild;
mod schema;
mod similar;
mod suggest;
pub mod synonyms;
pub mod tokenizer;

#[cfg(test)]
mod tests;

pub use document::IndexDoc;
pub use error::{Result, SearchError};
pub use highlight::escape_html;
pub use index::{Change, SearchIndex};
pub use inspect::{IndexState, inspect};
pub use query::counts::EXACT_LIMIT;
pub use query::{DEFAULT_LIMIT, Filters, Hit, MAX_LIMIT, MAX_WINDOW, SearchRequest, SearchResults, Sort};
pub use similar::{MAX_SIMILAR, Similar, SimilarRequest, key_terms, terms};
pub use suggest::MAX_SUGGESTIONS;
