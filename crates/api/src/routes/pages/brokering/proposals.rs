//! Proposal pages: proposing from a match, the proposals mailbox and a proposal's answer forms.
//! Thin: extract, call the service, render or redirect; a refused form comes back with its
//! errors.

use axum::extract::State;
use axum::http::Uri;
use axum::response::{IntoResponse, Redirect, Response};
use chanjiao_domain::brokering::{DeclineReason, TermsInput};
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};

use super::number;
use crate::auth::{CurrentUser, PageUser};
use crate::error::ApiError;
use crate::routes::pages::{PageForm, PagePath, PageQuery};
use crate::services::brokering::proposals;
use crate::services::paging::PagingQuery;
use crate::services::postings::{self, Posting};
use crate::startup::AppState;
use crate::web::next_page_href;
use crate::web::{Page, PageError, on_form, options};

/// The terms form, as typed (and as shown again when refused).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct TermsForm {
    from: i64,
    to: i64,
    message: String,
    quantity: String,
    starts_on: String,
    ends_on: String,
    respond_within_days: String,
}

impl TermsForm {
    fn input(&self) -> TermsInput {
        TermsInput {
            message: self.message.clone(),
            quantity: number(&self.quantity),
            starts_on: Some(self.starts_on.clone()),
            ends_on: Some(self.ends_on.clone()),
            respond_within_days: number(&self.respond_within_days),
        }
    }
}

/// One side of a proposal as the form names it: the posting and its organization.
#[derive(Debug, Serialize)]
struct PostingRef<'a> {
    id: i64,
    title: &'a str,
    org: &'a str,
}

impl<'a> PostingRef<'a> {
    fn new(posting: &'a Posting) -> Self {
        PostingRef { id: posting.id, title: posting.posting.title.as_str(), org: &posting.organization_name }
    }
}

async fn propose_page(
    state: &AppState,
    page: &Page,
    user: &CurrentUser,
    form: &TermsForm,
    error: Option<ApiError>,
) -> Result<Response, PageError> {
    let from = postings::get(&state.db, user, form.from).await?;
    let to = postings::get(&state.db, user, form.to).await?;
    let ctx = context! {
        from => Serde(PostingRef::new(&from)), to => Serde(PostingRef::new(&to)), form => Serde(form),
    };
    Ok(page.render_form(state, "brokering/proposal_new.html", ctx, error))
}

/// `GET /proposals/new?from=&to=`: the proposal form, from a match on the posting page.
pub async fn new(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    PageQuery(form): PageQuery<TermsForm>,
) -> Result<Response, PageError> {
    propose_page(&state, &page, &user, &form, None).await
}

/// `POST /proposals`. Anonymous visitors (a form kept open past the session's end, or posted
/// from a public page) are sent to sign in and then back to the posting they proposed to.
pub async fn create(
    State(state): State<AppState>,
    page: Page,
    PageForm(form): PageForm<TermsForm>,
) -> Result<Response, PageError> {
    let Some(user) = page.user.clone() else {
        let back = if form.to > 0 { format!("/postings/{}", form.to) } else { "/search".to_owned() };
        return Ok(Redirect::to(&format!("/login?next={}", crate::web::url_encode(&back))).into_response());
    };
    let request = proposals::NewProposal { from_posting_id: form.from, to_posting_id: form.to, terms: form.input() };
    match proposals::create(&state.db, &user, request, state.clock.now(), state.clock.today()).await {
        Ok(view) => Ok(Redirect::to(&format!("/proposals/{}", view.id)).into_response()),
        Err(error) => propose_page(&state, &page, &user, &form, Some(on_form(error)?)).await,
    }
}

/// `GET /proposals?box=&status=`: the mailbox.
pub async fn index(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    PageQuery(query): PageQuery<proposals::ListQuery>,
    PageQuery(paging): PageQuery<PagingQuery>,
    uri: Uri,
) -> Result<Response, PageError> {
    let (list, next) =
        proposals::list(&state.db, &user, &query, paging.paging().map_err(ApiError::from)?, state.clock.now()).await?;
    let next = next_page_href(&uri, next.as_deref());
    let ctx = context! { proposals => Serde(list), mailbox => Serde(query.mailbox), next };
    Ok(page.render(&state, "brokering/proposals.html", ctx))
}

async fn proposal_page(
    state: &AppState,
    page: &Page,
    user: &CurrentUser,
    id: i64,
    error: Option<ApiError>,
) -> Result<Response, PageError> {
    let view = proposals::get(&state.db, user, id, state.clock.now()).await?;
    let ctx = context! { p => Serde(view), reasons => Serde(options(DeclineReason::ALL, page.lang)) };
    Ok(page.render_form(state, "brokering/proposal_show.html", ctx, error))
}

/// `GET /proposals/{id}`.
pub async fn show(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    proposal_page(&state, &page, &user, id, None).await
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AnswerForm {
    action: String,
    reason: String,
    note: String,
    message: String,
    quantity: String,
    starts_on: String,
    ends_on: String,
    respond_within_days: String,
}

/// `POST /proposals/{id}/answer`: accept, decline, counter or withdraw; an accepted proposal
/// leads to its project.
pub async fn answer(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    PagePath(id): PagePath<i64>,
    PageForm(form): PageForm<AnswerForm>,
) -> Result<Response, PageError> {
    let answer = proposals::Answer {
        action: form.action,
        reason: Some(form.reason).filter(|r| !r.is_empty()),
        note: form.note,
        terms: TermsInput {
            message: form.message,
            quantity: number(&form.quantity),
            starts_on: Some(form.starts_on),
            ends_on: Some(form.ends_on),
            respond_within_days: number(&form.respond_within_days),
        },
    };
    match proposals::answer(&state.db, &user, id, answer, state.clock.now(), state.clock.today()).await {
        Ok(view) => Ok(match view.project_id {
            Some(project) => Redirect::to(&format!("/projects/{project}")).into_response(),
            None => Redirect::to(&format!("/proposals/{id}")).into_response(),
        }),
        Err(error) => proposal_page(&state, &page, &user, id, Some(on_form(error)?)).await,
    }
}
