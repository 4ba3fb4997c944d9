//! The Prometheus metrics of `/metrics`: their names, how they are recorded, and how a scrape
//! is rendered. Recording goes through the `metrics` facade into one Prometheus recorder per
//! process, installed on first use ([`handle`]); the exporter's own HTTP listener is not built,
//! the route `crate::routes::metrics` renders the handle.
//!
//! **Several apps in one process** (the test suite starts many) share that recorder. Counters
//! and histograms (requests, jobs, webhook failures) are then the process's, summed over its
//! apps. Gauges that describe one app (index lag, backlogs, the pool) are set at scrape time
//! from the scraping app's state, under a lock held until the text is rendered ([`render`]), so
//! the answer of a scrape shows the scraping app's values, never another app's. In production
//! one process serves one app and the distinction vanishes.
//!
//! Names follow Prometheus conventions: the `chanjiao_` prefix, the unit in the name
//! (`_seconds`, `_bytes`), `_total` on counters. Label values are bounded: routes are templates,
//! methods a fixed set, statuses three digits, jobs the names the code gives.

use std::net::IpAddr;
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::Duration;

use axum::http::{Method, StatusCode};
use metrics::{Unit, counter, describe_counter, describe_gauge, describe_histogram, gauge, histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::abuse::TrustedProxies;
use crate::services::monitoring::{Backlogs, PoolUse};

pub const HTTP_REQUESTS: &str = "chanjiao_http_requests_total";
pub const HTTP_REQUEST_DURATION: &str = "chanjiao_http_request_duration_seconds";
pub const JOB_RUNS: &str = "chanjiao_job_runs_total";
pub const JOB_DURATION: &str = "chanjiao_job_duration_seconds";
pub const WEBHOOK_FAILURES: &str = "chanjiao_webhook_failures_total";
pub const INDEX_LAG: &str = "chanjiao_index_lag";
pub const OUTBOX_BACKLOG: &str = "chanjiao_outbox_backlog";
pub const WEBHOOK_DELIVERIES: &str = "chanjiao_webhook_deliveries";
pub const DATABASE_UP: &str = "chanjiao_database_up";
pub const POOL_CONNECTIONS: &str = "chanjiao_db_pool_connections";
pub const POOL_MAX_CONNECTIONS: &str = "chanjiao_db_pool_max_connections";
pub const RESIDENT_MEMORY: &str = "process_resident_memory_bytes";
pub const UP: &str = "chanjiao_up";
pub const BUILD_INFO: &str = "chanjiao_build_info";

/// The route label of a request no route answered: a 404 for an unknown path, or an API write
/// answered before routing (an idempotent replay, a failed `If-Match`).
pub const UNMATCHED: &str = "unmatched";

/// Request latency buckets, 5 ms to 10 s (the request timeout is 30 s by default; anything over
/// 10 s is an incident whatever its exact length).
const HTTP_BUCKETS: &[f64] = &[0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];
/// Periodic jobs run from milliseconds (nothing to do) to minutes (a large sweep).
const JOB_BUCKETS: &[f64] = &[0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 300.0];
/// How often histogram samples are folded into their buckets when nobody scrapes, so that an
/// unscraped server does not keep every sample.
const UPKEEP_EVERY: Duration = Duration::from_secs(5);

/// Who may read `/metrics`: addresses and networks, parsed exactly like `trusted_proxies`
/// (`127.0.0.1`, `10.0.0.0/8`, `::1/128`). The default is loopback only; an empty list lets
/// nobody in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricsAllowed(TrustedProxies);

impl MetricsAllowed {
    pub fn parse<'a>(items: impl IntoIterator<Item = &'a str>) -> Result<Self, String> {
        TrustedProxies::parse(items).map(MetricsAllowed)
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        self.0.contains(ip)
    }

    /// The networks as written in the configuration (`127.0.0.1/32`).
    pub fn networks(&self) -> Vec<String> {
        self.0.networks()
    }
}

impl Default for MetricsAllowed {
    fn default() -> Self {
        MetricsAllowed::parse(["127.0.0.1/32", "::1/128"]).unwrap_or_else(|_| MetricsAllowed(TrustedProxies::default()))
    }
}

/// The process's recorder, installed on first use.
pub fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(install)
}

