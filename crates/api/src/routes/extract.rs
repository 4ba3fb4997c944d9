//! The body, query-string and path extractors, whose rejections name the field or parameter:
//! a problem document for the API, like every other API error, instead of axum's plain text.
//! The pages wrap the same parsing ([`crate::routes::pages::PagePath`] …) to answer with the
//! error page instead.
//!
//! A body that is not JSON at all is a 400; JSON of the wrong shape (a missing field, a string
//! where a number belongs) is a 422 naming the field. `Query` and `Path` keep axum's names and
//! shapes, so a route module switches by changing its `use` line only.

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequest, FromRequestParts, MatchedPath, Request, path::ErrorKind};
use axum::http::{HeaderMap, StatusCode, header, request::Parts};
use chanjiao_domain::Text;
use chanjiao_domain::{Invalid, Invalids};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// What a parameter that does not parse is said to lack; the parser's own message goes in the
/// problem's `detail`.
const EXPECTED: Text = Text::new("a value of the type the API documents", "符合接口文档所述类型的值");

/// A query string deserialized into `T`; a bad parameter is a 422 naming it.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        let deserializer = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(deserializer).map(Query).map_err(|error| {
            let repeated = named_in(&error.inner().to_string(), "duplicate field `");
            unparsable(repeated.as_deref().or(Some(&error.path().to_string())), "query")
        })
    }
}

/// The `If-Match` header of a write: the version the client read and means to change. The
/// generic check in [`crate::integration::conditional`] refuses a stale one before the handler
/// runs; services that lock the row check it again inside their transaction.
pub struct IfMatch(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(IfMatch(crate::integration::conditional::if_match(&parts.headers)))
    }
}

/// Path parameters deserialized into `T`; a bad one is a 422 naming it.
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Path(value)),
            Err(PathRejection::FailedToDeserializePathParams(error)) => {
                // A tuple or a single value carries no key; the route's own pattern names it.
                let names = parts.extensions.get::<MatchedPath>().map(|m| path_names(m.as_str())).unwrap_or_default();
                let key = match error.kind() {
                    ErrorKind::ParseErrorAtKey { key, .. } | ErrorKind::DeserializeError { key, .. } => {
                        Some(key.clone())
                    }
                    ErrorKind::ParseErrorAtIndex { index, .. } => names.get(*index).cloned(),
                    _ if names.len() == 1 => names.first().cloned(),
                    _ => None,
                };
                Err(unparsable(key.as_deref(), "path"))
            }
            Err(other) => Err(ApiError::Internal(other.body_text())),
        }
    }
}

/// The `{name}`s of a route pattern, in order.
fn path_names(pattern: &str) -> Vec<String> {
    pattern.split('/').filter_map(|s| s.strip_prefix('{')?.strip_suffix('}')).map(str::to_owned).collect()
}

/// A JSON body deserialized into `T`.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(request.headers()) {
            return Err(ApiError::UnsupportedMediaType);
        }
        let bytes = Bytes::from_request(request, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge { max_mib: crate::startup::MAX_BODY_BYTES / (1024 * 1024) }
            } else {
                ApiError::BadRequest("the body could not be read".into())
            }
        })?;
        let mut deserializer = serde_json::Deserializer::from_slice(&bytes);
        let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
            let inner = error.inner();
            if inner.classify() != serde_json::error::Category::Data {
                return ApiError::BadRequest(format!("the body is not valid JSON: {inner}"));
            }
            let path = error.path().to_string();
            let message = inner.to_string();
            let missing = named_in(&message, "missing field `");
            let field = match (path.as_str(), missing) {
                (".", Some(name)) => name,
                (path, Some(name)) => format!("{path}.{name}"),
                (path, None) => path.to_owned(),
            };
            unparsable(Some(&field), "body")
        })?;
        deserializer.end().map_err(|_| ApiError::BadRequest("the body has data after its JSON value".into()))?;
        Ok(ApiJson(value))
    }
}

/// A `multipart/form-data` body (spreadsheet uploads); another content type is a 415, a
/// malformed form a 400.
pub struct ApiMultipart(pub axum::extract::Multipart);

impl<S: Send + Sync> FromRequest<S> for ApiMultipart {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        if essence(request.headers()).as_deref() != Some("multipart/form-data") {
            return Err(ApiError::UnsupportedMediaType);
        }
        axum::extract::Multipart::from_request(request, state)
            .await
            .map(ApiMultipart)
            .map_err(|rejection| ApiError::BadRequest(rejection.body_text()))
    }
}

