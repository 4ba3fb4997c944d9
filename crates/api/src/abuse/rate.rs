//! Per-client rate limits on the expensive endpoints (search, matching, exports, imports,
//! registration, login), one generic cell rate limiter of the `governor` crate per [`Group`],
//! keyed by [`Caller`].
//!
//! A handler opts in by being wrapped in [`limited`], which runs before its extractors:
//! a refused request costs no database query, no session lookup and no body read. Limits are
//! per process (each node behind a load balancer counts its own clients); the login throttle,
//! which must hold across nodes, keeps its counters in the database instead.

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

/// Whom a limit counts. Today every caller is a client address; API keys, when they come,
/// get a variant of their own so that an integrator's quota is not shared with its office.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Caller {
    Client(IpAddr),
}

/// The limiters of one process, one per group (`None` where the configured rate is 0).
pub struct RateLimits {
    limiters: Vec<Option<DefaultKeyedRateLimiter<Caller>>>,
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
        RateLimits { limiters }
    }

    /// Counts one request of `caller` to `group`; `Err` holds the seconds until it may retry.
    pub fn check(&self, group: Group, caller: Caller) -> Result<(), u64> {
        let Some(limiter) = &self.limiters[group.index()] else { return Ok(()) };
        limiter.check_key(&caller).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            // Round up, so that a client honouring Retry-After is not refused again.
            wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
        })
    }

    /// Forgets callers whose allowance has refilled completely, so memory follows the number of
    /// recent clients, not of all clients ever seen.
    pub fn forget_idle(&self) {
        for limiter in self.limiters.iter().flatten() {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }

    fn tracked(&self) -> usize {
        self.limiters.iter().flatten().map(|l| l.len()).sum()
    }
}

/// The caller a request is counted as.
fn caller_of(request: &Request) -> Caller {
    let client = request.extensions().get::<ClientAddr>().copied();
    Caller::Client(client.map(|c| c.limit_key()).unwrap_or(IpAddr::from([0, 0, 0, 0])))
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
        assert_eq!(limits.check(Group::Export, a), Ok(()));
        // A rate of 0 means no limit.
        for _ in 0..1000 {
            assert_eq!(limits.check(Group::Match, a), Ok(()));
        }
    }
}
