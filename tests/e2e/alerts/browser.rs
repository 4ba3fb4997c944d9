//! Alerts in a real browser on a phone: save a search from the search page, see the unread
//! count appear in the navigation when a matching posting is published, and read the notice.

use std::time::{Duration, Instant};

use fantoccini::Locator;
use serde_json::json;

use crate::e2e::browser::{open_browser, sign_in, start_chromedriver};
use crate::e2e::support::spawn_app;

#[tokio::test]
async fn an_enterprise_saves_a_search_on_a_phone_and_reads_the_notice_of_a_new_result() {
    let Some(driver) = start_chromedriver() else { return };
    let app = spawn_app().await;
    let browser = open_browser(&driver).await;
    sign_in(&browser, &app, "enterprise@demo.local").await;
    browser.wait().at_most(Duration::from_secs(15)).for_element(Locator::Css("#org-title")).await.unwrap();

    browser.goto(&app.url("/search?q=数控")).await.unwrap();
    let name = browser.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("#save-search-name")).await;
    name.unwrap().send_keys("数控人才").await.unwrap();
    browser.find(Locator::Css("form.save-search button")).await.unwrap().click().await.unwrap();
    let title = browser.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("#alert-title")).await;
    assert_eq!(title.unwrap().text().await.unwrap(), "数控人才");

    let school = app.demo_login("school@demo.local").await;
    let offering = json!({"publish": true, "kind": "program_offering", "title": "数控技术专业毕业生",
        "region": "330603", "program_codes": ["460103"], "quantity": 40});
    let created = app.post_json("/api/v1/postings", &offering, Some(&school)).await;
    assert_eq!(created.status(), reqwest::StatusCode::CREATED);

    // The count shows up in the navigation once the alert has been found.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        browser.goto(&app.url("/inbox")).await.unwrap();
        if let Ok(badge) = browser.find(Locator::Css("#nav-inbox .badge")).await {
            assert_eq!(badge.text().await.unwrap(), "1");
            break;
        }
        assert!(Instant::now() < deadline, "no unread notice appeared");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let notice = browser.find(Locator::Css(".notice.unread a")).await.unwrap();
    assert!(notice.text().await.unwrap().contains("数控技术专业毕业生"));
    let overflow = browser.execute("return document.documentElement.scrollWidth > 375;", vec![]).await.unwrap();
    assert_eq!(overflow, json!(false), "the inbox scrolls sideways on a phone");
    if let Ok(png) = browser.screenshot().await {
        let _ = std::fs::write(std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("inbox-375.png"), png);
    }
    browser.find(Locator::Css(".notice.unread button")).await.unwrap().click().await.unwrap();
    browser.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css(".notice:not(.unread)")).await.unwrap();
    assert!(browser.find(Locator::Css("#nav-inbox .badge")).await.is_err(), "read: no count any more");

    browser.goto(&app.url("/alerts")).await.unwrap();
    let overflow = browser.execute("return document.documentElement.scrollWidth > 375;", vec![]).await.unwrap();
    assert_eq!(overflow, json!(false), "the subscriptions page scrolls sideways on a phone");
    if let Ok(png) = browser.screenshot().await {
        let _ = std::fs::write(std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("alerts-375.png"), png);
    }
    browser.close().await.unwrap();
}
