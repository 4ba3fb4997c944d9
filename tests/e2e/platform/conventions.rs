//! Chinese conventions and WeChat on real pages: money in 元/万元 (¥ in English), thousands
//! separators, dates with their weekday where people plan with them, and the hint beside
//! download links that WeChat's in-app browser cannot follow.

use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use reqwest::header::{USER_AGENT, VARY};
use serde_json::{Value, json};

use crate::e2e::support::{page_text, signed_in, spawn_app_at};

const WECHAT: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) \
                      Mobile/15E148 MicroMessenger/8.0.50(0x1800322c) NetType/WIFI Language/zh_CN";
const DESKTOP: &str =
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const HINT_ZH: &str = "微信内无法下载文件：请点右上角「…」，选择「在浏览器打开」后再下载。";

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

#[tokio::test]
async fn a_download_link_opened_in_wechat_says_how_to_download_and_elsewhere_says_nothing() {
    let app = spawn_app_at(at("2027-02-15T02:00:00Z")).await;
    // (Templates escape the links' slashes: `&#x2f;postings&#x2f;export?format=xlsx`.)
    let (browser, _) = signed_in(&app, "enterprise@demo.local").await;
    let wechat = browser.get(app.url("/postings")).header(USER_AGENT, WECHAT).send().await.unwrap();
    assert_eq!(wechat.status(), StatusCode::OK);
    let html = wechat.text().await.unwrap();
    let hint = html.find(HINT_ZH).expect("the hint in WeChat");
    let link = html.find("export?format=xlsx").expect("the export link is kept");
    assert!(hint > link && hint - link < 400, "the hint stands beside the links");

    let desktop = browser.get(app.url("/postings")).header(USER_AGENT, DESKTOP).send().await.unwrap();
    let html = desktop.text().await.unwrap();
    assert!(html.contains("export?format=xlsx") && !html.contains(HINT_ZH), "no hint outside WeChat");

    // The import page's templates, in English too.
    let import = browser.get(app.url("/postings/import?lang=en")).header(USER_AGENT, WECHAT).send().await.unwrap();
    let html = import.text().await.unwrap();
    assert!(html.contains("template?format=xlsx") && html.contains("choose “Open in Browser”"));
    let html = page_text(&browser, &app, "/postings/import").await;
    assert!(html.contains("template?format=xlsx") && !html.contains("Open in Browser"));

    // A public page is cached once for every browser unless it holds a download link.
    let home = app.api.get(app.url("/")).header(USER_AGENT, WECHAT).send().await.unwrap();
    assert_eq!(home.headers()[VARY], "Cookie, Accept-Language");
}
