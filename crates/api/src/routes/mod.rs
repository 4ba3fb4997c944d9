//! The URL space: health probes and metrics, the JSON API under `/api/v1`, the pages, and static assets.
//! Route modules are thin: they extract, call a service, and render.

pub mod api;
pub mod extract;
pub mod health;
pub mod metrics;
pub mod pages;
pub mod uploads;

use axum::Router;
use axum::routing::get;

use crate::startup::AppState;
use crate::web;

pub fn routes(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(metrics::metrics))
        .nest("/api/v1", api::routes())
        .merge(pages::routes(state))
        .route("/static/{*path}", get(web::static_asset))
        .fallback(pages::not_found)
}
