//! An organization's public profile page, `/organizations/{id}`: who it is (as an administrator
//! verified it) and its published postings. Open to anyone; nothing private is on it — no
//! members, no e-mail addresses, no requested change, nothing awaiting review.

use axum::extract::State;
use axum::response::Response;
use minijinja::context;
use minijinja::value::Serde;
use serde::Deserialize;

use crate::routes::pages::{PagePath, PageQuery};
use crate::services::organizations as orgs;
use crate::services::postings::{self, ListQuery};
use crate::startup::AppState;
use crate::web::{Page, PageError, Share};

/// The page's query: the cursor of its postings' list.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ProfileQuery {
    cursor: Option<String>,
}

/// How many postings one page of the profile lists.
const POSTINGS_PER_PAGE: &str = "20";

pub async fn show(
    State(state): State<AppState>,
    page: Page,
    PagePath(id): PagePath<i64>,
    PageQuery(query): PageQuery<ProfileQuery>,
) -> Result<Response, PageError> {
    // Everyone, members included, sees the public profile here; `/org` is the members' own page.
    let org = orgs::visible_to_viewer(&state.db, None, id).await?;
    let list = ListQuery {
        organization: Some(id.to_string()),
        limit: Some(POSTINGS_PER_PAGE.to_owned()),
        cursor: query.cursor,
        ..ListQuery::default()
    };
    let listed = postings::list(&state.db, None, &list, state.clock.today()).await?;
    let items: Vec<_> = listed.items.iter().map(|p| super::super::postings::PostingView::new(p, page.lang)).collect();
    let share = Share::organization(&state.config.public_base(), page.lang, &org, listed.total);
    let own = page.user.as_ref().is_some_and(|u| u.organization_id() == Some(id));
    Ok(page.render_public(
        &state,
        "organizations/profile.html",
        context! {
            org => Serde(&org),
            postings => Serde(items),
            total => listed.total,
            next_cursor => listed.next_cursor,
            own,
        },
        share,
    ))
}
