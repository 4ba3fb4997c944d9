//! Searching: a [`SearchRequest`] of free text, filters, sort and page in; hits with
//! highlighted titles and snippets, the total and facet counts out.
//!
//! Free text never fails a search (see [`text`] for how it becomes a query). Empty text, or
//! text with nothing searchable in it, browses: every posting matching the filters, newest first
//! unless another order is asked for. Facet counts are disjunctive (see [`facets`]); the total
//! and the counts are exact for queries that match few postings and estimated above that (see
//! [`counts`]). Ranking does not count: the page of hits comes from a pruning top-k search of its
//! own, so its cost does not grow with the number of matches.
//!
//! Pages are offsets. The cursor in [`SearchResults::next_cursor`] is an opaque encoding of the
//! next offset, so clients can page without knowing that; results past [`MAX_WINDOW`] are not
//! served, as deep pages of a relevance ranking are not useful and cost a full sort.

pub(crate) mod counts;
pub(crate) mod facets;
mod text;

use std::collections::BTreeMap;

use chanjiao_domain::{ClusterId, PostingKind, RegionCode, SchoolLevel, Side};
use tantivy::collector::TopDocs;
use tantivy::schema::Value;
use tantivy::{DocAddress, Order, TantivyDocument};

use crate::error::Result;
use crate::highlight::Highlighter;
use crate::index::SearchIndex;

pub(crate) use text::sanitize;

/// Hits per page when the request says 0.
pub const DEFAULT_LIMIT: usize = 20;
/// The most hits one page may ask for.
pub const MAX_LIMIT: usize = 100;
/// The deepest result served: offset + limit is capped here.
pub const MAX_WINDOW: usize = 1_000;

/// The order of hits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Sort {
    /// Best match first; for a browse (no text), newest first.
    #[default]
    Relevance,
    /// Most recently created first.
    Newest,
    /// Earliest end date first; postings without an end date last.
    ClosingSoon,
}

/// Which postings to consider. Within one list, any value matches (kind is job *or*
/// apprenticeship); across fields, all must.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Filters {
    pub kinds: Vec<PostingKind>,
    pub side: Option<Side>,
    /// A city, county or township: postings in it or anywhere below it.
    pub region: Option<RegionCode>,
    pub clusters: Vec<ClusterId>,
    pub levels: Vec<SchoolLevel>,
    /// Program classes (专业类) by their four-digit code, such as 4601.
    pub program_classes: Vec<String>,
    pub organization_id: Option<u64>,
}

/// One search.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchRequest {
    /// Free text as typed, any length and content.
    pub q: String,
    pub filters: Filters,
    pub sort: Sort,
    /// Hits per page: 0 means [`DEFAULT_LIMIT`], more than [`MAX_LIMIT`] is capped.
    pub limit: usize,
    /// Hits to skip; ignored when `cursor` is given.
    pub offset: usize,
    /// A [`SearchResults::next_cursor`] from the previous page. One that cannot be read starts
    /// from the beginning.
    pub cursor: Option<String>,
}

/// One hit.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub id: u64,
    /// The relevance score when sorting by relevance, 0 for the other orders.
    pub score: f32,
    /// The whole title, HTML-escaped, matched terms in `<mark>`.
    pub title_html: String,
    /// A passage of the description around the matched terms (its beginning when none matched),
    /// HTML-escaped, matched terms in `<mark>`.
    pub snippet_html: String,
}

/// What a search found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchResults {
    /// Postings matching the text and all filters; an estimate when `approximate`.
    pub total: u64,
    /// Whether the total and the facet counts were estimated from a sample of the matches
    /// (a query matching at least [`EXACT_LIMIT`](counts::EXACT_LIMIT) postings), to be shown
    /// as such (约 N).
    pub approximate: bool,
    pub hits: Vec<Hit>,
    /// For each dimension (kind, side, region, cluster, level, program_class): values with their
    /// counts, most frequent first.
    pub facets: BTreeMap<String, Vec<(String, u64)>>,
    /// The cursor of the next page, `None` on the last.
    pub next_cursor: Option<String>,
}

impl SearchIndex {
    /// Runs a search. Only the index can make it fail, never the request.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults> {
        let searcher = self.reader.searcher();
        let text = text::build(&request.q, &self.fields, &searcher)?;
        let filters = facets::filters(&request.filters, &self.fields);
        let query = facets::compose(text.as_deref(), &filters, None);

        let limit = match request.limit {
            0 => DEFAULT_LIMIT,
            n => n.min(MAX_LIMIT),
        };
        let offset = match &request.cursor {
            Some(cursor) => decode_cursor(cursor).unwrap_or(0),
            None => request.offset,
        }
        .min(MAX_WINDOW);
        let limit = limit.min(MAX_WINDOW.saturating_sub(offset));
        let sort = match (request.sort, &text) {
            (Sort::Relevance, None) => Sort::Newest,
            (sort, _) => sort,
        };

