//! "API keys" of my organization, for its administrators: create one (name and scope
//! checkboxes), see its secret once, rotate and revoke. Plain forms with the CSRF token.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chanjiao_domain::api_keys::Scope;
use minijinja::context;
use minijinja::value::Serde;
use serde::Deserialize;

use super::super::{PageForm, PagePath};
use crate::auth::{CurrentUser, PageUser};
use crate::error::ApiError;
use crate::services::api_keys::{self, IssuedKey, NewKey};
use crate::startup::AppState;
use crate::web::{Page, PageError, on_form};

/// The create form: a name and one checkbox per scope (a form cannot repeat a field into a list).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct KeyForm {
    name: String,
    scope_read: Option<String>,
    scope_postings_write: Option<String>,
    scope_proposals_write: Option<String>,
    scope_feed: Option<String>,
}

impl From<KeyForm> for NewKey {
    fn from(form: KeyForm) -> Self {
        let ticked = [
            (form.scope_read, Scope::Read),
            (form.scope_postings_write, Scope::PostingsWrite),
            (form.scope_proposals_write, Scope::ProposalsWrite),
            (form.scope_feed, Scope::Feed),
        ];
        let scopes =
            ticked.into_iter().filter(|(box_, _)| box_.is_some()).map(|(_, s)| s.as_str().to_owned()).collect();
        NewKey { name: form.name, scopes }
    }
}

/// The checkbox field of each scope, with what it allows in both languages.
#[derive(serde::Serialize)]
struct ScopeChoice {
    field: String,
    scope: &'static str,
    en: &'static str,
    zh: &'static str,
}

async fn keys_page(
    state: &AppState,
    page: &Page,
    user: &CurrentUser,
    issued: Option<IssuedKey>,
    error: Option<ApiError>,
) -> Result<Response, PageError> {
    let org_id = user.organization_id().ok_or(ApiError::Forbidden)?;
    let keys = api_keys::list(&state.db, user, org_id).await?;
    let choices: Vec<ScopeChoice> = Scope::ALL
        .iter()
        .map(|&s| ScopeChoice {
            field: format!("scope_{}", s.as_str().replace(':', "_")),
            scope: s.as_str(),
            en: s.en(),
            zh: s.zh(),
        })
        .collect();
    let ctx = context! { keys => Serde(keys), issued => Serde(issued), scopes => Serde(choices) };
    Ok(page.render_form(state, "organizations/api_keys.html", ctx, error))
}

pub async fn index(State(state): State<AppState>, page: Page, PageUser(user): PageUser) -> Result<Response, PageError> {
    keys_page(&state, &page, &user, None, None).await
}

pub async fn create(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    PageForm(form): PageForm<KeyForm>,
) -> Result<Response, PageError> {
    let org_id = user.organization_id().ok_or(ApiError::Forbidden)?;
    match api_keys::create(&state.db, &user, org_id, form.into(), state.clock.now()).await {
        Ok(issued) => keys_page(&state, &page, &user, Some(issued), None).await,
        Err(error) => keys_page(&state, &page, &user, None, Some(on_form(error)?)).await,
    }
}

pub async fn rotate(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    let issued = api_keys::rotate(&state.db, &user, id, state.clock.now()).await?;
    keys_page(&state, &page, &user, Some(issued), None).await
}

pub async fn revoke(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    api_keys::revoke(&state.db, &user, id, state.clock.now()).await?;
    Ok(Redirect::to("/org/api-keys").into_response())
}
