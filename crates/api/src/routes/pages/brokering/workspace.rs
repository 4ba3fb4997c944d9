//! The intermediary's workspace board: its clients' pipeline and the case notes; and the
//! response figures other pages show for an organization.

use axum::extract::State;
use axum::http::Uri;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use minijinja::value::Serde;

use crate::auth::PageUser;
use crate::error::ApiError;
use crate::routes::pages::{PageForm, PageQuery};
use crate::services::brokering::{stats, workspace};
use crate::services::paging::PagingQuery;
use crate::startup::AppState;
use crate::web::next_page_href;
use crate::web::{Page, PageError};

/// `GET /workspace`.
pub async fn board(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    PageQuery(paging): PageQuery<PagingQuery>,
    uri: Uri,
) -> Result<Response, PageError> {
    let pipeline = workspace::pipeline(&state.db, &user, state.clock.now()).await?;
    // The board is useful without its notes; a failure to read them leaves the list empty.
    let (notes, next) =
        workspace::notes(&state.db, &user, None, paging.paging().map_err(ApiError::from)?).await.unwrap_or_default();
    let ctx = context! {
        board => Serde(pipeline),
        notes => Serde(notes),
        next => next_page_href(&uri, next.as_deref()),
        acting_for => user.intermediary.as_ref().and(user.organization.as_ref()).map(|o| o.name.clone()),
    };
    Ok(page.render(&state, "brokering/workspace.html", ctx))
}

/// `POST /workspace/notes`.
pub async fn add_note(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    PageForm(note): PageForm<workspace::NewNote>,
) -> Result<Response, PageError> {
    workspace::add_note(&state.db, &user, note, state.clock.now()).await?;
    Ok(Redirect::to("/workspace#notes").into_response())
}

/// The response figures shown on an organization's page and beside its postings.
pub async fn responsiveness(
    state: &AppState,
    organization_id: i64,
) -> Option<chanjiao_domain::brokering::ResponseStats> {
    stats::response_stats(&state.db, organization_id).await.ok()
}
