//! The real `chanjiao serve` process: killed with SIGKILL in the middle of writes it loses no
//! acknowledged posting and indexes none twice; two processes on one database converge.

use std::collections::HashSet;
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::e2e::support::{DEMO_PASSWORD, fresh_database_url};

struct Node {
    child: Child,
    base: String,
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

async fn start(data_dir: &Path, database_url: &str, port: u16) -> Node {
    let child = Command::new(env!("CARGO_BIN_EXE_chanjiao"))
        .args(["serve", "--demo", "--bind", &format!("127.0.0.1:{port}"), "--data-dir"])
        .arg(data_dir)
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chanjiao serve");
    let node = Node { child, base: format!("http://127.0.0.1:{port}") };
    chanjiao_api::tls::install_crypto_provider();
    let client = Client::new();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Ok(r) = client.get(format!("{}/readyz", node.base)).send().await
            && r.status() == StatusCode::OK
        {
            return node;
        }
        assert!(Instant::now() < deadline, "the server did not become ready");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn login(client: &Client, base: &str) -> String {
    let body: Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": "enterprise@demo.local", "password": DEMO_PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["token"].as_str().unwrap().to_owned()
}

/// Search hit ids for `q`, all pages.
async fn search_ids(client: &Client, base: &str, token: &str, q: &str) -> Vec<i64> {
    let mut ids = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut query = vec![("q", q.to_owned()), ("limit", "100".to_owned())];
        if let Some(c) = &cursor {
            query.push(("cursor", c.clone()));
        }
        let body: Value = client
            .get(format!("{base}/api/v1/search"))
            .query(&query)
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        ids.extend(body["hits"].as_array().unwrap().iter().map(|h| h["id"].as_i64().unwrap()));
        match body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return ids,
        }
    }
}

fn database_url(dir: &Path, pg: Option<String>) -> String {
    pg.unwrap_or_else(|| format!("sqlite://{}?mode=rwc", dir.join("shared.db").display()))
}

#[tokio::test]
async fn a_killed_server_loses_no_acknowledged_posting_and_indexes_none_twice() {
    let shared = tempfile::tempdir().unwrap();
    let url = database_url(shared.path(), fresh_database_url().await);
    let data = tempfile::tempdir().unwrap();
    let port = free_port();
    let node = start(data.path(), &url, port).await;
    chanjiao_api::tls::install_crypto_provider();
    let client = Client::new();
    let token = login(&client, &node.base).await;

    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let writer = {
        let (client, base, token, acknowledged) =
            (client.clone(), node.base.clone(), token.clone(), acknowledged.clone());
        tokio::spawn(async move {
            for n in 0.. {
                let body = json!({"publish": true, "kind": "job", "title": format!("断电演练岗位 {n}"),
                    "region": "330603", "quantity": 1});
                let Ok(response) =
                    client.post(format!("{base}/api/v1/postings")).bearer_auth(&token).json(&body).send().await
                else {
                    return;
                };
                if response.status() == StatusCode::CREATED
                    && let Ok(v) = response.json::<Value>().await
                {
                    acknowledged.lock().unwrap().push(v["id"].as_i64().unwrap());
                }
            }
        })
    };
    tokio::time::sleep(Duration::from_millis(2500)).await;
    drop(node); // SIGKILL, mid-write
    writer.await.unwrap();
    let acknowledged: Vec<i64> = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() >= 5, "too few writes before the kill: {}", acknowledged.len());

    let node = start(data.path(), &url, free_port()).await;
    let token = login(&client, &node.base).await;
    for id in &acknowledged {
        let r = client.get(format!("{}/api/v1/postings/{id}", node.base)).bearer_auth(&token).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "acknowledged posting {id} is in the database");
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    let found = loop {
        let found = search_ids(&client, &node.base, &token, "断电演练").await;
        if acknowledged.iter().all(|id| found.contains(id)) || Instant::now() > deadline {
            break found;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let missing: Vec<&i64> = acknowledged.iter().filter(|id| !found.contains(id)).collect();
    assert!(missing.is_empty(), "acknowledged but not found by search: {missing:?}");
    let unique: HashSet<&i64> = found.iter().collect();
    assert_eq!(unique.len(), found.len(), "a posting was indexed twice");
}

#[tokio::test]
async fn two_servers_on_one_database_find_each_others_postings_within_two_seconds() {
    let shared = tempfile::tempdir().unwrap();
    let url = database_url(shared.path(), fresh_database_url().await);
    let (data_a, data_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = start(data_a.path(), &url, free_port()).await;
    let b = start(data_b.path(), &url, free_port()).await;
    chanjiao_api::tls::install_crypto_provider();
    let client = Client::new();
    let token_a = login(&client, &a.base).await;
    let token_b = login(&client, &b.base).await;
    let body =
        json!({"publish": true, "kind": "job", "title": "跨节点同步的模具钳工", "region": "330681", "quantity": 2});
    let created: Value = client
        .post(format!("{}/api/v1/postings", a.base))
        .bearer_auth(&token_a)
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["id"].as_i64().unwrap();
    let written = Instant::now();
    loop {
        if search_ids(&client, &b.base, &token_b, "模具钳工").await.contains(&id) {
            break;
        }
        assert!(written.elapsed() < Duration::from_secs(2), "node B did not find node A's posting within 2 s");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
