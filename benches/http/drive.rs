//! The closed-loop load generator and what it measures: `concurrency` workers, each sending its
//! next request as soon as the previous one is answered (the body read to the end), for a
//! warm-up and then for the measured seconds. Requests are taken in order, round-robin, from one
//! shared list (shuffled once, see [`shuffled`]), each run going on where the workload's previous
//! run stopped, so a slow workload's runs together cover the list.
//!
//! Measured are the requests *started* in the measured window, however late they finish: a slow
//! request at the end of the window is counted, not dropped. Throughput is their number over the
//! time from the window's start to the last one's answer. An error is a transport error
//! (including the client's timeout) or a status other than 2xx; errors are counted in the
//! latencies too, and the first of each kind is kept to be printed.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use reqwest::{Client, Url};
use tokio::sync::Mutex;

/// One request of a workload.
#[derive(Debug, Clone)]
pub struct Request {
    pub url: Url,
    /// `Authorization: Bearer …`, for the signed-in workloads.
    pub bearer: Option<String>,
}

/// What one run of a workload at one concurrency measured.
#[derive(Debug, Default)]
pub struct Outcome {
    pub latencies: Vec<Duration>,
    /// Which requests of the list were measured (a slow workload covers only part of it).
    pub covered: std::collections::BTreeSet<usize>,
    pub errors: u64,
    /// Error kind (status or transport error, and the path) → how many, with one example body.
    pub error_kinds: BTreeMap<String, (u64, String)>,
    pub elapsed: Duration,
}

impl Outcome {
    pub fn requests(&self) -> usize {
        self.latencies.len()
    }

    pub fn throughput(&self) -> f64 {
        self.requests() as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// The `p`th percentile (0–100) in milliseconds, nearest rank.
    pub fn percentile_ms(&self, p: f64) -> f64 {
        let mut sorted = self.latencies.clone();
        sorted.sort_unstable();
        if sorted.is_empty() {
            return f64::NAN;
        }
        let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
        sorted[rank.clamp(1, sorted.len()) - 1].as_secs_f64() * 1_000.0
    }
}

struct Shared {
    client: Client,
    requests: Arc<Vec<Request>>,
    next: AtomicUsize,
    warm_until: Instant,
    stop_at: Instant,
    outcome: Mutex<Outcome>,
    last_answer: Mutex<Instant>,
}

/// Runs `requests` closed-loop with `concurrency` workers: `warmup` unmeasured, then `measured`.
/// The first request sent is number `first` (modulo the list); returns the outcome and the
/// number of the next request, where the next run of the workload goes on.
pub async fn closed_loop(
    client: &Client,
    requests: Arc<Vec<Request>>,
    first: usize,
    concurrency: usize,
    warmup: Duration,
    measured: Duration,
) -> (Outcome, usize) {
    let start = Instant::now();
    let shared = Arc::new(Shared {
        client: client.clone(),
        requests,
        next: AtomicUsize::new(first),
        warm_until: start + warmup,
        stop_at: start + warmup + measured,
        outcome: Mutex::new(Outcome::default()),
        last_answer: Mutex::new(start + warmup),
    });
    let workers: Vec<_> = (0..concurrency.max(1)).map(|_| tokio::spawn(worker(shared.clone()))).collect();
    for worker in workers {
        worker.await.expect("a load worker panicked");
    }
    let last_answer = *shared.last_answer.lock().await;
    let mut outcome = std::mem::take(&mut *shared.outcome.lock().await);
    outcome.elapsed = last_answer.saturating_duration_since(shared.warm_until);
    (outcome, shared.next.load(Ordering::Relaxed))
}

/// `items` in an order of their own that is the same for the same `seed` (Fisher–Yates with the
/// corpus generator's random numbers): a short run of a slow workload then samples every class
/// of the mix instead of its first dozen queries, and every workload of one mix asks in the
/// same order.
pub fn shuffled<T>(mut items: Vec<T>, seed: u64) -> Vec<T> {
    let mut rng = crate::corpus::Rng::new(seed);
    for i in (1..items.len()).rev() {
        items.swap(i, rng.below(i + 1));
    }
    items
}

async fn worker(shared: Arc<Shared>) {
    loop {
        let sent = Instant::now();
        if sent >= shared.stop_at {
            return;
        }
        let n = shared.next.fetch_add(1, Ordering::Relaxed);
        let request = &shared.requests[n % shared.requests.len()];
        let mut builder = shared.client.get(request.url.clone());
        if let Some(token) = &request.bearer {
            builder = builder.bearer_auth(token);
        }
        let error = match builder.send().await {
            Ok(response) => {
                let status = response.status();
                match response.bytes().await {
                    Ok(_) if status.is_success() => None,
                    Ok(body) => Some((format!("HTTP {status}"), String::from_utf8_lossy(&body).into_owned())),
                    Err(error) => Some(("reading the body".to_owned(), error.to_string())),
                }
            }
            Err(error) => {
                let what = if error.is_timeout() { "timeout" } else { "transport error" };
                Some((what.to_owned(), error.to_string()))
            }
        };
        let answered = Instant::now();
        if sent < shared.warm_until {
            continue;
        }
        let mut outcome = shared.outcome.lock().await;
        outcome.latencies.push(answered - sent);
        outcome.covered.insert(n % shared.requests.len());
        if let Some((kind, example)) = error {
            outcome.errors += 1;
            let key = format!("{kind} on {}", request.url.path());
            let entry = outcome.error_kinds.entry(key).or_insert((0, example.chars().take(300).collect()));
            entry.0 += 1;
        }
        drop(outcome);
        let mut last = shared.last_answer.lock().await;
        *last = (*last).max(answered);
    }
}

/// A process's memory in MiB, from /proc: resident in all, its peak, and the resident part that
/// is the process's own (`RssAnon`: heap, stacks) rather than mapped files (`RssFile`: the index's
/// segments, which the kernel drops under pressure and shares with the page cache).
pub struct Memory {
    pub rss: f64,
    pub hwm: f64,
    pub anon: f64,
    pub file: f64,
}

impl Memory {
    /// One row of the memory table, after `what`.
    pub fn row(&self, what: &str, index_mib: f64) -> String {
        format!(
            "| after {what} | {:.0} | {:.0} | {:.0} | {:.0} | {index_mib:.0} |",
            self.rss, self.anon, self.file, self.hwm
        )
    }
}

pub fn memory_mib(pid: u32) -> Memory {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| -> f64 {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse::<f64>().ok())
            .map_or(f64::NAN, |kib| kib / 1024.0)
    };
    Memory { rss: field("VmRSS:"), hwm: field("VmHWM:"), anon: field("RssAnon:"), file: field("RssFile:") }
}

/// Bytes of every file under `dir`.
pub fn dir_bytes(dir: &std::path::Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    entries
        .flatten()
        .map(|entry| match entry.metadata() {
            Ok(m) if m.is_dir() => dir_bytes(&entry.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}
