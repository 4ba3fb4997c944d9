//! The total and the facet counts of a search: exact while a query matches few postings, estimated
//! from a uniform random sample of its matches above that, and remembered until the next commit.
//!
//! Counting is linear in the matches, and a one-word query over a million postings matches
//! hundreds of thousands (实习 matches 41 % of the benchmark corpus); ranking, by contrast, prunes
//! and does not grow with them. So a search first estimates how many postings its query matches
//! from a small pilot sample. Below a limit ([`EXACT_LIMIT`] unless the operator sets another) it
//! counts every match; above, it visits a sample of about 40 % of the limit's matches and scales
//! what it counted, and the answer says it is an estimate (`approximate`), which the page shows
//! as 约 N.
//!
//! The sample is a Bernoulli sample of document ids (each id kept with the same probability,
//! independently of the query), intersected with the query by seeking: the next sampled id is
//! drawn from a geometric distribution, and when the query's matches jump past it, the next is
//! drawn afresh from where they landed, which memorylessness allows. Every match is therefore in
//! the sample with the same probability, so scaled counts are unbiased, and the work is
//! proportional to the sample, not to the matches. The generator is seeded by the segment, so
//! the same query on the same index gives the same estimate (pages and caches agree).
//!
//! Estimated counts are rounded to three significant figures: more digits would claim a precision
//! the sample does not have.

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tantivy::collector::{Collector, FacetCollector, SegmentCollector};
use tantivy::query::{EnableScoring, Query, Weight};
use tantivy::{DocId, DocSet, Searcher, SegmentReader, TERMINATED};

use super::Filters;
use super::facets::{self, Dim, Filter};
use crate::error::Result;

/// Queries estimated to match fewer postings than this are counted exactly, by default.
pub const EXACT_LIMIT: u64 = 30_000;
/// Matches an estimating sample aims to visit, as a share of the exact limit (12,000 at the
/// default). The relative error of a count is about 1/√(its share × the sample); a facet value
/// holding a tenth of the matches is then within 3 %.
const SAMPLE_SHARE: f64 = 0.4;
/// Matches the pilot sample expects to see at the exact limit: enough to tell a query just
/// above the limit from one just below it (±6 %).
const PILOT_HITS: f64 = 256.0;
/// Searches whose counts are remembered between two commits.
const CACHE_ENTRIES: usize = 2_048;

/// What a search counted.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Counts {
    pub total: u64,
    /// Whether the total or any facet count was estimated from a sample.
    pub approximate: bool,
    pub facets: BTreeMap<String, Vec<(String, u64)>>,
}

/// Counts the matches of the text query under the filters, and the facet values of every
/// dimension, each filtered dimension without its own filter (see [`facets`]).
pub(crate) fn count(
    searcher: &Searcher,
    text: Option<&dyn Query>,
    filters: &[Filter],
    request: &Filters,
    exact_limit: u64,
) -> Result<Counts> {
    let unfiltered: Vec<Dim> = Dim::ALL.into_iter().filter(|dim| !facets::is_filtered(filters, *dim)).collect();
    let main = tally(searcher, &*facets::compose(text, filters, None), &unfiltered, request, exact_limit)?;
    let mut counts = Counts { total: main.total, approximate: main.approximate, facets: main.values };
    for dim in Dim::ALL.into_iter().filter(|dim| facets::is_filtered(filters, *dim)) {
        let own = tally(searcher, &*facets::compose(text, filters, Some(dim)), &[dim], request, exact_limit)?;
        counts.approximate |= own.approximate;
        counts.facets.extend(own.values);
    }
    Ok(counts)
}

/// One query's count and the values of some dimensions.
struct Tally {
    total: u64,
    approximate: bool,
    values: BTreeMap<String, Vec<(String, u64)>>,
}

