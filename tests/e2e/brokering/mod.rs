//! End-to-end tests of brokering (docs/brokering.md): the API, the pages and, where there are any, the browser.

pub(crate) mod api;
pub(crate) mod browser;
pub(crate) mod delegations;
pub(crate) mod pages;
