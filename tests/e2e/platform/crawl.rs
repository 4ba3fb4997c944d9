//! Finding "every page" of a role the way its user would: following the links of the pages it
//! can reach from the home page, one page per route (numeric path segments and query values are
//! what varies between pages of the same route). Downloads, the API, machine-readable files and
//! links that act (sign out is a form, never a link) are not pages.

use std::collections::{BTreeMap, VecDeque};

use reqwest::{Client, StatusCode};

use crate::e2e::support::TestApp;

/// More routes than the platform has pages: reaching it means the crawl went astray.
const MAX_ROUTES: usize = 80;

/// The pages a client can reach from `starts`, one URL per route, in the order found.
pub(crate) async fn pages(app: &TestApp, client: &Client, starts: &[&str]) -> Vec<String> {
    let mut routes: BTreeMap<String, String> = BTreeMap::new();
    let mut found = Vec::new();
    let mut queue: VecDeque<String> = starts.iter().map(|s| (*s).to_owned()).collect();
    while let Some(url) = queue.pop_front() {
        let route = route_of(&url);
        if routes.contains_key(&route) {
            continue;
        }
        routes.insert(route, url.clone());
        assert!(routes.len() <= MAX_ROUTES, "more than {MAX_ROUTES} routes: {:?}", routes.keys());
        let response = client.get(app.url(&url)).send().await.unwrap();
        if response.status() != StatusCode::OK {
            continue;
        }
        let is_html = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
        if !is_html {
            continue;
        }
        found.push(url);
        let html = response.text().await.unwrap();
        queue.extend(links(&html).into_iter().filter(|link| is_page(link)));
    }
    found
}

/// The route a URL belongs to: numbers in the path stand for ids, and the query does not count
/// (a search for 数控 and one filtered by district are the same page), except for a mailbox's
/// boxes, which are pages of their own.
pub(crate) fn route_of(url: &str) -> String {
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let path: Vec<&str> = path
        .split('/')
        .map(|s| if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) { "{id}" } else { s })
        .collect();
    let boxes: Vec<&str> = query.split('&').filter(|pair| pair.starts_with("box=")).collect();
    format!("{}?{}", path.join("/"), boxes.join("&"))
}

fn is_page(link: &str) -> bool {
    let path = link.split(['?', '#']).next().unwrap_or_default();
    let not_pages = ["/api/", "/static/", "/logout", "/healthz", "/readyz", "/metrics"];
    let files = [".xlsx", ".csv", ".xml", ".txt", ".json", ".png", ".svg", ".pdf"];
    link.starts_with('/')
        && !link.starts_with("//")
        && !link.contains("lang=")
        && !not_pages.iter().any(|p| path.starts_with(p))
        && !files.iter().any(|f| path.ends_with(f))
        && !path.contains("/export")
        && !path.contains("/template")
        && !path.ends_with("/download")
}

/// The `href`s of a page's links, entities decoded, fragments dropped.
fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find("<a ") {
        rest = &rest[at + 3..];
        let tag = &rest[..rest.find('>').unwrap_or(rest.len())];
        if tag.contains(" download") {
            continue;
        }
        if let Some(start) = tag.find("href=\"") {
            let value = &tag[start + 6..];
            let value = &value[..value.find('"').unwrap_or(value.len())];
            let decoded = decode(value);
            let without_fragment = decoded.split('#').next().unwrap_or_default();
            if !without_fragment.is_empty() {
                out.push(without_fragment.to_owned());
            }
        }
    }
    out
}

fn decode(text: &str) -> String {
    text.replace("&#x2f;", "/")
        .replace("&#x3d;", "=")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

#[test]
fn routes_group_ids_and_query_values_but_keep_tabs_apart() {
    assert_eq!(route_of("/postings/12"), route_of("/postings/345"));
    assert_eq!(route_of("/search?q=数控&kind=job"), route_of("/search"));
    assert_ne!(route_of("/proposals?box=sent"), route_of("/proposals?box=received"));
    assert!(!is_page("/postings/export?format=xlsx") && !is_page("/api/v1/search") && !is_page("/?lang=en"));
    assert_eq!(
        links("<a class=\"x\" href=\"&#x2f;postings?kind=job&amp;region=1#top\">x</a>"),
        ["/postings?kind=job&region=1"]
    );
}
