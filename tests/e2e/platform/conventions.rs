//! Chinese conventions on real pages: money in 元/万元 (¥ in English), thousands separators, and
//! dates with their weekday where people plan with them.

use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::e2e::support::spawn_app_at;

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().to_utc()
}

#[tokio::test]
async fn a_posting_page_shows_money_in_wan_yuan_large_numbers_grouped_and_its_dates_with_weekdays() {
    let app = spawn_app_at(at("2027-02-15T02:00:00Z")).await;
    let token = app.demo_login("enterprise@demo.local").await;
    let body = json!({
        "publish": true, "kind": "job", "title": "数控车工（大批招聘）", "description": "负责数控车床编程与操作。",
        "region": "330603", "quantity": 1200, "education_level": "gaozhi_zhuanke", "amount_yuan": 125000,
        "starts_on": "2027-03-01", "ends_on": "2027-03-31"
    });
    let response = app.post_json("/api/v1/postings", &body, Some(&token)).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let id = response.json::<Value>().await.unwrap()["id"].as_i64().unwrap();

    let zh = app.api.get(app.url(&format!("/postings/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(zh.contains("<dt>月薪</dt><dd>12.5 万元</dd>"), "money in 万元, the label without its unit");
    assert!(zh.contains("<dd>1,200</dd>"), "the quantity grouped by thousands");
    assert!(zh.contains("2027-03-01（周一） — 2027-03-31（周三）"), "the window's days with their weekdays");

    let en = app.api.get(app.url(&format!("/postings/{id}?lang=en"))).send().await.unwrap().text().await.unwrap();
    assert!(en.contains("<dt>Monthly pay</dt><dd>¥125,000</dd>"), "money in yuan with the sign in English");
    assert!(en.contains("Mon 2027-03-01 — Wed 2027-03-31"));
}
