//! The pages' extractors: a form body, path parameters and a query string, whose rejections
//! are the error page (in the visitor's language, naming the field) instead of axum's plain
//! text. They parse exactly as the API's extractors do ([`crate::routes::extract`]); only the
//! rejection's rendering differs.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::routes::extract;
use crate::startup::AppState;
use crate::web::PageError;

/// A url-encoded form body; a body that does not parse is a 400 page.
pub struct PageForm<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for PageForm<T> {
    type Rejection = PageError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        axum::Form::<T>::from_request(request, state)
            .await
            .map(|axum::Form(value)| PageForm(value))
            .map_err(|rejection| PageError::from(ApiError::BadRequest(rejection.body_text())))
    }
}

/// Path parameters; one that does not parse is a 422 page naming it.
pub struct PagePath<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequestParts<AppState> for PagePath<T> {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let extract::Path(value) = extract::Path::<T>::from_request_parts(parts, state).await?;
        Ok(PagePath(value))
    }
}

/// A query string; a parameter that does not parse is a 422 page naming it.
pub struct PageQuery<T>(pub T);

impl<T: DeserializeOwned> FromRequestParts<AppState> for PageQuery<T> {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let extract::Query(value) = extract::Query::<T>::from_request_parts(parts, state).await?;
        Ok(PageQuery(value))
    }
}
