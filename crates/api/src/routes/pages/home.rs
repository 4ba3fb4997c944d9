//! The home page: a search box first, the newest published postings by kind, the city's
//! headline numbers from the open data, and the ways in. Public and cacheable.

use axum::extract::State;
use axum::response::Response;
use minijinja::context;
use minijinja::value::Serde;
use serde::Serialize;

use crate::services::postings::{self, Posting};
use crate::services::statistics::open_data;
use crate::startup::AppState;
use crate::web::{Localized, Page, PageError, Share};

/// How many of each kind's newest postings the home page lists.
const NEWEST_PER_KIND: u64 = 3;

/// One kind's newest postings.
#[derive(Serialize)]
struct NewestGroup<'a> {
    kind: &'static str,
    label: &'static str,
    postings: &'a [Posting],
}

pub async fn index(State(state): State<AppState>, page: Page) -> Result<Response, PageError> {
    let newest = postings::newest_by_kind(&state.db, state.clock.today(), NEWEST_PER_KIND).await?;
    let groups: Vec<NewestGroup> = newest
        .iter()
        .map(|(kind, postings)| NewestGroup { kind: kind.as_str(), label: kind.label(page.lang), postings })
        .collect();
    let headline = open_data::figures(&state.db).await?.headline();
    let share = Share::home(&state.config.public_base(), page.lang);
    Ok(page.render_public(
        &state,
        "index.html",
        context! { newest => Serde(groups), headline => Serde(headline) },
        share,
    ))
}
