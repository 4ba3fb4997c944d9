//! Soak test: two `chanjiao serve` nodes on one PostgreSQL database behind nginx (the documented
//! site file), a realistic mix at a fixed rate for ten minutes — anonymous search (API and page),
//! posting pages, signed-in listings, posting writes, proposals, spreadsheet imports (the mix of
//! `tests/e2e/operations/load.rs`) — printing per minute the throughput, p50/p99 latency, errors
//! and each node's resident memory, then whether memory grew after the warm-up.
//!
//! ```text
//! cargo bench --bench soak -- [--minutes 10] [--rate 50] [--pg-url postgres://postgres@127.0.0.1:5432/postgres]
//! ```
//!
//! Needs nginx and openssl (Debian: nginx, openssl) and a PostgreSQL server. Not part of CI's
//! run: it takes the minutes it is asked for. The recorded run is in docs/benchmarks.md.

#[path = "../tests/e2e/operations/load.rs"]
#[allow(dead_code)]
mod load;
#[path = "../tests/e2e/operations/nginx.rs"]
#[allow(dead_code)]
mod nginx;
#[path = "../tests/e2e/operations/node.rs"]
#[allow(dead_code)]
mod node;

use std::sync::Arc;
use std::time::Duration;

use reqwest::Client;
use sea_orm::{ConnectionTrait, Database};

struct Args {
    minutes: u64,
    rate: f64,
    pg_url: String,
}

fn args() -> Args {
    let mut args = Args { minutes: 10, rate: 50.0, pg_url: "postgres://postgres@127.0.0.1:5432/postgres".into() };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--minutes" => args.minutes = value().parse().expect("--minutes N"),
            "--rate" => args.rate = value().parse().expect("--rate R"),
            "--pg-url" => args.pg_url = value(),
            "--bench" => {}
            other => panic!("unknown argument {other}"),
        }
    }
    args
}

/// Resident memory of a process in MiB, from /proc.
fn rss_mib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kib: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    kib / 1024.0
}

#[tokio::main]
async fn main() {
    let args = args();
    chanjiao_api::tls::install_crypto_provider();
    let name = format!("chanjiao_soak_{}", std::process::id());
    let admin = Database::connect(args.pg_url.as_str()).await.expect("connect to PostgreSQL");
    admin.execute_unprepared(&format!("CREATE DATABASE \"{name}\"")).await.expect("create the soak database");
    let prefix = &args.pg_url[..args.pg_url.rfind('/').expect("a database URL with a path")];
    let url = format!("{prefix}/{name}");

    let env = [("CHANJIAO_TRUSTED_PROXIES", "127.0.0.1"), ("CHANJIAO_SHUTDOWN_DRAIN_SECS", "1")];
    let dirs: Vec<tempfile::TempDir> = (0..2).map(|_| tempfile::tempdir().unwrap()).collect();
    let mut nodes: Vec<node::Node> =
        dirs.iter().enumerate().map(|(i, d)| node::Node::spawn(d.path(), Some(&url), &env, i == 0)).collect();
    let direct = Client::new();
    for n in &mut nodes {
        n.ready(&direct).await;
    }
    let upstream: Vec<(u16, bool)> = nodes.iter().map(|n| (n.port, false)).collect();
    let binary = nginx::binary().expect("nginx is needed (apt-get install nginx)");
    let proxy = nginx::Nginx::start(binary, &upstream, node::free_port(), node::free_port());
    let client = Client::builder().tls_danger_accept_invalid_certs(true).build().unwrap();
    let actors = Arc::new(load::prepare(&client, &proxy.base()).await);

    println!("soak: 2 nodes behind nginx on PostgreSQL, {} req/s for {} min", args.rate, args.minutes);
    println!("| minute | requests | req/s | p50 ms | p99 ms | errors | skipped | node 1 RSS MiB | node 2 RSS MiB |");
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mut totals = load::Report::default();
    let mut rss: Vec<(f64, f64)> = Vec::new();
    for minute in 1..=args.minutes {
        let report = load::run(client.clone(), proxy.base(), actors.clone(), args.rate, 64, async {
            tokio::time::sleep(Duration::from_secs(60)).await;
        })
        .await;
        let memory: Vec<f64> = nodes.iter().map(|n| n.pid().map(rss_mib).unwrap_or(0.0)).collect();
        rss.push((memory[0], memory[1]));
        println!(
            "| {minute} | {} | {:.1} | {:.1} | {:.1} | {} | {} | {:.0} | {:.0} |",
            report.sent,
            report.sent as f64 / 60.0,
            report.percentile(0.5),
            report.percentile(0.99),
            report.failures.len(),
            report.skipped,
            memory[0],
            memory[1]
        );
        for failure in report.failures.iter().take(5) {
            println!("  error: {failure:?}");
        }
        totals.sent += report.sent;
        totals.skipped += report.skipped;
        totals.latencies_ms.extend(report.latencies_ms);
        totals.failures.extend(report.failures);
    }
    println!(
        "\ntotal: {} requests, {:.1} req/s, p50 {:.1} ms, p99 {:.1} ms, {} errors, {} skipped",
        totals.sent,
        totals.sent as f64 / (60 * args.minutes) as f64,
        totals.percentile(0.5),
        totals.percentile(0.99),
        totals.failures.len(),
        totals.skipped
    );
    // Growth after the warm-up: the last minute against the second.
    if rss.len() >= 3 {
        let (first, last) = (rss[1], rss[rss.len() - 1]);
        println!(
            "memory after warm-up (minute 2 → minute {}): node 1 {:.0} → {:.0} MiB ({:+.1} %), node 2 {:.0} → {:.0} MiB ({:+.1} %)",
            rss.len(),
            first.0,
            last.0,
            (last.0 / first.0 - 1.0) * 100.0,
            first.1,
            last.1,
            (last.1 / first.1 - 1.0) * 100.0
        );
    }
    drop(proxy);
    drop(nodes);
    admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await.ok();
}
