//! The context every page shares: language, signed-in user and the form token, and the
//! cookies that go with them.

use axum::extract::FromRequestParts;
use axum::http::HeaderValue;
use axum::http::StatusCode;
use axum::http::header::{CACHE_CONTROL, SET_COOKIE};
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Response};
use minijinja::value::Serde;
use minijinja::{Value, context};

use crate::auth::cookies::{self, SameSite};
use crate::auth::{CurrentUser, MaybeUser, token};
use crate::error::ApiError;
use crate::startup::AppState;
use crate::web::{HtmlError, Lang, PageError, Share, cache, download, on_form};

/// What a public page's content depends on besides its address: the session (signed in or not)
/// and the language (the cookie, or the browser's preference).
const PUBLIC_VARY: &str = "Cookie, Accept-Language";

/// What a public page with a download link also depends on: whether it is WeChat's browser,
/// which shows a hint beside the link ([`Page::wechat`]).
const PUBLIC_VARY_DOWNLOADS: &str = "Cookie, Accept-Language, User-Agent";

/// What a page handler gets: who is asking, in which language, and the form token to embed.
pub struct Page {
    pub lang: Lang,
    pub user: Option<CurrentUser>,
    pub csrf: String,
    pub path: String,
    /// The same page in the other language: this path and query with `lang` switched, so that
    /// switching keeps the visitor's search and filters.
    switch_lang: String,
    /// Unread notices of the signed-in user, for the inbox link in the navigation.
    pub unread: u64,
    /// Whether the page is opened in WeChat's in-app browser, which blocks file downloads: the
    /// `downloads` macro then says how to open the page in the system browser.
    pub wechat: bool,
    /// The request's `If-None-Match` headers, for public pages that may answer 304.
    if_none_match: axum::http::HeaderMap,
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
        let mut if_none_match = axum::http::HeaderMap::new();
        for value in parts.headers.get_all(axum::http::header::IF_NONE_MATCH) {
            if_none_match.append(axum::http::header::IF_NONE_MATCH, value.clone());
        }
        Ok(Page {
            unread,
            wechat: is_wechat(&parts.headers),
            if_none_match,
            lang,
            user,
            csrf: existing.unwrap_or_else(token::generate),
            path: parts.uri.path().to_owned(),
            switch_lang: switch_lang_href(parts.uri.path(), query.as_deref(), lang.other().code()),
            new_csrf,
            remember_lang: Lang::from_query(query.as_deref()).is_some(),
        })
    }
}

/// Whether the User-Agent is WeChat's in-app browser (it says `MicroMessenger`). Looks through
/// the header's bytes in place: nothing is allocated, whatever its length.
fn is_wechat(headers: &axum::http::HeaderMap) -> bool {
    const MARK: &[u8] = b"MicroMessenger";
    headers
        .get(axum::http::header::USER_AGENT)
        .is_some_and(|agent| agent.as_bytes().windows(MARK.len()).any(|window| window == MARK))
}

/// `path?query` with its `lang` parameter replaced by `other` (the query's other parameters kept
/// as they came, already encoded).
fn switch_lang_href(path: &str, query: Option<&str>, other: &str) -> String {
    let mut href = format!("{path}?");
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        if pair.split('=').next() != Some("lang") {
            href.push_str(pair);
            href.push('&');
        }
    }
    href.push_str("lang=");
    href.push_str(other);
    href
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
            switch_lang => self.switch_lang.clone(), wechat => self.wechat,
        };
        match state.web.render(template, self.lang, context! { ..ctx, ..common }) {
            Ok(html) => {
                let mut response = (status, Html(html)).into_response();
                self.attach_cookies(state, &mut response);
                // Pages are personal (the navigation names the visitor) unless rendered public.
                response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static(cache::PRIVATE));
                response
            }
            Err(e) => self.error(state, e).into_response(),
        }
    }

    /// Renders a page anyone may see, with its share metadata (`share` in the template). A
    /// signed-in visitor gets it as any page, private. An anonymous visitor gets a copy that is
    /// the same for everyone in their language: no form token in it and no cookie with it, an
    /// `ETag` of its bytes answered with 304, and `Cache-Control: public` (see [`cache`]) —
    /// unless this request chose a language (`?lang=`), whose cookie makes the answer private.
    pub fn render_public(&self, state: &AppState, template: &str, ctx: Value, share: Share) -> Response {
        let ctx = context! { ..ctx, ..context! { share => Serde(share) } };
        if self.user.is_some() {
            return self.render(state, template, ctx);
        }
        let common = context! {
            user => Value::from(()), csrf => "", path => self.path.clone(), unread_notices => 0,
            switch_lang => self.switch_lang.clone(), wechat => self.wechat,
        };
        let html = match state.web.render(template, self.lang, context! { ..ctx, ..common }) {
            Ok(html) => html,
            Err(e) => return self.error(state, e).into_response(),
        };
        let tag = cache::etag([self.lang.code().as_bytes(), html.as_bytes()]);
        // A page with a download link differs in WeChat; one without is the same for every browser
        // and stays cached once for all of them.
        let vary = if html.contains(download::MARK) { PUBLIC_VARY_DOWNLOADS } else { PUBLIC_VARY };
        let control = if self.remember_lang { "private, max-age=60" } else { cache::PUBLIC };
        let mut response = if cache::not_modified(&self.if_none_match, &tag) {
            cache::unchanged(&tag, control, vary)
        } else {
            let mut response = Html(html).into_response();
            cache::mark(&mut response, &tag, control, vary);
            response
        };
        if self.remember_lang {
            let year = 60 * 60 * 24 * 365;
            let cookie = cookies::set(cookies::LANG, self.lang.code(), year, SameSite::Lax, state.config.cookie_secure);
            response.headers_mut().append(SET_COOKIE, cookie);
        }
        response
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

#[cfg(test)]
mod tests {
    #[test]
    fn switching_language_keeps_the_query_but_its_language() {
        let href = super::switch_lang_href("/search", Some("q=%E6%95%B0%E6%8E%A7&lang=zh&kind=job"), "en");
        assert_eq!(href, "/search?q=%E6%95%B0%E6%8E%A7&kind=job&lang=en");
        assert_eq!(super::switch_lang_href("/", None, "zh"), "/?lang=zh");
    }

    #[test]
    fn wechat_is_told_by_its_user_agent() {
        let with = |agent: &str| {
            let mut headers = axum::http::HeaderMap::new();
            headers.insert(axum::http::header::USER_AGENT, agent.parse().unwrap());
            super::is_wechat(&headers)
        };
        assert!(with(
            "Mozilla/5.0 (iPhone) AppleWebKit/605.1.15 Mobile/15E148 MicroMessenger/8.0.50(0x1800322c) NetType/WIFI"
        ));
        assert!(!with("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"));
        assert!(!with("Micro"));
        assert!(!super::is_wechat(&axum::http::HeaderMap::new()));
    }
}