fn install() -> PrometheusHandle {
    let builder = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Full(HTTP_REQUEST_DURATION.into()), HTTP_BUCKETS)
        .and_then(|b| b.set_buckets_for_metric(Matcher::Full(JOB_DURATION.into()), JOB_BUCKETS))
        .unwrap_or_else(|error| {
            // Only empty bucket lists are refused; the durations then render as summaries.
            tracing::warn!(%error, "histogram buckets refused");
            PrometheusBuilder::new()
        });
    let recorder = builder.build_recorder();
    let handle = recorder.handle();
    if let Err(error) = metrics::set_global_recorder(recorder) {
        tracing::warn!(%error, "another metrics recorder is installed; /metrics will miss what it records");
    }
    describe();
    // Exported from the start at 0, so that `rate()` sees the first failure as an increase.
    counter!(WEBHOOK_FAILURES).increment(0);
    let upkeep = handle.clone();
    let spawned = std::thread::Builder::new().name("metrics-upkeep".into()).spawn(move || {
        loop {
            std::thread::sleep(UPKEEP_EVERY);
            upkeep.run_upkeep();
        }
    });
    if let Err(error) = spawned {
        tracing::warn!(%error, "metrics upkeep thread not started; histograms are folded at scrapes only");
    }
    handle
}

/// The `# HELP` lines.
fn describe() {
    describe_counter!(HTTP_REQUESTS, "HTTP responses sent, by method, route template and status");
    describe_histogram!(HTTP_REQUEST_DURATION, Unit::Seconds, "time from request to response, by method and route");
    describe_counter!(JOB_RUNS, "runs of periodic jobs, by job and outcome (ok or error)");
    describe_histogram!(JOB_DURATION, Unit::Seconds, "duration of periodic job runs, by job");
    describe_counter!(WEBHOOK_FAILURES, "webhook delivery attempts that did not deliver");
    describe_gauge!(INDEX_LAG, "outbox sequences this node's search index has not applied");
    describe_gauge!(OUTBOX_BACKLOG, "outbox sequences the alert processor has not consumed");
    describe_gauge!(WEBHOOK_DELIVERIES, "webhook deliveries by state: pending, due (pending and due now), failed");
    describe_gauge!(DATABASE_UP, "whether the database answered this scrape's queries (1) or not (0)");
    describe_gauge!(POOL_CONNECTIONS, "database pool connections by state: idle, in_use");
    describe_gauge!(POOL_MAX_CONNECTIONS, "the database pool's largest size");
    describe_gauge!(RESIDENT_MEMORY, Unit::Bytes, "resident memory of the process (VmRSS)");
    describe_gauge!(UP, "1 while the server answers scrapes");
    describe_gauge!(BUILD_INFO, "1, labelled with the version of the running binary");
}

/// The method label: the standard methods by name, anything else as `OTHER` (the method is the
/// client's to choose, and every label value is a new series).
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "OTHER",
    }
}

/// One response sent: `route` is the matched template or [`UNMATCHED`].
pub fn request_served(method: &Method, route: &str, status: StatusCode, elapsed: Duration) {
    handle();
    let method = method_label(method);
    let route = route.to_owned();
    counter!(HTTP_REQUESTS, "method" => method, "route" => route.clone(), "status" => status.as_str().to_owned())
        .increment(1);
    histogram!(HTTP_REQUEST_DURATION, "method" => method, "route" => route).record(elapsed.as_secs_f64());
}

/// One run of a periodic job (expiry, reminders, retention, pruning, alert processing, webhook
/// delivery …): its outcome and how long it took. `job` is a fixed name from the code.
pub fn job_ran(job: &str, ok: bool, seconds: f64) {
    handle();
    let outcome = if ok { "ok" } else { "error" };
    counter!(JOB_RUNS, "job" => job.to_owned(), "outcome" => outcome).increment(1);
    histogram!(JOB_DURATION, "job" => job.to_owned()).record(seconds);
}

/// One webhook delivery attempt that did not deliver (refused, unreachable or answered non-2xx).
pub fn webhook_failed() {
    handle();
    counter!(WEBHOOK_FAILURES).increment(1);
}

/// What one app knows at scrape time.
#[derive(Debug, Clone, Copy)]
pub struct Scrape {
    /// `None` when the database did not answer: those gauges are then `NaN` (no value), and
    /// [`DATABASE_UP`] is 0.
    pub backlogs: Option<Backlogs>,
    pub pool: Option<PoolUse>,
}

