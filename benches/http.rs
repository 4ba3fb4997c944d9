//! HTTP load benchmark: the real server in release mode on a PostgreSQL database of generated
//! postings, driven closed-loop through HTTP, beside the same search mix answered by PostgreSQL
//! full-text search behind an equivalent endpoint, in the same run.
//!
//! ```text
//! cargo bench --bench http -- [--docs 1000000] [--concurrency 1,8,32] [--seconds 20] [--warmup 5]
//!     [--pg-url postgres://postgres@127.0.0.1:5432/postgres] [--seed 42] [--timeout 60] [--keep]
//! ```
//!
//! Set-up ([`seed`]): the database `chanjiao_bench_http` made afresh, migrated with the platform's
//! migrations, the demo organizations and accounts, the reference data, and `--docs` postings of
//! the search benchmark's generator in multi-row inserts. The server (`chanjiao serve`, built by
//! the benchmark) starts on it with an empty data directory and rebuilds its index from the
//! database; the load time and the rebuild time (start to `/readyz` 200, and start to the
//! rebuild's end in its log) are printed. `--keep` keeps the database and the data directory
//! (in the temporary directory, named after the database), so that a second run with the same
//! `--docs` and `--seed` starts at once. The per-client rate limits are off for the run.
//!
//! Workloads, each at every concurrency (closed loop, see [`drive`]):
//! - `GET /api/v1/search`, anonymous, the search benchmark's 48-query mix;
//! - the same, signed in (the demo enterprise's session token);
//! - `GET /api/v1/postings/{id}/matches`, signed in, 200 postings spread evenly over the ids;
//! - the PostgreSQL peer ([`peer`]) with the same mix.
//!
//! Printed: one Markdown row per workload and concurrency (requests measured, how many distinct
//! ones of the workload's list, throughput, p50, p99, errors, and each kind of error), the
//! platform/peer throughput ratio at each concurrency, and the server's memory (VmRSS split into
//! RssAnon and RssFile, VmHWM)
//! after loading and after each workload, with the index's size on disk. Needs a PostgreSQL
//! server; downloads nothing. The whole run is capped (`--cap-minutes`, default 120).

#[allow(dead_code)]
#[path = "search/corpus.rs"]
mod corpus;
#[path = "http/drive.rs"]
mod drive;
#[path = "search/input.rs"]
mod input;
#[allow(dead_code)]
#[path = "../tests/e2e/operations/node.rs"]
mod node;
#[path = "http/peer.rs"]
mod peer;
#[allow(dead_code)]
#[path = "search/peers.rs"]
mod peers;
#[allow(dead_code)]
#[path = "search/queries.rs"]
mod queries;
#[path = "http/seed.rs"]
mod seed;
// The demo's sentence banks, which the generator writes from.
use chanjiao_tools::demo::{texts, texts_enterprise, texts_school};

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::{Client, Url};
use sea_orm::{ConnectionTrait, Database, Statement};
use serde_json::{Value, json};

use crate::drive::{Outcome, Request};
use crate::queries::BenchQuery;

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

const DATABASE: &str = "chanjiao_bench_http";
const MATCH_SUBJECTS: usize = 200;
/// The order the search mix is sent in (the same for the platform and the peer).
const MIX_ORDER_SEED: u64 = 19;

struct Args {
    docs: usize,
    concurrency: Vec<usize>,
    seconds: u64,
    warmup: u64,
    pg_url: String,
    seed: u64,
    timeout: u64,
    cap_minutes: u64,
    keep: bool,
}

fn args() -> Args {
    let mut args = Args {
        docs: 1_000_000,
        concurrency: vec![1, 8, 32],
        seconds: 20,
        warmup: 5,
        pg_url: "postgres://postgres@127.0.0.1:5432/postgres".into(),
        seed: 42,
        timeout: 60,
        cap_minutes: 120,
        keep: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| panic!("{flag} needs a value")).replace('_', "");
        match flag.as_str() {
            "--docs" => args.docs = value().parse().expect("--docs N"),
            "--concurrency" => {
                args.concurrency = value().split(',').map(|c| c.trim().parse().expect("--concurrency 1,8,32")).collect()
            }
            "--seconds" => args.seconds = value().parse().expect("--seconds S"),
            "--warmup" => args.warmup = value().parse().expect("--warmup S"),
            "--pg-url" => args.pg_url = it.next().expect("--pg-url URL"),
            "--seed" => args.seed = value().parse().expect("--seed N"),
            "--timeout" => args.timeout = value().parse().expect("--timeout S"),
            "--cap-minutes" => args.cap_minutes = value().parse().expect("--cap-minutes M"),
            "--keep" => args.keep = true,
            "--bench" => {}
            other => panic!("unknown argument {other}"),
        }
    }
    args
}

