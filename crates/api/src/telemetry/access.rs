//! Every request, once, as the client saw it: its response counted in the request metrics and
//! written as one access-log line (target `access`, level info) when the response is sent.
//!
//! Two layers work together. [`observe`] wraps the whole application, outside even the
//! integration layer that answers idempotent replays and runs `If-Match` reads through the
//! router: so it sees every response the client gets (429s of the rate limits, 403s of the
//! CSRF check, 408s of the timeout, replays) exactly once, and none of the internal reads. The
//! route template is only known inside the router, where [`note_route`] writes it into a slot
//! that `observe` left in the request; a request no route answered keeps
//! [`metrics::UNMATCHED`](super::metrics::UNMATCHED). Internal reads are built afresh, without
//! the slot, so they note nothing.

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use super::metrics;
use crate::abuse::client::client_address;
use crate::startup::AppState;

/// The longest path written to the log, in bytes; longer ones are cut and marked `…`.
const MAX_LOGGED_PATH: usize = 160;

/// Where the router writes the matched route template for [`observe`].
#[derive(Clone, Default)]
struct RouteSlot(Arc<OnceLock<String>>);

/// Outermost layer: times the request, then records and logs its response.
pub async fn observe(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let started = Instant::now();
    let slot = RouteSlot::default();
    request.extensions_mut().insert(slot.clone());
    let method = request.method().clone();
    let path = loggable_path(request.uri().path());
    // The same decision the `identify` layer makes inside the router, for the same request.
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map_or(IpAddr::from([0, 0, 0, 0]), |c| c.0.ip());
    let client = client_address(peer, request.headers(), &state.config.abuse.trusted_proxies);

    let response = next.run(request).await;

    let elapsed = started.elapsed();
    let route = slot.0.get().map_or(metrics::UNMATCHED, String::as_str);
    let status = response.status();
    metrics::request_served(&method, route, status, elapsed);
    let request_id = response.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
    tracing::info!(
        target: "access",
        method = %method,
        route,
        path,
        status = status.as_u16(),
        latency_ms = (elapsed.as_secs_f64() * 1_000_000.0).round() / 1000.0,
        request_id,
        client = %client,
        "access"
    );
    response
}

/// Inside the router (every route and the fallback): notes the matched route template.
pub async fn note_route(request: Request, next: Next) -> Response {
    if let (Some(slot), Some(matched)) = (request.extensions().get::<RouteSlot>(), request.extensions().get::<MatchedPath>())
        // A nested router's fallback matches a catch-all of axum's own naming: no route.
        && !matched.as_str().contains("__private__axum")
    {
        let _ = slot.0.set(matched.as_str().to_owned());
    }
    next.run(request).await
}

/// The path as logged: never the query string (searches carry what people typed), and at most
/// [`MAX_LOGGED_PATH`] bytes, cut at a character boundary.
fn loggable_path(path: &str) -> String {
    if path.len() <= MAX_LOGGED_PATH {
        return path.to_owned();
    }
    let mut end = MAX_LOGGED_PATH;
    while !path.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &path[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_paths_are_cut_at_a_character_boundary() {
        assert_eq!(loggable_path("/postings/12"), "/postings/12");
        let long = format!("/search/{}", "数".repeat(100));
        let logged = loggable_path(&long);
        assert!(logged.ends_with('…'));
        assert!(logged.len() <= MAX_LOGGED_PATH + '…'.len_utf8());
        assert!(long.starts_with(logged.trim_end_matches('…')));
    }
}
