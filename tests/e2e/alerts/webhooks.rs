//! Webhooks end to end: a receiver on this machine (a small axum server on a random port)
//! verifies the signature with the secret it was given; deliveries that fail, or are cut short
//! by a stopped server, are retried by the next server on the same data and end in exactly one
//! successful delivery; webhook URLs to internal addresses are refused when subscribing and
//! again when delivering, unless the host is allowed in configuration.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode as AxumStatus};
use chanjiao_api::services::alerts::{Notice, Topic, notify};
use chanjiao_api::{Application, Config};
use chanjiao_tools::demo;
use hmac::{KeyInit, Mac};
use reqwest::{Client, StatusCode};
use sea_orm::{DatabaseConnection, TransactionTrait};
use serde_json::{Value, json};

use crate::e2e::support::{DEMO_PASSWORD, fresh_database_url, problem_fields};

/// What the receiver does with the next request.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Answer {
    Status(u16),
    /// Never answers (the connection is dropped when the sender goes away).
    Hang,
}

#[derive(Clone, Debug)]
pub(crate) struct Received {
    pub(crate) headers: HashMap<String, String>,
    pub(crate) body: String,
    pub(crate) answered: Option<u16>,
}

#[derive(Clone, Default)]
pub(crate) struct Receiver {
    script: Arc<Mutex<VecDeque<Answer>>>,
    seen: Arc<Mutex<Vec<Received>>>,
}

impl Receiver {
    pub(crate) fn seen(&self) -> Vec<Received> {
        self.seen.lock().unwrap().clone()
    }
}

/// A webhook receiver on 127.0.0.1 answering as `script` says, then 200.
pub(crate) async fn start_receiver(script: &[Answer]) -> (SocketAddr, Receiver) {
    let receiver = Receiver { script: Arc::new(Mutex::new(script.iter().copied().collect())), ..Default::default() };
    let state = receiver.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let state = state.clone();
            async move {
                let answer = state.script.lock().unwrap().pop_front().unwrap_or(Answer::Status(200));
                let headers = headers
                    .iter()
                    .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or_default().to_owned()))
                    .collect();
                let answered = match answer {
                    Answer::Status(code) => Some(code),
                    Answer::Hang => None,
                };
                let body = String::from_utf8_lossy(&body).into_owned();
                state.seen.lock().unwrap().push(Received { headers, body, answered });
                match answer {
                    Answer::Status(code) => AxumStatus::from_u16(code).unwrap(),
                    Answer::Hang => {
                        tokio::time::sleep(Duration::from_secs(120)).await;
                        AxumStatus::OK
                    }
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (addr, receiver)
}

