//! End-to-end tests of organizations (docs/organizations.md): the API, the pages and, where there are any, the browser.

pub(crate) mod api;
pub(crate) mod api_keys;
