//! End-to-end tests of reference (docs/reference.md): the API, the pages and, where there are any, the browser.

pub(crate) mod api;
