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
/// otherwise, so a load balancer sends traffic to nodes that can answer fully.
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let database = db::is_ready(&state.db).await;
    let index = state.index.last_seq().is_some();
    let body = json!({
        "status": if database && index { "ready" } else { "unavailable" },
        "database": if database { "ok" } else { "unavailable" },
        "index": if index { "ok" } else { "building" },
    });
    let status = if database && index { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (status, Json(body))
}