/// Ends the process (and the server it started) when the run exceeds its cap.
fn watchdog(cap: Duration, server: Arc<std::sync::Mutex<Option<u32>>>) {
    std::thread::spawn(move || {
        std::thread::sleep(cap);
        eprintln!("the run exceeded its cap of {} minutes: stopping", cap.as_secs() / 60);
        if let Some(pid) = *server.lock().unwrap_or_else(|p| p.into_inner()) {
            let _ = std::process::Command::new("kill").arg("-KILL").arg(pid.to_string()).status();
        }
        std::process::exit(2);
    });
}

/// The query string the platform's search API takes for a query of the mix.
fn api_params(query: &BenchQuery) -> Vec<(&'static str, String)> {
    let mut params = vec![("q", query.q.to_owned())];
    if let Some(kind) = query.kind {
        params.push(("kind", kind.as_str().to_owned()));
    }
    if let Some(region) = query.region {
        params.push(("region", region.to_owned()));
    }
    if let Some(cluster) = query.cluster {
        params.push(("cluster", cluster.to_owned()));
    }
    params
}

/// The search mix as requests, in the shuffled order every search workload shares.
fn search_requests(base: &str, path: &str, extra: &[(&str, &str)], bearer: Option<&str>) -> Vec<Request> {
    drive::shuffled(queries::mix(), MIX_ORDER_SEED)
        .iter()
        .map(|query| {
            let mut params = api_params(query);
            params.extend(extra.iter().map(|(k, v)| (*k, v.to_string())));
            let url = Url::parse_with_params(&format!("{base}{path}"), &params).expect("a valid URL");
            Request { url, bearer: bearer.map(str::to_owned) }
        })
        .collect()
}

async fn login(client: &Client, base: &str, email: &str) -> Result<String, BoxError> {
    let response = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": email, "password": "chanjiao-demo"}))
        .send()
        .await?;
    let status = response.status();
    let body: Value = response.json().await?;
    Ok(body["token"].as_str().ok_or_else(|| format!("login of {email}: {status} {body}"))?.to_owned())
}

/// `MATCH_SUBJECTS` published posting ids spread evenly over the table.
async fn match_subjects(url: &str) -> Result<Vec<i64>, BoxError> {
    let db = Database::connect(url).await?;
    let sql = format!(
        "SELECT min(id) AS id FROM (SELECT id, ntile({MATCH_SUBJECTS}) OVER (ORDER BY id) AS bucket \
         FROM postings WHERE status = 'published') t GROUP BY bucket ORDER BY 1"
    );
    let rows = db.query_all_raw(Statement::from_string(db.get_database_backend(), sql)).await?;
    let ids = rows.iter().map(|r| r.try_get::<i64>("", "id")).collect::<Result<Vec<_>, _>>()?;
    db.close().await?;
    Ok(ids)
}

