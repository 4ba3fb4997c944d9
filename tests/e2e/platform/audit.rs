//! Every page of every demo role, audited in real Chromium on a phone (375 px) and a desktop
//! (1280 px): no console error and no Content-Security-Policy violation, nothing scrolling
//! sideways, the page's language declared, and axe-core (tests/browser, installed from npm by
//! `.ci/run`, never from a CDN) finding no serious or critical accessibility violation. The pages
//! are found by following links from the home page (`crawl`), so a new page is audited without
//! being listed here. See docs/accessibility.md.

use fantoccini::Client;
use serde_json::Value;

use crate::e2e::browser::{Viewport, console_errors, open_browser_at, sign_in, start_chromedriver};
use crate::e2e::platform::crawl;
use crate::e2e::support::{TestApp, signed_in, spawn_app, with_demo_postings};

/// Only these impacts fail the audit; axe's "moderate" and "minor" findings are printed.
const FAILING_IMPACTS: [&str; 2] = ["serious", "critical"];

/// axe-core as npm installed it; `.ci/run` runs `npm ci` in tests/browser.
fn axe_source() -> Option<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/node_modules/axe-core/axe.min.js");
    match std::fs::read_to_string(&path) {
        Ok(source) => Some(source),
        Err(_) => {
            assert!(std::env::var_os("CI").is_none(), "axe-core is required in CI (npm ci --prefix tests/browser)");
            eprintln!(
                "skipping the accessibility audit: {} is missing (npm ci --prefix tests/browser)",
                path.display()
            );
            None
        }
    }
}

const RUN_AXE: &str = r#"
const done = arguments[arguments.length - 1];
// target-size (WCAG 2.2's 24 px floor; the stylesheet aims at 44 px) is off by default in axe.
axe.run(document, { resultTypes: ['violations'], rules: { 'target-size': { enabled: true } } })
  .then(result => done(result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' — ' + (n.failureSummary || '').split('\n').slice(1, 2).join(''))
  }))))
  .catch(error => done([{ id: 'axe-error', impact: 'critical', help: String(error), nodes: [] }]));
"#;

// A phone widens its layout viewport to fit what overflows (and zooms out), so the page's width is
// measured against the screen's (`arguments[0]`), not against `innerWidth`; `sticking_out` names
// the innermost elements past the screen's edge, for the report.
const LAYOUT: &str = r#"
const width = arguments[0];
const out = [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > width + 1 && ![...e.children].some(c => c.getBoundingClientRect().right > width + 1));
return {
  scroll_width: Math.max(document.documentElement.scrollWidth, window.innerWidth),
  sticking_out: out.slice(0, 3).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && e.className.baseVal === undefined ? '.' + e.className.trim().split(/\s+/).join('.') : '')),
  lang: document.documentElement.lang,
  title: document.title
};
"#;

/// The findings of one page in one browser, each a line of the report.
async fn audit_page(browser: &Client, base: &str, axe: &str, path: &str, viewport: Viewport) -> Vec<String> {
    let mut problems = Vec::new();
    let at = format!("{path} @{}px", viewport.width());
    if let Err(error) = browser.goto(&format!("{base}{path}")).await {
        return vec![format!("{at}: did not load: {error}")];
    }
    for message in console_errors(browser).await {
        problems.push(format!("{at}: console: {message}"));
    }
    let layout = browser.execute(LAYOUT, vec![viewport.width().into()]).await.unwrap();
    let overflow = layout["scroll_width"].as_i64().unwrap_or(0) - i64::from(viewport.width());
    if overflow > 0 {
        problems.push(format!("{at}: scrolls sideways by {overflow} px ({})", layout["sticking_out"]));
    }
    let expected_lang = if path.contains("lang=en") { "en" } else { "zh-CN" };
    if layout["lang"] != expected_lang {
        problems.push(format!("{at}: <html lang> is {} not {expected_lang}", layout["lang"]));
    }
    browser.execute(axe, vec![]).await.unwrap();
    let violations = browser.execute_async(RUN_AXE, vec![]).await.unwrap();
    for violation in violations.as_array().into_iter().flatten() {
        let impact = violation["impact"].as_str().unwrap_or("unknown");
        let line = format!("{at}: axe {impact} {} ({}): {}", violation["id"], violation["help"], violation["nodes"]);
        if FAILING_IMPACTS.contains(&impact) {
            problems.push(line);
        } else {
            eprintln!("{line}");
        }
    }
    problems
}

