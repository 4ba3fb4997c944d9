//! `/robots.txt` and `/sitemap.xml` for search engines: what may be crawled, and every public
//! page with published postings' last changes.
//!
//! One sitemap file holds at most 50,000 addresses. Beyond that `/sitemap.xml` becomes a sitemap
//! index naming `/sitemaps/pages.xml` (the site's public pages and organizations' profiles) and
//! `/sitemaps/postings-<n>.xml` (50,000 postings each, by id), so no answer grows without bound.
//! Addresses are built from the configured `public_url`, never from the request's `Host`.

use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, SecondsFormat, Utc};

use crate::error::ApiError;
use crate::services::postings::sitemap::{self, MAX_URLS};
use crate::startup::AppState;
use crate::web::escape_html;

/// The site's own public pages, besides postings and organizations' profiles.
const PAGES: [&str; 3] = ["/", "/search", "/open-data"];

/// Crawlers may refetch these hourly; they change when postings do, and a sitemap an hour old
/// only delays a new posting's discovery.
const SITEMAP_CACHE: &str = "public, max-age=3600";

/// One `<url>` entry.
fn url(out: &mut String, base: &str, path: &str, lastmod: Option<DateTime<Utc>>) {
    out.push_str("<url><loc>");
    out.push_str(&escape_html(&format!("{base}{path}")));
    out.push_str("</loc>");
    if let Some(at) = lastmod {
        out.push_str("<lastmod>");
        out.push_str(&at.to_rfc3339_opts(SecondsFormat::Secs, true));
        out.push_str("</lastmod>");
    }
    out.push_str("</url>\n");
}

fn xml(body: String) -> Response {
    ([(CONTENT_TYPE, "application/xml; charset=utf-8"), (CACHE_CONTROL, SITEMAP_CACHE)], body).into_response()
}

const URLSET_OPEN: &str =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";

/// The site's pages and organizations' profiles, as `<url>` entries (at most `max` in all).
async fn pages(state: &AppState, base: &str, out: &mut String, max: u64) -> Result<u64, ApiError> {
    for path in PAGES {
        url(out, base, path, None);
    }
    let orgs = sitemap::verified_organizations(&state.db, max.saturating_sub(PAGES.len() as u64)).await?;
    for id in &orgs {
        url(out, base, &format!("/organizations/{id}"), None);
    }
    Ok(PAGES.len() as u64 + orgs.len() as u64)
}

async fn postings(state: &AppState, base: &str, out: &mut String, skip: u64, max: u64) -> Result<(), ApiError> {
    for (id, updated_at) in sitemap::published(&state.db, skip, max).await? {
        url(out, base, &format!("/postings/{id}"), Some(updated_at));
    }
    Ok(())
}

/// How many posting files the index names for `count` published postings.
fn posting_files(count: u64) -> u64 {
    count.div_ceil(MAX_URLS)
}

/// `GET /sitemap.xml`: one file while everything fits, a sitemap index beyond.
pub async fn index(State(state): State<AppState>) -> Result<Response, ApiError> {
    let base = state.config.public_base();
    let count = sitemap::published_count(&state.db).await?;
    let mut out = String::new();
    let orgs = sitemap::verified_organizations(&state.db, MAX_URLS).await?.len() as u64;
    if count + orgs + PAGES.len() as u64 <= MAX_URLS {
        out.push_str(URLSET_OPEN);
        pages(&state, &base, &mut out, MAX_URLS).await?;
        postings(&state, &base, &mut out, 0, MAX_URLS).await?;
        out.push_str("</urlset>\n");
        return Ok(xml(out));
    }
    out.push_str(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let mut file = |path: String| {
        out.push_str("<sitemap><loc>");
        out.push_str(&escape_html(&format!("{base}{path}")));
        out.push_str("</loc></sitemap>\n");
    };
    file("/sitemaps/pages.xml".to_owned());
    for n in 1..=posting_files(count) {
        file(format!("/sitemaps/postings-{n}.xml"));
    }
    out.push_str("</sitemapindex>\n");
    Ok(xml(out))
}

/// `GET /sitemaps/{file}`: `pages.xml` or `postings-<n>.xml` (n from 1); anything else is 404.
pub async fn file(State(state): State<AppState>, Path(file): Path<String>) -> Result<Response, ApiError> {
    let base = state.config.public_base();
    let mut out = URLSET_OPEN.to_owned();
    if file == "pages.xml" {
        pages(&state, &base, &mut out, MAX_URLS).await?;
    } else {
        let n: u64 = file
            .strip_prefix("postings-")
            .and_then(|rest| rest.strip_suffix(".xml"))
            .and_then(|n| n.parse().ok())
            .filter(|n| *n >= 1)
            .ok_or(ApiError::NotFound)?;
        if n > posting_files(sitemap::published_count(&state.db).await?) {
            return Err(ApiError::NotFound);
        }
        postings(&state, &base, &mut out, (n - 1) * MAX_URLS, MAX_URLS).await?;
    }
    out.push_str("</urlset>\n");
    Ok(xml(out))
}

/// `GET /robots.txt`: public pages may be crawled; the API, account, organization-internal and
/// administration pages may not (they are behind a login anyway, and crawling them only fills
/// logs with redirects). Rules are matched longest first (RFC 9309), so `Allow: /organizations/`
/// wins over `Disallow: /org`.
pub async fn robots(State(state): State<AppState>) -> Response {
    let base = state.config.public_base();
    let mut body =
        String::from("User-agent: *\nAllow: /$\nAllow: /search\nAllow: /postings/\nAllow: /organizations/\n");
    body.push_str("Allow: /open-data\nAllow: /static/\n");
    for path in [
        "/api/",
        "/login",
        "/logout",
        "/register",
        "/account",
        "/admin/",
        "/org",
        "/inbox",
        "/alerts",
        "/proposals",
        "/projects",
        "/delegations",
        "/acting",
        "/workspace",
        "/assessments",
        "/bookings",
        "/slots/",
        "/rounds",
        "/statistics",
        "/postings/new",
        "/postings/import",
        "/postings/export",
        "/postings/template",
        "/postings/*/edit",
        "/postings/*/act",
        "/postings/*/book",
        "/postings/*/calendar",
        "/postings/*/slots",
    ] {
        body.push_str(&format!("Disallow: {path}\n"));
    }
    body.push_str(&format!("\nSitemap: {base}/sitemap.xml\n"));
    ([(CONTENT_TYPE, "text/plain; charset=utf-8"), (CACHE_CONTROL, SITEMAP_CACHE)], body).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postings_beyond_one_file_are_split_into_numbered_files() {
        assert_eq!(posting_files(0), 0);
        assert_eq!(posting_files(1), 1);
        assert_eq!(posting_files(MAX_URLS), 1);
        assert_eq!(posting_files(MAX_URLS + 1), 2);
    }

    #[test]
    fn entries_are_absolute_and_escaped() {
        let mut out = String::new();
        let at = DateTime::parse_from_rfc3339("2026-12-07T10:00:00Z").unwrap().with_timezone(&Utc);
        url(&mut out, "https://x.cn", "/postings/1?a=1&b=2", Some(at));
        assert_eq!(
            out,
            "<url><loc>https://x.cn/postings/1?a=1&amp;b=2</loc><lastmod>2026-12-07T10:00:00Z</lastmod></url>\n"
        );
    }
}
