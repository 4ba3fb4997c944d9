//! The context every page shares: language, signed-in user and the form token, and the
//! cookies that go with them.

use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Response};
use minijinja::value::Serde;
use minijinja::{Value, context};

use crate::auth::cookies::{self, SameSite};
use crate::auth::{CurrentUser, MaybeUser, token};
use crate::error::ApiError;
use crate::startup::AppState;
use crate::web::{HtmlError, Lang, PageError, on_form};

/// What a page handler gets: who is asking, in which language, and the form token to embed.
pub struct Page {
    pub lang: Lang,
    pub user: Option<CurrentUser>,
    pub csrf: String,
    pub path: String,
    /// Unread notices of the signed-in user, for the inbox link in the navigation.
    pub unread: u64,
    new_csrf: bool,
    remember_lang: bool,
}

impl FromRequestParts<AppState> for Page {
    type Rejection = HtmlError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().map(str::to_owned);
        let lang = Lang::from_headers(&parts.headers, query.as_deref());
        let MaybeUser(user) = MaybeUser::from_request_parts(parts, state).await?;
        let existing = cookies::get(&parts.headers, cookies::CSRF).filter(|t| t.len() == 64).map(str::to_owned);
        let new_csrf = existing.is_none();
        let unread = match &user {
            Some(user) => crate::services::alerts::inbox::unread_count(&state.db, user).await.unwrap_or_else(|error| {
                tracing::warn!(%error, "unread count failed");
                0
            }),
            None => 0,
        };
        Ok(Page {
            unread,
            lang,
            user,
            csrf: existing.unwrap_or_else(token::generate),
            path: parts.uri.path().to_owned(),
            new_csrf,
            remember_lang: Lang::from_query(query.as_deref()).is_some(),
        })
    }
}

impl Page {
    pub fn error(&self, state: &AppState, error: ApiError) -> HtmlError {
        HtmlError::new(state, self.lang, error)
    }

    /// Renders a template with the page's common context merged in.
    pub fn render(&self, state: &AppState, template: &str, ctx: Value) -> Response {
        self.render_with_status(state, StatusCode::OK, template, ctx)
    }

    pub fn render_with_status(&self, state: &AppState, status: StatusCode, template: &str, ctx: Value) -> Response {
        let common = context! {
            user => Serde(self.user.clone()), csrf => self.csrf.clone(), path => self.path.clone(), unread_notices => self.unread,
        };
        match state.web.render(template, self.lang, context! { ..ctx, ..common }) {
            Ok(html) => {
                let mut response = (status, Html(html)).into_response();
                self.attach_cookies(state, &mut response);
                response
            }
            Err(e) => self.error(state, e).into_response(),
        }
    }

    /// Renders a form's page: with a refused submission, its status and the problems by field
    /// (`field_errors`, `error_title`) for the form to show in place; without one, 200.
    pub fn render_form(&self, state: &AppState, template: &str, ctx: Value, error: Option<ApiError>) -> Response {
        let status = error.as_ref().map_or(StatusCode::OK, ApiError::status_code);
        let field_errors = error.as_ref().map(ApiError::field_errors).unwrap_or_default();
        let error_title = error.map(|e| e.title(self.lang == Lang::Zh));
        let form = context! { field_errors => Serde(field_errors), error_title };
        self.render_with_status(state, status, template, context! { ..ctx, ..form })
    }

    /// Re-renders a form with a refused submission's problems beside its fields; a failure that
    /// is not about the form (not found, not permitted, …) fails the page instead.
    pub fn form(&self, state: &AppState, template: &str, ctx: Value, error: ApiError) -> Result<Response, PageError> {
        let error = on_form(error)?;
        Ok(self.render_form(state, template, ctx, Some(error)))
    }

    /// Adds the form-token and language cookies a response must carry.
    pub fn attach_cookies(&self, state: &AppState, response: &mut Response) {
        let secure = state.config.cookie_secure;
        let headers = response.headers_mut();
        if self.new_csrf {
            headers.append(SET_COOKIE, cookies::set(cookies::CSRF, &self.csrf, 60 * 60 * 24, SameSite::Strict, secure));
        }
        if self.remember_lang {
            let year = 60 * 60 * 24 * 365;
            headers.append(SET_COOKIE, cookies::set(cookies::LANG, self.lang.code(), year, SameSite::Lax, secure));
        }
    }
}
