//! The accounts API: signing in and out (`auth`), and the signed-in person's own account and the
//! platform administrator's view of users (`account`), and an organization's API keys
//! (`api_keys`).

pub(crate) mod account;
pub(crate) mod api_keys;
pub(crate) mod auth;
