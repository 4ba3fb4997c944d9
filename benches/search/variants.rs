//! tantivy against itself: the same index and queries with counts estimated (the platform's
//! default, measured with the count cache off), counted exactly (every match, as before
//! estimates existed), and with the count cache on; and how close the estimates are.

use std::time::{Duration, Instant};

use chanjiao_search::{SearchIndex, SearchRequest, SearchResults};

use crate::peers::BoxError;

/// One configuration's one-thread run over the schedule.
pub struct Variant {
    pub name: &'static str,
    pub latencies: Vec<Duration>,
    pub wall: Duration,
}

/// How far estimated counts are from exact ones, over the queries that were estimated.
#[derive(Default)]
pub struct Accuracy {
    pub queries: usize,
    pub estimated: usize,
    /// |estimate − exact| / exact of the total: mean and worst.
    pub total_mean: f64,
    pub total_max: f64,
    /// Σ|estimate − exact| / Σ exact over every value of every facet dimension, per query:
    /// mean and worst.
    pub facets_mean: f64,
    pub facets_max: f64,
}

pub fn timed(index: &SearchIndex, requests: &[SearchRequest], order: &[usize]) -> Result<Variant, BoxError> {
    let mut latencies = Vec::with_capacity(order.len());
    let started = Instant::now();
    for &i in order {
        let t = Instant::now();
        std::hint::black_box(index.search(&requests[i])?);
        latencies.push(t.elapsed());
    }
    Ok(Variant { name: "", latencies, wall: started.elapsed() })
}

/// Two threads taking turns over the schedule, as the main run's "2 in flight".
pub fn timed_2(index: &SearchIndex, requests: &[SearchRequest], order: &[usize]) -> Result<Variant, BoxError> {
    let started = Instant::now();
    let latencies = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..2)
            .map(|worker| {
                scope.spawn(move || {
                    let mut out = Vec::new();
                    for &i in order.iter().skip(worker).step_by(2) {
                        let t = Instant::now();
                        std::hint::black_box(index.search(&requests[i]).expect("search"));
                        out.push(t.elapsed());
                    }
                    out
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("search thread")).collect()
    });
    Ok(Variant { name: "", latencies, wall: started.elapsed() })
}

/// Runs the exact and the cached variants (the estimated one is the main run) and restores the
/// index's settings: estimates on, cache off.
pub fn others(index: &SearchIndex, requests: &[SearchRequest], order: &[usize]) -> Result<Vec<Variant>, BoxError> {
    index.set_exact_count_limit(u64::MAX);
    let exact = Variant { name: "exact counts (every match)", ..timed(index, requests, order)? };
    index.set_exact_count_limit(chanjiao_search::EXACT_LIMIT);
    index.set_count_cache(true);
    let cached = Variant { name: "estimated, count cache on", ..timed(index, requests, order)? };
    index.set_count_cache(false);
    index.set_search_threads(2)?;
    let parallel =
        Variant { name: "estimated, each query's top-k over segments on 2 threads", ..timed(index, requests, order)? };
    let parallel_2 =
        Variant { name: "top-k over segments on 2 threads, 2 queries in flight", ..timed_2(index, requests, order)? };
    index.set_search_threads(1)?;
    Ok(vec![exact, cached, parallel, parallel_2])
}

fn facet_error(estimated: &SearchResults, exact: &SearchResults) -> f64 {
    let (mut off, mut all) = (0.0, 0.0);
    for (dim, values) in &exact.facets {
        let guesses = estimated.facets.get(dim).map_or(&[][..], Vec::as_slice);
        for (value, n) in values {
            let guess = guesses.iter().find(|(v, _)| v == value).map_or(0, |(_, g)| *g);
            off += (guess as f64 - *n as f64).abs();
            all += *n as f64;
        }
    }
    if all == 0.0 { 0.0 } else { off / all }
}

