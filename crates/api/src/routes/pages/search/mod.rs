//! The search page: a box with suggestions, facet filters with counts, highlighted results, and
//! help when nothing is found (drop a filter, try a suggestion).

use axum::extract::State;
use axum::response::Response;
use minijinja::context;
use minijinja::value::Serde;
use serde::Serialize;

use super::PageQuery;
use crate::services::search::{self, SearchPage, SearchQuery};
use crate::startup::AppState;
use crate::web::{Lang, Localized, Page, PageError, Share, url_encode};

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

/// One value of a facet: a link that toggles it, with the number of hits it has.
#[derive(Serialize)]
struct FacetItem<'a> {
    label: &'a str,
    count: u64,
    selected: bool,
    href: String,
}

/// A facet (`kind`, `region`, …) with the values worth showing.
#[derive(Serialize)]
struct Facet<'a> {
    name: &'static str,
    items: Vec<FacetItem<'a>>,
}

/// A filter in force, named as its facet names it, with the link that drops it.
#[derive(Serialize)]
struct ActiveFilter<'a> {
    name: &'static str,
    value: &'a str,
    label: String,
    href: String,
}

/// An order of the results, as a link.
#[derive(Serialize)]
struct SortLink {
    label: &'static str,
    selected: bool,
    href: String,
}

/// The orders the page offers; `value` is the `sort` parameter.
#[derive(Clone, Copy)]
enum SortChoice {
    Relevance,
    Newest,
    ClosingSoon,
}

impl SortChoice {
    const ALL: [SortChoice; 3] = [SortChoice::Relevance, SortChoice::Newest, SortChoice::ClosingSoon];

    fn value(self) -> &'static str {
        match self {
            SortChoice::Relevance => "relevance",
            SortChoice::Newest => "newest",
            SortChoice::ClosingSoon => "closing_soon",
        }
    }
}

impl Localized for SortChoice {
    fn zh(&self) -> &'static str {
        match self {
            SortChoice::Relevance => "相关度",
            SortChoice::Newest => "最新",
            SortChoice::ClosingSoon => "即将截止",
        }
    }

    fn en(&self) -> &'static str {
        match self {
            SortChoice::Relevance => "Relevance",
            SortChoice::Newest => "Newest",
            SortChoice::ClosingSoon => "Closing soon",
        }
    }
}

fn facets<'a>(results: &'a SearchPage, query: &SearchQuery) -> Vec<Facet<'a>> {
    FACETS
        .iter()
        .filter_map(|name| {
            let values = results.facets.get(*name)?;
            let selected = param(query, name);
            let items: Vec<FacetItem> = values
                .iter()
                .filter(|v| v.count > 0 || Some(v.value.as_str()) == selected)
                .map(|v| {
                    let on = Some(v.value.as_str()) == selected;
                    let href = link(query, name, if on { None } else { Some(v.value.as_str()) });
                    FacetItem { label: &v.label, count: v.count, selected: on, href }
                })
                .collect();
            (!items.is_empty()).then_some(Facet { name, items })
        })
        .collect()
}

/// The filters in force, named as their facets name them.
fn active(query: &SearchQuery) -> Vec<ActiveFilter<'_>> {
    FACETS
        .iter()
        .filter_map(|name| {
            let value = param(query, name)?;
            Some(ActiveFilter { name, value, label: search::label(name, value), href: link(query, name, None) })
        })
        .collect()
}

fn sorts(query: &SearchQuery, lang: Lang) -> Vec<SortLink> {
    let current = param(query, "sort").unwrap_or("relevance");
    SortChoice::ALL
        .iter()
        .map(|sort| SortLink {
            label: sort.label(lang),
            selected: current == sort.value(),
            href: link(query, "sort", Some(sort.value())),
        })
        .collect()
}

/// Open to anyone: the index holds published postings only. Signed-in visitors can also save the
/// search; anonymous ones are offered to sign in for it.
pub async fn page(
    State(state): State<AppState>,
    page: Page,
    PageQuery(query): PageQuery<SearchQuery>,
) -> Result<Response, PageError> {
    let results = search::search(&state.db, &state.index, &query).await?;
    // Nothing found: offer what the words typed could complete to (a failure offers nothing).
    let suggestions = if results.total == 0 && !query.q.trim().is_empty() {
        search::suggest(&state.index, query.q.trim()).await.ok().map(|found| found.suggestions)
    } else {
        None
    };
    let next = results.next_cursor.as_ref().map(|c| format!("{}&cursor={}", link(&query, "", None), url_encode(c)));
    let share = Share::search(&state.config.public_base(), page.lang, query.q.trim(), results.total);
    Ok(page.render_public(
        &state,
        "search/search.html",
        context! {
            q => query.q.clone(),
            hits => Serde(&results.hits),
            total => results.total,
            approximate => results.approximate,
            facets => Serde(facets(&results, &query)),
            active => Serde(active(&query)),
            sorts => Serde(sorts(&query, page.lang)),
            suggestions => Serde(suggestions),
            next,
            login_next => url_encode(&link(&query, "", None)),
        },
        share,
    ))
}
