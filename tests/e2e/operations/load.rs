//! A steady, realistic mix of requests at a fixed rate, for the rolling-restart test and the
//! soak benchmark (`benches/soak.rs` includes this file): anonymous search (API and page),
//! posting pages, signed-in listings, posting writes (create, edit, close), proposals and small
//! spreadsheet imports. Every simulated visitor has an address of its own in TEST-NET-3, sent as
//! `X-Forwarded-For` (nginx appends its peer; the nodes trust the proxy and see the visitor), so
//! the per-client rate limits apply as they would to real visitors.
//!
//! A request fails when it gets no answer or a status the operation does not expect; failures
//! are kept with what was sent, so a test can say which request broke.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use reqwest::multipart::{Form, Part};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};
use tokio::sync::{Mutex, Semaphore};

/// One kind of request of the mix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    SearchApi,
    SearchPage,
    PostingPage,
    SignedInList,
    CreatePosting,
    EditPosting,
    ClosePosting,
    Propose,
    Import,
}

impl Op {
    /// The mix, by weight out of 100.
    const MIX: [(Op, u64); 9] = [
        (Op::SearchApi, 30),
        (Op::SearchPage, 15),
        (Op::PostingPage, 15),
        (Op::SignedInList, 15),
        (Op::CreatePosting, 10),
        (Op::EditPosting, 6),
        (Op::ClosePosting, 3),
        (Op::Propose, 5),
        (Op::Import, 1),
    ];

    fn nth(n: u64) -> Op {
        // A fixed permutation of 0..100 spreads the kinds evenly over time.
        let mut slot = (n * 37) % 100;
        for (op, weight) in Op::MIX {
            if slot < weight {
                return op;
            }
            slot -= weight;
        }
        Op::SearchApi
    }
}

#[derive(Debug, Clone)]
pub struct Failure {
    pub op: Op,
    pub at: Duration,
    pub what: String,
}

/// What a run measured.
#[derive(Debug, Default)]
pub struct Report {
    pub sent: u64,
    pub latencies_ms: Vec<f64>,
    pub failures: Vec<Failure>,
    /// Ticks skipped because as many requests as allowed were already in flight.
    pub skipped: u64,
}

impl Report {
    pub fn percentile(&self, p: f64) -> f64 {
        let mut sorted = self.latencies_ms.clone();
        sorted.sort_by(f64::total_cmp);
        if sorted.is_empty() {
            return 0.0;
        }
        sorted[((sorted.len() - 1) as f64 * p).round() as usize]
    }
}

/// Who the mix acts as: the demo enterprise (writes, listings), the demo school (proposals to
/// the enterprise's needs), and the posting ids it opens and answers.
pub struct Actors {
    pub enterprise: String,
    pub school: String,
    /// A published school program offer the school proposes from.
    pub offer: i64,
    /// Published enterprise needs, for pages and proposals.
    pub needs: Vec<i64>,
}

pub async fn login(client: &Client, base: &str, email: &str) -> String {
    let body: Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": email, "password": "chanjiao-demo"}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("login body");
    body["token"].as_str().expect("a token").to_owned()
}

/// Signs the actors in and makes the postings the mix works on.
pub async fn prepare(client: &Client, base: &str) -> Actors {
    let enterprise = login(client, base, "enterprise@demo.local").await;
    let school = login(client, base, "school@demo.local").await;
    let offer = json!({"publish": true, "kind": "program_offering", "title": "数控技术专业（负载）", "region": "330602",
        "quantity": 40, "program_codes": ["460103"], "education_level": "gaozhi_zhuanke", "ends_on": "2099-06-30"});
    let offer = create(client, base, &school, &offer).await;
    let mut needs = Vec::new();
    for n in 0..5 {
        needs.push(create(client, base, &enterprise, &need(n)).await);
    }
    Actors { enterprise, school, offer, needs }
}

fn need(n: u64) -> Value {
    json!({"publish": true, "kind": "apprenticeship", "title": format!("数控车工学徒 {n}"), "region": "330603",
        "quantity": 5, "apprenticeship_type": "modern", "program_codes": ["460103"],
        "education_level": "gaozhi_zhuanke", "ends_on": "2099-06-30"})
}

async fn create(client: &Client, base: &str, token: &str, body: &Value) -> i64 {
    let response = client.post(format!("{base}/api/v1/postings")).bearer_auth(token).json(body).send().await.unwrap();
    let status = response.status();
    let answer: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "creating {body}: {answer}");
    answer["id"].as_i64().unwrap()
}

