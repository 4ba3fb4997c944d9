//! End-to-end tests of matching (docs/matching.md): the API, the pages and, where there are any, the browser.

pub(crate) mod api;
