//! The search page: a box with suggestions, facet filters with counts, highlighted results, and
//! help when nothing is found (drop a filter, try a suggestion).

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use minijinja::context;
use minijinja::value::Serde;
use serde_json::{Value, json};

use crate::auth::PageUser;
use crate::services::search::{self, SearchQuery};
use crate::startup::AppState;
use crate::web::{Page, url_encode};

/// The filters a facet link toggles, in the order the page shows them.
const FACETS: [&str; 5] = ["kind", "region", "cluster", "level", "side"];

fn param<'a>(query: &'a SearchQuery, name: &str) -> Option<&'a str> {
    let value = match name {
        "kind" => &query.kind,
        "region" => &query.region,
        "cluster" => &query.cluster,
        "level" => &query.level,
        "side" => &query.side,
        "sort" => &query.sort,
        _ => &None,
    };
    value.as_deref().filter(|v| !v.is_empty())
}

/// The query string of `query` with `name` set to `value` (or removed), without the cursor.
fn link(query: &SearchQuery, name: &str, value: Option<&str>) -> String {
    let mut pairs = vec![("q", Some(query.q.as_str()))];
    for facet in FACETS.iter().chain(["sort"].iter()) {
        let current = param(query, facet);
        pairs.push((facet, if *facet == name { value } else { current }));
    }
    let parts: Vec<String> = pairs
        .into_iter()
        .filter_map(|(k, v)| v.filter(|v| !v.is_empty()).map(|v| format!("{k}={}", url_encode(v))))
        .collect();
    format!("/search?{}", parts.join("&"))
}

pub async fn page(
    State(state): State<AppState>,
    page: Page,
    PageUser(_): PageUser,
    Query(query): Query<SearchQuery>,
) -> Response {
    let results = match search::search(&state.db, &state.index, &query).await {
        Ok(results) => results,
        Err(error) => return page.error(&state, error).into_response(),
    };
    let facets: Vec<Value> = FACETS
        .iter()
        .filter_map(|name| {
            let values = results.facets.get(*name)?;
            let selected = param(&query, name);
            let items: Vec<Value> = values
                .iter()
                .filter(|v| v.count > 0 || Some(v.value.as_str()) == selected)
                .map(|v| {
                    let on = Some(v.value.as_str()) == selected;
                    json!({"label": v.label, "count": v.count, "selected": on,
                           "href": link(&query, name, if on { None } else { Some(v.value.as_str()) })})
                })
                .collect();
            (!items.is_empty()).then(|| json!({"name": name, "items": items}))
        })
        .collect();
    let active: Vec<Value> = FACETS
        .iter()
        .filter_map(|name| {
            param(&query, name).map(|value| json!({"name": name, "value": value, "href": link(&query, name, None)}))
        })
        .collect();
    let suggestions = if results.total == 0 && !query.q.trim().is_empty() {
        search::suggest(&state.index, query.q.trim())
            .await
            .ok()
            .map(|v| v["suggestions"].clone())
            .unwrap_or(Value::Null)
    } else {
        Value::Null
    };
    let next = results.next_cursor.as_ref().map(|c| format!("{}&cursor={}", link(&query, "", None), url_encode(c)));
    let sorts: Vec<Value> = [
        ("relevance", "相关度", "Relevance"),
        ("newest", "最新", "Newest"),
        ("closing_soon", "即将截止", "Closing soon"),
    ]
    .iter()
    .map(|(value, zh, en)| {
        let on = param(&query, "sort").unwrap_or("relevance") == *value;
        json!({"label": if page.lang == crate::web::Lang::Zh { zh } else { en }, "selected": on,
                   "href": link(&query, "sort", Some(value))})
    })
    .collect();
    page.render(
        &state,
        "search.html",
        context! {
            q => query.q.clone(),
            hits => Serde(results.hits),
            total => results.total,
            facets => Serde(facets),
            active => Serde(active),
            sorts => Serde(sorts),
            suggestions => Serde(suggestions),
            next,
        },
    )
}
