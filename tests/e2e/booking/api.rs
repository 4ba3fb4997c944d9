//! Training-base booking through the API: owners publish slots, schools and enterprises book
//! and cancel, bad input changes nothing, and parallel bookings never overbook a slot — on
//! SQLite and, with `CHANJIAO_TEST_DATABASE_URL`, on PostgreSQL.

use chrono::{Duration, NaiveDate};
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

use crate::e2e::support::{TestApp, problem_fields, spawn_app};

/// A day comfortably in the future, so slots on it can be booked.
pub fn future_day(days: i64) -> NaiveDate {
    chanjiao_api::clock::Clock::system().today() + Duration::days(days)
}

/// A published training base of the enterprise's, returned by id.
pub async fn enterprise_base(app: &TestApp, token: &str, publish: bool) -> i64 {
    let body = json!({"kind": "training_base_hosted", "title": "数控加工实训基地", "region": "330603",
                      "quantity": 40, "publish": publish});
    let response = app.post_json("/api/v1/postings", &body, Some(token)).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

/// Publishes one morning slot of `capacity` places on `day` and returns its id.
pub async fn slot(app: &TestApp, token: &str, base: i64, day: NaiveDate, capacity: i64) -> i64 {
    let body = json!({"date": day.to_string(), "period": "morning", "capacity": capacity});
    let response = app.post_json(&format!("/api/v1/postings/{base}/slots"), &body, Some(token)).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json::<Value>().await.unwrap()[0]["id"].as_i64().unwrap()
}

async fn book(app: &TestApp, token: &str, slot: i64, headcount: i64) -> reqwest::Response {
    let body = json!({"headcount": headcount, "purpose": "数控专业课程实训", "contact": "王老师 13800000000"});
    app.post_json(&format!("/api/v1/slots/{slot}/bookings"), &body, Some(token)).await
}

/// A number read straight from the database, behind the API's back.
pub async fn scalar(app: &TestApp, sql: &str) -> i64 {
    let backend = app.db.get_database_backend();
    // Wrapped in a cast: PostgreSQL's INTEGER columns do not read as i64.
    let sql = format!("SELECT CAST(({sql}) AS BIGINT)");
    let row = app.db.query_one_raw(Statement::from_string(backend, sql)).await.unwrap().expect("a row");
    row.try_get_by_index::<i64>(0).unwrap()
}

async fn problem(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    (status, response.json().await.unwrap())
}

#[tokio::test]
async fn only_the_bases_owners_publish_slots() {
    let app = spawn_app().await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let school = app.demo_login("school@demo.local").await;
    let broker = app.demo_login("broker@demo.local").await;
    let base = enterprise_base(&app, &enterprise, true).await;
    let day = future_day(30);

    let body = json!({"date": day.to_string(), "period": "afternoon", "capacity": 12, "repeat_weeks": 3});
    let path = format!("/api/v1/postings/{base}/slots");
    let created = app.post_json(&path, &body, Some(&enterprise)).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let slots: Value = created.json().await.unwrap();
    let starts: Vec<&str> = slots.as_array().unwrap().iter().map(|s| s["starts_at"].as_str().unwrap()).collect();
    let weekly = [0, 7, 14].map(|d| format!("{}T13:30:00+08:00", day + Duration::days(d)));
    assert_eq!(starts, weekly);
    assert_eq!(slots[0]["remaining"], 12);

    assert_eq!(app.post_json(&path, &body, Some(&school)).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.post_json(&path, &body, Some(&broker)).await.status(), StatusCode::FORBIDDEN);
    let again = app
        .post_json(&path, &json!({"date": day.to_string(), "period": "afternoon", "capacity": 5}), Some(&enterprise))
        .await;
    assert_eq!(again.status(), StatusCode::CONFLICT, "the same period twice");
    assert_eq!(problem_fields(again).await, ["date"]);
    assert_eq!(scalar(&app, &format!("SELECT COUNT(*) FROM training_slots WHERE posting_id = {base}")).await, 3);

    // A draft base does not exist for others; a job is no training base.
    let draft = enterprise_base(&app, &enterprise, false).await;
    let hidden = app.get_json(&format!("/api/v1/postings/{draft}/slots"), Some(&school)).await;
    assert_eq!(hidden.status(), StatusCode::NOT_FOUND);
    let job = app
        .post_json(
            "/api/v1/postings",
            &json!({"kind": "job", "title": "钳工", "region": "330603", "quantity": 2}),
            Some(&enterprise),
        )
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let (status, body) =
        problem(app.post_json(&format!("/api/v1/postings/{job}/slots"), &body, Some(&enterprise)).await).await;
    assert_eq!((status, body["errors"][0]["code"].as_str()), (StatusCode::CONFLICT, Some("not_a_training_base")));

    let audited =
        scalar(&app, "SELECT COUNT(*) FROM audit_events WHERE entity = 'training_slot' AND action = 'create'").await;
    assert_eq!(audited, 3);
}

#[tokio::test]
async fn booking_shows_remaining_places_and_cancelling_frees_them() {
    let app = spawn_app().await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let school = app.demo_login("school@demo.local").await;
    let base = enterprise_base(&app, &enterprise, true).await;
    let slot_id = slot(&app, &enterprise, base, future_day(20), 10).await;

    let made = book(&app, &school, slot_id, 4).await;
    assert_eq!(made.status(), StatusCode::CREATED);
    let made: Value = made.json().await.unwrap();
    assert_eq!((made["status"].as_str(), made["headcount"].as_i64()), (Some("confirmed"), Some(4)));
    assert_eq!(made["posting_title"], "数控加工实训基地");

    let seen: Value =
        app.get_json(&format!("/api/v1/postings/{base}/slots"), Some(&school)).await.json().await.unwrap();
    assert_eq!((seen[0]["booked"].as_i64(), seen[0]["remaining"].as_i64()), (Some(4), Some(6)));
    assert!(seen[0].get("bookings").is_none(), "others do not see who booked");
    let owner_view: Value =
        app.get_json(&format!("/api/v1/postings/{base}/slots"), Some(&enterprise)).await.json().await.unwrap();
    assert_eq!(owner_view[0]["bookings"][0]["purpose"], "数控专业课程实训");

    let mine: Value = app.get_json("/api/v1/bookings", Some(&school)).await.json().await.unwrap();
    assert_eq!(mine.as_array().unwrap().len(), 1);
    let booking_id = made["id"].as_i64().unwrap();
    let cancel = format!("/api/v1/bookings/{booking_id}/cancel");
    let broker = app.demo_login("broker@demo.local").await;
    assert_eq!(app.post_json(&cancel, &json!({}), Some(&broker)).await.status(), StatusCode::NOT_FOUND);
    let cancelled = app.post_json(&cancel, &json!({}), Some(&school)).await;
    assert_eq!(cancelled.status(), StatusCode::OK);
    let cancelled: Value = cancelled.json().await.unwrap();
    assert_eq!(cancelled["status"], "cancelled");
    assert!(cancelled["cancelled_at"].is_string());
    let seen: Value =
        app.get_json(&format!("/api/v1/postings/{base}/slots"), Some(&school)).await.json().await.unwrap();
    assert_eq!(seen[0]["remaining"], 10);

    let (status, body) = problem(app.post_json(&cancel, &json!({}), Some(&school)).await).await;
    assert_eq!((status, body["errors"][0]["code"].as_str()), (StatusCode::CONFLICT, Some("already_cancelled")));
    assert_eq!(scalar(&app, &format!("SELECT booked FROM training_slots WHERE id = {slot_id}")).await, 0);
    let audited = scalar(&app, "SELECT COUNT(*) FROM audit_events WHERE entity = 'slot_booking'").await;
    assert_eq!(audited, 2, "book and cancel");

    // The base's owner may cancel a booking too (say, the workshop is closed that day).
    let again: Value = book(&app, &school, slot_id, 2).await.json().await.unwrap();
    let by_owner =
        app.post_json(&format!("/api/v1/bookings/{}/cancel", again["id"]), &json!({}), Some(&enterprise)).await;
    assert_eq!(by_owner.status(), StatusCode::OK);
    // Each side heard of the other's change: the owner of two bookings and one cancellation, the
    // school of the owner's cancellation.
    for (token, expected) in [(&enterprise, 3), (&school, 1)] {
        let inbox: Value = app.get_json("/api/v1/inbox", Some(token)).await.json().await.unwrap();
        let topics: Vec<&str> =
            inbox["items"].as_array().unwrap().iter().map(|i| i["topic"].as_str().unwrap()).collect();
        assert_eq!(topics, vec!["booking_changed"; expected]);
    }
}

#[tokio::test]
async fn bad_input_names_each_field_and_changes_nothing() {
    let app = spawn_app().await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let school = app.demo_login("school@demo.local").await;
    let base = enterprise_base(&app, &enterprise, true).await;

    let bad = json!({"date": "2026-02-30", "period": "evening", "capacity": 0, "repeat_weeks": 99});
    let response = app.post_json(&format!("/api/v1/postings/{base}/slots"), &bad, Some(&enterprise)).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem_fields(response).await, ["date", "period", "capacity", "repeat_weeks"]);
    let past = json!({"date": "2020-01-06", "period": "morning", "capacity": 5});
    let response = app.post_json(&format!("/api/v1/postings/{base}/slots"), &past, Some(&enterprise)).await;
    assert_eq!(problem_fields(response).await, ["date"]);
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM training_slots").await, 0);

    let slot_id = slot(&app, &enterprise, base, future_day(10), 3).await;
    let response = app
        .post_json(
            &format!("/api/v1/slots/{slot_id}/bookings"),
            &json!({"headcount": 0, "purpose": " "}),
            Some(&school),
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem_fields(response).await, ["headcount", "purpose"]);
    let (status, body) = problem(book(&app, &school, slot_id, 4).await).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["title"], "The slot is full");
    assert_eq!(body["errors"][0]["code"], "slot_full");
    assert_eq!(body["errors"][0]["field"], "headcount");
    let (status, body) = problem(book(&app, &enterprise, slot_id, 1).await).await;
    assert_eq!((status, body["errors"][0]["code"].as_str()), (StatusCode::FORBIDDEN, Some("own_base")));
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM slot_bookings").await, 0);
    assert_eq!(scalar(&app, &format!("SELECT booked FROM training_slots WHERE id = {slot_id}")).await, 0);

    // Capacity never goes below what is booked, and a booked slot is not deleted.
    assert_eq!(book(&app, &school, slot_id, 2).await.status(), StatusCode::CREATED);
    let patch = |capacity: Value| {
        app.api
            .patch(app.url(&format!("/api/v1/slots/{slot_id}")))
            .bearer_auth(&enterprise)
            .json(&json!({"capacity": capacity}))
            .send()
    };
    let (status, body) = problem(patch(json!(1)).await.unwrap()).await;
    assert_eq!((status, body["errors"][0]["code"].as_str()), (StatusCode::CONFLICT, Some("capacity_below_booked")));
    assert_eq!(patch(json!("十")).await.unwrap().status(), StatusCode::UNPROCESSABLE_ENTITY);
    let resized: Value = patch(json!(8)).await.unwrap().json().await.unwrap();
    assert_eq!((resized["capacity"].as_i64(), resized["remaining"].as_i64()), (Some(8), Some(6)));
    let school_patch =
        app.api.patch(app.url(&format!("/api/v1/slots/{slot_id}"))).bearer_auth(&school).json(&json!({"capacity": 50}));
    assert_eq!(school_patch.send().await.unwrap().status(), StatusCode::FORBIDDEN);
    let delete = || app.api.delete(app.url(&format!("/api/v1/slots/{slot_id}"))).bearer_auth(&enterprise).send();
    let (status, body) = problem(delete().await.unwrap()).await;
    assert_eq!((status, body["errors"][0]["code"].as_str()), (StatusCode::CONFLICT, Some("slot_has_bookings")));
    let empty = slot(&app, &enterprise, base, future_day(11), 3).await;
    let deleted =
        app.api.delete(app.url(&format!("/api/v1/slots/{empty}"))).bearer_auth(&enterprise).send().await.unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM training_slots").await, 1);
}