/// Sets the scraping app's gauges and renders everything in the text exposition format.
pub fn render(scrape: &Scrape) -> String {
    let handle = handle();
    // Held from the first gauge set to the end of the rendering: another app's scrape in the
    // same process cannot set its values in between.
    static SCRAPING: Mutex<()> = Mutex::new(());
    let _scraping = SCRAPING.lock().unwrap_or_else(PoisonError::into_inner);
    let value = |n: i64| n as f64;
    let count = |n: u64| n as f64;
    let backlogs = scrape.backlogs;
    gauge!(DATABASE_UP).set(if backlogs.is_some() { 1.0 } else { 0.0 });
    gauge!(INDEX_LAG).set(backlogs.map_or(f64::NAN, |b| value(b.index_lag)));
    gauge!(OUTBOX_BACKLOG).set(backlogs.map_or(f64::NAN, |b| value(b.outbox_backlog)));
    let webhooks = backlogs.map(|b| b.webhooks);
    gauge!(WEBHOOK_DELIVERIES, "state" => "pending").set(webhooks.map_or(f64::NAN, |w| count(w.pending)));
    gauge!(WEBHOOK_DELIVERIES, "state" => "due").set(webhooks.map_or(f64::NAN, |w| count(w.due)));
    gauge!(WEBHOOK_DELIVERIES, "state" => "failed").set(webhooks.map_or(f64::NAN, |w| count(w.failed)));
    let pool = scrape.pool;
    gauge!(POOL_CONNECTIONS, "state" => "idle").set(pool.map_or(f64::NAN, |p| count(p.idle)));
    gauge!(POOL_CONNECTIONS, "state" => "in_use").set(pool.map_or(f64::NAN, |p| count(p.in_use)));
    gauge!(POOL_MAX_CONNECTIONS).set(pool.map_or(f64::NAN, |p| count(p.max)));
    gauge!(RESIDENT_MEMORY).set(resident_memory_bytes().map_or(f64::NAN, count));
    gauge!(UP).set(1.0);
    gauge!(BUILD_INFO, "version" => env!("CARGO_PKG_VERSION")).set(1.0);
    handle.render()
}

/// The process's resident set size from `/proc/self/status` (Linux); `None` elsewhere.
fn resident_memory_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    parse_vm_rss(&status)
}

/// `VmRSS:    123456 kB` → bytes.
fn parse_vm_rss(status: &str) -> Option<u64> {
    let line = status.lines().find_map(|line| line.strip_prefix("VmRSS:"))?;
    let kib: u64 = line.trim().strip_suffix("kB")?.trim().parse().ok()?;
    kib.checked_mul(1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resident_memory_is_read_from_the_vm_rss_line_in_bytes() {
        let status = "Name:\tchanjiao\nVmPeak:\t  900 kB\nVmRSS:\t   2048 kB\nThreads:\t8\n";
        assert_eq!(parse_vm_rss(status), Some(2048 * 1024));
        assert_eq!(parse_vm_rss("Name:\tx\n"), None);
        assert_eq!(parse_vm_rss("VmRSS:\tlots kB\n"), None);
        #[cfg(target_os = "linux")]
        assert!(resident_memory_bytes().is_some_and(|bytes| bytes > 0));
    }

    #[test]
    fn methods_outside_the_standard_set_share_one_label() {
        assert_eq!(method_label(&Method::GET), "GET");
        assert_eq!(method_label(&Method::from_bytes(b"BREW").unwrap()), "OTHER");
    }

    #[test]
    fn metrics_are_readable_from_loopback_only_by_default() {
        let allowed = MetricsAllowed::default();
        assert!(allowed.contains("127.0.0.1".parse().unwrap()));
        assert!(allowed.contains("::1".parse().unwrap()));
        assert!(allowed.contains("::ffff:127.0.0.1".parse().unwrap()));
        assert!(!allowed.contains("127.0.0.2".parse().unwrap()));
        assert!(!allowed.contains("203.0.113.5".parse().unwrap()));
        assert!(!MetricsAllowed::parse([""]).unwrap().contains("127.0.0.1".parse().unwrap()));
    }
}
