//! Idempotent retries: a `POST` sent with an `Idempotency-Key` header runs once; sent again by
//! the same caller within 24 hours with the same request it gets the first answer back
//! (`Idempotent-Replayed: true`), and with another request under the same key a 422 naming the
//! header. While the first is still running, a retry gets 409 (`idempotency_key_in_progress`)
//! with `Retry-After`.
//!
//! The caller's credential is checked first, so a revoked key or an ended session gets its
//! 401 and never a stored answer. The key is claimed in the database before the request runs, so concurrent retries on any
//! node cannot both run it. Answers that a retry should not repeat are not kept: server
//! errors, timeouts and rate limits (the retry runs again), and answers marked
//! `Cache-Control: no-store` or setting a cookie (they carry a credential, which is never
//! stored). A claim whose
//! request died with its process is taken over once it is older than the request timeout.

use axum::body::HttpBody as _;
use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chanjiao_domain::{Invalid, Text};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use sha2::{Digest, Sha256};

use crate::auth::cookies;
use crate::entities::idempotency_keys;
use crate::error::ApiError;
use crate::startup::AppState;

pub const HEADER: &str = "idempotency-key";
/// How long an answer is kept for retries.
pub const RETENTION: chrono::Duration = chrono::Duration::hours(24);
/// The longest key accepted (UUIDs and ULIDs fit many times over).
pub const MAX_KEY: usize = 255;
/// Answers larger than this are not kept (a retry runs again): creating requests answer with
/// the resource they created, far smaller.
const MAX_KEPT_BODY: u64 = 1024 * 1024;

pub fn requested(headers: &HeaderMap) -> bool {
    headers.contains_key(HEADER)
}

/// The request, run once per key.
pub async fn run(state: &AppState, inner: &axum::Router, request: Request) -> Response {
    match attempt(state, inner, request).await {
        Ok(response) => response,
        Err(error) => error.into_response(),
    }
}

fn key_of(headers: &HeaderMap) -> Result<String, ApiError> {
    let refused = || {
        ApiError::invalid(
            "Idempotency-Key",
            Invalid::Format(Text::new(
                "1–255 visible ASCII characters, such as a UUID",
                "1–255 个可见 ASCII 字符，例如 UUID",
            )),
        )
    };
    let value = headers.get(HEADER).and_then(|v| v.to_str().ok()).ok_or_else(refused)?;
    let ok = !value.is_empty() && value.len() <= MAX_KEY && value.bytes().all(|b| b.is_ascii_graphic());
    if ok { Ok(value.to_owned()) } else { Err(refused()) }
}

/// Whose keys these are: a digest of the credential and of the client acted for, so that keys
/// of different callers never meet and no credential is stored.
fn caller_of(headers: &HeaderMap) -> String {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim());
    let credential = bearer.or_else(|| cookies::get(headers, cookies::SESSION)).unwrap_or("");
    let acting = headers.get(crate::auth::extract::ON_BEHALF_OF).and_then(|v| v.to_str().ok()).unwrap_or("");
    hex::encode(Sha256::digest(format!("{credential}\n{acting}").as_bytes()))
}

fn request_digest(request: &axum::http::request::Parts, body: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(request.method.as_str());
    hasher.update(b"\n");
    hasher.update(request.uri.path_and_query().map(|p| p.as_str()).unwrap_or(""));
    hasher.update(b"\n");
    hasher.update(request.headers.get(header::CONTENT_TYPE).map(|v| v.as_bytes()).unwrap_or(b""));
    hasher.update(b"\n");
    hasher.update(body);
    hex::encode(hasher.finalize())
}

async fn attempt(state: &AppState, inner: &axum::Router, request: Request) -> Result<Response, ApiError> {
    let key = key_of(request.headers())?;
    let caller = caller_of(request.headers());
    let (parts, body) = request.into_parts();
    // Before any answer is given from a copy: a credential revoked since the first request is
    // refused now, as the handler would refuse it.
    crate::auth::extract::still_authenticates(&parts, state).await?;
    let max = crate::limits::MAX_UPLOAD_BYTES.max(crate::startup::MAX_BODY_BYTES);
    let bytes = to_bytes(body, max).await.map_err(|_| ApiError::PayloadTooLarge { max_mib: max / (1024 * 1024) })?;
    let digest = request_digest(&parts, &bytes);
    let now = state.clock.now();
    let stale_claim = chrono::Duration::seconds(state.config.request_timeout_secs as i64 + 30);
    if let Some(replay) = claim(&state.db, &caller, &key, &digest, now, stale_claim).await? {
        return Ok(replay);
    }
    let response = super::run(inner, Request::from_parts(parts, Body::from(bytes))).await;
    keep(&state.db, &caller, &key, response).await
}

