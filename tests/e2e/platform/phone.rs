//! The platform on a phone, as a new user meets it from a link in a WeChat group: a compact
//! header whose menu is a `<details>` (it needs no JavaScript), the role's shortcuts one tap
//! away, filters folded behind 筛选 with chips for what is in force. That nothing needs
//! JavaScript is checked on the markup (`without_javascript_*`): the menu and the fold are
//! `<details>`, the filters and sign-in are plain forms.

use std::time::Duration;

use fantoccini::{Client, Locator};

use crate::e2e::browser::{Viewport, open_browser_at, sign_in, start_chromedriver};
use crate::e2e::support::{TestApp, spawn_app, with_demo_postings};

async fn height_of(browser: &Client, selector: &str) -> f64 {
    let script = format!("return document.querySelector({selector:?}).getBoundingClientRect().height;");
    browser.execute(&script, vec![]).await.unwrap().as_f64().unwrap()
}

async fn visible_texts(browser: &Client, selector: &str) -> Vec<String> {
    let mut texts = Vec::new();
    for element in browser.find_all(Locator::Css(selector)).await.unwrap() {
        if element.is_displayed().await.unwrap() {
            // A chip's × is a flex item of its own, which WebDriver reads as a new line.
            texts.push(element.text().await.unwrap().replace('\n', " "));
        }
    }
    texts
}

/// Waits (through the suite's one polling helper) until `check` holds of the page's chips.
async fn chips_become(app: &TestApp, browser: &Client, check: impl Fn(&[String]) -> bool) -> Vec<String> {
    let settled = app.eventually(Duration::from_secs(10), || async {
        check(&visible_texts(browser, ".active-filters .chip").await)
    });
    assert!(settled.await, "the chips never settled");
    visible_texts(browser, ".active-filters .chip").await
}

#[tokio::test]
async fn on_a_phone_the_header_is_two_short_rows_and_its_menu_opens_with_a_tap() {
    let Some(driver) = start_chromedriver() else { return };
    let app = spawn_app().await;
    let browser = open_browser_at(&driver, Viewport::Phone).await;
    sign_in(&browser, &app, "enterprise@demo.local").await;
    browser.goto(&app.url("/postings")).await.unwrap();

    // Before: thirteen links wrapped to three rows. Now: brand + menu, then four shortcuts.
    let header = height_of(&browser, ".site-header").await;
    assert!(header <= 120.0, "the header is {header} px tall on a phone");
    assert_eq!(visible_texts(&browser, ".quick-actions a").await, ["搜索", "发布", "合作提议", "消息"]);
    assert!(visible_texts(&browser, ".site-nav a").await.is_empty(), "the full navigation waits in the menu");

    browser.find(Locator::Css(".menu > summary")).await.unwrap().click().await.unwrap();
    let links = visible_texts(&browser, ".site-nav-menu a").await;
    for expected in ["首页", "供需信息", "合作项目", "我的机构", "我的账号"] {
        assert!(links.iter().any(|l| l == expected), "{expected} in the open menu: {links:?}");
    }
    browser.find(Locator::LinkText("合作项目")).await.unwrap().click().await.unwrap();
    let reached = app
        .eventually(Duration::from_secs(15), || async { browser.current_url().await.unwrap().path() == "/projects" });
    assert!(reached.await, "the menu's link leads to /projects");
    browser.close().await.unwrap();

    // A desktop keeps the one-row navigation and has no menu or shortcuts.
    let desktop = open_browser_at(&driver, Viewport::Desktop).await;
    sign_in(&desktop, &app, "enterprise@demo.local").await;
    desktop.goto(&app.url("/postings")).await.unwrap();
    assert!(visible_texts(&desktop, ".quick-actions a").await.is_empty());
    assert!(!desktop.find(Locator::Css(".menu")).await.unwrap().is_displayed().await.unwrap());
    assert!(visible_texts(&desktop, ".site-nav-wide a").await.len() >= 10);
    desktop.close().await.unwrap();
}

