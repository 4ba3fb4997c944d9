//! Filters and facet counts.
//!
//! Counts are *disjunctive*: the counts of a dimension are computed with every filter applied
//! except that dimension's own. With kind = job selected, the kind counts still show how many
//! apprenticeships the same query and other filters would give, so a user can widen a selection
//! instead of only narrowing it; every other dimension counts within the selected kinds. A
//! dimension without a filter of its own is counted with the main search; each filtered one costs
//! one more count (see [`counts`](super::counts), which also decides between exact and estimated).
//!
//! Region counts are one level below the selected region (the counties of a city, the
//! townships of a county), or the cities of the province when no region is selected; for a
//! selected township, the township itself.

use chanjiao_domain::RegionLevel;
use tantivy::Term;
use tantivy::collector::{FacetCollector, FacetCounts};
use tantivy::query::{AllQuery, BooleanQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::{Facet, Field, IndexRecordOption};

use super::Filters;
use crate::document::region_facet;
use crate::schema::{FACETS, Fields};

/// The province every region code is under.
const PROVINCE: &str = "330000";
/// Values kept per dimension, most frequent first.
const MAX_VALUES: usize = 50;

/// A facet dimension, indexing [`FACETS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Dim(usize);

impl Dim {
    pub(crate) const ALL: [Dim; 6] = [Dim(0), Dim(1), Dim(2), Dim(3), Dim(4), Dim(5)];
    const REGION: Dim = Dim(2);

    pub(crate) fn name(self) -> &'static str {
        FACETS[self.0]
    }
}

/// One filter as a query, with the dimension it belongs to (`None` for the organization, which
/// is not counted).
pub(crate) struct Filter {
    dim: Option<Dim>,
    query: Box<dyn Query>,
}

pub(crate) fn filters(filters: &Filters, f: &Fields) -> Vec<Filter> {
    let facet = |field: Field, values: Vec<Facet>| -> Option<Box<dyn Query>> {
        let mut terms: Vec<Box<dyn Query>> = values
            .iter()
            .map(|v| Box::new(TermQuery::new(Term::from_facet(field, v), IndexRecordOption::Basic)) as Box<dyn Query>)
            .collect();
        match terms.len() {
            0 => None,
            1 => terms.pop(),
            _ => Some(Box::new(BooleanQuery::union(terms))),
        }
    };
    let flat = |value: &str| Facet::from_path([value]);
    let by_dim: [Option<Box<dyn Query>>; 6] = [
        facet(f.kind, filters.kinds.iter().map(|k| flat(k.as_str())).collect()),
        facet(f.side, filters.side.iter().map(|s| flat(s.as_str())).collect()),
        facet(f.region, filters.region.iter().map(region_facet).collect()),
        facet(f.cluster, filters.clusters.iter().map(|c| flat(c.as_str())).collect()),
        facet(f.level, filters.levels.iter().map(|l| flat(l.as_str())).collect()),
        facet(f.program_class, filters.program_classes.iter().map(|c| flat(c.trim())).collect()),
    ];
    let mut out: Vec<Filter> = Dim::ALL
        .into_iter()
        .zip(by_dim)
        .filter_map(|(dim, query)| query.map(|query| Filter { dim: Some(dim), query }))
        .collect();
    if let Some(id) = filters.organization_id {
        let query = TermQuery::new(Term::from_field_u64(f.organization_id, id), IndexRecordOption::Basic);
        out.push(Filter { dim: None, query: Box::new(query) });
    }
    out
}

/// The text query (if any) with every filter but those of dimension `except`. Filters do not
/// score: a filter changes which postings match, not their order.
pub(crate) fn compose(text: Option<&dyn Query>, filters: &[Filter], except: Option<Dim>) -> Box<dyn Query> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    if let Some(text) = text {
        clauses.push((Occur::Must, text.box_clone()));
    }
    for filter in filters.iter().filter(|f| f.dim.is_none() || f.dim != except) {
        clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(filter.query.box_clone(), 0.0))));
    }
    match clauses.len() {
        0 => Box::new(AllQuery),
        1 if text.is_some() => clauses.pop().map(|(_, q)| q).unwrap_or_else(|| Box::new(AllQuery)),
        _ => Box::new(BooleanQuery::new(clauses)),
    }
}

/// Whether a dimension has a filter of its own, and so needs a search of its own.
pub(crate) fn is_filtered(filters: &[Filter], dim: Dim) -> bool {
    filters.iter().any(|f| f.dim == Some(dim))
}

/// The facet whose children a dimension counts, and, for a selected township, the one child to
/// keep.
fn root(dim: Dim, request: &Filters) -> (Facet, Option<String>) {
    if dim != Dim::REGION {
        return (Facet::root(), None);
    }
    match &request.region {
        None => (Facet::from_path([PROVINCE]), None),
        Some(region) if region.region().level == RegionLevel::Township => {
            let mut chain: Vec<&str> = region.ancestry().iter().skip(1).map(|r| r.code.as_str()).collect();
            chain.reverse();
            (Facet::from_path(chain), Some(region.as_str().to_owned()))
        }
        Some(region) => (region_facet(region), None),
    }
}

/// A collector for one dimension.
pub(crate) fn collector(dim: Dim, request: &Filters) -> FacetCollector {
    let mut collector = FacetCollector::for_field(dim.name());
    collector.add_facet(root(dim, request).0);
    collector
}

/// The counts of one dimension as (value, count), most frequent first.
pub(crate) fn values(dim: Dim, request: &Filters, counts: &FacetCounts) -> Vec<(String, u64)> {
    let (root, only) = root(dim, request);
    let mut values: Vec<(String, u64)> = counts
        .get(root)
        .filter_map(|(facet, count)| facet.to_path().last().map(|v| ((*v).to_owned(), count)))
        .filter(|(value, _)| only.as_ref().is_none_or(|only| only == value))
        .collect();
    values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    values.truncate(MAX_VALUES);
    values
}
