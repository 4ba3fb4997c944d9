//! End-to-end tests of statistics (docs/statistics.md): the API, the pages and, where there are any, the browser.

pub(crate) mod api;
pub(crate) mod browser;
pub(crate) mod indicators;
pub(crate) mod reports;
pub(crate) mod supply;
pub(crate) mod targets;