/// Sends one request of kind `op`; `Err` says why it failed.
async fn send(
    client: &Client,
    base: &str,
    actors: &Actors,
    op: Op,
    n: u64,
    created: &Mutex<Vec<i64>>,
) -> Result<(), String> {
    let visitor = format!("203.0.113.{}", n % 250 + 1);
    let need = actors.needs[(n as usize) % actors.needs.len()];
    let request = |method: Method, path: String| {
        client.request(method, format!("{base}{path}")).header("x-forwarded-for", visitor.clone())
    };
    let (builder, expected) = match op {
        Op::SearchApi => (request(Method::GET, "/api/v1/search?q=数控&limit=10".into()), StatusCode::OK),
        Op::SearchPage => (request(Method::GET, "/search?q=机械".into()), StatusCode::OK),
        Op::PostingPage => (request(Method::GET, format!("/postings/{need}")), StatusCode::OK),
        Op::SignedInList => {
            (request(Method::GET, "/api/v1/postings?limit=20".into()).bearer_auth(&actors.enterprise), StatusCode::OK)
        }
        Op::CreatePosting => {
            let body = json!({"publish": n.is_multiple_of(2), "kind": "job", "title": format!("负载测试岗位 {n}"),
                "region": "330603", "quantity": 1});
            let response = request(Method::POST, "/api/v1/postings".into())
                .bearer_auth(&actors.enterprise)
                .json(&body)
                .send()
                .await
                .map_err(|e| e.to_string())?;
            if response.status() != StatusCode::CREATED {
                return Err(format!("status {}", response.status()));
            }
            let id = response.json::<Value>().await.map_err(|e| e.to_string())?["id"].as_i64().unwrap_or_default();
            created.lock().await.push(id);
            return Ok(());
        }
        Op::EditPosting | Op::ClosePosting => {
            let Some(id) = created.lock().await.pop() else { return Ok(()) };
            if op == Op::EditPosting {
                let body = json!({"description": format!("第 {n} 次修改")});
                (
                    request(Method::PATCH, format!("/api/v1/postings/{id}"))
                        .bearer_auth(&actors.enterprise)
                        .json(&body),
                    StatusCode::OK,
                )
            } else {
                (
                    request(Method::POST, format!("/api/v1/postings/{id}/close")).bearer_auth(&actors.enterprise),
                    StatusCode::OK,
                )
            }
        }
        Op::Propose => {
            let body = json!({"from_posting_id": actors.offer, "to_posting_id": need,
                "message": format!("负载测试提议 {n}"), "quantity": 1});
            (
                request(Method::POST, "/api/v1/proposals".into()).bearer_auth(&actors.school).json(&body),
                StatusCode::CREATED,
            )
        }
        Op::Import => {
            let csv = format!(
                "类型,标题,描述,技能,地区代码,开始日期,结束日期,数量,学历层次,专业代码,产业集群,状态\n\
                 岗位需求,导入岗位 {n},,,330603,,2099-01-01,1,,,,草稿\n"
            );
            let form = Form::new().part("file", Part::bytes(csv.into_bytes()).file_name("load.csv"));
            (
                request(Method::POST, "/api/v1/postings/import".into()).bearer_auth(&actors.enterprise).multipart(form),
                StatusCode::CREATED,
            )
        }
    };
    let response = builder.send().await.map_err(|e| e.to_string())?;
    let status = response.status();
    // Proposals between the same two postings may already be open: a 409 is the platform
    // answering correctly, not a failure.
    if status == expected || (op == Op::Propose && status == StatusCode::CONFLICT) {
        Ok(())
    } else {
        let body = response.text().await.unwrap_or_default();
        Err(format!("status {status}: {}", body.chars().take(200).collect::<String>()))
    }
}

/// Sends the mix at `rate` requests per second until `stop` resolves, with at most `in_flight`
/// requests outstanding; a tick that finds them all busy is skipped (and counted), so a slow
/// server is measured rather than buried.
pub async fn run(
    client: Client,
    base: String,
    actors: Arc<Actors>,
    rate: f64,
    in_flight: usize,
    stop: impl Future<Output = ()>,
) -> Report {
    let report = Arc::new(Mutex::new(Report::default()));
    let created = Arc::new(Mutex::new(Vec::new()));
    let permits = Arc::new(Semaphore::new(in_flight));
    let counter = AtomicU64::new(0);
    let started = Instant::now();
    let mut ticks = tokio::time::interval(Duration::from_secs_f64(1.0 / rate));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tokio::pin!(stop);
    loop {
        tokio::select! {
            _ = &mut stop => break,
            _ = ticks.tick() => {}
        }
        let Ok(permit) = permits.clone().try_acquire_owned() else {
            report.lock().await.skipped += 1;
            continue;
        };
        let n = counter.fetch_add(1, Ordering::Relaxed);
        let op = Op::nth(n);
        let (client, base, actors, report, created) =
            (client.clone(), base.clone(), actors.clone(), report.clone(), created.clone());
        tokio::spawn(async move {
            let begun = Instant::now();
            let outcome = send(&client, &base, &actors, op, n, &created).await;
            let mut report = report.lock().await;
            report.sent += 1;
            report.latencies_ms.push(begun.elapsed().as_secs_f64() * 1000.0);
            if let Err(what) = outcome {
                report.failures.push(Failure { op, at: started.elapsed(), what });
            }
            drop(permit);
        });
    }
    // Let the requests in flight finish.
    let _ = permits.acquire_many(in_flight as u32).await;
    Arc::try_unwrap(report).map(Mutex::into_inner).unwrap_or_default()
}
