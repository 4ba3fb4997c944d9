//! Search benchmark: tantivy (`chanjiao-search`) against SQLite FTS5 and PostgreSQL full-text
//! search, on the same generated corpus and the same query mix, in one process.
//!
//! ```text
//! cargo bench --bench search -- --docs 100000 [--queries 2000] [--batch 10000] [--incremental] [--peers sqlite,postgres]
//!     [--pg-url postgres://postgres@127.0.0.1:5432/postgres] [--seed 42]
//! ```
//!
//! Steps: generate the corpus ([`corpus`]); index it into tantivy on disk in a temporary
//! directory as `chanjiao reindex` does (`SearchIndex::rebuild_*`; `--incremental`: in batches
//! through [`SearchIndex::apply`], a commit each, as the indexer tails the outbox); run the query mix
//! ([`queries`]) once to warm up, then `--queries` times round-robin on one thread and on two;
//! then the same queries with exact counts and with the count cache, and the estimates' error
//! ([`variants`]); then load each peer ([`peers`]) and run the same queries. Prints a Markdown report; the
//! numbers are copied into `docs/benchmarks.md` by hand.

// The demo's sentence banks, the same the demo city's postings are written from.
use chanjiao_tools::demo::{texts, texts_enterprise, texts_school};

#[path = "search/corpus.rs"]
mod corpus;
#[path = "search/peers.rs"]
mod peers;
#[path = "search/queries.rs"]
mod queries;
#[path = "search/runner.rs"]
mod runner;
#[path = "search/system.rs"]
mod system;
#[path = "search/variants.rs"]
mod variants;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chanjiao_search::{Change, IndexDoc, SearchIndex};

use crate::peers::{BoxError, Found};
use crate::queries::{BenchQuery, Class};
use crate::system::{cpu_model, dir_size, memory_kb, reset_peak_rss};

struct Args {
    docs: usize,
    /// Postings per [`SearchIndex::apply`] (one tantivy commit each).
    batch: usize,
    queries: usize,
    peers: Vec<String>,
    pg_url: String,
    seed: u64,
    /// Build through `SearchIndex::apply` (a commit per batch) instead of a rebuild.
    incremental: bool,
}

fn args() -> Args {
    let mut args = Args {
        docs: 10_000,
        batch: 10_000,
        queries: 2_000,
        peers: vec!["sqlite".into(), "postgres".into()],
        pg_url: "postgres://postgres@127.0.0.1:5432/postgres".into(),
        seed: 42,
        incremental: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| panic!("{arg} needs a value"));
        match arg.as_str() {
            "--docs" => args.docs = value().replace('_', "").parse().expect("--docs takes a number"),
            "--batch" => args.batch = value().replace('_', "").parse().expect("--batch takes a number"),
            "--queries" => args.queries = value().replace('_', "").parse().expect("--queries takes a number"),
            "--peers" => {
                args.peers = value().split(',').map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned).collect()
            }
            "--pg-url" => args.pg_url = value(),
            "--seed" => args.seed = value().parse().expect("--seed takes a number"),
            "--incremental" => args.incremental = true,
            // `cargo bench` passes --bench; anything else unknown is ignored too.
            _ => {}
        }
    }
    args
}

/// Latencies of one engine over the measured run.
#[derive(Default)]
struct Measured {
    engine: String,
    load: Duration,
    size_bytes: u64,
    peak_rss_kb: Option<u64>,
    /// One thread, in query order.
    latencies: Vec<Duration>,
    wall_1: Duration,
    /// Two in flight.
    wall_2: Option<Duration>,
    latencies_2: Vec<Duration>,
    /// Matches and hits of each query of the mix, from the warm-up pass.
    found: Vec<Found>,
    classes: Vec<Class>,
    /// tantivy only: the same queries counted exactly and with the count cache, and how close
    /// the estimates are.
    variants: Vec<variants::Variant>,
    accuracy: Option<variants::Accuracy>,
}

impl Measured {
    fn qps(&self) -> f64 {
        self.latencies.len() as f64 / self.wall_1.as_secs_f64()
    }