        let counts = self.counting.counts(&searcher, (&request.q, &request.filters), text.as_deref(), &filters)?;
        // TopDocs needs a limit of at least one; past the window the page is empty anyway.
        let top = TopDocs::with_limit(limit.max(1)).and_offset(offset);
        let mut addresses: Vec<(f32, DocAddress)> = match sort {
            Sort::Relevance => self.top(&searcher, &*query, &top.order_by_score())?,
            Sort::Newest => self
                .top(&searcher, &*query, &top.order_by_fast_field::<tantivy::DateTime>("created_at", Order::Desc))?
                .into_iter()
                .map(|(_, a)| (0.0, a))
                .collect(),
            Sort::ClosingSoon => self
                .top(&searcher, &*query, &top.order_by_fast_field::<tantivy::DateTime>("ends_on", Order::Asc))?
                .into_iter()
                .map(|(_, a)| (0.0, a))
                .collect(),
        };
        if limit == 0 {
            addresses.clear();
        }

        let highlighter = Highlighter::new(&searcher, text.as_deref(), &self.fields)?;
        let mut hits = Vec::with_capacity(addresses.len());
        for (score, address) in addresses {
            let doc: TantivyDocument = searcher.doc(address)?;
            let id = doc.get_first(self.fields.id).and_then(|v| v.as_u64()).unwrap_or_default();
            let title = doc.get_first(self.fields.title).and_then(|v| v.as_str()).unwrap_or_default();
            let description = doc.get_first(self.fields.description).and_then(|v| v.as_str()).unwrap_or_default();
            hits.push(Hit {
                id,
                score,
                title_html: highlighter.title_html(title),
                snippet_html: highlighter.snippet_html(description),
            });
        }

        let next = offset + hits.len();
        // An estimate never claims fewer matches than the pages already shown.
        let total = counts.total.max(next as u64);
        let next_cursor = (next < MAX_WINDOW && (next as u64) < total && !hits.is_empty()).then(|| encode_cursor(next));
        Ok(SearchResults { total, approximate: counts.approximate, hits, facets: counts.facets.clone(), next_cursor })
    }
}

impl SearchIndex {
    /// Runs a top-k collector over the segments, on the search executor's threads (one, the
    /// caller's, unless [`set_search_threads`](Self::set_search_threads) said otherwise).
    fn top<C: tantivy::collector::Collector>(
        &self,
        searcher: &tantivy::Searcher,
        query: &dyn tantivy::query::Query,
        collector: &C,
    ) -> Result<C::Fruit> {
        let scoring = if collector.requires_scoring() {
            tantivy::query::EnableScoring::enabled_from_searcher(searcher)
        } else {
            tantivy::query::EnableScoring::disabled_from_searcher(searcher)
        };
        let executor = self.executor.read().unwrap_or_else(|p| p.into_inner()).clone();
        Ok(searcher.search_with_executor(query, collector, &executor, scoring)?)
    }

    /// Which of `ids` a search would find: the very query [`SearchIndex::search`] builds from
    /// the request's text and filters, restricted to those documents. Saved-search alerts ask
    /// this about newly published postings, so an alert fires exactly when the search would
    /// list the posting.
    pub fn matching_ids(&self, request: &SearchRequest, ids: &[u64]) -> Result<Vec<u64>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let searcher = self.reader.searcher();
        let text = text::build(&request.q, &self.fields, &searcher)?;
        let filters = facets::filters(&request.filters, &self.fields);
        let query = facets::compose(text.as_deref(), &filters, None);
        let wanted: Vec<Box<dyn tantivy::query::Query>> = ids
            .iter()
            .map(|id| {
                let term = tantivy::Term::from_field_u64(self.fields.id, *id);
                Box::new(tantivy::query::TermQuery::new(term, tantivy::schema::IndexRecordOption::Basic))
                    as Box<dyn tantivy::query::Query>
            })
            .collect();
        let restricted = tantivy::query::BooleanQuery::new(vec![
            (tantivy::query::Occur::Must, query),
            (tantivy::query::Occur::Must, Box::new(tantivy::query::BooleanQuery::union(wanted))),
        ]);
        let found = searcher.search(&restricted, &TopDocs::with_limit(ids.len()).order_by_score())?;
        let mut out = Vec::with_capacity(found.len());
        for (_, address) in found {
            let doc: TantivyDocument = searcher.doc(address)?;
            if let Some(id) = doc.get_first(self.fields.id).and_then(|v| v.as_u64()) {
                out.push(id);
            }
        }
        Ok(out)
    }
}

fn encode_cursor(offset: usize) -> String {
    format!("o{offset}")
}

fn decode_cursor(cursor: &str) -> Option<usize> {
    cursor.strip_prefix('o')?.parse().ok().filter(|o| *o <= MAX_WINDOW)
}
