//! Delegation pages: an organization grants or revokes an intermediary's delegation; an
//! intermediary sees its clients and starts or stops acting for one.

use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Redirect, Response};
use chanjiao_domain::OrgKind;
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};

use crate::auth::cookies::{self, SameSite};
use crate::auth::{CurrentUser, PageUser};
use crate::error::ApiError;
use crate::routes::pages::{PageForm, PagePath};
use crate::services::brokering::delegations;
use crate::startup::AppState;
use crate::web::{Page, PageError, on_form};

/// An intermediary the grant form offers.
#[derive(Debug, Serialize)]
struct Intermediary {
    id: i64,
    name: String,
}

async fn delegations_page(
    state: &AppState,
    page: &Page,
    user: &CurrentUser,
    error: Option<ApiError>,
) -> Result<Response, PageError> {
    let list = delegations::list(&state.db, user).await?;
    let home_kind = user.home_organization().map(|o| o.kind);
    // Only organizations that may grant see the intermediaries; the page works without them.
    let intermediaries: Vec<Intermediary> = if home_kind != Some(OrgKind::Intermediary) {
        let found = delegations::intermediaries(&state.db).await.unwrap_or_default();
        found.into_iter().map(|(id, name)| Intermediary { id, name }).collect()
    } else {
        Vec::new()
    };
    let ctx = context! {
        delegations => Serde(list),
        is_intermediary => home_kind == Some(OrgKind::Intermediary),
        may_grant => user.intermediary.is_none() && user.organization_id().is_some_and(|o| user.may_administer(o)),
        intermediaries => Serde(intermediaries),
        acting_for => user.intermediary.as_ref().and(user.organization.as_ref()).map(|o| o.name.clone()),
    };
    Ok(page.render_form(state, "brokering/delegations.html", ctx, error))
}

/// `GET /delegations`.
pub async fn index(State(state): State<AppState>, page: Page, PageUser(user): PageUser) -> Result<Response, PageError> {
    delegations_page(&state, &page, &user, None).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct GrantForm {
    intermediary_id: String,
}

/// `POST /delegations`.
pub async fn grant(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    PageForm(form): PageForm<GrantForm>,
) -> Result<Response, PageError> {
    let result = match form.intermediary_id.trim().parse::<i64>() {
        Ok(id) => delegations::grant(&state.db, &user, id, state.clock.now()).await.map(|_| ()),
        Err(_) => Err(ApiError::invalid("intermediary_id", chanjiao_domain::Invalid::Required)),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/delegations").into_response()),
        Err(error) => delegations_page(&state, &page, &user, Some(on_form(error)?)).await,
    }
}

/// `POST /delegations/{id}/revoke`.
pub async fn revoke(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    delegations::revoke(&state.db, &user, id, state.clock.now()).await?;
    Ok(Redirect::to("/delegations").into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ActingForm {
    /// The client's id, or empty to act for one's own organization again.
    client: String,
}

/// `POST /acting`: starts or stops acting for a client; the grant is checked here and again on
/// every request.
pub async fn acting(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    PageForm(form): PageForm<ActingForm>,
) -> Result<Response, PageError> {
    let secure = state.config.cookie_secure;
    let cookie = match form.client.trim().parse::<i64>() {
        Ok(client) => {
            delegations::may_act_for(&state.db, &user, client).await?;
            cookies::set(cookies::ACTING, &client.to_string(), 60 * 60 * 8, SameSite::Lax, secure)
        }
        Err(_) => cookies::set(cookies::ACTING, "", 0, SameSite::Lax, secure),
    };
    let mut response = Redirect::to("/workspace").into_response();
    response.headers_mut().append(SET_COOKIE, cookie);
    Ok(response)
}
