//! The talent-demand outlook on hand-made histories: a class whose demand grows past a flat
//! supply is a shortage to expand, one whose supply stays far above a falling demand is at risk;
//! the page shows each class's chart with the numbers behind it.

use chanjiao_api::services::postings::insert_historical;
use chanjiao_domain::posting::{NewPosting, PostingInput, PostingStatus, Side};
use chrono::{Datelike, TimeZone, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::e2e::support::{TestApp, page_text, signed_in, spawn_app};

async fn history(app: &TestApp, org: i64, side: Side, input: Value, per_year: &[(i32, i64)]) {
    for &(year, quantity) in per_year {
        let mut input = input.clone();
        input["quantity"] = json!(quantity);
        let input: PostingInput = serde_json::from_value(input).unwrap();
        let posting = NewPosting::parse_for_side(&input, side).unwrap();
        let created = Utc.with_ymd_and_hms(year, 3, 1, 9, 0, 0).unwrap();
        insert_historical(&app.db, org, &posting, PostingStatus::Expired, created, app.clock.now()).await.unwrap();
    }
}

#[tokio::test]
async fn growing_demand_is_a_shortage_to_expand_and_persistent_oversupply_is_at_risk() {
    let app = spawn_app().await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let school = app.demo_login("school@demo.local").await;
    let (enterprise_org, school_org) = (app.my_org_id(&enterprise).await, app.my_org_id(&school).await);
    let last = Utc::now().year() - 1;
    let years: Vec<i32> = (last - 4..=last).collect();
    let job = |program: &str| {
        json!({"kind": "job", "title": "招聘", "region": "330603", "program_codes": [program],
            "education_level": "gaozhi_zhuanke"})
    };
    let offer = |program: &str| {
        json!({"kind": "program_offering", "title": "专业", "region": "330602", "program_codes": [program],
            "education_level": "gaozhi_zhuanke"})
    };
    // 4601 机械设计制造类: demand 40 → 120, supply flat at 50.
    let rising: Vec<(i32, i64)> = years.iter().zip([40, 60, 80, 100, 120]).map(|(y, q)| (*y, q)).collect();
    history(&app, enterprise_org, Side::Enterprise, job("460103"), &rising).await;
    let flat: Vec<(i32, i64)> = years.iter().map(|y| (*y, 50)).collect();
    history(&app, school_org, Side::School, offer("460103"), &flat).await;
    // 5307 … a service class: demand falling 60 → 20, supply 200 every year.
    let falling: Vec<(i32, i64)> = years.iter().zip([60, 50, 40, 30, 20]).map(|(y, q)| (*y, q)).collect();
    history(&app, enterprise_org, Side::Enterprise, job("530701"), &falling).await;
    let plenty: Vec<(i32, i64)> = years.iter().map(|y| (*y, 200)).collect();
    history(&app, school_org, Side::School, offer("530701"), &plenty).await;

    let response = app.get_json("/api/v1/statistics/outlook", Some(&school)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let report: Value = response.json().await.unwrap();
    let class = |code: &str| report["classes"].as_array().unwrap().iter().find(|c| c["code"] == code).cloned().unwrap();
    let machining = class("4601");
    assert_eq!(machining["status"], "shortage");
    assert_eq!(machining["history"].as_array().unwrap().len(), 5);
    assert_eq!(machining["history"][4], json!([last, 120.0, 50.0]));
    assert_eq!(machining["demand_forecast"].as_array().unwrap().len(), 3);
    assert!(machining["demand_forecast"][0]["value"].as_f64().unwrap() > 120.0, "the trend carries on");
    assert!(machining["demand_backtest"]["mae"].as_f64().is_some(), "the back-test is computed");
    assert_eq!(class("5307")["status"], "oversupply");
    let names = |list: &str| -> Vec<String> {
        report[list].as_array().unwrap().iter().map(|r| r["code"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(names("expand"), ["4601"]);
    assert_eq!(names("at_risk"), ["5307"]);

    let (browser, _) = signed_in(&app, "city@demo.local").await;
    let page = page_text(&browser, &app, "/statistics/outlook").await;
    assert!(page.contains("人才需求预测预警") && page.contains("<svg class=\"chart\""));
    assert!(page.contains("<title id=\"outlook-4601-t\">机械设计制造类</title>"), "each chart is titled, by its class");
    assert!(page.contains(&format!("<th scope=\"row\">{last}</th><td>120</td><td>50</td>")), "with its numbers");
}

#[tokio::test]
async fn the_demo_has_history_enough_to_forecast() {
    let app = spawn_app().await;
    chanjiao_tools::demo::seed_all(&app.db, &app.clock).await.unwrap();
    let token = app.demo_login("city@demo.local").await;
    let report: Value = app.get_json("/api/v1/statistics/outlook", Some(&token)).await.json().await.unwrap();
    let classes = report["classes"].as_array().unwrap();
    assert!(classes.len() >= 5, "{} classes", classes.len());
    assert!(report["last_year"].as_i64().unwrap() - report["first_year"].as_i64().unwrap() >= 2, "several years");
    assert!(classes.iter().any(|c| c["demand_backtest"].is_object()), "some class has a back-test");
    let (browser, _) = signed_in(&app, "school@demo.local").await;
    let html = page_text(&browser, &app, "/statistics/outlook").await;
    assert!(html.contains("<svg class=\"chart\""));
    // Every chart names its own title: ids are unique on the page (a screen reader follows them).
    let mut ids: Vec<&str> = html.split(" id=\"").skip(1).filter_map(|rest| rest.split('"').next()).collect();
    let charts = html.matches("<svg class=\"chart\"").count();
    assert!(charts > 1, "several charts: {charts}");
    let all = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), all, "an id appears twice on the outlook page");
}

/// The open-data page and API are public and hold counts only: no organization's name, no
/// posting's title, and no count small enough to point at one posting.
#[tokio::test]
async fn open_data_is_public_and_holds_only_aggregates() {
    let app = spawn_app().await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    for n in 0..3 {
        let body = json!({"publish": true, "kind": "job", "title": format!("保密岗位甲{n}"), "region": "330603",
            "quantity": 10, "description": "独一无二的描述文字"});
        assert_eq!(app.post_json("/api/v1/postings", &body, Some(&enterprise)).await.status(), StatusCode::CREATED);
    }
    let lone =
        json!({"publish": true, "kind": "teaching_need", "title": "唯一的需求", "region": "330681", "quantity": 2});
    let school = app.demo_login("school@demo.local").await;
    assert_eq!(app.post_json("/api/v1/postings", &lone, Some(&school)).await.status(), StatusCode::CREATED);

    let response = app.get_json("/api/v1/open-data", None).await;
    assert_eq!(response.status(), StatusCode::OK, "no sign-in needed");
    let text = response.text().await.unwrap();
    let data: Value = serde_json::from_str(&text).unwrap();
    let kind = |k: &str| data["by_kind"].as_array().unwrap().iter().find(|row| row[0] == k).cloned().unwrap();
    assert_eq!(kind("job")[2], json!({"count": 3, "quantity": 30}));
    assert_eq!(kind("teaching_need")[2], json!({"count": null, "quantity": null}), "a lone posting is withheld");
    assert_eq!(kind("order_class")[2], json!({"count": 0, "quantity": 0}));
    let keqiao = data["by_district"].as_array().unwrap().iter().find(|row| row[0] == "330603").cloned().unwrap();
    assert_eq!(keqiao[2]["count"], 3);
    let page = app.api.get(app.url("/open-data")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    for secret in ["保密岗位", "独一无二", "唯一的需求", "绍兴精工数控机床有限公司"] {
        assert!(!text.contains(secret) && !html.contains(secret), "{secret} leaked");
    }
    assert!(html.contains("开放数据") && html.contains("&lt; 3"));
}
