//! Drives a search function with a fixed number of queries in flight, the same way for the
//! platform's index and for each database peer, so their latencies compare.

use std::time::{Duration, Instant};

use crate::peers::{BoxError, Found};
use crate::queries::BenchQuery;

/// Runs `queries` against a peer with `concurrency` queries in flight, returning each query's
/// latency in order of completion per task, the wall time, and what each query found.
pub async fn run<F, Fut>(
    queries: &[BenchQuery],
    concurrency: usize,
    search: F,
) -> Result<(Vec<Duration>, Duration, Vec<Found>), BoxError>
where
    F: Fn(BenchQuery) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = Result<Found, BoxError>> + Send + 'static,
{
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for worker in 0..concurrency {
        let mine: Vec<BenchQuery> = queries.iter().skip(worker).step_by(concurrency).cloned().collect();
        let search = search.clone();
        tasks.spawn(async move {
            let mut out = Vec::with_capacity(mine.len());
            for query in mine {
                let t = Instant::now();
                let found = search(query).await?;
                out.push((t.elapsed(), found));
            }
            Ok::<_, BoxError>(out)
        });
    }
    let mut latencies = Vec::new();
    let mut found = Vec::new();
    while let Some(result) = tasks.join_next().await {
        for (latency, f) in result?? {
            latencies.push(latency);
            found.push(f);
        }
    }
    Ok((latencies, started.elapsed(), found))
}
