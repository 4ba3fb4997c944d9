//! A posting's page as anyone sees it: published postings only, with share metadata, and the
//! way in for what needs an account (proposing, matches) as a sign-in link that comes back here.

use axum::response::Response;
use minijinja::context;
use minijinja::value::Serde;

use super::PostingView;
use crate::services::postings::{self, Posting};
use crate::startup::AppState;
use crate::web::{Page, PageError, Share, url_encode};

/// An anonymous visitor's view: a posting that is not published does not exist (404); no
/// matches (their reasons speak of other organizations' postings), no audit trail, no booking
/// panel, no responsiveness figures (they are drawn from proposals).
pub(super) async fn show(state: &AppState, page: &Page, id: i64) -> Result<Response, PageError> {
    let posting = postings::get_for(&state.db, None, id).await?;
    let share = share(state, page, &posting);
    Ok(page.render_public(
        state,
        "postings/show.html",
        context! {
            posting => Serde(PostingView::new(&posting, page.lang)),
            owner => false,
            actions => Vec::<()>::new(),
            trail => Vec::<()>::new(),
            matches_failed => false,
            login_next => url_encode(&format!("/postings/{id}")),
        },
        share,
    ))
}

/// The posting's share card (see [`Share::posting`]).
pub(super) fn share(state: &AppState, page: &Page, posting: &Posting) -> Share {
    Share::posting(&state.config.public_base(), page.lang, posting)
}
