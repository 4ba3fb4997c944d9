//! Who is asking: passwords, session tokens, request-forgery protection and the extractors
//! that make a handler's permission needs part of its signature.
//!
//! One session table backs both the page cookie and the API bearer token. The API accepts the
//! cookie only for safe methods, so a forged cross-site POST can never ride on it; pages are
//! protected by the double-submit token checked in [`csrf`].

pub mod cookies;
pub mod csrf;
pub mod extract;
pub mod password;
pub mod scopes;
pub mod token;

pub use extract::{ApiAdmin, ApiCaller, ApiKeyRef, ApiUser, CurrentUser, MaybeUser, PageAdmin, PageUser, Principal};

use cookies::SameSite;

/// The cookie that carries a new session's token, for as long as a session lives; the sign-in
/// page and the API's login set the same one.
pub fn session_cookie(state: &crate::startup::AppState, token: &str) -> axum::http::HeaderValue {
    let max_age = state.config.session_ttl_hours * 3600;
    cookies::set(cookies::SESSION, token, max_age, SameSite::Lax, state.config.cookie_secure)
}
