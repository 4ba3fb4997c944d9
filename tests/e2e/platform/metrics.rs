//! `/metrics` and the access log as an operator meets them. The counting test runs a real
//! `chanjiao serve` process, so that its counters hold its own requests only (the apps of this
//! test binary share one recorder per process, see `chanjiao_api::telemetry::metrics`), and
//! reads its JSON log. The drift test keeps `deploy/` honest: every metric the Grafana dashboard
//! and the Prometheus alert rules use is one the server exports.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use reqwest::{Client, StatusCode};
use serde_json::Value;

use crate::e2e::operations::node::Node;
use crate::e2e::support::{fresh_database_url, spawn_app};

/// A `chanjiao serve` process with a data directory of its own, removed after it.
struct Server {
    node: Node,
    _dir: tempfile::TempDir,
}

/// Starts the server behind a "proxy" on loopback (its `X-Forwarded-For` is believed), with
/// JSON logs at the default level, and waits until it is ready.
async fn start() -> Server {
    let dir = tempfile::tempdir().unwrap();
    let database_url = fresh_database_url()
        .await
        .unwrap_or_else(|| format!("sqlite://{}?mode=rwc", dir.path().join("m.db").display()));
    let env = [
        ("CHANJIAO_TRUSTED_PROXIES", "127.0.0.1"),
        ("CHANJIAO_LOG_JSON", "true"),
        ("RUST_LOG", chanjiao_api::telemetry::DEFAULT_FILTER),
    ];
    let mut node = Node::spawn(dir.path(), Some(&database_url), &env, false);
    chanjiao_api::tls::install_crypto_provider();
    node.ready(&Client::new()).await;
    Server { node, _dir: dir }
}

/// One sample of the text exposition format: name, labels, value.
type Sample = (String, BTreeMap<String, String>, f64);

fn samples(text: &str) -> Vec<Sample> {
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let (series, value) = line.rsplit_once(' ').unwrap_or_else(|| panic!("a sample line: {line}"));
        let value: f64 = value.parse().unwrap_or_else(|_| panic!("a sample value: {line}"));
        let (name, labels) = match series.split_once('{') {
            Some((name, rest)) => (name, rest.strip_suffix('}').unwrap_or_else(|| panic!("labels: {line}"))),
            None => (series, ""),
        };
        let labels = labels
            .split("\",")
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (key, value) = pair.split_once("=\"").unwrap_or_else(|| panic!("a label: {line}"));
                (key.to_owned(), value.trim_end_matches('"').to_owned())
            })
            .collect();
        out.push((name.to_owned(), labels, value));
    }
    out
}

/// The value of the sample named `name` whose labels include `labels`, if there is exactly one.
fn value(samples: &[Sample], name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    let found: Vec<f64> = samples
        .iter()
        .filter(|(n, l, _)| n == name && labels.iter().all(|(k, v)| l.get(*k).map(String::as_str) == Some(*v)))
        .map(|(_, _, v)| *v)
        .collect();
    match found[..] {
        [one] => Some(one),
        _ => None,
    }
}

