//! Training-base booking in the browser, without JavaScript: the slots panel on a base's page,
//! booking through its form, "my bookings" with cancel, and the calendar only owners see.

use std::time::Duration;

use fantoccini::Locator;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::e2e::booking::api::{enterprise_base, future_day, scalar, slot};
use crate::e2e::browser::{open_browser, sign_in, start_chromedriver};
use crate::e2e::support::{page_text, signed_in, spawn_app};

#[tokio::test]
async fn a_school_books_through_the_page_and_cancels_under_my_bookings() {
    let app = spawn_app().await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let base = enterprise_base(&app, &enterprise, true).await;
    let day = future_day(25);
    let slot_id = slot(&app, &enterprise, base, day, 6).await;
    let (school, csrf) = signed_in(&app, "school@demo.local").await;

    let page = page_text(&school, &app, &format!("/postings/{base}")).await;
    assert!(page.contains("id=\"booking-title\""), "the slots panel is on the base's page");
    assert!(page.contains(&format!("<tr data-slot=\"{slot_id}\">")));
    assert!(page.contains("6 / 6"), "remaining places are shown");
    assert!(page.contains(&format!("action=\"/postings/{base}/book\"")), "schools get the booking form");
    assert!(!page.contains("/calendar"), "only owners get the calendar link");

    let slot_text = slot_id.to_string();
    let bad = school
        .post(app.url(&format!("/postings/{base}/book")))
        .form(&[("_csrf", csrf.as_str()), ("slot", &slot_text), ("headcount", "七"), ("purpose", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = bad.text().await.unwrap();
    assert!(
        html.contains("aria-describedby=\"headcount-error\"") && html.contains("aria-describedby=\"purpose-error\"")
    );
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM slot_bookings").await, 0);

    let booked = school
        .post(app.url(&format!("/postings/{base}/book")))
        .form(&[("_csrf", csrf.as_str()), ("slot", &slot_text), ("headcount", "2"), ("purpose", "机械专业认识实习")])
        .send()
        .await
        .unwrap();
    assert_eq!(booked.status(), StatusCode::SEE_OTHER);
    let mine = page_text(&school, &app, "/bookings").await;
    assert!(mine.contains("数控加工实训基地") && mine.contains("机械专业认识实习"));
    let page = page_text(&school, &app, &format!("/postings/{base}")).await;
    assert!(page.contains("4 / 6"), "two places fewer");

    let bookings: Value =
        app.get_json("/api/v1/bookings", Some(&app.demo_login("school@demo.local").await)).await.json().await.unwrap();
    let booking_id = bookings[0]["id"].as_i64().unwrap();
    assert!(mine.contains(&format!("action=\"/bookings/{booking_id}/cancel\"")));
    let cancelled = school
        .post(app.url(&format!("/bookings/{booking_id}/cancel")))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(cancelled.status(), StatusCode::SEE_OTHER);
    let page = page_text(&school, &app, &format!("/postings/{base}")).await;
    assert!(page.contains("6 / 6"), "cancelling gave the places back");
    let mine = page_text(&school, &app, "/bookings").await;
    assert!(!mine.contains(&format!("action=\"/bookings/{booking_id}/cancel\"")), "nothing left to cancel");
}

#[tokio::test]
async fn the_calendar_shows_who_booked_to_the_owner_only() {
    let app = spawn_app().await;
    let enterprise_token = app.demo_login("enterprise@demo.local").await;
    let school_token = app.demo_login("school@demo.local").await;
    let base = enterprise_base(&app, &enterprise_token, true).await;
    let day = future_day(35);
    let slot_id = slot(&app, &enterprise_token, base, day, 8).await;
    let body = json!({"headcount": 3, "purpose": "电气自动化专业跟岗实训", "contact": "李老师"});
    let made = app.post_json(&format!("/api/v1/slots/{slot_id}/bookings"), &body, Some(&school_token)).await;
    assert_eq!(made.status(), StatusCode::CREATED);
    let me: Value = app.get_json("/api/v1/me", Some(&school_token)).await.json().await.unwrap();
    let school_name = me["organization"]["name"].as_str().unwrap().to_owned();

    let month = &day.to_string()[..7];
    let path = format!("/postings/{base}/calendar?month={month}");
    let (owner, _) = signed_in(&app, "enterprise@demo.local").await;
    let calendar = page_text(&owner, &app, &path).await;
    assert!(calendar.contains("<table class=\"calendar\""));
    assert!(calendar.contains("<th scope=\"col\">"), "a table with headers, not colours alone");
    assert!(calendar.contains(&school_name) && calendar.contains("电气自动化专业跟岗实训"));
    assert!(calendar.contains("3 / 8"));
    assert!(calendar.contains("rel=\"prev\"") && calendar.contains("rel=\"next\""));
    let base_page = page_text(&owner, &app, &format!("/postings/{base}")).await;
    assert!(base_page.contains(&format!("/postings/{base}/calendar")));

    let (school, _) = signed_in(&app, "school@demo.local").await;
    let refused = school.get(app.url(&path)).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(!refused.text().await.unwrap().contains("电气自动化专业跟岗实训"));
    let base_page = page_text(&school, &app, &format!("/postings/{base}")).await;
    assert!(!base_page.contains("电气自动化专业跟岗实训"), "the base's page does not say who booked");
}

#[tokio::test]
async fn the_owner_adds_slots_from_the_page_and_sees_each_problem() {
    let app = spawn_app().await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let base = enterprise_base(&app, &enterprise, true).await;
    let (owner, csrf) = signed_in(&app, "enterprise@demo.local").await;
    let page = page_text(&owner, &app, &format!("/postings/{base}")).await;
    assert!(page.contains(&format!("action=\"/postings/{base}/slots\"")), "owners get the slot form");

    let bad = owner
        .post(app.url(&format!("/postings/{base}/slots")))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("date", "明天"),
            ("period", "custom"),
            ("start_time", "10:00"),
            ("end_time", "09:00"),
            ("capacity", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = bad.text().await.unwrap();
    for field in ["date", "end_time", "capacity"] {
        assert!(html.contains(&format!("id=\"{field}-error\"")), "{field} is named");
    }
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM training_slots").await, 0);

    let day = future_day(50).to_string();
    let added = owner
        .post(app.url(&format!("/postings/{base}/slots")))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("date", &day),
            ("period", "whole_day"),
            ("capacity", "15"),
            ("repeat_weeks", "2"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    let location = added.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(location, format!("/postings/{base}/calendar?month={}", &day[..7]));
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM training_slots").await, 2);
    let calendar = page_text(&owner, &app, &location).await;
    assert!(calendar.contains("08:30–17:00") && calendar.contains("0 / 15"));
}

#[tokio::test]
async fn a_school_books_a_slot_on_a_phone_and_the_owner_reads_the_calendar_on_one() {
    let Some(driver) = start_chromedriver() else { return };
    let app = spawn_app().await;
    let token = app.demo_login("enterprise@demo.local").await;
    let base = enterprise_base(&app, &token, true).await;
    let day = future_day(45);
    slot(&app, &token, base, day, 9).await;
    let no_sideways_scroll = "return document.documentElement.scrollWidth > 375;";

    let browser = open_browser(&driver).await;
    sign_in(&browser, &app, "school@demo.local").await;
    browser.wait().at_most(Duration::from_secs(15)).for_element(Locator::Css("#org-title")).await.unwrap();
    browser.goto(&app.url(&format!("/postings/{base}"))).await.unwrap();
    let panel =
        browser.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("#booking-title")).await.unwrap();
    assert_eq!(panel.text().await.unwrap(), "预约时段");
    assert_eq!(browser.execute(no_sideways_scroll, vec![]).await.unwrap(), json!(false), "the base page on a phone");
    browser.find(Locator::Css("#headcount")).await.unwrap().send_keys("3").await.unwrap();
    browser.find(Locator::Css("#purpose")).await.unwrap().send_keys("模具专业认识实习").await.unwrap();
    browser.find(Locator::Css("#booking form button[type=submit]")).await.unwrap().click().await.unwrap();
    let done = browser.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css(".alert-ok")).await.unwrap();
    assert_eq!(done.text().await.unwrap(), "预约成功。");
    assert_eq!(browser.current_url().await.unwrap().path(), "/bookings");
    if let Ok(png) = browser.screenshot().await {
        let _ = std::fs::write(std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("bookings-375.png"), png);
    }
    browser.close().await.unwrap();

    let browser = open_browser(&driver).await;
    sign_in(&browser, &app, "enterprise@demo.local").await;
    browser.wait().at_most(Duration::from_secs(15)).for_element(Locator::Css("#org-title")).await.unwrap();
    browser.goto(&app.url(&format!("/postings/{base}/calendar?month={}", &day.to_string()[..7]))).await.unwrap();
    let row = browser
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("table.calendar tbody tr"))
        .await
        .unwrap();
    let text = row.text().await.unwrap();
    assert!(text.contains("3 / 9") && text.contains("模具专业认识实习"), "{text}");
    assert_eq!(browser.execute(no_sideways_scroll, vec![]).await.unwrap(), json!(false), "the calendar on a phone");
    if let Ok(png) = browser.screenshot().await {
        let _ = std::fs::write(std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("calendar-375.png"), png);
    }
    browser.close().await.unwrap();
}
