//! Cross-site request forgery protection for pages: the double-submit token.
//!
//! Every page sets a random token in a `SameSite=Strict` cookie and repeats it in a hidden
//! `_csrf` field of its forms. A state-changing page request must carry both, equal. A forging
//! site can make the browser send the cookie but cannot read it to fill in the field. API routes
//! are exempt because they accept the session only from a bearer header for such methods.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq;

use crate::auth::cookies;
use crate::error::ApiError;
use crate::startup::AppState;
use crate::web::{HtmlError, Lang};

/// Largest form body the check will read; larger forms must use the `x-csrf-token` header.
const MAX_FORM_BYTES: usize = 2 * 1024 * 1024;

pub async fn protect(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let exempt = matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        || request.uri().path().starts_with("/api/");
    if exempt {
        return next.run(request).await;
    }
    let lang = Lang::from_headers(request.headers(), request.uri().query());
    let expected = cookies::get(request.headers(), cookies::CSRF).map(str::to_owned);
    // Multipart forms (uploads) carry the token in the action URL's query, since the body is
    // not read here; scripts may send it as a header.
    let from_header = request
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(|| request.uri().query().and_then(|q| query_field(q, "_csrf")));
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));

    let (parts, body) = request.into_parts();
    let (submitted, body) = match (from_header, is_form) {
        (Some(token), _) => (Some(token), body),
        (None, true) => match to_bytes(body, MAX_FORM_BYTES).await {
            Ok(bytes) => {
                let token = form_field(&bytes, "_csrf");
                (token, Body::from(bytes))
            }
            Err(_) => {
                return HtmlError::new(&state, lang, ApiError::BadRequest("form too large".into())).into_response();
            }
        },
        (None, false) => (None, body),
    };
    let valid = match (expected, submitted) {
        (Some(expected), Some(submitted)) => {
            !expected.is_empty() && bool::from(expected.as_bytes().ct_eq(submitted.as_bytes()))
        }
        _ => false,
    };
    if !valid {
        tracing::warn!(path = %parts.uri.path(), "csrf check failed");
        return HtmlError::new(&state, lang, ApiError::Csrf).into_response();
    }
    next.run(Request::from_parts(parts, body)).await
}

fn query_field(query: &str, name: &str) -> Option<String> {
    form_field(query.as_bytes(), name)
}

fn form_field(body: &[u8], name: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value)
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_the_token_in_a_form_body() {
        assert_eq!(super::form_field(b"email=a%40b.cn&_csrf=abc123", "_csrf").as_deref(), Some("abc123"));
        assert_eq!(super::form_field(b"email=a", "_csrf"), None);
    }
}
