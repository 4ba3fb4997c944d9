//! How a page handler fails: `Result<Response, PageError>` and `?`.
//!
//! A [`PageError`] carries the [`ApiError`] out of the handler without rendering it, because the
//! handler's `?` has no templates or language at hand. The pages' router runs
//! [`render_page_errors`] around every handler: it finds the error in the response and renders
//! the error page in the visitor's language, with the status the error deserves. So a handler
//! says what went wrong once, and every page fails the same way.
//!
//! Failures that belong on a form (a field's problem, a conflict naming a field) are not page
//! errors: [`on_form`] hands them back so the handler re-renders its form with them, and
//! [`Page::form`](super::Page::form) does both in one step when the form needs nothing more.

use std::sync::{Arc, Mutex};

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::{HtmlError, Lang};
use crate::error::ApiError;
use crate::startup::AppState;

/// A page that could not be shown; rendered as the error page by [`render_page_errors`].
pub enum PageError {
    /// Rendered by the middleware, in the request's language.
    Failed(ApiError),
    /// Already rendered (an extractor's rejection passed on by a handler).
    Rendered(HtmlError),
}

impl From<ApiError> for PageError {
    fn from(error: ApiError) -> Self {
        PageError::Failed(error)
    }
}

impl From<HtmlError> for PageError {
    fn from(error: HtmlError) -> Self {
        PageError::Rendered(error)
    }
}

/// The error waiting in a response's extensions for [`render_page_errors`]. Extensions must be
/// `Clone`; the error is taken out exactly once.
#[derive(Clone)]
struct Pending(Arc<Mutex<Option<ApiError>>>);

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::Rendered(page) => page.into_response(),
            PageError::Failed(error) => {
                let mut response = error.status_code().into_response();
                response.extensions_mut().insert(Pending(Arc::new(Mutex::new(Some(error)))));
                response
            }
        }
    }
}

/// Keeps a failure that the form shows beside its fields; any other failure fails the page.
pub fn on_form(error: ApiError) -> Result<ApiError, PageError> {
    if error.belongs_on_form() { Ok(error) } else { Err(PageError::Failed(error)) }
}

/// Middleware of the pages' router: renders a handler's [`PageError`] as the error page in the
/// language the request asked for.
pub async fn render_page_errors(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let lang = Lang::from_headers(request.headers(), request.uri().query());
    let mut response = next.run(request).await;
    let pending = response.extensions_mut().remove::<Pending>();
    let Some(error) = pending.and_then(|Pending(slot)| slot.lock().ok().and_then(|mut error| error.take())) else {
        return response;
    };
    HtmlError::new(&state, lang, error).into_response()
}