fn tally(searcher: &Searcher, query: &dyn Query, dims: &[Dim], request: &Filters, exact_limit: u64) -> Result<Tally> {
    let weight = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
    let rate = sampling_rate(searcher, &*weight, exact_limit)?;
    let collectors: Vec<FacetCollector> = dims.iter().map(|dim| facets::collector(*dim, request)).collect();
    let mut fruits: Vec<Vec<_>> = vec![Vec::new(); dims.len()];
    let mut seen = 0u64;
    for (ordinal, reader) in searcher.segment_readers().iter().enumerate() {
        let mut children = collectors
            .iter()
            .map(|collector| collector.for_segment(ordinal as u32, reader))
            .collect::<tantivy::Result<Vec<_>>>()?;
        let mut visit = |doc: DocId| {
            seen += 1;
            for child in &mut children {
                child.collect(doc, 0.0);
            }
        };
        if rate < 1.0 {
            sample(&*weight, reader, rate, &mut visit)?;
        } else {
            let alive = reader.alive_bitset();
            weight.for_each_no_score(reader, &mut |docs| {
                for &doc in docs {
                    if alive.is_none_or(|alive| alive.is_alive(doc)) {
                        visit(doc);
                    }
                }
            })?;
        }
        for (fruit, child) in fruits.iter_mut().zip(children) {
            fruit.push(child.harvest());
        }
    }
    let approximate = rate < 1.0;
    let scale = |n: u64| if approximate { estimate(n, rate) } else { n };
    let mut values = BTreeMap::new();
    for ((dim, collector), fruit) in dims.iter().zip(&collectors).zip(fruits) {
        let counts = collector.merge_fruits(fruit)?;
        let mut dim_values = facets::values(*dim, request, &counts);
        for (_, n) in &mut dim_values {
            *n = scale(*n);
        }
        values.insert(dim.name().to_owned(), dim_values);
    }
    Ok(Tally { total: scale(seen), approximate, values })
}

/// The share of matches to visit: 1 (all of them) unless the pilot sample says the query
/// matches at least `exact_limit` postings.
fn sampling_rate(searcher: &Searcher, weight: &dyn Weight, exact_limit: u64) -> Result<f64> {
    let limit = exact_limit.max(1) as f64;
    if (searcher.num_docs() as f64) < limit {
        return Ok(1.0);
    }
    // At a low limit the pilot is every match (a rate of 1 keeps every id).
    let pilot_rate = (PILOT_HITS / limit).min(1.0);
    let mut hits = 0u64;
    for reader in searcher.segment_readers() {
        sample(weight, reader, pilot_rate, &mut |_| hits += 1)?;
    }
    let matches = hits as f64 / pilot_rate;
    Ok(if matches < limit { 1.0 } else { (limit * SAMPLE_SHARE / matches).min(1.0) })
}

/// Calls `visit` with the live matches of `weight` in `reader` whose id is in a Bernoulli sample
/// of rate `rate` (0 < rate ≤ 1; at 1, every live match).
fn sample(weight: &dyn Weight, reader: &SegmentReader, rate: f64, visit: &mut dyn FnMut(DocId)) -> Result<()> {
    let mut scorer = weight.scorer(reader, 1.0)?;
    let alive = reader.alive_bitset();
    let mut gaps = Gaps::new(rate, segment_seed(reader));
    let mut target = gaps.next_from(0);
    let mut doc = scorer.doc();
    while target < reader.max_doc() && doc != TERMINATED {
        if doc < target {
            doc = scorer.seek(target);
        }
        if doc == target {
            if alive.is_none_or(|alive| alive.is_alive(doc)) {
                visit(doc);
            }
            target = gaps.next_from(doc.saturating_add(1));
        } else if doc != TERMINATED {
            // The sampled ids between the target and this match are not matches; whether ids from
            // here on are sampled is still undecided, so the next is drawn afresh from here.
            target = gaps.next_from(doc);
        }
    }
    Ok(())
}

/// `n` sampled at `rate`, scaled back and rounded to three significant figures.
fn estimate(n: u64, rate: f64) -> u64 {
    let scaled = (n as f64 / rate).round();
    if scaled < 1_000.0 {
        return scaled as u64;
    }
    let unit = 10f64.powi(scaled.log10().floor() as i32 - 2);
    ((scaled / unit).round() * unit) as u64
}

fn segment_seed(reader: &SegmentReader) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    reader.segment_id().uuid_string().hash(&mut hasher);
    hasher.finish()
}