/// Pages the crawl sees once per route but that differ for an owner: the role's own posting and
/// its edit form, and a training base's calendar (its owner's) or booking form (anyone else's).
async fn own_pages(app: &TestApp, email: &str) -> Vec<String> {
    let token = app.demo_login(email).await;
    let me: Value = app.get_json("/api/v1/me", Some(&token)).await.json().await.unwrap();
    let Some(org) = me["organization"]["id"].as_i64() else { return Vec::new() };
    let mut pages = Vec::new();
    let own: Value =
        app.get_json(&format!("/api/v1/postings?organization={org}&limit=1"), Some(&token)).await.json().await.unwrap();
    if let Some(id) = own["items"][0]["id"].as_i64() {
        pages.extend([format!("/postings/{id}"), format!("/postings/{id}/edit")]);
    }
    let bases: Value =
        app.get_json("/api/v1/postings?kind=training_base&limit=20", Some(&token)).await.json().await.unwrap();
    for base in bases["items"].as_array().into_iter().flatten() {
        let (id, owner) = (base["id"].as_i64().unwrap(), base["organization_id"].as_i64());
        pages.push(if owner == Some(org) {
            format!("/postings/{id}/calendar")
        } else {
            format!("/postings/{id}/book")
        });
    }
    let mut routes = std::collections::HashSet::new();
    pages.retain(|page| routes.insert(crawl::route_of(page)));
    pages
}

/// How far a page scrolls sideways at the browser's width (0 when it does not).
async fn sideways(browser: &Client, viewport: Viewport) -> (i64, Value) {
    let layout = browser.execute(LAYOUT, vec![viewport.width().into()]).await.unwrap();
    (layout["scroll_width"].as_i64().unwrap_or(0) - i64::from(viewport.width()), layout["sticking_out"].clone())
}

/// Audits every page `email` (or an anonymous visitor) reaches, at both widths.
async fn audit_role(email: Option<&str>) {
    let Some(driver) = start_chromedriver() else { return };
    let Some(axe) = axe_source() else { return };
    let app = spawn_app().await;
    with_demo_postings(&app).await;
    let (client, starts) = match email {
        Some(email) => (signed_in(&app, email).await.0, vec!["/", "/org", "/account", "/inbox"]),
        None => (app.browser(), vec!["/", "/search?q=数控", "/login", "/register", "/open-data"]),
    };
    let mut pages = crawl::pages(&app, &client, &starts).await;
    // Filtered lists are the same routes as their plain pages, so the crawl sees them once; their
    // chips and open filters are audited here, and English for the language attributes.
    pages.push("/search?q=数控&kind=job&region=330603".to_owned());
    if let Some(email) = email {
        pages.push("/postings?kind=job&region=330603".to_owned());
        // A role may not book or edit everything it finds; audit what it is given.
        for page in own_pages(&app, email).await {
            if client.get(app.url(&page)).send().await.unwrap().status() == reqwest::StatusCode::OK {
                pages.push(page);
            }
        }
    }
    for page in &pages {
        let status = client.get(app.url(page)).send().await.unwrap().status();
        assert_eq!(status, reqwest::StatusCode::OK, "{page}: an error page is not what the audit is for");
    }
    // Last: the choice of English sticks for the pages after it.
    pages.push("/?lang=en".to_owned());
    let who = email.unwrap_or("anonymous");
    eprintln!("{who}: auditing {} pages: {pages:?}", pages.len());
    assert!(pages.len() >= 4, "{who} reaches only {pages:?}");

    let mut problems = Vec::new();
    for viewport in [Viewport::Phone, Viewport::Desktop] {
        let browser = open_browser_at(&driver, viewport).await;
        if let Some(email) = email {
            sign_in(&browser, &app, email).await;
        }
        console_errors(&browser).await;
        for path in &pages {
            problems.extend(audit_page(&browser, &app.url(""), &axe, path, viewport).await);
        }
        browser.close().await.unwrap();
    }
    assert!(problems.is_empty(), "{who}: {} problems:\n{}", problems.len(), problems.join("\n"));
}

#[tokio::test]
async fn every_page_an_anonymous_visitor_reaches_passes_the_audit_on_a_phone_and_a_desktop() {
    audit_role(None).await;
}

#[tokio::test]
async fn every_page_of_the_demo_enterprise_passes_the_audit_on_a_phone_and_a_desktop() {
    audit_role(Some("enterprise@demo.local")).await;
}

#[tokio::test]
async fn every_page_of_the_demo_school_passes_the_audit_on_a_phone_and_a_desktop() {
    audit_role(Some("school@demo.local")).await;
}

#[tokio::test]
async fn every_page_of_the_demo_intermediary_passes_the_audit_on_a_phone_and_a_desktop() {
    audit_role(Some("broker@demo.local")).await;
}