/// Claims the key for this request, or answers from an earlier one: `Some` is the answer.
async fn claim(
    db: &impl ConnectionTrait,
    caller: &str,
    key: &str,
    digest: &str,
    now: DateTime<Utc>,
    stale_claim: chrono::Duration,
) -> Result<Option<Response>, ApiError> {
    for _ in 0..3 {
        let row = idempotency_keys::ActiveModel {
            caller: Set(caller.to_owned()),
            key: Set(key.to_owned()),
            request_digest: Set(digest.to_owned()),
            status: Set(None),
            mime: Set(None),
            location: Set(None),
            body: Set(None),
            created_at: Set(now),
        };
        let claimed = idempotency_keys::Entity::insert(row)
            .on_conflict(
                OnConflict::columns([idempotency_keys::Column::Caller, idempotency_keys::Column::Key])
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
        if claimed == 1 {
            return Ok(None);
        }
        let Some(earlier) = find(db, caller, key).await? else { continue };
        let expired = earlier.created_at < now - RETENTION;
        let abandoned = earlier.status.is_none() && earlier.created_at < now - stale_claim;
        if expired || abandoned {
            idempotency_keys::Entity::delete_many()
                .filter(idempotency_keys::Column::Caller.eq(caller))
                .filter(idempotency_keys::Column::Key.eq(key))
                .filter(idempotency_keys::Column::CreatedAt.eq(earlier.created_at))
                .exec(db)
                .await?;
            continue;
        }
        if earlier.request_digest != digest {
            return Err(ApiError::invalid(
                "Idempotency-Key",
                Invalid::NotAllowed(Text::new(
                    "already used for another request; use a new key for a new request",
                    "该键已用于另一个请求；新的请求请使用新的键",
                )),
            ));
        }
        return match earlier.status {
            Some(status) => Ok(Some(replay(earlier, status))),
            None => Err(ApiError::Refused {
                field: "Idempotency-Key",
                code: "idempotency_key_in_progress",
                en: "the first request with this key is still running; retry shortly".into(),
                zh: "使用该键的第一个请求仍在处理中，请稍后重试".into(),
            }),
        };
    }
    Err(ApiError::Internal("idempotency key could not be claimed".into()))
}

async fn find(db: &impl ConnectionTrait, caller: &str, key: &str) -> Result<Option<idempotency_keys::Model>, ApiError> {
    Ok(idempotency_keys::Entity::find_by_id((caller.to_owned(), key.to_owned())).one(db).await?)
}

fn replay(row: idempotency_keys::Model, status: i32) -> Response {
    let mut response = Response::new(Body::from(row.body.unwrap_or_default()));
    *response.status_mut() = u16::try_from(status)
        .ok()
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    for (name, value) in [(header::CONTENT_TYPE, row.mime), (header::LOCATION, row.location)] {
        if let Some(value) = value.and_then(|v| HeaderValue::from_str(&v).ok()) {
            headers.insert(name, value);
        }
    }
    headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
    response
}

/// Whether a retry should get this answer again rather than run the request again.
fn worth_keeping(response: &Response) -> bool {
    let status = response.status();
    let transient = status.is_server_error()
        || status == StatusCode::REQUEST_TIMEOUT
        || status == StatusCode::TOO_MANY_REQUESTS
        || status == StatusCode::PAYLOAD_TOO_LARGE;
    let secret = response
        .headers()
        .get_all(header::CACHE_CONTROL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.to_ascii_lowercase().contains("no-store"));
    let session = response.headers().contains_key(header::SET_COOKIE);
    let small = response.body().size_hint().exact().is_some_and(|n| n <= MAX_KEPT_BODY);
    !transient && !secret && !session && small
}

/// Keeps the answer under the claimed key (or releases the key), and returns it.
async fn keep(db: &impl ConnectionTrait, caller: &str, key: &str, response: Response) -> Result<Response, ApiError> {
    let release = idempotency_keys::Entity::delete_many()
        .filter(idempotency_keys::Column::Caller.eq(caller))
        .filter(idempotency_keys::Column::Key.eq(key));
    if !worth_keeping(&response) {
        release.exec(db).await?;
        return Ok(response);
    }
    let (parts, body) = response.into_parts();
    let bytes = to_bytes(body, MAX_KEPT_BODY as usize)
        .await
        .map_err(|e| ApiError::Internal(format!("reading a response to keep: {e}")))?;
    let text = |name: header::HeaderName| parts.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let answer = idempotency_keys::ActiveModel {
        status: Set(Some(i32::from(parts.status.as_u16()))),
        mime: Set(text(header::CONTENT_TYPE)),
        location: Set(text(header::LOCATION)),
        body: Set(Some(bytes.to_vec())),
        ..Default::default()
    };
    idempotency_keys::Entity::update_many()
        .set(answer)
        .filter(idempotency_keys::Column::Caller.eq(caller))
        .filter(idempotency_keys::Column::Key.eq(key))
        .exec(db)
        .await?;
    Ok(Response::from_parts(parts, Body::from(bytes)))
}

/// Forgets answers older than the retention. Returns how many.
pub async fn prune(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, ApiError> {
    let result = idempotency_keys::Entity::delete_many()
        .filter(idempotency_keys::Column::CreatedAt.lt(now - RETENTION))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