    fn qps_2(&self) -> Option<f64> {
        self.wall_2.map(|w| self.latencies_2.len() as f64 / w.as_secs_f64())
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1_000.0
}

fn stats(latencies: &[Duration]) -> (Duration, Duration, Duration) {
    let mut sorted = latencies.to_vec();
    sorted.sort_unstable();
    let mean = latencies.iter().sum::<Duration>() / latencies.len().max(1) as u32;
    (percentile(&sorted, 50.0), percentile(&sorted, 99.0), mean)
}

fn mib(bytes: u64) -> String {
    format!("{:.0} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// The queries of a measured run: the mix, round-robin, `n` of them.
fn schedule(mix: &[BenchQuery], n: usize) -> Vec<BenchQuery> {
    mix.iter().cycle().take(n).cloned().collect()
}

fn bench_tantivy(
    docs: &[IndexDoc],
    mix: &[BenchQuery],
    n: usize,
    batch: usize,
    incremental: bool,
) -> Result<Measured, BoxError> {
    let dir = tempfile::tempdir()?;
    let (_, rss_before) = memory_kb();
    let reset = reset_peak_rss();
    let index = SearchIndex::open_or_create(dir.path())?;
    let mut load = Duration::ZERO;
    if incremental {
        for (i, chunk) in docs.chunks(batch.max(1)).enumerate() {
            let changes: Vec<Change> = chunk.iter().cloned().map(Change::Upsert).collect();
            let started = Instant::now();
            index.apply(&changes, i as i64 + 1)?;
            load += started.elapsed();
        }
    } else {
        // As `chanjiao reindex` does: one commit at the end.
        let started = Instant::now();
        index.rebuild_start()?;
        for chunk in docs.chunks(batch.max(1)) {
            index.rebuild_add(chunk)?;
        }
        index.rebuild_finish(1)?;
        load = started.elapsed();
    }
    // The timed runs measure counting itself; the cache has a run of its own (variants).
    index.set_count_cache(false);
    let (peak, _) = memory_kb();
    assert_eq!(index.num_docs(), docs.len() as u64, "every posting is indexed");
    eprintln!(
        "tantivy: indexed {} postings in {:.2} s; RSS before {} kB, peak during build {} kB{}",
        docs.len(),
        load.as_secs_f64(),
        rss_before.unwrap_or(0),
        peak.unwrap_or(0),
        if reset { "" } else { " (peak not reset: the process peak so far)" }
    );
    let size_bytes = dir_size(dir.path());

    let requests: Vec<_> = mix.iter().map(BenchQuery::request).collect();
    let mut found = Vec::with_capacity(mix.len());
    for request in &requests {
        let results = index.search(request)?;
        found.push(Found { total: results.total, hits: results.hits.len() });
    }
    let order: Vec<usize> = (0..n).map(|i| i % requests.len()).collect();
    let mut latencies = Vec::with_capacity(n);
    let started = Instant::now();
    for &i in &order {
        let t = Instant::now();
        let results = index.search(&requests[i])?;
        std::hint::black_box(&results);
        latencies.push(t.elapsed());
    }
    let wall_1 = started.elapsed();

    let started = Instant::now();
    let latencies_2: Vec<Duration> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..2)
            .map(|worker| {
                let (index, requests, order) = (&index, &requests, &order);
                scope.spawn(move || {
                    let mut out = Vec::new();
                    for &i in order.iter().skip(worker).step_by(2) {
                        let t = Instant::now();
                        let results = index.search(&requests[i]).expect("search");
                        std::hint::black_box(&results);
                        out.push(t.elapsed());
                    }
                    out
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("search thread")).collect()
    });
    let wall_2 = started.elapsed();
    let variants = variants::others(&index, &requests, &order)?;
    let accuracy = variants::accuracy(&index, &requests)?;
    drop(index);

    Ok(Measured {
        engine: "tantivy (chanjiao-search)".into(),
        load,
        size_bytes,
        peak_rss_kb: peak,
        latencies,
        wall_1,
        wall_2: Some(wall_2),
        latencies_2,
        found,
        classes: mix.iter().map(|q| q.class).collect(),
        variants,
        accuracy: Some(accuracy),
    })
}

/// Runs the warm-up pass, the one-connection run and the two-connection run of a peer.
async fn measure_peer<F, Fut>(
    engine: &str,
    load: Duration,
    size_bytes: u64,
    peak_rss_kb: Option<u64>,
    mix: &[BenchQuery],
    n: usize,
    search: F,
) -> Result<Measured, BoxError>
where
    F: Fn(BenchQuery) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = Result<Found, BoxError>> + Send + 'static,
{
    let (_, _, found) = runner::run(mix, 1, search.clone()).await?;
    let queries = schedule(mix, n);
    let (latencies, wall_1, _) = runner::run(&queries, 1, search.clone()).await?;
    let (latencies_2, wall_2, _) = runner::run(&queries, 2, search).await?;
    Ok(Measured {
        engine: engine.to_owned(),
        load,
        size_bytes,
        peak_rss_kb,
        latencies,
        wall_1,
        wall_2: Some(wall_2),
        latencies_2,
        found,
        classes: mix.iter().map(|q| q.class).collect(),
        variants: Vec::new(),
        accuracy: None,
    })
}

async fn bench_sqlite(docs: &[IndexDoc], mix: &[BenchQuery], n: usize) -> Result<Measured, BoxError> {
    let dir = tempfile::tempdir()?;
    reset_peak_rss();
    let started = Instant::now();
    let db = Arc::new(peers::Sqlite::load(dir.path(), docs).await?);
    let load = started.elapsed();
    eprintln!("sqlite: loaded and indexed in {:.2} s", load.as_secs_f64());
    let size = db.size_bytes();
    let search = {
        let db = db.clone();
        move |q: BenchQuery| {
            let db = db.clone();
            async move { db.search(&q).await }
        }
    };
    let measured = measure_peer("SQLite FTS5 (trigram)", load, size, None, mix, n, search).await?;
    let (peak, _) = memory_kb();
    if let Ok(db) = Arc::try_unwrap(db) {
        db.close().await;
    }
    Ok(Measured { peak_rss_kb: peak, ..measured })
}

async fn bench_postgres(docs: &[IndexDoc], mix: &[BenchQuery], n: usize, url: &str) -> Result<Measured, BoxError> {
    let started = Instant::now();
    let db = Arc::new(peers::Postgres::load(url, docs).await?);
    let load = started.elapsed();
    eprintln!("postgres: loaded and indexed {} in {:.2} s", db.database, load.as_secs_f64());
    let result = async {
        let size = db.size_bytes().await?;
        let search = {
            let db = db.clone();
            move |q: BenchQuery| {
                let db = db.clone();
                async move { db.search(&q).await }
            }
        };
        measure_peer("PostgreSQL FTS (jieba + simple, GIN)", load, size, None, mix, n, search).await
    }
    .await;
    match Arc::try_unwrap(db) {
        Ok(db) => db.drop_database().await?,
        Err(db) => eprintln!("postgres: could not drop {}, drop it by hand", db.database),
    }
    result
}

fn report(args: &Args, generated: Duration, results: &[Measured], cpu: &str) -> String {
    let mut out = String::new();
    let push = |out: &mut String, line: String| {
        out.push_str(&line);
        out.push('\n');
    };
    push(
        &mut out,
        format!(
            "### {} postings, {} queries (mix of {}), seed {}\n\nMachine: {} × {cpu}. Corpus generated in {:.2} s.\n",
            args.docs,
            args.queries,
            results.first().map_or(0, |r| r.found.len()),
            args.seed,
            std::thread::available_parallelism().map_or(0, |n| n.get()),
            generated.as_secs_f64()
        ),
    );
    push(
        &mut out,
        "| Engine | Load + index | docs/s | On disk | p50 | p99 | mean | q/s (1 thread) | q/s (2 in flight) | matches (sum over mix) |"
            .into(),
    );
    push(&mut out, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|".into());
    for r in results {
        let (p50, p99, mean) = stats(&r.latencies);
        push(
            &mut out,
            format!(
                "| {} | {:.2} s | {:.0} | {} | {:.2} ms | {:.2} ms | {:.2} ms | {:.0} | {} | {} |",
                r.engine,
                r.load.as_secs_f64(),
                args.docs as f64 / r.load.as_secs_f64(),
                mib(r.size_bytes),
                ms(p50),
                ms(p99),
                ms(mean),
                r.qps(),
                r.qps_2().map_or("–".into(), |q| format!("{q:.0}")),
                r.found.iter().map(|f| f.total).sum::<u64>(),
            ),
        );
    }

    push(&mut out, "\nLatency by query class (p50 / p99, one thread):\n".into());
    let mut header = String::from("| Engine |");
    let mut rule = String::from("|---|");
    for class in Class::ALL {
        header.push_str(&format!(" {} |", class.name()));
        rule.push_str("---:|");
    }
    push(&mut out, header);
    push(&mut out, rule);
    for r in results {
        let mut by_class: BTreeMap<Class, Vec<Duration>> = BTreeMap::new();
        for (i, latency) in r.latencies.iter().enumerate() {
            by_class.entry(r.classes[i % r.classes.len()]).or_default().push(*latency);
        }
        let mut line = format!("| {} |", r.engine);
        for class in Class::ALL {
            let (p50, p99, _) = stats(by_class.get(&class).map_or(&[][..], Vec::as_slice));
            line.push_str(&format!(" {:.2} / {:.2} ms |", ms(p50), ms(p99)));
        }
        push(&mut out, line);
    }

    if let Some(tantivy) = results.first() {
        let peers = &results[1..];
        if let Some(best) = peers.iter().max_by(|a, b| a.qps().total_cmp(&b.qps())) {
            let (t50, _, _) = stats(&tantivy.latencies);
            let (b50, _, _) = stats(&best.latencies);
            push(
                &mut out,
                format!(
                    "\nBetter peer by q/s: {}. tantivy / peer: q/s ×{:.1} (1 thread), ×{:.1} (2 in flight); p50 {:.1}× lower; index build {:.1}× faster.",
                    best.engine,
                    tantivy.qps() / best.qps(),
                    tantivy.qps_2().unwrap_or(0.0) / best.qps_2().unwrap_or(f64::NAN),
                    ms(b50) / ms(t50),
                    best.load.as_secs_f64() / tantivy.load.as_secs_f64(),
                ),
            );
        }
        push(
            &mut out,
            format!(
                "\nPeak RSS of this process: tantivy build {}; SQLite phase {}. PostgreSQL's memory is in its own server processes and not counted.",
                tantivy.peak_rss_kb.map_or("n/a".into(), |kb| format!("{} MiB", kb / 1024)),
                results
                    .iter()
                    .find(|r| r.engine.starts_with("SQLite"))
                    .and_then(|r| r.peak_rss_kb)
                    .map_or("n/a".into(), |kb| format!("{} MiB", kb / 1024)),
            ),
        );
        push(
            &mut out,
            variants::report(
                &tantivy.latencies,
                tantivy.wall_1,
                &tantivy.variants,
                tantivy.accuracy.as_ref(),
                &args_mix_labels(),
                (&tantivy.latencies_2, tantivy.wall_2.unwrap_or_default()),
            ),
        );
        push(&mut out, "\nMatches per query of the mix (tantivy / peers):\n".into());
        let mut line = String::new();
        for (i, f) in tantivy.found.iter().enumerate() {
            let others: Vec<String> = peers.iter().map(|p| p.found.get(i).map_or(0, |f| f.total).to_string()).collect();
            line.push_str(&format!("{}={}/{}; ", i + 1, f.total, others.join("/")));
        }
        push(&mut out, line);
    }
    out
}

/// Each query of the mix as a short label: its text and filters.
fn args_mix_labels() -> Vec<String> {
    queries::mix()
        .iter()
        .map(|q| {
            let filters: Vec<String> =
                [q.kind.map(|k| k.as_str().to_owned()), q.region.map(str::to_owned), q.cluster.map(str::to_owned)]
                    .into_iter()
                    .flatten()
                    .collect();
            format!("{} `{}` {}", q.class.name(), q.q, filters.join(" "))
        })
        .collect()
}

fn main() -> Result<(), BoxError> {
    let args = args();
    let mix = queries::mix();
    eprintln!("generating {} postings (seed {})", args.docs, args.seed);
    let started = Instant::now();
    let docs = corpus::Generator::new().generate(args.docs, args.seed);
    let generated = started.elapsed();
    let chars: usize = docs.iter().map(|d| d.title.chars().count() + d.description.chars().count()).sum();
    eprintln!(
        "generated in {:.2} s, {:.0} characters of title and description per posting on average; example: {} — {}",
        generated.as_secs_f64(),
        chars as f64 / docs.len().max(1) as f64,
        docs[0].title,
        docs[0].description
    );

    let mut results = vec![bench_tantivy(&docs, &mix, args.queries, args.batch, args.incremental)?];
    eprintln!("tantivy: done");

    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    for peer in &args.peers {
        let measured = match peer.as_str() {
            "sqlite" => runtime.block_on(bench_sqlite(&docs, &mix, args.queries)),
            "postgres" | "postgresql" | "pg" => {
                runtime.block_on(bench_postgres(&docs, &mix, args.queries, &args.pg_url))
            }
            other => {
                eprintln!("unknown peer {other}, skipped");
                continue;
            }
        };
        match measured {
            Ok(m) => {
                eprintln!("{peer}: done");
                results.push(m);
            }
            Err(error) => eprintln!("{peer}: failed: {error}"),
        }
    }

    println!("{}", report(&args, generated, &results, &cpu_model()));
    Ok(())
}
