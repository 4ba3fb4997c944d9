//! Three nodes on one PostgreSQL database behind nginx (the documented site file), restarted
//! one by one under a steady mixed load, the way `docs/operations.md` describes a rolling
//! upgrade: take the node out of the upstream and reload nginx, stop it with SIGTERM (its
//! `/readyz` answers 503 while it drains), start it again, wait for `/readyz`, put it back.
//! Not one request of the load may fail, and the periodic jobs run once per period across the
//! cluster throughout.

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::Client;
use sea_orm::ConnectionTrait;

use super::load;
use super::nginx::{self, Nginx};
use super::node::{Node, free_port};
use crate::e2e::support::fresh_database_url;

fn upstream(nodes: &[Node], down: Option<usize>) -> Vec<(u16, bool)> {
    nodes.iter().enumerate().map(|(i, n)| (n.port, Some(i) == down)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_nodes_behind_nginx_restart_one_by_one_under_load_without_a_failed_request() {
    let Some(url) = fresh_database_url().await else {
        eprintln!("skipped: several nodes need PostgreSQL (CHANJIAO_TEST_DATABASE_URL)");
        return;
    };
    let Some(nginx_binary) = nginx::binary() else {
        eprintln!("skipped: nginx is not installed");
        return;
    };
    chanjiao_api::tls::install_crypto_provider();
    let env = [
        ("CHANJIAO_TRUSTED_PROXIES", "127.0.0.1"),
        ("CHANJIAO_SHUTDOWN_DRAIN_SECS", "1"),
        ("CHANJIAO_EXPIRY_SWEEP_SECS", "1"),
    ];
    let dirs: Vec<tempfile::TempDir> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let began = Instant::now();
    // Started together on an empty database: one node migrates under the advisory lock while the
    // others wait for it, and the first seeds the demo city.
    let direct = Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let mut nodes: Vec<Node> =
        dirs.iter().enumerate().map(|(i, d)| Node::spawn(d.path(), Some(&url), &env, i == 0)).collect();
    for node in &mut nodes {
        node.ready(&direct).await;
    }

    let nginx = Nginx::start(nginx_binary, &upstream(&nodes, None), free_port(), free_port());
    let client = Client::builder().tls_danger_accept_invalid_certs(true).build().unwrap();
    let base = nginx.base();
    let plain = direct.get(format!("http://127.0.0.1:{}/search", nginx.http_port)).send().await;
    assert!(plain.is_ok_and(|r| r.status() == 301), "plain HTTP redirects to HTTPS");
    let actors = Arc::new(load::prepare(&client, &base).await);

    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let load = tokio::spawn(load::run(client.clone(), base.clone(), actors, 30.0, 16, async {
        let _ = stopped.await;
    }));
    tokio::time::sleep(Duration::from_secs(3)).await;
    let started = Instant::now();
    for i in 0..nodes.len() {
        nginx.reload(&upstream(&nodes, Some(i)));
        // nginx's new workers take the list at once; the old ones finish what they hold.
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let before = nodes[i].pid();
        let seen = nodes[i].terminate(&direct).await;
        assert!(seen.contains(&503), "node {i}'s /readyz answered {seen:?} while it shut down, never 503");
        nodes[i].restart();
        nodes[i].ready(&direct).await;
        assert_ne!(nodes[i].pid(), before, "node {i} is a new process");
        nginx.reload(&upstream(&nodes, None));
        tokio::time::sleep(Duration::from_millis(1500)).await;
    }
    let restarting = started.elapsed();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let _ = stop.send(());
    let report = load.await.unwrap();

    let failed: Vec<String> = report
        .failures
        .iter()
        .take(10)
        .map(|f| format!("{:?} at {:.1} s: {}", f.op, f.at.as_secs_f64(), f.what))
        .collect();
    assert!(
        report.failures.is_empty(),
        "{} of {} requests failed during the rolling restart:\n{}\nnginx: {}",
        report.failures.len(),
        report.sent,
        failed.join("\n"),
        nginx.error_log()
    );
    assert!(report.sent >= 200, "the load sent only {} requests", report.sent);

    // The expiry sweep's period is 1 s: over the whole run, through three restarts, it ran once
    // per period at most (never twice in one), and kept running while a node was down.
    let db = sea_orm::Database::connect(url.as_str()).await.unwrap();
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT runs FROM periodic_jobs WHERE name = 'posting_expiry'",
        ))
        .await
        .unwrap()
        .expect("the expiry job has a row");
    let runs: i64 = row.try_get("", "runs").unwrap();
    let elapsed = began.elapsed().as_secs_f64();
    assert!(runs as f64 <= elapsed + 1.0, "{runs} expiry runs in {elapsed:.1} s: a period ran twice");
    assert!(
        runs as f64 >= restarting.as_secs_f64() / 2.0,
        "{runs} expiry runs in {elapsed:.1} s: the sweep stopped while nodes restarted"
    );
    db.close().await.ok();
    eprintln!(
        "rolling restart of 3 nodes in {:.1} s under load: {} requests, 0 failed, p50 {:.1} ms, p99 {:.1} ms, {} ticks skipped",
        restarting.as_secs_f64(),
        report.sent,
        report.percentile(0.5),
        report.percentile(0.99),
        report.skipped
    );
}