pub fn accuracy(index: &SearchIndex, requests: &[SearchRequest]) -> Result<Accuracy, BoxError> {
    let mut out = Accuracy { queries: requests.len(), ..Accuracy::default() };
    for request in requests {
        index.set_exact_count_limit(chanjiao_search::EXACT_LIMIT);
        let estimated = index.search(request)?;
        if !estimated.approximate {
            continue;
        }
        index.set_exact_count_limit(u64::MAX);
        let exact = index.search(request)?;
        let total = (estimated.total as f64 - exact.total as f64).abs() / (exact.total.max(1) as f64);
        let facets = facet_error(&estimated, &exact);
        out.estimated += 1;
        out.total_mean += total;
        out.total_max = out.total_max.max(total);
        out.facets_mean += facets;
        out.facets_max = out.facets_max.max(facets);
    }
    index.set_exact_count_limit(chanjiao_search::EXACT_LIMIT);
    if out.estimated > 0 {
        out.total_mean /= out.estimated as f64;
        out.facets_mean /= out.estimated as f64;
    }
    Ok(out)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// The variants table and the estimates' error, in Markdown; `latencies` and `wall` are the main
/// (estimated, cache off) run.
pub fn report(
    latencies: &[Duration],
    wall: Duration,
    variants: &[Variant],
    accuracy: Option<&Accuracy>,
    labels: &[String],
    (latencies_2, wall_2): (&[Duration], Duration),
) -> String {
    let mut slowest: Vec<(String, Duration, Duration)> = labels
        .iter()
        .enumerate()
        .map(|(i, label)| {
            let mut mine: Vec<Duration> = latencies.iter().skip(i).step_by(labels.len().max(1)).copied().collect();
            mine.sort_unstable();
            (label.clone(), percentile(&mine, 50.0), percentile(&mine, 99.0))
        })
        .collect();
    slowest.sort_by_key(|s| std::cmp::Reverse(s.2));
    let mut out = String::from(
        "\ntantivy against itself, same queries (one thread unless said):\n\n| Counts (and threads) | p50 | p99 | mean | q/s |\n|---|---:|---:|---:|---:|\n",
    );
    let main =
        Variant { name: "estimated above 30,000 matches (default; cache off)", latencies: latencies.to_vec(), wall };
    let main_2 = Variant { name: "the same, 2 queries in flight", latencies: latencies_2.to_vec(), wall: wall_2 };
    let ms = |d: Duration| d.as_secs_f64() * 1_000.0;
    for v in [&main, &main_2].into_iter().chain(variants) {
        let mut sorted = v.latencies.clone();
        sorted.sort_unstable();
        let mean = sorted.iter().sum::<Duration>() / sorted.len().max(1) as u32;
        let qps = sorted.len() as f64 / v.wall.as_secs_f64();
        out.push_str(&format!(
            "| {} | {:.2} ms | {:.2} ms | {:.2} ms | {qps:.0} |\n",
            v.name,
            ms(percentile(&sorted, 50.0)),
            ms(percentile(&sorted, 99.0)),
            ms(mean)
        ));
    }
    // Where the time goes: the slowest queries of the main run, by their p99 over the schedule.
    let distinct = slowest.len();
    if distinct > 0 {
        out.push_str("\nSlowest queries (estimated counts, cache off), p50 / p99:\n\n");
        for (label, p50, p99) in slowest.iter().take(6) {
            out.push_str(&format!("- {label}: {:.2} / {:.2} ms\n", ms(*p50), ms(*p99)));
        }
    }
    if let Some(a) = accuracy {
        out.push_str(&format!(
            "\nEstimates: {} of {} queries estimated; total off by {:.2} % on average (worst {:.2} %); facet \
             counts off by {:.2} % on average (worst {:.2} %), as Σ|estimate − exact| / Σ exact over every value \
             of every dimension.\n",
            a.estimated,
            a.queries,
            a.total_mean * 100.0,
            a.total_max * 100.0,
            a.facets_mean * 100.0,
            a.facets_max * 100.0
        ));
    }
    out
}
