//! Per-client rate limits on the expensive endpoints (search, matching, exports, imports,
//! registration, login), one generic cell rate limiter of the `governor` crate per [`Group`],
//! keyed by [`Caller`].
//!
//! A handler opts in by being wrapped in [`limited`], which runs before its extractors:
//! a refused request costs no database query, no session lookup and no body read. Limits are
//! per process (each node behind a load balancer counts its own clients); the login throttle,
//! which must hold across nodes, keeps its counters in the database instead.
//!
//! A request bearing an API key is counted per key (its public id is in the key string, so no
//! database is asked), in every group and, by [`per_key`], over all its API calls together:
//! an integrator's quota is its own, not shared with its office's address.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

use axum::extract::{OriginalUri, Request};
use axum::handler::Handler;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use chanjiao_domain::api_keys::{PUBLIC_ID_LEN, PresentedKey};

use super::RateSettings;
use super::client::ClientAddr;
use crate::error::ApiError;
use crate::startup::AppState;
use crate::web::{HtmlError, Lang, Web};

/// A group of endpoints sharing one limit per client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Group {
    /// Full-text search and suggestions.
    Search,
    /// Matching a text or a posting against the index and the catalogue.
    Match,
    /// Spreadsheet downloads of many rows.
    Export,
    /// Spreadsheet uploads.
    Import,
    /// Self-registration of organizations.
    Register,
    /// Sign-in (beside the login throttle, which counts failures per account).
    Login,
    /// Aggregations over every posting: the open data, the dashboard and its reports, which
    /// anonymous visitors reach too.
    Statistics,
}

impl Group {
    pub const ALL: [Group; 7] =
        [Group::Search, Group::Match, Group::Export, Group::Import, Group::Register, Group::Login, Group::Statistics];

    fn index(self) -> usize {
        self as usize
    }
}

/// Whom a limit counts: a client address, or an API key by its public id (whether or not the
/// key turns out to be valid: a flood of made-up keys is counted, and refused, all the same).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Caller {
    Client(IpAddr),
    ApiKey([u8; PUBLIC_ID_LEN]),
}

/// The limiters of one process, one per group (`None` where the configured rate is 0), and the
/// one over all of an API key's calls.
pub struct RateLimits {
    limiters: Vec<Option<DefaultKeyedRateLimiter<Caller>>>,
    api_keys: Option<DefaultKeyedRateLimiter<Caller>>,
}

impl std::fmt::Debug for RateLimits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimits").field("tracked_callers", &self.tracked()).finish()
    }
}

impl RateLimits {
    /// Each group allows its per-minute rate as a burst, refilled evenly over the minute.
    pub fn new(settings: &RateSettings) -> Self {
        let limiters = Group::ALL
            .iter()
            .map(|group| NonZeroU32::new(settings.per_minute(*group)).map(|n| RateLimiter::keyed(Quota::per_minute(n))))
            .collect();
        let api_keys = NonZeroU32::new(settings.api_key_per_minute).map(|n| RateLimiter::keyed(Quota::per_minute(n)));
        RateLimits { limiters, api_keys }
    }

    /// Counts one request of `caller` to `group`; `Err` holds the seconds until it may retry.
    pub fn check(&self, group: Group, caller: Caller) -> Result<(), u64> {
        let Some(limiter) = &self.limiters[group.index()] else { return Ok(()) };
        Self::count(limiter, caller)
    }

    /// Counts one API call of a key, over all its calls; other callers pass.
    pub fn check_key(&self, caller: Caller) -> Result<(), u64> {
        match (&self.api_keys, caller) {
            (Some(limiter), Caller::ApiKey(_)) => Self::count(limiter, caller),
            _ => Ok(()),
        }
    }

    fn count(limiter: &DefaultKeyedRateLimiter<Caller>, caller: Caller) -> Result<(), u64> {
        limiter.check_key(&caller).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            // Round up, so that a client honouring Retry-After is not refused again.
            wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
        })
    }

    /// Forgets callers whose allowance has refilled completely, so memory follows the number of
    /// recent clients, not of all clients ever seen.
    pub fn forget_idle(&self) {
        for limiter in self.limiters.iter().flatten().chain(&self.api_keys) {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }

    fn tracked(&self) -> usize {
        self.limiters.iter().flatten().chain(&self.api_keys).map(|l| l.len()).sum()
    }
}