/// The content type without its parameters, lowercased.
fn essence(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    Some(value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase())
}

/// `application/json` or any `+json` type, with or without parameters.
fn is_json(headers: &HeaderMap) -> bool {
    let Some(essence) = essence(headers) else { return false };
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// The name serde gives in "missing field `name`" or "duplicate field `name`": a field the
/// target type declares (serde reports only declared fields so), so it is not client text.
fn named_in(message: &str, prefix: &str) -> Option<String> {
    let rest = message.strip_prefix(prefix)?;
    Some(rest[..rest.find('`')?].to_owned())
}

/// The problem for a parameter that does not parse. Its name comes from the route's own
/// declarations (a struct field or a `{param}` of the path), never from the client, so it is
/// safe to echo; `None` (the parameters as a whole) is reported as `fallback`.
fn unparsable(name: Option<&str>, fallback: &str) -> ApiError {
    let field = name.filter(|n| !n.is_empty() && *n != ".").unwrap_or(fallback);
    ApiError::Validation(Invalids::single(field, Invalid::Format(EXPECTED)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Request;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Paging {
        limit: Option<u32>,
        q: Option<String>,
    }

    async fn query(uri: &str) -> Result<Query<Paging>, ApiError> {
        let (mut parts, ()) = Request::builder().uri(uri).body(()).unwrap().into_parts();
        Query::<Paging>::from_request_parts(&mut parts, &()).await
    }

    fn field_of(error: ApiError) -> String {
        error.field_errors().first().map(|p| p.field.clone()).unwrap_or_default()
    }

    async fn body<T: DeserializeOwned>(content_type: &str, text: &str) -> Result<ApiJson<T>, ApiError> {
        let request = Request::builder().header("content-type", content_type).body(text.to_owned().into()).unwrap();
        ApiJson::<T>::from_request(request, &()).await
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Login {
        email: String,
        remember: Option<bool>,
        paging: Option<Paging>,
    }

    #[tokio::test]
    async fn a_body_of_the_wrong_shape_names_the_field() {
        let missing = body::<Login>("application/json", "{}").await.err().expect("refused");
        assert_eq!((missing.status_code().as_u16(), field_of(missing)), (422, "email".to_owned()));
        let mistyped = body::<Login>("application/json", r#"{"email":"a","remember":"yes"}"#).await.err().unwrap();
        assert_eq!((mistyped.status_code().as_u16(), field_of(mistyped)), (422, "remember".to_owned()));
        let nested = body::<Login>("application/json", r#"{"email":"a","paging":{"limit":-1}}"#).await.err().unwrap();
        assert_eq!(field_of(nested), "paging.limit");
    }

    #[tokio::test]
    async fn a_body_that_is_not_json_is_a_bad_request() {
        for text in ["{\"email\": ", "{\"email\":\"a\"} trailing", ""] {
            let error = body::<Login>("application/json", text).await.err().expect("refused");
            assert_eq!(error.status_code(), 400, "{text}");
        }
        let error = body::<Login>("text/plain", r#"{"email":"a"}"#).await.err().expect("refused");
        assert_eq!(error.status_code(), 415);
        let request = Request::builder().header("content-type", "application/json").body("{}".into()).unwrap();
        let error = ApiMultipart::from_request(request, &()).await.err().expect("not multipart");
        assert_eq!(error.status_code(), 415);
        assert!(body::<Login>("application/merge-patch+json; charset=utf-8", r#"{"email":"a"}"#).await.is_ok());
    }

    #[tokio::test]
    async fn a_bad_query_parameter_is_named() {
        let error = query("/x?limit=abc").await.err().expect("refused");
        assert_eq!(error.status_code(), 422);
        assert_eq!(field_of(error), "limit");
    }

    #[tokio::test]
    async fn an_out_of_range_number_is_named() {
        let error = query("/x?limit=99999999999999999999999").await.err().expect("refused");
        assert_eq!(field_of(error), "limit");
    }

    #[tokio::test]
    async fn a_good_query_parses_and_unknown_keys_are_ignored() {
        let Query(paging) = query("/x?limit=5&q=%E6%95%B0%E6%8E%A7&other=1").await.expect("parses");
        assert_eq!(paging.limit, Some(5));
        assert_eq!(paging.q.as_deref(), Some("数控"));
    }

    #[tokio::test]
    async fn a_repeated_parameter_is_refused_cleanly() {
        let error = query("/x?limit=1&limit=2").await.err().expect("refused");
        assert_eq!(error.status_code(), 422);
        assert_eq!(field_of(error), "limit");
    }
}