/// A server over a data directory and database that outlive it, with fast retries.
pub(crate) struct Node {
    pub(crate) base: String,
    pub(crate) db: DatabaseConnection,
    pub(crate) api: Client,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

pub(crate) async fn start_node(data_dir: &Path, database_url: Option<String>, allowed_hosts: &[&str]) -> Node {
    let mut config = Config {
        bind: "127.0.0.1:0".parse().unwrap(),
        data_dir: data_dir.to_path_buf(),
        database_url,
        ..Config::default()
    };
    config.alerts.webhook_allowed_hosts = allowed_hosts.iter().map(|h| h.to_string()).collect();
    config.alerts.webhook_retry_base_ms = 200;
    config.alerts.webhook_retry_max_ms = 1_000;
    config.alerts.webhook_lease_secs = 1;
    config.alerts.webhook_timeout_secs = 5;
    config.alerts.alerts_poll_ms = 50;
    // A stop here stands for a crash or kill: no drain period in which the attempt could finish.
    config.shutdown_drain_secs = 0;
    let app = Application::build(config).await.expect("application starts");
    let base = format!("http://{}", app.local_addr().unwrap());
    let db = app.state().db.clone();
    demo::seed(&db, &app.state().clock).await.expect("demo data");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(app.run_until(async move {
        let _ = stopped.await;
    }));
    let api = Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let node = Node { base, db, api, stop, task };
    let deadline = Instant::now() + Duration::from_secs(30);
    while !node.api.get(node.url("/readyz")).send().await.is_ok_and(|r| r.status() == StatusCode::OK) {
        assert!(Instant::now() < deadline, "the server did not become ready");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    node
}

impl Node {
    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Stops serving and all background work, as a shutdown does; sends in flight are cut.
    pub(crate) async fn stop(self) {
        let _ = self.stop.send(());
        tokio::time::timeout(Duration::from_secs(10), self.task).await.expect("server stops").unwrap().unwrap();
        self.db.close().await.ok();
        // Aborted tasks drop their handles of the search index on the runtime's next turn.
        tokio::time::sleep(Duration::from_millis(300)).await;
    }

    pub(crate) async fn login(&self, email: &str) -> String {
        let body = json!({"email": email, "password": DEMO_PASSWORD});
        let response = self.api.post(self.url("/api/v1/auth/login")).json(&body).send().await.unwrap();
        response.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned()
    }

    pub(crate) async fn subscribe(&self, token: &str, body: Value) -> reqwest::Response {
        self.api.post(self.url("/api/v1/subscriptions")).bearer_auth(token).json(&body).send().await.unwrap()
    }

    pub(crate) async fn get(&self, token: &str, path: &str) -> Value {
        let response = self.api.get(self.url(path)).bearer_auth(token).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        response.json().await.unwrap()
    }

    async fn org_of(&self, token: &str) -> i64 {
        self.get(token, "/api/v1/me").await["organization"]["id"].as_i64().unwrap()
    }

    pub(crate) async fn deliveries(&self, token: &str, subscription: i64) -> Vec<Value> {
        let log = self.get(token, &format!("/api/v1/subscriptions/{subscription}/deliveries")).await;
        log["deliveries"].as_array().unwrap().clone()
    }
}

/// Tells an organization about a proposal, the way another service would: inside its own
/// transaction.
async fn notify_proposal(db: &DatabaseConnection, organization_id: i64) {
    let txn = db.begin().await.unwrap();
    let notice = Notice {
        organization_id,
        topic: Topic::ProposalReceived,
        title_zh: "收到合作提议：数控车工学徒".into(),
        title_en: "Proposal received: CNC apprentices".into(),
        link: "/postings/1".into(),
        data: json!({"proposal_id": 7}),
    };
    notify(&txn, notice, chrono::Utc::now()).await.unwrap();
    txn.commit().await.unwrap();
}

/// Checks a delivery's signature as a receiver would: HMAC-SHA256 of "<timestamp>.<body>".
pub(crate) fn signature_is_valid(secret: &str, received: &Received) -> bool {
    let timestamp = &received.headers["x-chanjiao-timestamp"];
    let mut mac = hmac::Hmac::<sha2_v11::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{timestamp}.{}", received.body).as_bytes());
    let expected = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
    received.headers["x-chanjiao-signature"] == expected
}

pub(crate) async fn until(within: Duration, mut check: impl AsyncFnMut() -> bool) -> bool {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        if check().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    check().await
}

#[tokio::test]
async fn a_receiver_verifies_the_signature_of_a_delivery_with_its_secret() {
    let (addr, receiver) = start_receiver(&[]).await;
    let dir = tempfile::tempdir().unwrap();
    let node = start_node(dir.path(), fresh_database_url().await, &["127.0.0.1"]).await;
    let token = node.login("enterprise@demo.local").await;
    let body = json!({"kind": "webhook", "name": "ERP", "topics": ["proposal_received"],
        "webhook_url": format!("http://127.0.0.1:{}/hook", addr.port())});
    let response = node.subscribe(&token, body).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let created: Value = response.json().await.unwrap();
    let secret = created["webhook_secret"].as_str().expect("the secret is shown once").to_owned();
    let shown = node.get(&token, &format!("/api/v1/subscriptions/{}", created["id"])).await;
    assert!(shown.get("webhook_secret").is_none(), "and never again: {shown}");

    notify_proposal(&node.db, node.org_of(&token).await).await;
    assert!(until(Duration::from_secs(10), async || !receiver.seen().is_empty()).await, "delivered");
    let got = &receiver.seen()[0];
    assert!(signature_is_valid(&secret, got), "{:?}", got.headers);
    assert!(!signature_is_valid("not-the-secret", got), "a wrong secret does not verify");
    let tampered = Received { body: got.body.replace("proposal_id", "proposal_ID"), ..got.clone() };
    assert!(!signature_is_valid(&secret, &tampered), "a changed body does not verify");
    let payload: Value = serde_json::from_str(&got.body).unwrap();
    assert_eq!(payload["topic"], "proposal_received");
    assert_eq!(payload["data"]["proposal_id"], 7);
    assert_eq!(payload["link"], "/postings/1");
    assert_eq!(got.headers["content-type"], "application/json");
    let sent_at: i64 = got.headers["x-chanjiao-timestamp"].parse().unwrap();
    assert!((chrono::Utc::now().timestamp() - sent_at).abs() < 60);
    assert!(
        until(Duration::from_secs(5), async || {
            node.deliveries(&token, created["id"].as_i64().unwrap()).await[0]["state"] == "delivered"
        })
        .await
    );
    node.stop().await;
}

#[tokio::test]
async fn retries_survive_a_restart_and_end_in_exactly_one_successful_delivery() {
    // The first attempt hangs until the server stops; the second gets a 500; the third a 200.
    let (addr, receiver) = start_receiver(&[Answer::Hang, Answer::Status(500)]).await;
    let dir = tempfile::tempdir().unwrap();
    let database = fresh_database_url().await;
    let node = start_node(dir.path(), database.clone(), &["127.0.0.1"]).await;
    let token = node.login("enterprise@demo.local").await;
    let body = json!({"kind": "webhook", "topics": ["proposal_received", "proposal_expired"],
        "webhook_url": format!("http://127.0.0.1:{}/hook", addr.port())});
    let created: Value = node.subscribe(&token, body).await.json().await.unwrap();
    let (id, secret) = (created["id"].as_i64().unwrap(), created["webhook_secret"].as_str().unwrap().to_owned());
    notify_proposal(&node.db, node.org_of(&token).await).await;
    assert!(until(Duration::from_secs(10), async || receiver.seen().len() == 1).await, "first attempt sent");
    node.stop().await;

    let node = start_node(dir.path(), database, &["127.0.0.1"]).await;
    let token = node.login("enterprise@demo.local").await;
    let delivered = until(Duration::from_secs(20), async || {
        node.deliveries(&token, id).await.first().is_some_and(|d| d["state"] == "delivered")
    })
    .await;
    assert!(delivered, "{:?}", node.deliveries(&token, id).await);
    tokio::time::sleep(Duration::from_millis(1500)).await; // nothing more may arrive
    let seen = receiver.seen();
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert_eq!(seen.iter().filter(|r| r.answered == Some(200)).count(), 1, "exactly one success");
    let delivery_ids: Vec<&str> = seen.iter().map(|r| r.headers["x-chanjiao-delivery"].as_str()).collect();
    assert!(delivery_ids.iter().all(|d| *d == delivery_ids[0]), "one delivery, sent three times");
    assert!(seen.iter().all(|r| signature_is_valid(&secret, r)));
    assert!(seen.windows(2).all(|w| w[0].body == w[1].body), "the same body every time");

    let log = node.deliveries(&token, id).await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["attempts"], 3);
    assert_eq!(log[0]["response_status"], 200);
    let attempts = log[0]["attempt_log"].as_array().unwrap();
    assert_eq!(attempts.len(), 3, "{attempts:?}");
    assert!(attempts[0]["finished_at"].is_null(), "the first was cut short by the stop: {}", attempts[0]);
    assert_eq!(attempts[1]["response_status"], 500);
    assert_eq!(attempts[2]["response_status"], 200);
    node.stop().await;
}

#[tokio::test]
async fn a_delivery_that_keeps_failing_is_given_up_after_the_configured_attempts() {
    let (addr, receiver) = start_receiver(&[Answer::Status(503); 20]).await;
    let dir = tempfile::tempdir().unwrap();
    let node = start_node(dir.path(), fresh_database_url().await, &["127.0.0.1"]).await;
    let token = node.login("enterprise@demo.local").await;
    let body = json!({"kind": "webhook", "topics": ["proposal_received"],
        "webhook_url": format!("http://127.0.0.1:{}/hook", addr.port())});
    let id = node.subscribe(&token, body).await.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let start = Instant::now();
    notify_proposal(&node.db, node.org_of(&token).await).await;
    // 8 attempts with waits of 0.2, 0.4, 0.8 and then 1 s (the cap).
    let failed = until(Duration::from_secs(20), async || {
        node.deliveries(&token, id).await.first().is_some_and(|d| d["state"] == "failed")
    })
    .await;
    assert!(failed);
    assert!(start.elapsed() >= Duration::from_millis(200 + 400 + 800 + 4 * 1000), "waits grew: {:?}", start.elapsed());
    assert_eq!(receiver.seen().len(), 8);
    let log = node.deliveries(&token, id).await;
    assert_eq!(log[0]["attempts"], 8);
    assert_eq!(log[0]["last_error"], "answered HTTP 503");
    node.stop().await;
}

#[tokio::test]
async fn webhook_urls_to_internal_addresses_are_refused_unless_their_host_is_allowed() {
    let (addr, _receiver) = start_receiver(&[]).await;
    let dir = tempfile::tempdir().unwrap();
    let node = start_node(dir.path(), fresh_database_url().await, &[]).await;
    let token = node.login("enterprise@demo.local").await;
    let port = addr.port();
    for url in [
        format!("http://127.0.0.1:{port}/hook"),
        "http://10.0.0.1/hook".to_owned(),
        "http://169.254.169.254/latest/meta-data/".to_owned(),
        format!("http://[::1]:{port}/hook"),
        format!("http://localhost:{port}/hook"),
        "http://0x7f000001/".to_owned(),
        "http://[::ffff:127.0.0.1]/".to_owned(),
        "http://metadata.google.internal/computeMetadata/v1/".to_owned(),
        "ftp://example.com/hook".to_owned(),
        "file:///etc/passwd".to_owned(),
    ] {
        let response =
            node.subscribe(&token, json!({"kind": "webhook", "topics": ["new_match"], "webhook_url": url})).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{url}");
        let problem: Value = response.json().await.unwrap();
        assert_eq!(problem["errors"][0]["field"], "webhook_url", "{url}");
        assert_eq!(problem["errors"][0]["code"], "not_allowed", "{url}");
        assert!(problem["errors"][0]["reason"].as_str().unwrap().contains("webhook URLs"), "{problem}");
    }
    let listed = node.get(&token, "/api/v1/subscriptions").await;
    assert!(listed["subscriptions"].as_array().unwrap().is_empty(), "nothing was saved");
    node.stop().await;

    // An administrator allows the local receiver: it may be used, and nothing else is opened.
    let dir = tempfile::tempdir().unwrap();
    let node = start_node(dir.path(), fresh_database_url().await, &["127.0.0.1", "localhost"]).await;
    let token = node.login("enterprise@demo.local").await;
    for url in [format!("http://127.0.0.1:{port}/hook"), format!("http://localhost:{port}/hook")] {
        let response =
            node.subscribe(&token, json!({"kind": "webhook", "topics": ["new_match"], "webhook_url": url})).await;
        assert_eq!(response.status(), StatusCode::CREATED, "{url}");
    }
    for url in ["http://10.0.0.1/hook", "http://169.254.169.254/", "http://[::1]/"] {
        let response =
            node.subscribe(&token, json!({"kind": "webhook", "topics": ["new_match"], "webhook_url": url})).await;
        assert_eq!(problem_fields(response).await, ["webhook_url"], "{url}");
    }
    node.stop().await;
}

#[tokio::test]
async fn the_address_policy_is_applied_again_when_delivering() {
    let (addr, receiver) = start_receiver(&[]).await;
    let dir = tempfile::tempdir().unwrap();
    let database = fresh_database_url().await;
    let node = start_node(dir.path(), database.clone(), &["localhost"]).await;
    let token = node.login("enterprise@demo.local").await;
    let body = json!({"kind": "webhook", "topics": ["proposal_received"],
        "webhook_url": format!("http://localhost:{}/hook", addr.port())});
    let id = node.subscribe(&token, body).await.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    node.stop().await;

    // The host is no longer allowed: the delivery is refused, not sent, and not retried.
    let node = start_node(dir.path(), database, &[]).await;
    let token = node.login("enterprise@demo.local").await;
    notify_proposal(&node.db, node.org_of(&token).await).await;
    let failed = until(Duration::from_secs(10), async || {
        node.deliveries(&token, id).await.first().is_some_and(|d| d["state"] == "failed")
    })
    .await;
    assert!(failed);
    let log = node.deliveries(&token, id).await;
    assert_eq!(log[0]["attempts"], 1);
    assert!(log[0]["last_error"].as_str().unwrap().contains("loopback"), "{}", log[0]);
    assert!(receiver.seen().is_empty(), "nothing reached the receiver");
    node.stop().await;
}
