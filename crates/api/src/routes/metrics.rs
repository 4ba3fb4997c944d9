//! `GET /metrics`: this node's Prometheus metrics, for the monitoring system only. The platform
//! faces the internet, so only clients in `metrics_allowed` (loopback by default; the client as
//! resolved through trusted proxies) are answered; anyone else gets the very 404 page an unknown
//! path gets, which does not tell that the endpoint exists. Not rate-limited (a scraper asks
//! every few seconds from a known address), not in the OpenAPI document (it is not part of the
//! JSON API). See `docs/monitoring.md`.

use axum::extract::{FromRequestParts, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};

use crate::abuse::client::ClientAddr;
use crate::services::monitoring;
use crate::startup::AppState;
use crate::telemetry::metrics::{Scrape, render};
use crate::web::Page;

/// The content type of Prometheus' text exposition format.
const TEXT_FORMAT: &str = "text/plain; version=0.0.4; charset=utf-8";

/// A client allowed to read the metrics; extracting it refuses everyone else with a 404.
pub struct MetricsReader;

impl FromRequestParts<AppState> for MetricsReader {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Ok(ClientAddr(client)) = ClientAddr::from_request_parts(parts, state).await;
        if state.config.metrics_allowed.contains(client) {
            return Ok(MetricsReader);
        }
        // Answered as the fallback answers a path that does not exist.
        Err(match Page::from_request_parts(parts, state).await {
            Ok(page) => super::pages::not_found(State(state.clone()), page).await,
            Err(refused) => refused.into_response(),
        })
    }
}

pub async fn metrics(_reader: MetricsReader, State(state): State<AppState>) -> Response {
    let backlogs = match monitoring::backlogs(&state.db, &state.index, state.clock.now()).await {
        Ok(backlogs) => Some(backlogs),
        Err(error) => {
            // The request metrics are worth more than ever now: render them, without these.
            tracing::warn!(%error, "metrics: database figures unavailable");
            None
        }
    };
    let scrape = Scrape { backlogs, pool: monitoring::pool_use(&state.db) };
    ([(header::CONTENT_TYPE, TEXT_FORMAT)], render(&scrape)).into_response()
}
