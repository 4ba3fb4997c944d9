//! `GET /openapi.json`: the OpenAPI 3.1 document of this API, kept in `web/openapi.json` and
//! embedded at build time. The end-to-end test `openapi` checks that it describes every route.

use axum::http::header;
use axum::response::IntoResponse;

/// The document as written; served as is.
pub const DOCUMENT: &str = include_str!("../../../../../web/openapi.json");

pub async fn document() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], DOCUMENT)
}
