//! Import progress behind a load balancer: the token, the upload and the polls may each reach a
//! different node, and the progress is found on every one of them (through the database); a
//! token stays its owner's alone on every node.

use std::time::Duration;

use chanjiao_api::clock::Clock;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::e2e::support::{TestApp, spawn_cluster};

fn rows(count: usize) -> String {
    format!(
        "类型,标题,地区代码,数量,状态\n{}",
        (0..count).map(|i| format!("job,钳工 {i},330603,3,草稿\n")).collect::<String>()
    )
}

async fn import(node: &TestApp, token: &str, progress: &str, csv: &str) -> reqwest::Response {
    let form = Form::new()
        .text("progress", progress.to_owned())
        .part("file", Part::bytes(csv.as_bytes().to_vec()).file_name("x.csv"));
    node.api.post(node.url("/api/v1/postings/import")).bearer_auth(token).multipart(form).send().await.unwrap()
}

async fn issue(node: &TestApp, token: &str) -> String {
    let issued = node.post_json("/api/v1/imports", &json!({}), Some(token)).await;
    assert_eq!(issued.status(), StatusCode::CREATED);
    issued.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned()
}

async fn poll(node: &TestApp, token: &str, progress: &str) -> (StatusCode, Value) {
    let response = node.get_json(&format!("/api/v1/imports/{progress}"), Some(token)).await;
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn an_import_on_one_node_is_followed_on_another_and_only_by_its_owner() {
    let nodes = spawn_cluster(2, Clock::system(), |_| {}).await;
    let (a, b) = (&nodes[0], &nodes[1]);
    let enterprise = a.demo_login("enterprise@demo.local").await;
    let school = a.demo_login("school@demo.local").await;

    // Issued on A: B knows it at once, waiting.
    let progress = issue(a, &enterprise).await;
    assert_eq!(
        poll(b, &enterprise, &progress).await,
        (StatusCode::OK, json!({"phase": "waiting", "done": 0, "total": 0}))
    );
    assert_eq!(poll(b, &school, &progress).await.0, StatusCode::NOT_FOUND, "another user's token is unknown");

    // The import runs on A while B is polled; B sees it through to the end.
    let csv = rows(2000);
    let running = import(a, &enterprise, &progress, &csv);
    let watching = async {
        let mut phases = Vec::new();
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        while std::time::Instant::now() < deadline {
            let (status, body) = poll(b, &enterprise, &progress).await;
            assert_eq!(status, StatusCode::OK);
            let phase = body["phase"].as_str().unwrap().to_owned();
            if phases.last() != Some(&phase) {
                phases.push(phase.clone());
            }
            if phase == "done" {
                return (phases, body);
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("B never saw the import finish: {phases:?}");
    };
    let (imported, (phases, last)) = tokio::join!(running, watching);
    assert_eq!(imported.status(), StatusCode::CREATED);
    assert_eq!(last, json!({"phase": "done", "done": 2000, "total": 2000}), "phases seen on B: {phases:?}");
    assert_eq!(poll(a, &enterprise, &progress).await.1, last, "A answers from its own memory");
    assert_eq!(poll(b, &school, &progress).await.0, StatusCode::NOT_FOUND);

    // Issued on B, uploaded to A, followed on B.
    let progress = issue(b, &enterprise).await;
    assert_eq!(import(a, &school, &progress, &rows(3)).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(import(a, &enterprise, &progress, &rows(3)).await.status(), StatusCode::CREATED);
    let done = b
        .eventually(Duration::from_secs(10), || async {
            poll(b, &enterprise, &progress).await.1 == json!({"phase": "done", "done": 3, "total": 3})
        })
        .await;
    assert!(done, "B sees the import A ran under B's token");
}
