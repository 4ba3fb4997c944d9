//! The change feed over the API (docs/integration.md): who sees which changes, tombstones,
//! the snapshot and its cursor, paging, bad cursors, and gaps in the outbox sequence.

use chanjiao_api::db::Stored;
use chanjiao_api::entities::posting_outbox;
use chanjiao_domain::posting::PostingChange;
use reqwest::StatusCode;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::e2e::support::{TestApp, problem_fields, spawn_app};

fn job(title: &str) -> Value {
    json!({
        "kind": "job", "title": title, "description": "负责数控车床编程与操作。", "region": "330603",
        "quantity": 3, "starts_on": "2026-12-01", "ends_on": "2099-06-30"
    })
}

async fn create(app: &TestApp, token: &str, title: &str, publish: bool) -> i64 {
    let mut body = job(title);
    body["publish"] = json!(publish);
    let response = app.post_json("/api/v1/postings", &body, Some(token)).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

async fn feed(app: &TestApp, token: Option<&str>, after: &str) -> Value {
    let response = app.get_json(&format!("/api/v1/feed/postings?after={after}&limit=1000"), token).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

/// The (change, posting id, whether it carries the posting) of the events about `ids`.
fn about(page: &Value, ids: &[i64]) -> Vec<(String, i64, bool)> {
    page["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| ids.contains(&e["posting_id"].as_i64().unwrap()))
        .map(|e| (e["change"].as_str().unwrap().to_owned(), e["posting_id"].as_i64().unwrap(), !e["posting"].is_null()))
        .collect()
}

#[tokio::test]
async fn anonymous_callers_see_published_changes_and_tombstones_but_never_a_draft() {
    let app = spawn_app().await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let start = feed(&app, None, "0").await["next_cursor"].as_str().unwrap().to_owned();

    let public = create(&app, &enterprise, "数控车工（公开）", true).await;
    let draft = create(&app, &enterprise, "数控车工（草稿）", false).await;
    let patch = json!({"title": "数控车工（草稿，改过）"});
    let edited = app.api.patch(app.url(&format!("/api/v1/postings/{draft}"))).bearer_auth(&enterprise).json(&patch);
    assert_eq!(edited.send().await.unwrap().status(), StatusCode::OK);
    let closed = app.post_json(&format!("/api/v1/postings/{public}/close"), &json!({}), Some(&enterprise)).await;
    assert_eq!(closed.status(), StatusCode::OK);

    let anonymous = feed(&app, None, &start).await;
    assert_eq!(
        about(&anonymous, &[public, draft]),
        [("created".to_owned(), public, false), ("closed".to_owned(), public, false)],
        "the public posting, now closed, as tombstones; the draft not at all: {anonymous}"
    );
    assert!(!anonymous.to_string().contains("草稿"), "nothing of the draft leaks: {anonymous}");

    let own = feed(&app, Some(&enterprise), &start).await;
    let changes: Vec<String> = about(&own, &[draft]).into_iter().map(|(c, _, shown)| format!("{c}:{shown}")).collect();
    assert_eq!(changes, ["created:true", "updated:true"], "the owner sees its draft's changes: {own}");
    let shown = own["events"].as_array().unwrap().iter().find(|e| e["posting_id"] == draft).unwrap();
    assert_eq!(shown["posting"]["title"], "数控车工（草稿，改过）", "each change carries the posting as it is now");

    let school = app.demo_login("school@demo.local").await;
    let other = feed(&app, Some(&school), &start).await;
    assert!(about(&other, &[draft]).is_empty(), "another organization never hears of the draft: {other}");
}

#[tokio::test]
async fn cursors_page_through_changes_in_order_and_the_snapshot_continues_into_the_feed() {
    let app = spawn_app().await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let mut ids = Vec::new();
    for n in 0..5 {
        ids.push(create(&app, &enterprise, &format!("焊工 {n}"), true).await);
    }

    let snapshot: Value = app.get_json("/api/v1/feed/postings/snapshot?limit=2", None).await.json().await.unwrap();
    let cursor = snapshot["cursor"].as_str().unwrap().to_owned();
    let mut seen: Vec<i64> = Vec::new();
    let mut page = snapshot;
    loop {
        seen.extend(page["items"].as_array().unwrap().iter().map(|p| p["id"].as_i64().unwrap()));
        assert_eq!(page["cursor"], cursor.as_str(), "every page names the same cursor");
        let Some(next) = page["next_page"].as_str() else { break };
        page = app
            .get_json(&format!("/api/v1/feed/postings/snapshot?limit=2&page={next}"), None)
            .await
            .json()
            .await
            .unwrap();
    }
    assert!(ids.iter().all(|id| seen.contains(id)), "the snapshot holds every published posting");
    assert!(seen.windows(2).all(|w| w[0] < w[1]), "by id, without repeats: {seen:?}");

    // A change after the snapshot's cursor is in the feed after it.
    let paused = app.post_json(&format!("/api/v1/postings/{}/pause", ids[0]), &json!({}), Some(&enterprise)).await;
    assert_eq!(paused.status(), StatusCode::OK);
    let after = feed(&app, None, &cursor).await;
    assert_eq!(about(&after, &ids), [("paused".to_owned(), ids[0], false)], "{after}");

    // Small pages, resumed from each next_cursor, give the same changes once each, in order.
    let mut cursors = Vec::new();
    let mut at = "0".to_owned();
    loop {
        let page: Value =
            app.get_json(&format!("/api/v1/feed/postings?after={at}&limit=3"), None).await.json().await.unwrap();
        for event in page["events"].as_array().unwrap() {
            cursors.push(event["cursor"].as_str().unwrap().parse::<i64>().unwrap());
        }
        at = page["next_cursor"].as_str().unwrap().to_owned();
        if page["has_more"] == false {
            break;
        }
    }
    assert!(cursors.windows(2).all(|w| w[0] < w[1]), "strictly increasing, no repeats: {cursors:?}");
    let whole: Vec<i64> = feed(&app, None, "0").await["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["cursor"].as_str().unwrap().parse().unwrap())
        .collect();
    assert_eq!(cursors, whole, "paging loses and repeats nothing");
}

#[tokio::test]
async fn bad_cursors_and_limits_are_named() {
    let app = spawn_app().await;
    for (query, field) in [("after=abc", "after"), ("after=-1", "after"), ("limit=0", "limit"), ("limit=5000", "limit")]
    {
        let response = app.get_json(&format!("/api/v1/feed/postings?{query}"), None).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert_eq!(problem_fields(response).await, [field], "{query}");
    }
    let response = app.get_json("/api/v1/feed/postings/snapshot?page=x.y", None).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem_fields(response).await, ["page"]);
    let expired = app.get_json("/api/v1/feed/postings", Some("not-a-session")).await;
    assert_eq!(expired.status(), StatusCode::UNAUTHORIZED, "a token that is sent must be valid");
}

#[tokio::test]
async fn the_feed_waits_at_a_young_gap_and_passes_an_old_one() {
    let app = spawn_app().await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let id = create(&app, &enterprise, "装配钳工", true).await;
    let end = feed(&app, None, "0").await["next_cursor"].as_str().unwrap().parse::<i64>().unwrap();
    // A change numbered after a hole, as when an earlier transaction has not committed yet.
    let beyond = end + 2;
    let row = posting_outbox::ActiveModel {
        seq: Set(beyond),
        posting_id: Set(id),
        op: Set("upsert".into()),
        created_at: Set(chrono::Utc::now()),
        change: Set(Some(Stored(PostingChange::Updated))),
    };
    posting_outbox::Entity::insert(row).exec_without_returning(&app.db).await.unwrap();
    let waiting = feed(&app, None, &end.to_string()).await;
    assert_eq!(waiting["events"], json!([]), "a young gap holds the feed back: {waiting}");
    assert_eq!(waiting["next_cursor"], end.to_string(), "and the cursor stays before it");

    // Long enough later, the hole belongs to a transaction that rolled back.
    let old = chrono::Utc::now() - chrono::Duration::minutes(5);
    posting_outbox::Entity::update_many()
        .col_expr(posting_outbox::Column::CreatedAt, Expr::value(old))
        .filter(posting_outbox::Column::Seq.eq(beyond))
        .exec(&app.db)
        .await
        .unwrap();
    let passed = feed(&app, None, &end.to_string()).await;
    let cursors: Vec<&str> =
        passed["events"].as_array().unwrap().iter().map(|e| e["cursor"].as_str().unwrap()).collect();
    assert_eq!(cursors, [beyond.to_string().as_str()], "{passed}");
}
