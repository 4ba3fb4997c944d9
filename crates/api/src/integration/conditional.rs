//! Entity tags and conditional requests on the API.
//!
//! Every successful JSON answer carries a strong `ETag`: the SHA-256 of its bytes (unless the
//! handler set one itself, as the search does from the index's commit). `If-None-Match` on a
//! `GET` is answered 304 without a body when the tag still matches. `If-Match` on a write
//! (`PATCH`, `PUT`, `DELETE` of a resource, or `POST` of an action under it, such as
//! `/postings/12/close`) is compared with the tag a `GET` of that resource gives the same caller
//! now; a stale tag is refused with 412 and the write does not run. The answer of a write
//! carries the new tag, so a client can chain edits without reading again.
//!
//! The check and the write are two steps, so two writers racing within the same moment can
//! both pass it; posting edits, the resource integrators write most, close that window by
//! checking again inside their transaction, on the row they lock (`services::postings::write`).

use std::net::SocketAddr;

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{ConnectInfo, Request};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::error::ApiError;

/// The headers a check's `GET` takes over from the write: who is asking, for whom, in which
/// language, from where.
const CARRIED: [&str; 5] = ["authorization", "cookie", "x-on-behalf-of", "accept-language", "x-forwarded-for"];

/// The entity tag of a representation.
pub fn tag_of(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    format!("\"{}\"", hex::encode(&digest[..16]))
}

fn header_text(headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned)
}

pub fn if_none_match(headers: &HeaderMap) -> Option<String> {
    header_text(headers, header::IF_NONE_MATCH)
}

pub fn if_match(headers: &HeaderMap) -> Option<String> {
    header_text(headers, header::IF_MATCH)
}

/// Whether a list of tags (`"a", W/"b"` or `*`) names `tag`. Weak comparison for
/// `If-None-Match`, strong for `If-Match` (a weak tag never matches there).
fn names(list: &str, tag: &str, weak: bool) -> bool {
    list.split(',').map(str::trim).any(|candidate| {
        if candidate == "*" {
            return true;
        }
        match candidate.strip_prefix("W/") {
            Some(stripped) => weak && stripped == tag.trim_start_matches("W/"),
            None => candidate == tag.trim_start_matches("W/") && (weak || !tag.starts_with("W/")),
        }
    })
}

/// Whether an `If-Match` list names the representation `body` (strong comparison).
pub fn matches(if_match: &str, body: &[u8]) -> bool {
    names(if_match, &tag_of(body), false)
}

fn is_json(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/json"))
}

/// The tag of a successful JSON answer, reading (and putting back) its body when the handler
/// set none.
async fn tagged(response: Response) -> (Response, Option<String>) {
    if let Some(tag) = response.headers().get(header::ETAG).and_then(|v| v.to_str().ok()) {
        let tag = tag.to_owned();
        return (response, Some(tag));
    }
    if !(response.status() == StatusCode::OK || response.status() == StatusCode::CREATED) || !is_json(&response) {
        return (response, None);
    }
    let (mut parts, body) = response.into_parts();
    // A JSON answer is already whole in memory: collecting it allocates nothing new.
    let bytes: Bytes = match to_bytes(body, usize::MAX).await {
        Ok(bytes) => bytes,
        Err(error) => return (ApiError::Internal(format!("reading a response: {error}")).into_response(), None),
    };
    let tag = tag_of(&bytes);
    if let Ok(value) = HeaderValue::from_str(&tag) {
        parts.headers.insert(header::ETAG, value);
    }
    (Response::from_parts(parts, Body::from(bytes)), Some(tag))
}

/// A `GET`'s answer with its tag, or 304 when the client's copy is current. Answers that say
/// nothing about caching are private to the caller and revalidated on every use.
pub async fn on_read(response: Response, if_none_match: Option<&str>) -> Response {
    let (mut response, tag) = tagged(response).await;
    if !response.headers().contains_key(header::CACHE_CONTROL) && response.status().is_success() {
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    }
    match (tag, if_none_match) {
        (Some(tag), Some(list)) if response.status().is_success() && names(list, &tag, true) => {
            let mut not_modified = Response::new(Body::empty());
            *not_modified.status_mut() = StatusCode::NOT_MODIFIED;
            for name in [header::ETAG, header::CACHE_CONTROL, header::VARY] {
                if let Some(value) = response.headers().get(&name) {
                    not_modified.headers_mut().insert(name, value.clone());
                }
            }
            not_modified
        }
        _ => response,
    }
}

/// A write's answer with the tag of the representation it returns.
pub async fn on_write(response: Response) -> Response {
    tagged(response).await.0
}

/// The resource a write with `If-Match` is about: the path itself, or for a `POST` of an
/// action, the resource the action is under.
fn resource_of(method: &Method, path: &str) -> String {
    if method == Method::POST {
        match path.rsplit_once('/') {
            Some((parent, _)) if !parent.is_empty() => parent.to_owned(),
            _ => path.to_owned(),
        }
    } else {
        path.to_owned()
    }
}

/// Refuses a write whose `If-Match` names anything but the resource's current tag for this
/// caller (412), including a resource that has no representation for them.
pub async fn check(inner: &axum::Router, write: &axum::http::request::Parts, expected: &str) -> Result<(), ApiError> {
    let path = resource_of(&write.method, write.uri.path());
    let mut read = Request::builder().method(Method::GET).uri(path);
    for name in CARRIED {
        for value in write.headers.get_all(name) {
            read = read.header(name, value);
        }
    }
    let mut read = read.body(Body::empty()).map_err(|e| ApiError::Internal(format!("precondition read: {e}")))?;
    if let Some(connect) = write.extensions.get::<ConnectInfo<SocketAddr>>() {
        read.extensions_mut().insert(*connect);
    }
    let current = super::run(inner, read).await;
    if current.status() != StatusCode::OK {
        return Err(ApiError::PreconditionFailed);
    }
    let (_, tag) = tagged(current).await;
    match tag {
        Some(tag) if names(expected, &tag, false) => Ok(()),
        _ => Err(ApiError::PreconditionFailed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_compared_weakly_for_reads_and_strongly_for_writes() {
        let tag = tag_of(b"{}");
        assert!(names(&tag, &tag, false));
        assert!(names(&format!("\"x\", {tag}"), &tag, true));
        assert!(names(&format!("W/{tag}"), &tag, true));
        assert!(!names(&format!("W/{tag}"), &tag, false), "a weak tag never satisfies If-Match");
        assert!(names("*", &tag, false));
        assert!(!names("\"other\"", &tag, false));
    }

    #[test]
    fn an_action_is_checked_against_the_resource_it_is_under() {
        assert_eq!(resource_of(&Method::POST, "/api/v1/postings/12/close"), "/api/v1/postings/12");
        assert_eq!(resource_of(&Method::PATCH, "/api/v1/postings/12"), "/api/v1/postings/12");
        assert_eq!(resource_of(&Method::DELETE, "/api/v1/slots/3"), "/api/v1/slots/3");
    }
}
