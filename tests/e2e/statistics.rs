//! The talent-demand outlook on hand-made histories: a class whose demand grows past a flat
//! supply is a shortage to expand, one whose supply stays far above a falling demand is at risk;
//! the page shows each class's chart with the numbers behind it.

use chanjiao_api::services::postings::insert_historical;
use chanjiao_domain::posting::{NewPosting, PostingInput, PostingStatus, Side};
use chrono::{Datelike, TimeZone, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::support::{TestApp, page_text, signed_in, spawn_app};

async fn history(app: &TestApp, org: i64, side: Side, input: Value, per_year: &[(i32, i64)]) {
    for &(year, quantity) in per_year {
        let mut input = input.clone();
        input["quantity"] = json!(quantity);
        let input: PostingInput = serde_json::from_value(input).unwrap();
        let posting = NewPosting::parse_for_side(&input, side).unwrap();
        let created = Utc.with_ymd_and_hms(year, 3, 1, 9, 0, 0).unwrap();
        insert_historical(&app.db, org, &posting, PostingStatus::Expired, created).await.unwrap();
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
    assert!(page.contains("<title id=\"c-t\">机械设计制造类</title>"), "each chart is titled");
    assert!(page.contains(&format!("<th scope=\"row\">{last}</th><td>120</td><td>50</td>")), "with its numbers");
}

#[tokio::test]
async fn the_demo_has_history_enough_to_forecast() {
    let app = spawn_app().await;
    chanjiao_api::demo::seed_all(&app.db, chanjiao_api::clock::today()).await.unwrap();
    let token = app.demo_login("city@demo.local").await;
    let report: Value = app.get_json("/api/v1/statistics/outlook", Some(&token)).await.json().await.unwrap();
    let classes = report["classes"].as_array().unwrap();
    assert!(classes.len() >= 5, "{} classes", classes.len());
    assert!(report["last_year"].as_i64().unwrap() - report["first_year"].as_i64().unwrap() >= 2, "several years");
    assert!(classes.iter().any(|c| c["demand_backtest"].is_object()), "some class has a back-test");
    let (browser, _) = signed_in(&app, "school@demo.local").await;
    assert!(page_text(&browser, &app, "/statistics/outlook").await.contains("<svg class=\"chart\""));
}