#[tokio::test]
async fn every_page_of_the_demo_city_office_passes_the_audit_on_a_phone_and_a_desktop() {
    audit_role(Some("city@demo.local")).await;
}

#[tokio::test]
async fn every_page_of_the_platform_administrator_passes_the_audit_on_a_phone_and_a_desktop() {
    audit_role(Some("admin@demo.local")).await;
}

/// A page that breaks every rule the audit checks, served under a policy like the platform's,
/// must fail it on each count: the audit is only as good as what it can see.
#[tokio::test]
async fn the_audit_sees_a_csp_violation_a_script_error_sideways_scrolling_and_an_unlabelled_field() {
    let Some(driver) = start_chromedriver() else { return };
    let Some(axe) = axe_source() else { return };
    const BAD: &str = r#"<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>坏页面</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head><body><main>
<p style="color: red">内联样式</p><svg width="2000" height="10"></svg><input type="text">
<script src="/broken.js"></script></main></body></html>"#;
    let router = axum::Router::new()
        .route(
            "/bad",
            axum::routing::get(|| async {
                ([("content-security-policy", "default-src 'self'"), ("content-type", "text/html; charset=utf-8")], BAD)
            }),
        )
        .route(
            "/broken.js",
            axum::routing::get(|| async { ([("content-type", "text/javascript")], "undefinedFunction();") }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    let browser = open_browser_at(&driver, Viewport::Phone).await;
    let problems = audit_page(&browser, &base, &axe, "/bad", Viewport::Phone).await.join("\n");
    browser.close().await.unwrap();
    assert!(problems.contains("Content Security Policy"), "the inline style's violation: {problems}");
    assert!(problems.contains("undefinedFunction"), "the script error: {problems}");
    assert!(problems.contains("scrolls sideways"), "the overflow: {problems}");
    assert!(problems.contains("axe critical \"label\""), "the unlabelled field: {problems}");
}

/// The narrowest phones (320 px): the pages of the roles with the widest content (the school's
/// rounds and reports, the city's statistics) must not scroll sideways either.
#[tokio::test]
async fn no_page_scrolls_sideways_on_a_320_px_phone() {
    let Some(driver) = start_chromedriver() else { return };
    let app = spawn_app().await;
    with_demo_postings(&app).await;
    let mut problems = Vec::new();
    for email in ["school@demo.local", "city@demo.local"] {
        let (client, _) = signed_in(&app, email).await;
        let pages = crawl::pages(&app, &client, &["/", "/org"]).await;
        let browser = open_browser_at(&driver, Viewport::NarrowPhone).await;
        sign_in(&browser, &app, email).await;
        for path in &pages {
            browser.goto(&app.url(path)).await.unwrap();
            let (overflow, sticking_out) = sideways(&browser, Viewport::NarrowPhone).await;
            if overflow > 0 {
                problems.push(format!("{email} {path}: scrolls sideways by {overflow} px at 320 px ({sticking_out})"));
            }
        }
        browser.close().await.unwrap();
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// How far down a phone's screen the first result's title ends, in CSS pixels.
async fn first_result_bottom(browser: &Client, app: &TestApp, path: &str, selector: &str) -> f64 {
    browser.goto(&app.url(path)).await.unwrap();
    let script =
        format!("const e = document.querySelector({selector:?}); return e ? e.getBoundingClientRect().bottom : null;");
    let bottom: Value = browser.execute(&script, vec![]).await.unwrap();
    bottom.as_f64().unwrap_or_else(|| panic!("{path}: no {selector}"))
}

#[tokio::test]
async fn on_a_phone_the_first_posting_and_the_first_search_result_show_on_the_first_screen() {
    let Some(driver) = start_chromedriver() else { return };
    let app = spawn_app().await;
    with_demo_postings(&app).await;
    let browser = open_browser_at(&driver, Viewport::Phone).await;
    let anonymous = first_result_bottom(&browser, &app, "/search?q=数控", ".hits > li h3").await;
    assert!(anonymous <= 800.0, "/search: the first result ends {anonymous} px down");
    sign_in(&browser, &app, "school@demo.local").await;
    for (path, selector) in [
        ("/postings", ".posting-list > li h2"),
        ("/postings?kind=job&region=330603", ".posting-list > li h2"),
        ("/search?q=数控", ".hits > li h3"),
        ("/search?q=数控&kind=job", ".hits > li h3"),
    ] {
        let bottom = first_result_bottom(&browser, &app, path, selector).await;
        assert!(bottom <= 800.0, "{path}: the first result ends {bottom} px down, below the first screen");
    }
    browser.close().await.unwrap();
}