/// Waits for the indexer's "search index rebuilt" line in the server's log; returns its count.
async fn rebuilt(node: &node::Node, limit: Duration) -> Option<u64> {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        let log = std::fs::read_to_string(node.log_path()).unwrap_or_default();
        if let Some(line) = log.lines().find(|l| l.contains("search index rebuilt")) {
            let count = line.split("count=").nth(1).and_then(|c| c.split_whitespace().next()?.parse().ok());
            return count.or(Some(0));
        }
        if log.contains("search index rebuild failed") {
            eprintln!("the server's rebuild failed:\n{}", node.log_tail());
            return None;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    None
}

/// Waits until the server answers `/readyz` with 200; returns how long that took.
async fn wait_ready(client: &Client, node: &node::Node, limit: Duration) -> Result<Duration, BoxError> {
    let start = Instant::now();
    loop {
        if let Ok(response) = client.get(format!("{}/readyz", node.base())).send().await
            && response.status().is_success()
        {
            return Ok(start.elapsed());
        }
        let state = node.pid().and_then(|pid| std::fs::read_to_string(format!("/proc/{pid}/status")).ok());
        if state.is_none_or(|s| s.contains("State:\tZ")) {
            return Err(format!("the server exited before it was ready:\n{}", node.log_tail()).into());
        }
        if start.elapsed() > limit {
            return Err(format!("the server was not ready within {} s:\n{}", limit.as_secs(), node.log_tail()).into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn row(name: &str, concurrency: usize, outcome: &Outcome, distinct: usize) -> String {
    format!(
        "| {name} | {concurrency} | {} | {} of {distinct} | {:.1} | {:.2} | {:.2} | {} |",
        outcome.requests(),
        outcome.covered.len(),
        outcome.throughput(),
        outcome.percentile_ms(50.0),
        outcome.percentile_ms(99.0),
        outcome.errors
    )
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let args = args();
    chanjiao_api::tls::install_crypto_provider();
    let server_pid = Arc::new(std::sync::Mutex::new(None));
    watchdog(Duration::from_secs(args.cap_minutes * 60), server_pid.clone());
    let url = seed::url_of(&args.pg_url, DATABASE);
    let data_dir: PathBuf = std::env::temp_dir().join(DATABASE);
    let reuse = args.keep && seed::already_loaded(&args.pg_url, DATABASE, args.docs, args.seed).await;

    let started = Instant::now();
    let docs = corpus::Generator::new().generate(args.docs, args.seed);
    eprintln!("generated {} postings in {:.1} s", docs.len(), started.elapsed().as_secs_f64());
    let load_line = if reuse {
        format!("kept from an earlier run (`--keep`): database {DATABASE}, data directory {}", data_dir.display())
    } else {
        let _ = std::fs::remove_dir_all(&data_dir);
        seed::recreate(&args.pg_url, DATABASE).await?;
        let loaded = seed::load(&url, &docs, args.seed).await?;
        let insert = loaded.insert.as_secs_f64();
        format!(
            "{} postings (of {} generated) inserted in {insert:.1} s ({:.0} postings/s); before them migrations, \
             demo organizations and reference data {:.1} s, after them statistics facts and `VACUUM ANALYZE` {:.1} s",
            loaded.postings,
            docs.len(),
            loaded.postings as f64 / insert,
            loaded.setup.as_secs_f64(),
            loaded.after.as_secs_f64()
        )
    };
    eprintln!("platform database: {load_line}");
    let started = Instant::now();
    let postgres = peers::Postgres::load(&args.pg_url, &docs).await?;
    let peer_load = started.elapsed();
    let peer_size = postgres.size_bytes().await.unwrap_or(0);
    let peer_database = postgres.database.clone();
    eprintln!("peer database {peer_database}: {} postings in {:.1} s", docs.len(), peer_load.as_secs_f64());
    drop(docs);
    let peer_base = peer::start(postgres).await?;

    std::fs::create_dir_all(&data_dir)?;
    let env = [
        ("CHANJIAO_RATE_LIMIT_SEARCH_PER_MINUTE", "0"),
        ("CHANJIAO_RATE_LIMIT_MATCH_PER_MINUTE", "0"),
        ("CHANJIAO_RATE_LIMIT_LOGIN_PER_MINUTE", "0"),
        ("CHANJIAO_RATE_LIMIT_API_KEY_PER_MINUTE", "0"),
        ("CHANJIAO_SHUTDOWN_DRAIN_SECS", "0"),
        // The indexer's info lines (the rebuild's end); everything else at warn, as node.rs has it.
        ("RUST_LOG", "warn,chanjiao_api::indexer=info"),
    ];
    let _ = std::fs::remove_file(data_dir.join("node.log"));
    let client = Client::builder().timeout(Duration::from_secs(args.timeout)).pool_max_idle_per_host(256).build()?;
    let index_dir = data_dir.join("index");
    // The server opens a kept index of its own schema that has committed as it is, and rebuilds
    // anything else (none, another schema or analyser version, a first build cut short).
    let kept_index = match chanjiao_search::inspect(&index_dir)? {
        chanjiao_search::IndexState::Present { last_seq: Some(_), docs, .. } => Some(docs),
        _ => None,
    };
    let expect_rebuild = kept_index.is_none();
    let start = Instant::now();
    let node = node::Node::spawn(&data_dir, Some(&url), &env, false);
    *server_pid.lock().unwrap_or_else(|p| p.into_inner()) = node.pid();
    let cap = Duration::from_secs(args.cap_minutes * 60);
    let ready = wait_ready(&client, &node, cap).await?;
    let rebuild = if expect_rebuild {
        let count = rebuilt(&node, cap).await.ok_or("the server did not finish rebuilding its index")?;
        Some((count, start.elapsed()))
    } else {
        None
    };
    let pid = node.pid().expect("the server runs");

    let mix_len = queries::mix().len();
    let enterprise = login(&client, &node.base(), "enterprise@demo.local").await?;
    let anonymous = Arc::new(search_requests(&node.base(), "/api/v1/search", &[("limit", "20")], None));
    let signed_in = Arc::new(search_requests(&node.base(), "/api/v1/search", &[("limit", "20")], Some(&enterprise)));
    let peer_requests = Arc::new(search_requests(&peer_base, "/search", &[], None));
    let subjects = match_subjects(&url).await?;
    let matches: Arc<Vec<Request>> = Arc::new(drive::shuffled(
        subjects
            .iter()
            .map(|id| Request {
                url: Url::parse(&format!("{}/api/v1/postings/{id}/matches", node.base())).expect("a valid URL"),
                bearer: Some(enterprise.clone()),
            })
            .collect(),
        MIX_ORDER_SEED,
    ));

    println!("## HTTP load at {} postings\n", args.docs);
    println!("- Platform database: {load_line}.");
    println!(
        "- PostgreSQL peer: {} postings loaded and indexed (GIN) in {:.1} s, {:.0} MiB on disk.",
        args.docs,
        peer_load.as_secs_f64(),
        mib(peer_size)
    );
    match rebuild {
        Some((count, took)) => {
            println!(
                "- Server start to `/readyz` 200: {:.1} s; to the end of the index rebuild ({count} published \
                 postings indexed): {:.1} s ({:.0} postings/s).",
                ready.as_secs_f64(),
                took.as_secs_f64(),
                count as f64 / took.as_secs_f64()
            );
            if ready < took {
                println!(
                    "  `/readyz` said 200 {:.1} s before the rebuild ended, with part of the postings searchable.",
                    (took - ready).as_secs_f64()
                );
            }
        }
        None => println!(
            "- Server start to `/readyz` 200: {:.1} s (index of {} postings kept, no rebuild).",
            ready.as_secs_f64(),
            kept_index.unwrap_or_default()
        ),
    }
    let loaded = drive::memory_mib(pid).row("loading", mib(drive::dir_bytes(&index_dir)));
    println!(
        "- Closed loop: {} s warm-up, then {} s measured per row; client timeout {} s; search mix of {mix_len} \
         queries, matches of {} postings.\n",
        args.warmup,
        args.seconds,
        args.timeout,
        subjects.len()
    );

    let workloads: [(&str, &Arc<Vec<Request>>); 4] = [
        ("`GET /api/v1/search`, anonymous", &anonymous),
        ("`GET /api/v1/search`, signed in", &signed_in),
        ("`GET /api/v1/postings/{id}/matches`, signed in", &matches),
        ("PostgreSQL FTS peer, `GET /search`", &peer_requests),
    ];
    let (warmup, measured) = (Duration::from_secs(args.warmup), Duration::from_secs(args.seconds));
    let mut rows = Vec::new();
    let mut memory = Vec::new();
    let mut throughput = std::collections::HashMap::new();
    let mut failures = Vec::new();
    for (name, requests) in workloads {
        let mut next = 0;
        for &c in &args.concurrency {
            let (outcome, after) = drive::closed_loop(&client, requests.clone(), next, c, warmup, measured).await;
            next = after;
            let line = row(name, c, &outcome, requests.len());
            eprintln!("{line}");
            rows.push(line);
            throughput.insert((name, c), outcome.throughput());
            for (kind, (n, example)) in &outcome.error_kinds {
                failures.push(format!("- {name}, concurrency {c}: {n} × {kind}: {example}"));
            }
        }
        memory.push(drive::memory_mib(pid).row(name, mib(drive::dir_bytes(&index_dir))));
    }
    println!("| Workload | Concurrency | Requests | Distinct requests | req/s | p50 ms | p99 ms | Errors |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for line in &rows {
        println!("{line}");
    }
    println!("\n| Concurrency | search anonymous / peer | search signed in / peer |");
    println!("|---:|---:|---:|");
    let peer_name = workloads[3].0;
    for &c in &args.concurrency {
        let peer = throughput[&(peer_name, c)];
        let ratio = |name: &str| throughput[&(name, c)] / peer;
        println!("| {c} | ×{:.1} | ×{:.1} |", ratio(workloads[0].0), ratio(workloads[1].0));
    }
    println!(
        "\n| Server memory | VmRSS MiB | of it RssAnon | of it RssFile (mapped index) | VmHWM MiB | index on disk MiB |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    println!("{loaded}");
    for line in &memory {
        println!("{line}");
    }
    if failures.is_empty() {
        println!("\nErrors: none.");
    } else {
        println!("\nErrors (each kind once, with an example):");
        for failure in &failures {
            println!("{failure}");
        }
    }

    let mut node = node;
    node.terminate(&client).await;
    *server_pid.lock().unwrap_or_else(|p| p.into_inner()) = None;
    let admin = Database::connect(args.pg_url.as_str()).await?;
    admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {peer_database} WITH (FORCE)")).await?;
    if !args.keep {
        seed::drop_database(&args.pg_url, DATABASE).await?;
        let _ = std::fs::remove_dir_all(&data_dir);
    }
    Ok(())
}
