//! What integrators rely on to retry safely and edit concurrently, for every API route at once:
//! entity tags and conditional requests ([`conditional`]: `ETag`, `If-None-Match`, `If-Match`)
//! and idempotent retries of creating requests ([`idempotency`]: `Idempotency-Key`).
//!
//! Both wrap the whole application as one service, outside the router, because both need to
//! run a second request through it: `If-Match` on a write compares against the `ETag` a `GET`
//! of the resource gives the same caller now, and a replayed `Idempotency-Key` answers
//! without running the handler at all. Only `/api/v1` requests are touched; pages pass through.

pub mod conditional;
pub mod idempotency;

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::Method;
use axum::response::{IntoResponse, Response};
use tower::{Service, ServiceExt};

use crate::startup::AppState;

/// The prefix of the API's URLs.
const API: &str = "/api/v1/";

/// `inner` (the whole application) behind conditional requests and idempotent retries, as a
/// router again so that it is served like any other.
pub fn wrap(state: AppState, inner: Router) -> Router {
    Router::new().fallback_service(Integration { state, inner })
}

#[derive(Clone)]
struct Integration {
    state: AppState,
    inner: Router,
}

impl Service<Request> for Integration {
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let this = self.clone();
        Box::pin(async move { Ok(this.handle(request).await) })
    }
}

impl Integration {
    async fn handle(self, request: Request) -> Response {
        if !request.uri().path().starts_with(API) {
            return self.run(request).await;
        }
        let method = request.method().clone();
        if method == Method::HEAD {
            // No body to take a tag of: the `GET` of the same resource gives it.
            return self.run(request).await;
        }
        if method == Method::GET {
            let if_none_match = conditional::if_none_match(request.headers());
            let response = self.run(request).await;
            return conditional::on_read(response, if_none_match.as_deref()).await;
        }
        let request = match conditional::if_match(request.headers()) {
            Some(expected) => {
                let (parts, body) = request.into_parts();
                if let Err(refused) = conditional::check(&self.inner, &parts, &expected).await {
                    return refused.into_response();
                }
                Request::from_parts(parts, body)
            }
            None => request,
        };
        let response = if method == Method::POST && idempotency::requested(request.headers()) {
            idempotency::run(&self.state, &self.inner, request).await
        } else {
            self.run(request).await
        };
        conditional::on_write(response).await
    }

    async fn run(&self, request: Request) -> Response {
        run(&self.inner, request).await
    }
}

/// Runs `request` through the application (whose error type is `Infallible`).
async fn run(inner: &Router, request: Request<Body>) -> Response {
    match inner.clone().oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}