async fn scrape(client: &Client, base: &str) -> String {
    let response = client.get(format!("{base}/metrics")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(content_type.starts_with("text/plain; version=0.0.4"), "{content_type}");
    response.text().await.unwrap()
}

#[tokio::test]
async fn metrics_count_every_response_by_route_template_and_status_and_only_loopback_may_read_them() {
    let server = start().await;
    let client = Client::new();
    let get = |path: &str| client.get(format!("{}{path}", server.node.base())).send();
    for (path, status) in [
        ("/healthz", 200),
        ("/healthz", 200),
        ("/no-such-page", 404),
        ("/api/v1/no-such-thing", 404),
        ("/api/v1/postings/seven", 422),
        ("/api/v1/search?q=private-words", 200),
    ] {
        assert_eq!(get(path).await.unwrap().status().as_u16(), status, "{path}");
    }
    // A client on the internet, as the trusted proxy reports it: the endpoint does not exist.
    let outsider = client
        .get(format!("{}/metrics", server.node.base()))
        .header("x-forwarded-for", "203.0.113.7")
        .send()
        .await
        .unwrap();
    assert_eq!(outsider.status(), StatusCode::NOT_FOUND);
    assert!(outsider.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    assert!(!outsider.text().await.unwrap().contains("chanjiao_"));

    let text = scrape(&client, &server.node.base()).await;
    let all = samples(&text);
    let requests = |route: &str, status: &str| {
        value(&all, "chanjiao_http_requests_total", &[("method", "GET"), ("route", route), ("status", status)])
    };
    assert_eq!(requests("/healthz", "200"), Some(2.0), "{text}");
    assert_eq!(requests("unmatched", "404"), Some(2.0), "{text}");
    assert_eq!(requests("/api/v1/postings/{id}", "422"), Some(1.0), "{text}");
    assert_eq!(requests("/api/v1/search", "200"), Some(1.0), "{text}");
    assert_eq!(requests("/metrics", "404"), Some(1.0), "{text}");
    for raw in ["seven", "no-such", "private-words"] {
        assert!(!text.contains(raw), "a raw path or query in a label: {raw}\n{text}");
    }
    let latency = |suffix: &str, extra: &[(&str, &str)]| {
        let mut labels = vec![("method", "GET"), ("route", "/healthz")];
        labels.extend_from_slice(extra);
        value(&all, &format!("chanjiao_http_request_duration_seconds{suffix}"), &labels)
    };
    assert_eq!(latency("_count", &[]), Some(2.0), "{text}");
    assert_eq!(latency("_bucket", &[("le", "10")]), Some(2.0), "{text}");
    assert_eq!(latency("_bucket", &[("le", "+Inf")]), Some(2.0), "{text}");
    assert!(latency("_bucket", &[("le", "0.005")]).is_some(), "buckets start at 5 ms:\n{text}");

    // The scraped gauges: a fresh platform has nothing waiting.
    assert_eq!(value(&all, "chanjiao_index_lag", &[]), Some(0.0), "{text}");
    assert_eq!(value(&all, "chanjiao_outbox_backlog", &[]), Some(0.0), "{text}");
    assert_eq!(value(&all, "chanjiao_database_up", &[]), Some(1.0), "{text}");
    for state in ["pending", "due", "failed"] {
        assert_eq!(value(&all, "chanjiao_webhook_deliveries", &[("state", state)]), Some(0.0), "{text}");
    }
    let max = value(&all, "chanjiao_db_pool_max_connections", &[]).expect("the pool's size");
    let idle = value(&all, "chanjiao_db_pool_connections", &[("state", "idle")]).expect("idle connections");
    let in_use = value(&all, "chanjiao_db_pool_connections", &[("state", "in_use")]).expect("busy connections");
    assert!(max >= 1.0 && idle + in_use <= max, "{text}");
    assert!(value(&all, "process_resident_memory_bytes", &[]).is_some_and(|bytes| bytes > 1e6), "{text}");
    let version = env!("CARGO_PKG_VERSION");
    assert_eq!(value(&all, "chanjiao_build_info", &[("version", version)]), Some(1.0), "{text}");

    // The access log: one line per response, at the default level, with the route template,
    // the path without its query, and the client as the proxy reported it.
    drop(client);
    let mut server = server;
    server.node.kill();
    let log = server.node.log_path();
    let lines: Vec<Value> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|line| line["fields"]["message"] == "access")
        .map(|line| line["fields"].clone())
        .collect();
    let search = lines.iter().find(|l| l["route"] == "/api/v1/search");
    let search = search.unwrap_or_else(|| panic!("the search was logged: {}", std::fs::read_to_string(&log).unwrap()));
    assert_eq!(search["path"], "/api/v1/search");
    assert_eq!(search["method"], "GET");
    assert_eq!(search["status"], 200);
    assert_eq!(search["client"], "127.0.0.1");
    assert!(search["latency_ms"].as_f64().is_some(), "{search}");
    assert!(search["request_id"].as_str().is_some_and(|id| id.len() >= 32), "{search}");
    let refused = lines.iter().find(|l| l["route"] == "/metrics" && l["status"] == 404).expect("the outsider");
    assert_eq!(refused["client"], "203.0.113.7");
    assert_eq!(lines.iter().filter(|l| l["route"] == "/healthz").count(), 2);
    assert!(!std::fs::read_to_string(&log).unwrap().contains("private-words"), "the query was logged");
}

/// The metric names a PromQL expression uses: identifiers outside quotes that are ours
/// (`chanjiao_…`) or the process's (`process_…`); Prometheus' own `up` is not exported by us.
fn metric_names(expr: &str) -> BTreeSet<String> {
    let mut unquoted = String::new();
    let mut quoted = false;
    for c in expr.chars() {
        if c == '"' {
            quoted = !quoted;
            unquoted.push(' ');
        } else if !quoted {
            unquoted.push(c);
        }
    }
    unquoted
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
        .filter(|token| token.starts_with("chanjiao_") || token.starts_with("process_"))
        .map(str::to_owned)
        .collect()
}

fn dashboard_exprs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                match (key.as_str(), inner) {
                    ("expr", Value::String(expr)) => out.push(expr.clone()),
                    _ => dashboard_exprs(inner, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| dashboard_exprs(item, out)),
        _ => {}
    }
}

