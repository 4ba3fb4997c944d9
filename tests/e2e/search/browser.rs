//! An anonymous visitor in real Chromium: from the home page's search box to a posting's page,
//! with its share metadata, asked to sign in only when proposing (issue 16's first acceptance).

use std::time::Duration;

use fantoccini::Locator;
use serde_json::json;

use crate::e2e::browser::{open_browser, start_chromedriver};
use crate::e2e::support::{spawn_app, with_demo_postings};

#[tokio::test]
async fn an_anonymous_visitor_searches_from_the_home_page_opens_a_posting_and_is_asked_to_sign_in_to_propose() {
    let Some(driver) = start_chromedriver() else { return };
    let app = spawn_app().await;
    with_demo_postings(&app).await;
    let browser = open_browser(&driver).await;

    browser.goto(&app.url("/")).await.unwrap();
    let box_ = browser.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("form.home-search #q")).await;
    let box_ = box_.unwrap();
    let overflow = browser.execute("return document.documentElement.scrollWidth > 375;", vec![]).await.unwrap();
    assert_eq!(overflow, json!(false), "the home page scrolls sideways on a phone");
    if let Ok(png) = browser.screenshot().await {
        let _ = std::fs::write(std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("home-375.png"), png);
    }
    box_.send_keys("数控").await.unwrap();
    browser.find(Locator::Css("form.home-search button[type=submit]")).await.unwrap().click().await.unwrap();
    let hit = browser.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css(".hit h3 a")).await.unwrap();
    let url = browser.current_url().await.unwrap();
    assert_eq!(url.path(), "/search", "searching needs no account");
    assert!(url.query().unwrap_or("").contains("q="), "{url}");
    let href = hit.attr("href").await.unwrap().expect("a link to the posting");
    hit.click().await.unwrap();

    let title =
        browser.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("#posting-title")).await.unwrap();
    assert_eq!(browser.current_url().await.unwrap().path(), href, "the posting opens without signing in");
    let title = title.text().await.unwrap();
    let meta = |selector: &str| {
        let script = format!("var e = document.querySelector('{selector}'); return e ? (e.content || e.href) : null;");
        let browser = browser.clone();
        async move { browser.execute(&script, vec![]).await.unwrap() }
    };
    let canonical = app.url(&href);
    assert_eq!(meta("link[rel=canonical]").await, json!(canonical));
    assert_eq!(meta("meta[property=\"og:url\"]").await, json!(canonical));
    let og_title = meta("meta[property=\"og:title\"]").await;
    assert!(og_title.as_str().is_some_and(|t| t.starts_with(&format!("{title} · "))), "{og_title}");
    let description = meta("meta[property=\"og:description\"]").await;
    assert!(description.as_str().is_some_and(|d| !d.is_empty() && d.chars().count() <= 120), "{description}");
    assert_eq!(meta("meta[name=description]").await, description);
    let overflow = browser.execute("return document.documentElement.scrollWidth > 375;", vec![]).await.unwrap();
    assert_eq!(overflow, json!(false), "the public posting page scrolls sideways on a phone");

    if let Ok(png) = browser.screenshot().await {
        let _ = std::fs::write(std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("public-posting-375.png"), png);
    }
    browser.find(Locator::Css("a.propose-sign-in")).await.unwrap().click().await.unwrap();
    browser.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("#email")).await.unwrap();
    let login = browser.current_url().await.unwrap();
    assert_eq!(login.path(), "/login");
    let next = login.query_pairs().find(|(k, _)| k == "next").map(|(_, v)| v.into_owned());
    assert_eq!(next.as_deref(), Some(href.as_str()), "and comes back to the posting after");
    browser.close().await.unwrap();
}
