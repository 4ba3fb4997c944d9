//! End-to-end tests of accounts (docs/accounts.md): the API, the pages and, where there are any, the browser.

pub(crate) mod api;
pub(crate) mod hygiene;
