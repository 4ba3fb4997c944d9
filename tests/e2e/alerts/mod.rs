//! End-to-end tests of alerts (docs/alerts.md): the API, the pages and, where there are any, the browser.

pub(crate) mod api;
pub(crate) mod browser;
pub(crate) mod pages;
pub(crate) mod posting_changes;
pub(crate) mod webhooks;
