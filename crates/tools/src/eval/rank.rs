//! Ranking an evaluation set with the catalogue matcher or the BM25 baseline.

use chanjiao_api::progress::{Phase, Progress};
use chanjiao_domain::SchoolLevel;
use chanjiao_domain::matching::CatalogueModel;

use super::{EvalQuery, Ranking};

/// Programs written per (query, level): enough for nDCG@10 and a meaningful MRR.
pub const WRITTEN: usize = 50;

/// Which ranker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Method {
    /// The platform's matcher: text relevance, occupation ↔ program fit, class lift.
    Matcher,
    /// Plain BM25 over program name and profile text.
    Bm25,
}

impl Method {
    pub fn label(self) -> &'static str {
        match self {
            Method::Matcher => "matcher",
            Method::Bm25 => "BM25 baseline",
        }
    }
}

/// Ranks every (query, level) pair. With `withhold_own`, each query's own occupation (dev sets
/// name it) is hidden from the crosswalk while ranking it — the condition the test sets are
/// built in, since their occupations are not in the published crosswalk. Each query ranked is
/// reported to `progress`.
pub fn rank_all(
    model: &CatalogueModel,
    queries: &[EvalQuery],
    method: Method,
    withhold_own: bool,
    progress: &dyn Progress,
) -> Vec<Ranking> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8);
    let chunk = queries.len().div_ceil(threads).max(1);
    progress.start(Phase::RankQueries, Some(queries.len() as u64));
    let rankings = std::thread::scope(|scope| {
        let handles: Vec<_> = queries
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .flat_map(|q| {
                            let ranked = rank_query(model, q, method, withhold_own);
                            progress.inc(1);
                            ranked
                        })
                        .collect()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_else(|_| Vec::new())).collect()
    });
    progress.finish();
    rankings
}

fn rank_query(model: &CatalogueModel, query: &EvalQuery, method: Method, withhold_own: bool) -> Vec<Ranking> {
    let terms = chanjiao_search::terms(&query.query_text);
    let withheld: Vec<&str> = match (&query.occupation, withhold_own) {
        (Some(code), true) => vec![code.as_str()],
        _ => Vec::new(),
    };
    query
        .levels
        .keys()
        .filter_map(|name| {
            let level: SchoolLevel = name.parse().ok()?;
            let ranked = match method {
                Method::Matcher => model.rank(&query.query_text, &terms, level, &withheld),
                Method::Bm25 => model.rank_by_text(&terms, level),
            };
            Some(Ranking {
                query_id: query.query_id.clone(),
                level: name.clone(),
                ranked: ranked.into_iter().take(WRITTEN).map(|r| r.program.code.as_str().to_owned()).collect(),
            })
        })
        .collect()
}
