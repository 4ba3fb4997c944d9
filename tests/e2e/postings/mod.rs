//! End-to-end tests of postings (docs/postings.md): the API, the pages and, where there are any, the browser.

pub(crate) mod api;
pub(crate) mod corrupt_rows;
pub(crate) mod feed;
pub(crate) mod mirror;
pub(crate) mod pages;
pub(crate) mod public;
pub(crate) mod sheets;
