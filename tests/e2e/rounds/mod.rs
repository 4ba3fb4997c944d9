//! End-to-end tests of rounds (docs/rounds.md): the API, the pages and, where there are any, the browser.

pub(crate) mod allocate;
pub(crate) mod api;
pub(crate) mod browser;
pub(crate) mod pages;