#[tokio::test]
async fn a_base_that_is_not_published_takes_no_bookings() {
    let app = spawn_app().await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let school = app.demo_login("school@demo.local").await;
    let base = enterprise_base(&app, &enterprise, true).await;
    let slot_id = slot(&app, &enterprise, base, future_day(15), 10).await;
    let paused = app.post_json(&format!("/api/v1/postings/{base}/pause"), &json!({}), Some(&enterprise)).await;
    assert_eq!(paused.status(), StatusCode::OK);
    // A paused base is not public: for another organization it does not exist at all.
    let (status, _) = problem(book(&app, &school, slot_id, 1).await).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM slot_bookings").await, 0);
}

#[tokio::test]
async fn concurrent_bookings_never_exceed_capacity() {
    let app = spawn_app().await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let school = app.demo_login("school@demo.local").await;
    let base = enterprise_base(&app, &enterprise, true).await;
    let slot_id = slot(&app, &enterprise, base, future_day(40), 5).await;

    let mut requests = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let (client, url, token) =
            (app.api.clone(), app.url(&format!("/api/v1/slots/{slot_id}/bookings")), school.clone());
        requests.spawn(async move {
            let body = json!({"headcount": 1, "purpose": "并发预约测试"});
            let response = client.post(url).bearer_auth(token).json(&body).send().await.unwrap();
            let status = response.status();
            (status, response.json::<Value>().await.unwrap())
        });
    }
    let mut created = 0;
    let mut full = 0;
    while let Some(result) = requests.join_next().await {
        let (status, body) = result.unwrap();
        match status {
            StatusCode::CREATED => created += 1,
            StatusCode::CONFLICT => {
                assert_eq!(body["errors"][0]["code"], "slot_full", "{body}");
                full += 1;
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!((created, full), (5, 15));
    assert_eq!(scalar(&app, &format!("SELECT booked FROM training_slots WHERE id = {slot_id}")).await, 5);
    let confirmed =
        scalar(&app, &format!("SELECT COUNT(*) FROM slot_bookings WHERE slot_id = {slot_id} AND status = 'confirmed'"))
            .await;
    assert_eq!(confirmed, 5);
}

#[tokio::test]
async fn parallel_cancellations_free_a_bookings_places_once() {
    let app = spawn_app().await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let school = app.demo_login("school@demo.local").await;
    let base = enterprise_base(&app, &enterprise, true).await;
    let slot_id = slot(&app, &enterprise, base, future_day(41), 5).await;
    let kept: Value = book(&app, &school, slot_id, 2).await.json().await.unwrap();
    let cancelled: Value = book(&app, &school, slot_id, 3).await.json().await.unwrap();
    assert_eq!(kept["status"], "confirmed");

    let mut requests = tokio::task::JoinSet::new();
    for token in [&school, &enterprise].repeat(5) {
        let (client, token) = (app.api.clone(), token.to_string());
        let url = app.url(&format!("/api/v1/bookings/{}/cancel", cancelled["id"]));
        requests
            .spawn(async move { client.post(url).bearer_auth(token).json(&json!({})).send().await.unwrap().status() });
    }
    let mut statuses = Vec::new();
    while let Some(status) = requests.join_next().await {
        statuses.push(status.unwrap());
    }
    let ok = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    let refused = statuses.iter().filter(|s| **s == StatusCode::CONFLICT).count();
    assert_eq!((ok, refused), (1, 9), "{statuses:?}");
    assert_eq!(scalar(&app, &format!("SELECT booked FROM training_slots WHERE id = {slot_id}")).await, 2);
}

#[tokio::test]
async fn the_demo_has_slots_and_bookings_for_both_demo_accounts() {
    let app = spawn_app().await;
    chanjiao_tools::demo::seed_all(&app.db, &app.clock).await.unwrap();
    let slots = scalar(&app, "SELECT COUNT(*) FROM training_slots").await;
    assert!(slots >= 100, "{slots}");
    chanjiao_tools::demo::seed_all(&app.db, &app.clock).await.unwrap();
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM training_slots").await, slots, "seeding twice adds nothing");
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM training_slots WHERE booked > capacity").await, 0);
    for email in ["school@demo.local", "enterprise@demo.local"] {
        let token = app.demo_login(email).await;
        let mine: Value = app.get_json("/api/v1/bookings", Some(&token)).await.json().await.unwrap();
        assert!(!mine.as_array().unwrap().is_empty(), "{email} has demo bookings");
        let slots: Value = app
            .get_json(&format!("/api/v1/postings/{}/slots", mine[0]["posting_id"]), Some(&token))
            .await
            .json()
            .await
            .unwrap();
        assert!(slots.as_array().unwrap().iter().any(|s| s["booked"].as_i64() > Some(0)));
    }
}
