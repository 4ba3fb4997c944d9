//! Hostile dates and numbers: every one is answered with a 4xx problem naming its field (or a
//! page saying what is wrong), never with a server error, and changes nothing.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::e2e::booking::api::{enterprise_base, scalar};
use crate::e2e::support::{TestApp, signed_in, spawn_app};

/// The status and the named fields of a problem answer.
async fn refusal(response: reqwest::Response) -> (StatusCode, Vec<String>) {
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    let fields = body["errors"]
        .as_array()
        .map(|a| a.iter().filter_map(|e| e["field"].as_str().map(str::to_owned)).collect())
        .unwrap_or_default();
    (status, fields)
}

async fn rounds_count(app: &TestApp) -> i64 {
    scalar(app, "SELECT COUNT(*) FROM rounds").await
}

#[tokio::test]
async fn a_round_deadline_at_the_end_of_the_calendar_is_refused_naming_the_field() {
    let app = spawn_app().await;
    let city = app.demo_login("city@demo.local").await;
    let before = rounds_count(&app).await;
    for deadline in [
        "-262143-01-01T00:00",
        "-262144-01-01T00:00",
        "+262142-12-31T23:59",
        "262142-12-31T23:59",
        "9999-12-31T23:59",
        "2101-01-01T00:00",
        "0001-01-01T00:00:00+14:00",
    ] {
        let body = json!({"name": "抽签", "preference_deadline": deadline});
        let (status, fields) = refusal(app.post_json("/api/v1/rounds", &body, Some(&city)).await).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{deadline}");
        assert_eq!(fields, ["preference_deadline"], "{deadline}");
    }
    assert_eq!(rounds_count(&app).await, before, "nothing was created");
    let fine = json!({"name": "抽签", "preference_deadline": "2099-06-30T17:00"});
    assert_eq!(app.post_json("/api/v1/rounds", &fine, Some(&city)).await.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn a_response_deadline_out_of_the_window_is_refused_naming_the_field() {
    let app = spawn_app().await;
    let city = app.demo_login("city@demo.local").await;
    let body = json!({"name": "抽签", "preference_deadline": "2099-06-30T17:00"});
    let round: Value = app.post_json("/api/v1/rounds", &body, Some(&city)).await.json().await.unwrap();
    let path = format!("/api/v1/rounds/{}/publish", round["id"]);
    let (status, fields) =
        refusal(app.post_json(&path, &json!({"response_deadline": "-262144-01-01T00:00"}), Some(&city)).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields, ["response_deadline"]);
}

#[tokio::test]
async fn posting_and_slot_dates_out_of_the_window_are_refused_naming_the_field() {
    let app = spawn_app().await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    for (field, value) in [
        ("ends_on", "-262144-01-01"),
        ("ends_on", "+262143-12-31"),
        ("starts_on", "1999-12-31"),
        ("ends_on", "2101-01-01"),
    ] {
        let body = json!({"kind": "job", "title": "数控车工", "region": "330603", "quantity": 3, field: value});
        let (status, fields) = refusal(app.post_json("/api/v1/postings", &body, Some(&enterprise)).await).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{field}={value}");
        assert_eq!(fields, [field], "{field}={value}");
    }
    let base = enterprise_base(&app, &enterprise, true).await;
    let slots = format!("/api/v1/postings/{base}/slots");
    for (body, field) in [
        (json!({"date": "-262144-01-01", "period": "morning", "capacity": 5}), "date"),
        (json!({"date": "2100-12-31", "period": "morning", "capacity": 5, "repeat_weeks": 1e20}), "repeat_weeks"),
        (json!({"date": "2099-12-01", "period": "morning", "capacity": 5, "repeat_weeks": "-1"}), "repeat_weeks"),
        (json!({"date": "2099-12-01", "period": "morning", "capacity": "99999999999999999999"}), "capacity"),
        (
            json!({"date": "2099-12-01", "period": "custom", "start_time": "25:61", "end_time": "26:00", "capacity": 5}),
            "start_time",
        ),
    ] {
        let (status, fields) = refusal(app.post_json(&slots, &body, Some(&enterprise)).await).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(fields.contains(&field.to_owned()), "{body}: {fields:?}");
    }
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM training_slots").await, 0, "no slot was made");
}

#[tokio::test]
async fn huge_query_numbers_are_refused_naming_the_parameter() {
    let app = spawn_app().await;
    let city = app.demo_login("city@demo.local").await;
    for (path, field) in [
        ("/api/v1/search?q=数控&limit=99999999999999999999", "limit"),
        ("/api/v1/postings?limit=99999999999999999999", "limit"),
        ("/api/v1/postings?limit=-1", "limit"),
        ("/api/v1/reference/programs?q=数控&limit=99999999999999999999", "limit"),
        ("/api/v1/reference/programs?q=数控&limit=-5", "limit"),
        ("/api/v1/statistics/supply-demand?year=99999999999999999999", "year"),
        ("/api/v1/statistics/supply-demand?year=-262144", "year"),
        ("/api/v1/statistics/targets?year=2147483647", "year"),
        ("/api/v1/postings/1/matches?limit=99999999999999999999", "limit"),
    ] {
        let response = app.get_json(path, Some(&city)).await;
        let (status, fields) = refusal(response).await;
        assert!(status.is_client_error(), "{path}: {status}");
        assert_eq!(fields, [field], "{path}");
    }
}

#[tokio::test]
async fn a_calendar_month_at_the_end_of_the_calendar_is_refused_not_a_server_error() {
    let app = spawn_app().await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let base = enterprise_base(&app, &enterprise, true).await;
    let (browser, _) = signed_in(&app, "enterprise@demo.local").await;
    for month in ["-262144-01-01", "+262143-12-01", "1999-12", "2101-01", "99999-01"] {
        let response = browser.get(app.url(&format!("/postings/{base}/calendar?month={month}"))).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{month}");
    }
    let ok = browser.get(app.url(&format!("/postings/{base}/calendar?month=2099-12"))).send().await.unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
}