/// Geometric gaps between sampled ids, from SplitMix64.
struct Gaps {
    state: u64,
    /// ln(1 - rate), negative.
    log_keep: f64,
}

impl Gaps {
    fn new(rate: f64, seed: u64) -> Self {
        Gaps { state: seed, log_keep: (1.0 - rate).ln() }
    }

    /// The first sampled id at or after `from`, saturating at `DocId::MAX`.
    fn next_from(&mut self, from: DocId) -> DocId {
        // A uniform number in (0, 1]; ln(u) / ln(1 - rate) ids are skipped before the next kept one.
        let u = ((self.next_u64() >> 11) as f64 + 1.0) / (1u64 << 53) as f64;
        let skip = (u.ln() / self.log_keep).floor();
        if skip >= f64::from(DocId::MAX) { DocId::MAX } else { from.saturating_add(skip as DocId) }
    }

    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// How an index counts: the exact limit, and the counts of recent searches, valid until the
/// index changes (a commit makes a new searcher generation, and the first lookup under it empties
/// the cache).
pub(crate) struct Counting {
    exact_limit: AtomicU64,
    entries: Mutex<(u64, HashMap<CacheKey, Arc<Counts>>)>,
    /// Set by benchmarks that measure counting itself.
    bypass: AtomicBool,
}

impl Default for Counting {
    fn default() -> Self {
        Counting { exact_limit: AtomicU64::new(EXACT_LIMIT), entries: Mutex::default(), bypass: AtomicBool::new(false) }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct CacheKey {
    q: String,
    filters: Filters,
}

impl Counting {
    /// Turns the cache off (`false`) or on again.
    pub(crate) fn set_cache(&self, enabled: bool) {
        self.bypass.store(!enabled, Ordering::Relaxed);
    }

    /// Sets the number of matches above which counts are estimated.
    pub(crate) fn set_exact_limit(&self, limit: u64) {
        self.exact_limit.store(limit, Ordering::Relaxed);
        self.entries.lock().unwrap_or_else(|p| p.into_inner()).1.clear();
    }

    /// The counts of the request `(q, filters)`, whose text query and filters are `text` and
    /// `compiled`, under the searcher's generation: remembered, or counted on a miss.
    pub(crate) fn counts(
        &self,
        searcher: &Searcher,
        (q, filters): (&str, &Filters),
        text: Option<&dyn Query>,
        compiled: &[Filter],
    ) -> Result<Arc<Counts>> {
        let exact_limit = self.exact_limit.load(Ordering::Relaxed);
        let compute = || count(searcher, text, compiled, filters, exact_limit);
        if self.bypass.load(Ordering::Relaxed) {
            return compute().map(Arc::new);
        }
        let generation = searcher.generation().generation_id();
        let key = CacheKey { q: q.to_owned(), filters: filters.clone() };
        {
            let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
            if entries.0 != generation {
                *entries = (generation, HashMap::new());
            }
            if let Some(found) = entries.1.get(&key) {
                return Ok(found.clone());
            }
        }
        // Counted outside the lock: two searches may count the same query at once, which costs
        // time but never a wrong answer.
        let counts = Arc::new(compute()?);
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.0 == generation {
            if entries.1.len() >= CACHE_ENTRIES {
                entries.1.clear();
            }
            entries.1.insert(key, counts.clone());
        }
        Ok(counts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimates_keep_three_significant_figures() {
        assert_eq!(estimate(10, 0.5), 20);
        assert_eq!(estimate(1_234, 0.1), 12_300);
        assert_eq!(estimate(41_987, 0.1), 420_000);
    }

    #[test]
    fn a_rate_of_one_keeps_every_id() {
        let mut gaps = Gaps::new(1.0, 7);
        assert!((0..1_000).all(|at| gaps.next_from(at) == at));
    }

    #[test]
    fn gaps_keep_the_asked_share_of_ids() {
        let mut gaps = Gaps::new(0.01, 42);
        let (mut kept, mut at) = (0u32, 0u32);
        while at < 1_000_000 {
            at = gaps.next_from(at) + 1;
            kept += 1;
        }
        assert!((9_500..10_500).contains(&kept), "kept {kept} of 1,000,000 at 1 %");
    }
}
