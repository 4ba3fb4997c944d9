//! HTTP caching of what is public: entity tags, `If-None-Match`, and the `Cache-Control` and
//! `Vary` headers that say who may keep a copy.
//!
//! Only anonymous answers are cached publicly: a signed-in visitor's page shows their own
//! organization, matches and actions, so it is `private, no-cache` (the browser revalidates
//! every time, nothing in between keeps it). A public answer never carries a cookie: a shared
//! cache would hand one visitor's form token to the next.

use axum::http::header::{CACHE_CONTROL, ETAG, VARY};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// How long a shared cache or a browser may reuse an anonymous page or search result without
/// asking again. A minute: a posting published or closed shows within a minute, and a popular
/// page shared in a group chat costs one render a minute; after that a revalidation with the
/// `ETag` is a 304 without a body.
pub const PUBLIC: &str = "public, max-age=60";

/// What a signed-in visitor's answers carry: their own browser may keep a copy but must ask
/// again before showing it; no shared cache keeps it.
pub const PRIVATE: &str = "private, no-cache";

/// A weak entity tag of the parts, in order: equal parts, equal tag. Weak, because the same
/// content may travel compressed or not.
pub fn etag<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> String {
    let mut hash = Sha256::new();
    for part in parts {
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part);
    }
    format!("W/\"{}\"", hex::encode(&hash.finalize()[..16]))
}

/// Whether the request's `If-None-Match` names `tag` (weak comparison, `*` matches anything).
pub fn not_modified(headers: &HeaderMap, tag: &str) -> bool {
    let strip = |t: &str| t.trim().trim_start_matches("W/").to_owned();
    let wanted = strip(tag);
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|candidate| candidate.trim() == "*" || strip(candidate) == wanted)
}

/// Sets the caching headers of an answer: its tag, who may keep it, and what it varies by.
pub fn mark(response: &mut Response, tag: &str, cache_control: &'static str, vary: &'static str) {
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(tag) {
        headers.insert(ETAG, value);
    }
    headers.insert(CACHE_CONTROL, HeaderValue::from_static(cache_control));
    headers.insert(VARY, HeaderValue::from_static(vary));
}

/// The empty 304 that answers a matching `If-None-Match`, with the headers the 200 would have.
pub fn unchanged(tag: &str, cache_control: &'static str, vary: &'static str) -> Response {
    let mut response = StatusCode::NOT_MODIFIED.into_response();
    mark(&mut response, tag, cache_control, vary);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_match_weakly_in_lists_and_by_star() {
        let tag = etag([b"hello".as_slice()]);
        assert_ne!(tag, etag([b"hell".as_slice(), b"o".as_slice()]), "parts are delimited");
        let mut headers = HeaderMap::new();
        assert!(!not_modified(&headers, &tag));
        headers.insert(header::IF_NONE_MATCH, HeaderValue::from_str(&format!("\"x\", {}", &tag[2..])).unwrap());
        assert!(not_modified(&headers, &tag));
        headers.insert(header::IF_NONE_MATCH, HeaderValue::from_static("*"));
        assert!(not_modified(&headers, &tag));
        headers.insert(header::IF_NONE_MATCH, HeaderValue::from_static("W/\"other\""));
        assert!(!not_modified(&headers, &tag));
    }
}
