//! Accounts: sign-in, sign-out and registration pages; "my account" is [`settings`].

pub mod settings;

use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::{RETRY_AFTER, SET_COOKIE};
use axum::response::{IntoResponse, Redirect, Response};
use chanjiao_domain::{OrgKind, SchoolLevel, region};
use minijinja::context;
use minijinja::value::Serde;
use serde::Deserialize;

use super::{PageForm, PageQuery};
use crate::abuse::ClientAddr;
use crate::auth::cookies::{self, SameSite};
use crate::auth::{PageUser, session_cookie};
use crate::error::ApiError;
use crate::services::accounts::{self, LoginAttempt, Registration};
use crate::startup::AppState;
use crate::web::{Lang, Page, PageError, on_form, options, safe_next};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LoginQuery {
    next: Option<String>,
    registered: Option<String>,
}

pub async fn login_form(
    State(state): State<AppState>,
    page: Page,
    PageQuery(query): PageQuery<LoginQuery>,
) -> Response {
    page.render(
        &state,
        "accounts/login.html",
        context! {
            next => safe_next(query.next.as_deref()),
            registered => query.registered.is_some(),
            email => "",
            error => Option::<String>::None,
        },
    )
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LoginForm {
    email: String,
    password: String,
    next: Option<String>,
}

pub async fn login(
    State(state): State<AppState>,
    client: ClientAddr,
    page: Page,
    PageForm(form): PageForm<LoginForm>,
) -> Result<Response, PageError> {
    let next = safe_next(form.next.as_deref());
    let attempt = LoginAttempt { email: &form.email, password: &form.password, client };
    match accounts::login(&state.db, &state.hasher, &state.config, attempt, state.clock.now()).await {
        Ok(token) => Ok(([(SET_COOKIE, session_cookie(&state, &token))], Redirect::to(&next)).into_response()),
        // Refused credentials have no field of their own: the form says so above the fields.
        Err(error @ (ApiError::BadCredentials | ApiError::TooManyAttempts { .. } | ApiError::Overloaded { .. })) => {
            let mut response = page.render_with_status(
                &state,
                error.status_code(),
                "accounts/login.html",
                context! {
                    next => next,
                    registered => false,
                    email => form.email,
                    error => error.title(page.lang == Lang::Zh),
                },
            );
            if let Some(secs) = error.retry_after_secs() {
                response.headers_mut().insert(RETRY_AFTER, secs.into());
            }
            Ok(response)
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn logout(State(state): State<AppState>, PageUser(user): PageUser) -> Response {
    if let Err(e) = accounts::logout(&state.db, &user.session_digest).await {
        e.log();
    }
    let clear = cookies::set(cookies::SESSION, "", 0, SameSite::Lax, state.config.cookie_secure);
    ([(SET_COOKIE, clear)], Redirect::to("/")).into_response()
}

/// Who fills in the organization form: anyone registering (no authorities: those are created by
/// a platform administrator) or a platform administrator creating a verified organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::routes::pages) enum OrgFormFor {
    Registration,
    PlatformAdmin,
}

pub(in crate::routes::pages) fn register_page(
    state: &AppState,
    page: &Page,
    status: StatusCode,
    form: &Registration,
    error: Option<ApiError>,
    made_by: OrgFormFor,
) -> Response {
    let kinds: Vec<_> = options(OrgKind::ALL, page.lang)
        .into_iter()
        .filter(|k| made_by == OrgFormFor::PlatformAdmin || k.value != OrgKind::Authority.as_str())
        .collect();
    let levels = options(SchoolLevel::ALL, page.lang);
    let regions: Vec<_> = region::children(region::SHAOXING)
        .into_iter()
        .map(|r| context! { code => r.code.clone(), name => r.name.clone() })
        .collect();
    let field_errors = error.as_ref().map(ApiError::field_errors).unwrap_or_default();
    page.render_with_status(state, status, "accounts/register.html", context! {
        kinds => Serde(kinds), levels => Serde(levels), regions, by_admin => made_by == OrgFormFor::PlatformAdmin,
        form => context! {
            kind => form.kind.clone(), name => form.name.clone(), region => form.region.clone(),
            credit_code => form.credit_code.clone().unwrap_or_default(), level => form.level.clone().unwrap_or_default(),
            admin_email => form.admin_email.clone(),
        },
        field_errors => Serde(field_errors),
        error_title => error.map(|e| e.title(page.lang == Lang::Zh)),
    })
}

pub async fn register_form(State(state): State<AppState>, page: Page) -> Response {
    let form = Registration { kind: "enterprise".into(), region: "330602".into(), ..Default::default() };
    register_page(&state, &page, StatusCode::OK, &form, None, OrgFormFor::Registration)
}

pub async fn register(
    State(state): State<AppState>,
    page: Page,
    PageForm(form): PageForm<Registration>,
) -> Result<Response, PageError> {
    match accounts::register(&state.db, &state.hasher, form.clone(), state.clock.now()).await {
        Ok(_) => Ok(Redirect::to("/login?registered=1").into_response()),
        Err(error) => {
            let error = on_form(error)?;
            Ok(register_page(&state, &page, error.status_code(), &form, Some(error), OrgFormFor::Registration))
        }
    }
}
