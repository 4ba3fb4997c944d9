//! End-to-end tests of search (docs/search.md): the API, the pages and, where there are any, the browser.

pub(crate) mod api;
pub(crate) mod browser;
pub(crate) mod estimates;
pub(crate) mod public;
