//! The inbox page and the subscriptions pages: list and create (saved searches come from the
//! search page's "save this search" form, new-match subscriptions from a posting's page),
//! one subscription with its webhook delivery log, and delete.

use axum::extract::State;
use axum::http::Uri;
use axum::response::{IntoResponse, Redirect, Response};
use chanjiao_domain::alerts::Topic;
use minijinja::context;
use minijinja::value::Serde;

use super::{PageForm, PagePath, PageQuery};
use crate::auth::{CurrentUser, PageUser};
use crate::error::ApiError;
use crate::services::alerts::inbox;
use crate::services::alerts::subscriptions::{self, NewSubscription, Subscription};
use crate::services::alerts::webhooks;
use crate::services::paging::PagingQuery;
use crate::startup::AppState;
use crate::web::next_page_href;
use crate::web::{Localized, NextForm, Page, PageError, on_form, options, safe_next};

/// The search parameters a "save this search" form carries, in the order of a query string.
const SEARCH_FIELDS: [&str; 8] = ["q", "kind", "side", "region", "cluster", "level", "program_class", "organization"];

pub async fn inbox(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    PageQuery(paging): PageQuery<PagingQuery>,
    uri: Uri,
) -> Result<Response, PageError> {
    let found =
        inbox::list(&state.db, &user, false, page.lang.code(), paging.paging().map_err(ApiError::from)?).await?;
    let next = next_page_href(&uri, found.next_cursor.as_deref());
    Ok(page.render(&state, "alerts/inbox.html", context! { items => Serde(found.items), unread => found.unread, next }))
}

/// Marks a notice read, then goes where the form says (the notice's link) or back to the inbox.
pub async fn read(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    PagePath(id): PagePath<i64>,
    PageForm(form): PageForm<NextForm>,
) -> Result<Response, PageError> {
    inbox::mark_read(&state.db, &user, id, state.clock.now()).await?;
    Ok(Redirect::to(&next_or(form.next.as_deref(), "/inbox")).into_response())
}

pub async fn read_all(State(state): State<AppState>, PageUser(user): PageUser) -> Result<Response, PageError> {
    inbox::mark_all_read(&state.db, &user, state.clock.now()).await?;
    Ok(Redirect::to("/inbox").into_response())
}

fn next_or(next: Option<&str>, fallback: &str) -> String {
    match next {
        Some(n) if !n.is_empty() => safe_next(Some(n)),
        _ => fallback.to_owned(),
    }
}

/// The subscriptions with the form for a new one, and a refused submission's problems.
async fn list_page(
    state: &AppState,
    page: &Page,
    user: &CurrentUser,
    error: Option<ApiError>,
) -> Result<Response, PageError> {
    let found = subscriptions::list(&state.db, user).await?;
    let ctx = context! { subscriptions => Serde(found), topics => Serde(options(Topic::ALL, page.lang)) };
    Ok(page.render_form(state, "alerts/index.html", ctx, error))
}

pub async fn index(State(state): State<AppState>, page: Page, PageUser(user): PageUser) -> Result<Response, PageError> {
    list_page(&state, &page, &user, None).await
}

/// The subscription a form describes. Saved-search forms carry the search's own parameters,
/// which become its query string here.
fn from_form(pairs: &[(String, String)]) -> NewSubscription {
    let one = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim().to_owned()).unwrap_or_default();
    let all =
        |name: &str| pairs.iter().filter(|(k, _)| k == name).map(|(_, v)| v.trim().to_owned()).collect::<Vec<_>>();
    let search: Vec<(&str, String)> =
        SEARCH_FIELDS.iter().map(|f| (*f, one(f))).filter(|(_, v)| !v.is_empty()).collect();
    let query =
        if one("query").is_empty() { serde_urlencoded::to_string(&search).unwrap_or_default() } else { one("query") };
    NewSubscription {
        // Not `kind`, which is the search's own filter of posting kinds.
        kind: one("alert_kind"),
        name: one("name"),
        query,
        shared_with: one("shared_with").split([',', '，', ' ']).filter_map(|id| id.trim().parse().ok()).collect(),
        posting_id: one("posting_id").parse().ok(),
        min_score: one("min_score").parse().ok(),
        topics: all("topics"),
        webhook_url: Some(one("webhook_url")).filter(|u| !u.is_empty()),
    }
}

pub async fn create(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let next = pairs.iter().find(|(k, _)| k == "next").map(|(_, v)| v.clone());
    match subscriptions::create(&state.db, &state.config.alerts, &user, from_form(&pairs), state.clock.now()).await {
        // The secret is shown once, on this page; without one, back to where the form was.
        Ok(created) if created.webhook_secret.is_some() => Ok(show_page(&state, &page, &user, created).await),
        Ok(created) => Ok(Redirect::to(&next_or(next.as_deref(), &format!("/alerts/{}", created.id))).into_response()),
        Err(error) => list_page(&state, &page, &user, Some(on_form(error)?)).await,
    }
}

async fn show_page(state: &AppState, page: &Page, user: &CurrentUser, subscription: Subscription) -> Response {
    let deliveries = if subscription.read_only {
        Vec::new()
    } else {
        let recent = crate::services::paging::Paging { limit: 100, ..Default::default() };
        webhooks::log(&state.db, user, subscription.id, recent).await.map(|(log, _)| log).unwrap_or_default()
    };
    let topic_labels: Vec<&str> = subscription.topics.iter().map(|t| t.label(page.lang)).collect();
    let query_pairs: Vec<(String, String)> =
        subscription.query.as_deref().and_then(|q| serde_urlencoded::from_str(q).ok()).unwrap_or_default();
    page.render(
        state,
        "alerts/show.html",
        context! {
            query_pairs => Serde(query_pairs),
            subscription => Serde(&subscription),
            topic_labels => Serde(topic_labels),
            deliveries => Serde(deliveries),
        },
    )
}

pub async fn show(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    let found = subscriptions::get(&state.db, &user, id).await?;
    Ok(show_page(&state, &page, &user, found).await)
}

pub async fn delete(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    PagePath(id): PagePath<i64>,
    PageForm(form): PageForm<NextForm>,
) -> Result<Response, PageError> {
    subscriptions::delete(&state.db, &user, id, state.clock.now()).await?;
    Ok(Redirect::to(&next_or(form.next.as_deref(), "/alerts")).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_form_becomes_a_saved_query_string() {
        let pairs: Vec<(String, String)> =
            [("alert_kind", "saved_search"), ("name", "柯桥数控"), ("q", "数控 车工"), ("kind", "job"), ("_csrf", "x")]
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
        let input = from_form(&pairs);
        assert_eq!(input.kind, "saved_search");
        assert_eq!(input.query, "q=%E6%95%B0%E6%8E%A7+%E8%BD%A6%E5%B7%A5&kind=job");
        assert_eq!(input.name, "柯桥数控");
        assert!(input.webhook_url.is_none());
    }
}
