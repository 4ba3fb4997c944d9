//! Probes for load balancers and orchestrators.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::db;
use crate::startup::AppState;

/// The process is up and serving.
pub async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// The database answers and its schema is current, and the search index has been built; 503
/// otherwise, so a load balancer sends traffic to nodes that can answer fully. From the start
/// of shutdown on, 503 with `"status": "draining"`, so the balancer stops sending before the
/// node stops accepting.
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let database = db::is_ready(&state.db).await;
    let index = state.index.last_seq().is_some();
    let readiness = match (state.draining.is_draining(), database && index) {
        (true, _) => Readiness::Draining,
        (false, true) => Readiness::Ready,
        (false, false) => Readiness::Unavailable,
    };
    let body = json!({
        "status": readiness.as_str(),
        "database": if database { "ok" } else { "unavailable" },
        "index": if index { "ok" } else { "building" },
    });
    let code = if readiness == Readiness::Ready { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (code, Json(body))
}

/// What `/readyz` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Readiness {
    Ready,
    /// Shutting down: still answering, but take traffic elsewhere.
    Draining,
    /// The database or the index is not there yet.
    Unavailable,
}

impl Readiness {
    fn as_str(self) -> &'static str {
        match self {
            Readiness::Ready => "ready",
            Readiness::Draining => "draining",
            Readiness::Unavailable => "unavailable",
        }
    }
}
