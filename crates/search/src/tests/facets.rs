use chanjiao_domain::{PostingKind, SchoolLevel, Side};

use super::*;
use crate::Filters;

/// Five postings across kinds, places and clusters, for counting.
fn counted() -> SearchIndex {
    use PostingKind::*;
    let mut a = posting(1, Job, "印染技术员", "染整工艺。");
    a.region = region("330603");
    a.clusters = vec![cluster("dyeing")];
    let mut b = posting(2, Job, "数控操作工", "数控车床。");
    b.region = region("330602");
    b.clusters = vec![cluster("hq_equipment")];
    let mut c = posting(3, Apprenticeship, "数控学徒", "现代学徒制。");
    c.region = region("330603");
    c.clusters = vec![cluster("hq_equipment")];
    let mut d = posting(4, ProgramOffering, "数控技术专业", "毕业生。");
    d.region = region("330604");
    d.program_codes = vec![program("460103")];
    d.education_level = Some(SchoolLevel::GaozhiZhuanke);
    let mut e = posting(5, OrderClass, "集成电路订单班", "封装测试。");
    e.region = region("330603001");
    e.clusters = vec![cluster("ic")];
    index_of(vec![a, b, c, d, e])
}

fn run(index: &SearchIndex, q: &str, filters: Filters) -> SearchResults {
    index.search(&SearchRequest { q: q.into(), filters, ..Default::default() }).unwrap()
}

fn counts(results: &SearchResults, facet: &str) -> Vec<(String, u64)> {
    results.facets[facet].clone()
}

fn pairs(expected: &[(&str, u64)]) -> Vec<(String, u64)> {
    expected.iter().map(|(v, n)| ((*v).to_owned(), *n)).collect()
}

#[test]
fn without_filters_every_dimension_counts_everything() {
    let results = run(&counted(), "", Filters::default());
    assert_eq!(results.total, 5);
    assert_eq!(counts(&results, "side"), pairs(&[("enterprise", 4), ("school", 1)]));
    assert_eq!(counts(&results, "region"), pairs(&[("330600", 5)]));
    assert_eq!(counts(&results, "cluster"), pairs(&[("hq_equipment", 2), ("dyeing", 1), ("ic", 1)]));
    assert_eq!(counts(&results, "level"), pairs(&[("gaozhi_zhuanke", 1)]));
    assert_eq!(counts(&results, "program_class"), pairs(&[("4601", 1)]));
    assert_eq!(results.facets.len(), 6);
}

#[test]
fn a_dimension_counts_without_its_own_filter_and_others_count_within_it() {
    let results = run(&counted(), "", Filters { kinds: vec![PostingKind::Job], ..Default::default() });
    assert_eq!(results.total, 2);
    // Kind counts ignore the kind filter, so the other kinds stay visible.
    assert_eq!(
        counts(&results, "kind"),
        pairs(&[("job", 2), ("apprenticeship", 1), ("order_class", 1), ("program_offering", 1)])
    );
    // Every other dimension counts the two jobs only.
    assert_eq!(counts(&results, "cluster"), pairs(&[("dyeing", 1), ("hq_equipment", 1)]));
    assert_eq!(counts(&results, "side"), pairs(&[("enterprise", 2)]));
    assert_eq!(counts(&results, "region"), pairs(&[("330600", 2)]));
    assert!(counts(&results, "level").is_empty());
}

#[test]
fn several_values_of_one_dimension_are_alternatives() {
    let filters = Filters { clusters: vec![cluster("hq_equipment"), cluster("dyeing")], ..Default::default() };
    let results = run(&counted(), "", filters);
    assert_eq!(results.total, 3);
    assert_eq!(counts(&results, "cluster"), pairs(&[("hq_equipment", 2), ("dyeing", 1), ("ic", 1)]));
    assert_eq!(counts(&results, "kind"), pairs(&[("job", 2), ("apprenticeship", 1)]));
}

#[test]
fn regions_filter_down_the_hierarchy_and_count_one_level_below() {
    let index = counted();
    let city = run(&index, "", Filters { region: Some(region("330600")), ..Default::default() });
    assert_eq!(city.total, 5);
    assert_eq!(counts(&city, "region"), pairs(&[("330603", 3), ("330602", 1), ("330604", 1)]));
    let county = run(&index, "", Filters { region: Some(region("330603")), ..Default::default() });
    assert_eq!(county.total, 3, "the county and its township");
    assert_eq!(counts(&county, "region"), pairs(&[("330603001", 1)]));
    assert_eq!(counts(&county, "kind"), pairs(&[("apprenticeship", 1), ("job", 1), ("order_class", 1)]));
    let town = run(&index, "", Filters { region: Some(region("330603001")), ..Default::default() });
    assert_eq!(ids(&town), [5]);
    assert_eq!(counts(&town, "region"), pairs(&[("330603001", 1)]));
}

#[test]
fn counts_follow_the_text_query_and_combined_filters() {
    let index = counted();
    let filters = Filters { kinds: vec![PostingKind::Job], side: Some(Side::Enterprise), ..Default::default() };
    let results = run(&index, "数控", filters);
    assert_eq!(ids(&results), [2]);
    // Kinds among 数控 postings of enterprises: the program offering is a school's.
    assert_eq!(counts(&results, "kind"), pairs(&[("apprenticeship", 1), ("job", 1)]));
    // Sides among 数控 jobs: the side filter is left out, the kind filter kept.
    assert_eq!(counts(&results, "side"), pairs(&[("enterprise", 1)]));
    let by_class = run(&index, "", Filters { program_classes: vec!["4601".into()], ..Default::default() });
    assert_eq!(ids(&by_class), [4]);
    let by_level = run(&index, "数控", Filters { levels: vec![SchoolLevel::GaozhiZhuanke], ..Default::default() });
    assert_eq!(ids(&by_level), [4]);
    assert_eq!(counts(&by_level, "level"), pairs(&[("gaozhi_zhuanke", 1)]));
}
