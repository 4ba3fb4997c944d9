//! The `posting_changed` webhook topic: the change feed pushed to a subscriber, signed like
//! every delivery, one per change the subscriber may see — never another organization's draft.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::e2e::alerts::webhooks::{signature_is_valid, start_node, start_receiver, until};
use crate::e2e::support::fresh_database_url;

#[tokio::test]
async fn a_subscriber_is_pushed_each_visible_posting_change_with_the_feed_cursor() {
    let (addr, receiver) = start_receiver(&[]).await;
    let dir = tempfile::tempdir().unwrap();
    let node = start_node(dir.path(), fresh_database_url().await, &["127.0.0.1"]).await;
    let school = node.login("school@demo.local").await;
    let body = json!({"kind": "webhook", "name": "招生系统", "topics": ["posting_changed"],
        "webhook_url": format!("http://127.0.0.1:{}/hook", addr.port())});
    let response = node.subscribe(&school, body).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let secret = response.json::<Value>().await.unwrap()["webhook_secret"].as_str().unwrap().to_owned();

    let enterprise = node.login("enterprise@demo.local").await;
    let create = |title: &str, publish: bool| {
        let body = json!({"kind": "job", "title": title, "region": "330603", "quantity": 2,
            "ends_on": "2099-12-31", "publish": publish});
        node.api.post(node.url("/api/v1/postings")).bearer_auth(&enterprise).json(&body).send()
    };
    let draft: Value = create("保密的草稿", false).await.unwrap().json().await.unwrap();
    let public: Value = create("数控操作工", true).await.unwrap().json().await.unwrap();
    let close = node.api.post(node.url(&format!("/api/v1/postings/{}/close", public["id"]))).bearer_auth(&enterprise);
    assert_eq!(close.json(&json!({})).send().await.unwrap().status(), StatusCode::OK);

    assert!(until(Duration::from_secs(15), async || receiver.seen().len() >= 2).await, "{:?}", receiver.seen());
    tokio::time::sleep(Duration::from_millis(500)).await; // nothing about the draft follows
    let seen = receiver.seen();
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert!(seen.iter().all(|r| signature_is_valid(&secret, r)));
    let bodies: Vec<Value> = seen.iter().map(|r| serde_json::from_str(&r.body).unwrap()).collect();
    assert!(bodies.iter().all(|b| b["topic"] == "posting_changed" && b["posting_id"] == public["id"]));
    assert!(!seen.iter().any(|r| r.body.contains("保密的草稿")), "the draft {} never leaves", draft["id"]);
    let created = bodies.iter().find(|b| b["change"] == "created").expect("created");
    let closed = bodies.iter().find(|b| b["change"] == "closed").expect("closed");
    assert!(created["posting"].is_null() || created["posting"]["title"] == "数控操作工");
    assert!(closed["posting"].is_null(), "closed: a tombstone");
    // The cursor is the feed's: a receiver that missed pushes resumes the feed from it.
    let cursor: i64 = closed["cursor"].as_str().unwrap().parse().unwrap();
    let feed: Value = node
        .api
        .get(node.url(&format!("/api/v1/feed/postings?after={}", cursor - 1)))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(feed["events"][0]["cursor"], closed["cursor"]);
    node.stop().await;
}