/// The caller a request is counted as: its API key when it bears one, else its address.
fn caller_of(request: &Request) -> Caller {
    if let Some(key) = api_key_of(request) {
        return key;
    }
    let client = request.extensions().get::<ClientAddr>().copied();
    Caller::Client(client.map(|c| c.limit_key()).unwrap_or(IpAddr::from([0, 0, 0, 0])))
}

/// The API key a request bears, by the public id in its key string (nothing is looked up).
fn api_key_of(request: &Request) -> Option<Caller> {
    let value = request.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let presented = PresentedKey::parse(token.trim())?;
    let mut id = [0u8; PUBLIC_ID_LEN];
    id.copy_from_slice(presented.public_id.as_bytes());
    Some(Caller::ApiKey(id))
}

/// Middleware over the whole API: an API key's calls together, per key
/// (`rate_limit_api_key_per_minute`), before any extractor asks the database about the key.
pub async fn per_key(request: Request, next: Next) -> Response {
    let limits = request.extensions().get::<Arc<RateLimits>>().cloned();
    if let (Some(limits), Some(key)) = (limits, api_key_of(&request))
        && let Err(retry_after_secs) = limits.check_key(key)
    {
        tracing::info!(caller = ?key, "api key rate limit reached");
        return refusal(&request, retry_after_secs.max(1));
    }
    next.run(request).await
}

async fn enforce(group: Group, request: Request, next: Next) -> Response {
    let limits = request.extensions().get::<Arc<RateLimits>>().cloned();
    if let Some(limits) = limits
        && let Err(retry_after_secs) = limits.check(group, caller_of(&request))
    {
        tracing::info!(?group, caller = ?caller_of(&request), "rate limit reached");
        return refusal(&request, retry_after_secs.max(1));
    }
    next.run(request).await
}

/// A 429 with `Retry-After`: a problem document on the API, an error page in the visitor's
/// language elsewhere (a person on a phone should not be shown JSON).
fn refusal(request: &Request, retry_after_secs: u64) -> Response {
    let error = ApiError::RateLimited { retry_after_secs };
    let web = request.extensions().get::<Arc<Web>>();
    // Inside the nested API router the path has lost its `/api/v1`; the original keeps it.
    let original = request.extensions().get::<OriginalUri>().map(|o| &o.0).unwrap_or(request.uri());
    match web {
        Some(web) if !original.path().starts_with("/api/") => {
            let lang = Lang::from_headers(request.headers(), request.uri().query());
            let mut page = HtmlError::render(web, lang, error).into_response();
            page.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
            page
        }
        _ => error.into_response(),
    }
}

/// `handler` with the limit of `group` in front of it: `get(limited(Group::Search, search))`.
pub fn limited<H, T>(group: Group, handler: H) -> impl Handler<T, AppState>
where
    H: Handler<T, AppState>,
    T: 'static,
{
    handler.layer(axum::middleware::from_fn(move |request: Request, next: Next| enforce(group, request, next)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_past_its_burst_is_told_when_to_retry_and_others_are_not_affected() {
        let settings = RateSettings { search_per_minute: 3, match_per_minute: 0, ..RateSettings::default() };
        let limits = RateLimits::new(&settings);
        let a = Caller::Client("192.0.2.1".parse().unwrap());
        let b = Caller::Client("192.0.2.2".parse().unwrap());
        for _ in 0..3 {
            assert_eq!(limits.check(Group::Search, a), Ok(()));
        }
        let retry = limits.check(Group::Search, a).unwrap_err();
        assert!((1..=20).contains(&retry), "{retry}");
        assert_eq!(limits.check(Group::Search, b), Ok(()));
        let key = Caller::ApiKey(*b"0123456789ab");
        assert_eq!(limits.check(Group::Search, key), Ok(()));
        assert_eq!(limits.check_key(a), Ok(()), "addresses are not counted as keys");
        assert_eq!(limits.check(Group::Export, a), Ok(()));
        // A rate of 0 means no limit.
        for _ in 0..1000 {
            assert_eq!(limits.check(Group::Match, a), Ok(()));
        }
    }
}