#[tokio::test]
async fn each_role_has_its_most_used_places_one_tap_away() {
    let Some(driver) = start_chromedriver() else { return };
    let app = spawn_app().await;
    let browser = open_browser_at(&driver, Viewport::Phone).await;
    browser.goto(&app.url("/")).await.unwrap();
    assert_eq!(visible_texts(&browser, ".quick-actions a").await, ["搜索", "登录", "机构注册"]);
    for (email, first) in [
        ("broker@demo.local", "工作台"),
        ("city@demo.local", "统计"),
        ("admin@demo.local", "审核"),
        ("school@demo.local", "搜索"),
    ] {
        browser.delete_all_cookies().await.unwrap();
        sign_in(&browser, &app, email).await;
        browser.goto(&app.url("/")).await.unwrap();
        let shortcuts = visible_texts(&browser, ".quick-actions a").await;
        assert_eq!(shortcuts.first().map(String::as_str), Some(first), "{email}: {shortcuts:?}");
        assert!(shortcuts.iter().any(|s| s.starts_with("消息")), "{email}: {shortcuts:?}");
        assert!((3..=4).contains(&shortcuts.len()), "{email}: {shortcuts:?}");
    }
    browser.close().await.unwrap();
}

#[tokio::test]
async fn filters_fold_behind_a_toggle_and_what_is_in_force_shows_as_chips_that_remove_it() {
    let Some(driver) = start_chromedriver() else { return };
    let app = spawn_app().await;
    with_demo_postings(&app).await;
    let browser = open_browser_at(&driver, Viewport::Phone).await;
    sign_in(&browser, &app, "school@demo.local").await;
    browser.goto(&app.url("/postings")).await.unwrap();
    let select = browser.find(Locator::Css("#f-kind")).await.unwrap();
    assert!(!select.is_displayed().await.unwrap(), "the filters are folded away at first");
    browser.find(Locator::Css(".filter-toggle > summary")).await.unwrap().click().await.unwrap();
    assert!(select.is_displayed().await.unwrap(), "筛选 opens them");
    select.select_by_value("job").await.unwrap();
    browser.find(Locator::Css("#f-region")).await.unwrap().select_by_value("330603").await.unwrap();
    browser.find(Locator::Css(".filters button[type=submit]")).await.unwrap().click().await.unwrap();

    let chips = chips_become(&app, &browser, |chips| !chips.is_empty()).await;
    assert_eq!(chips, ["岗位需求 ×", "柯桥区 ×", "清除全部"]);
    assert_eq!(browser.find(Locator::Css(".filter-toggle > summary")).await.unwrap().text().await.unwrap(), "筛选 (2)");
    browser.find(Locator::Css(".active-filters .chip[aria-label$='岗位需求']")).await.unwrap().click().await.unwrap();
    let left = chips_become(&app, &browser, |chips| chips.len() == 1).await;
    assert_eq!(left, ["柯桥区 ×"], "removing a chip leaves the other filter");
    let url = browser.current_url().await.unwrap();
    let query = url.query().unwrap_or_default();
    assert!(query.contains("region=330603") && !query.contains("kind="), "{query}");

    // The search page folds its facets the same way; its chips name values, not codes.
    browser.goto(&app.url("/search?q=数控&region=330603")).await.unwrap();
    assert_eq!(visible_texts(&browser, ".active-filters .chip").await, ["柯桥区 ×"]);
    let facet = browser.find(Locator::Css(".facet")).await.unwrap();
    assert!(!facet.is_displayed().await.unwrap());
    browser.close().await.unwrap();
}

#[tokio::test]
async fn without_javascript_the_menu_and_filters_are_html_that_works_on_its_own() {
    let app = spawn_app().await;
    let (client, _) = crate::e2e::support::signed_in(&app, "enterprise@demo.local").await;
    let html = crate::e2e::support::page_text(&client, &app, "/postings?kind=job").await;
    assert!(html.contains("<details class=\"menu\">"), "the menu is a <details>");
    assert!(html.contains("<form method=\"get\" action=\"/search\" role=\"search\" class=\"menu-search\">"));
    assert!(html.contains("<details class=\"filter-toggle\" data-open-wide>"), "the fold is a <details>");
    assert!(html.contains("<form method=\"get\" action=\"/postings\" class=\"filters\""), "filters are a GET form");
    // A chip is a link to the list without its filter: no script removes anything.
    assert!(html.contains("<a class=\"chip\" href=\"&#x2f;postings\""), "{html}");
    let login = crate::e2e::support::page_text(&app.browser(), &app, "/login").await;
    assert!(login.contains("method=\"post\" action=\"/login\""));
}