fn deploy(path: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy").join(path);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[tokio::test]
async fn every_metric_the_dashboard_and_the_alert_rules_use_is_exported() {
    let dashboard: Value = serde_json::from_str(&deploy("grafana/chanjiao.json")).expect("the dashboard is JSON");
    let mut exprs = Vec::new();
    dashboard_exprs(&dashboard, &mut exprs);
    assert!(exprs.len() >= 8, "the dashboard's panels have queries: {exprs:?}");
    let rules = deploy("prometheus/alerts.yml");
    let rule_exprs: Vec<String> = rules
        .lines()
        .filter_map(|line| line.trim_start().strip_prefix("expr:"))
        .map(|expr| expr.trim().to_owned())
        .collect();
    assert!(rule_exprs.len() >= 5, "the alert rules have expressions: {rule_exprs:?}");
    assert!(rule_exprs.iter().all(|e| !e.is_empty() && e != "|" && e != ">"), "one-line exprs: {rule_exprs:?}");
    let used: BTreeSet<String> = exprs.iter().chain(&rule_exprs).flat_map(|e| metric_names(e)).collect();

    let app = spawn_app().await;
    // Jobs report when they run; one run is reported here so that their series exist.
    chanjiao_api::telemetry::metrics::job_ran("expiry", true, 0.2);
    app.api.get(app.url("/healthz")).send().await.unwrap();
    let text = scrape(&app.api, &app.base).await;
    let exported: BTreeSet<String> = samples(&text).into_iter().map(|(name, _, _)| name).collect();
    let missing: Vec<&String> = used.iter().filter(|name| !exported.contains(*name)).collect();
    assert!(missing.is_empty(), "used in deploy/ but not exported: {missing:?}\nexported: {exported:?}");
    for family in ["chanjiao_http_requests_total", "chanjiao_index_lag", "process_resident_memory_bytes"] {
        assert!(used.contains(family), "deploy/ watches {family}");
    }
}

#[test]
fn metric_names_are_read_from_promql_without_labels_functions_or_quoted_text() {
    let names = metric_names(
        r#"histogram_quantile(0.99, sum by (le, route) (rate(chanjiao_http_request_duration_seconds_bucket{route!="chanjiao_fake"}[5m])))"#,
    );
    assert_eq!(names.into_iter().collect::<Vec<_>>(), ["chanjiao_http_request_duration_seconds_bucket"]);
}
