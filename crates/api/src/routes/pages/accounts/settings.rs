//! "My account": change the password (every other session ends) and log out everywhere.

use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use serde::Deserialize;

use crate::auth::PageUser;
use crate::auth::cookies::{self, SameSite};
use crate::routes::pages::{PageForm, PageQuery};
use crate::services::account_security::{self, PasswordChange};
use crate::startup::AppState;
use crate::web::{Page, PageError};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Done {
    changed: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    page: Page,
    PageUser(_): PageUser,
    PageQuery(done): PageQuery<Done>,
) -> Response {
    page.render_form(&state, "accounts/account.html", context! { changed => done.changed.is_some() }, None)
}

pub async fn change_password(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    PageForm(form): PageForm<PasswordChange>,
) -> Result<Response, PageError> {
    match account_security::change_password(&state.db, &state.hasher, &user, &form, state.clock.now()).await {
        Ok(()) => Ok(Redirect::to("/account?changed=1").into_response()),
        Err(error) => page.form(&state, "accounts/account.html", context! { changed => false }, error),
    }
}

pub async fn logout_everywhere(State(state): State<AppState>, PageUser(user): PageUser) -> Result<Response, PageError> {
    account_security::logout_everywhere(&state.db, user.person()?).await?;
    let clear = cookies::set(cookies::SESSION, "", 0, SameSite::Lax, state.config.cookie_secure);
    Ok(([(SET_COOKIE, clear)], Redirect::to("/login")).into_response())
}
