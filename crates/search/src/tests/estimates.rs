//! Totals and facet counts above the exact limit: estimated from a sample, close to the exact
//! counts, marked as estimates, stable, and refreshed by a commit.

use chanjiao_domain::PostingKind;

use super::*;
use crate::Filters;

/// 4,000 postings: three in four are 数控 jobs or apprenticeships, one in four 印染; spread over
/// three counties in unequal shares.
fn large() -> SearchIndex {
    let counties = ["330602", "330602", "330602", "330603", "330603", "330604"];
    let docs = (1..=4_000u64)
        .map(|id| {
            let (kind, title) = match id % 4 {
                0 => (PostingKind::Job, "印染车间技术员"),
                1 => (PostingKind::Apprenticeship, "数控学徒"),
                _ => (PostingKind::Job, "数控操作工"),
            };
            let mut doc = posting(id, kind, title, "两班倒，包吃住。");
            doc.region = region(counties[(id % 6) as usize]);
            doc
        })
        .collect();
    index_of(docs)
}

fn run(index: &SearchIndex, q: &str, filters: Filters) -> SearchResults {
    index.search(&SearchRequest { q: q.into(), filters, ..Default::default() }).unwrap()
}

/// |estimated − exact| / exact over every value of every dimension, weighted by the exact count.
fn error(estimated: &SearchResults, exact: &SearchResults) -> f64 {
    let (mut off, mut all) = (0.0, 0.0);
    for (dim, values) in &exact.facets {
        for (value, n) in values {
            let guess = estimated.facets[dim].iter().find(|(v, _)| v == value).map_or(0, |(_, g)| *g);
            off += (guess as f64 - *n as f64).abs();
            all += *n as f64;
        }
    }
    off / all
}

#[test]
fn a_query_above_the_limit_is_estimated_close_to_the_exact_counts() {
    let index = large();
    let exact = run(&index, "数控", Filters::default());
    assert!(!exact.approximate);
    assert_eq!(exact.total, 3_000);

    index.set_exact_count_limit(1_000);
    let estimated = run(&index, "数控", Filters::default());
    assert!(estimated.approximate);
    let off = (estimated.total as f64 - 3_000.0).abs() / 3_000.0;
    assert!(off < 0.1, "estimated total {} for 3,000", estimated.total);
    assert!(error(&estimated, &exact) < 0.1, "{:?} against {:?}", estimated.facets, exact.facets);
    // The page of hits does not depend on counting.
    assert_eq!(ids(&estimated), ids(&exact));
    // The same query on the same index gives the same estimate.
    index.set_count_cache(false);
    assert_eq!(run(&index, "数控", Filters::default()).facets, estimated.facets);
}

#[test]
fn a_query_below_the_limit_is_counted_exactly() {
    let index = large();
    index.set_exact_count_limit(1_500);
    let results = run(&index, "印染", Filters::default());
    assert!(!results.approximate);
    assert_eq!(results.total, 1_000);
    assert_eq!(results.facets["kind"], vec![("job".to_owned(), 1_000)]);
}

#[test]
fn a_filtered_dimension_is_estimated_without_its_own_filter() {
    let index = large();
    index.set_exact_count_limit(1_500);
    let filters = Filters { kinds: vec![PostingKind::Apprenticeship], ..Default::default() };
    let results = run(&index, "数控", filters);
    // 1,000 apprenticeships: under the limit, exact; the kind counts (3,000 数控 postings) are not.
    assert!(results.approximate);
    assert_eq!(results.total, 1_000);
    let jobs = results.facets["kind"].iter().find(|(v, _)| v == "job").map_or(0, |(_, n)| *n);
    assert!((1_800..2_200).contains(&jobs), "about 2,000 数控 jobs, estimated {jobs}");
}

#[test]
fn a_commit_refreshes_remembered_counts() {
    let index = large();
    let before = run(&index, "印染", Filters::default());
    assert_eq!(before.total, 1_000);
    index.apply(&[Change::Delete(4)], 2).unwrap();
    assert_eq!(run(&index, "印染", Filters::default()).total, 999);
}
