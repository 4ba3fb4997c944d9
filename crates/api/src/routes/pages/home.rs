//! The home page: what the platform is for, and the ways in.

use axum::extract::State;
use axum::response::Response;
use minijinja::context;

use crate::startup::AppState;
use crate::web::Page;

pub async fn index(State(state): State<AppState>, page: Page) -> Response {
    page.render(&state, "index.html", context! {})
}
