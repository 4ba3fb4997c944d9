//! "My account": change the password (every other session ends) and log out everywhere.

use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use serde::Deserialize;

use super::PageForm;
use crate::auth::PageUser;
use crate::auth::cookies::{self, SameSite};
use crate::error::ApiError;
use crate::services::account_security::{self, PasswordChange};
use crate::startup::AppState;
use crate::web::Page;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Done {
    changed: Option<String>,
}

fn account_page(state: &AppState, page: &Page, changed: bool, error: Option<ApiError>) -> Response {
    page.render_form(state, "account.html", context! { changed }, error)
}

pub async fn show(
    State(state): State<AppState>,
    page: Page,
    PageUser(_): PageUser,
    axum::extract::Query(done): axum::extract::Query<Done>,
) -> Response {
    account_page(&state, &page, done.changed.is_some(), None)
}

pub async fn change_password(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    PageForm(form): PageForm<PasswordChange>,
) -> Response {
    match account_security::change_password(&state.db, &state.hasher, &user, &form, state.clock.now()).await {
        Ok(()) => Redirect::to("/account?changed=1").into_response(),
        Err(error) if error.belongs_on_form() => account_page(&state, &page, false, Some(error)),
        Err(error) => page.error(&state, error).into_response(),
    }
}

pub async fn logout_everywhere(State(state): State<AppState>, page: Page, PageUser(user): PageUser) -> Response {
    if let Err(error) = account_security::logout_everywhere(&state.db, user.id).await {
        return page.error(&state, error).into_response();
    }
    let clear = cookies::set(cookies::SESSION, "", 0, SameSite::Lax, state.config.cookie_secure);
    ([(SET_COOKIE, clear)], Redirect::to("/login")).into_response()
}
