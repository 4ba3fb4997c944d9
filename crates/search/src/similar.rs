//! "More like this": the postings whose text is closest to a long text (a posting's title,
//! description, skills and the names and profiles behind its codes), for matching.
//!
//! Unlike a user's search, no word is required: every distinct word of the text is an optional
//! clause scored by BM25 in each text field (title and skills weighted most), so a candidate
//! sharing many words ranks high and one sharing a single rare word still comes back. The query
//! is kept a flat disjunction of term queries, with the filters applied beside it
//! ([`FilteredTop`]), so that block-max WAND skips postings that cannot reach the top. Program and occupation codes, when given, match the codes field and weigh like a
//! strong word. Filters (kinds, levels …) are hard; the asking organization's own postings are
//! left out.

use std::collections::HashMap;

use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, Term};

use crate::error::Result;
use crate::filtered_top::FilteredTop;
use crate::index::SearchIndex;
use crate::query::Filters;
use crate::query::facets;
use crate::schema::Fields;
use crate::tokenizer::{analyze, is_cjk};

/// Characters of the text that are read: the posting's own words and code names come first,
/// then profile text; past this, segmentation costs more than the extra words bring.
const MAX_TEXT_CHARS: usize = 2_500;
/// Distinct words matched, the most frequent in the text first. Each costs a scorer per field;
/// past a few dozen, more words add latency and little ranking.
const MAX_TERMS: usize = 64;
/// The most candidates one call returns.
pub const MAX_SIMILAR: usize = 2_000;
const CODE_BOOST: f32 = 3.0;

const STOP_WORDS: &[&str] = &[
    "的", "了", "和", "与", "及", "或", "在", "是", "等", "之", "以及", "具有", "能够", "进行", "相关", "工作", "从事",
    "负责", "人员", "and", "or", "the", "of", "in", "on", "for", "to", "with",
];

/// What to find postings similar to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SimilarRequest {
    pub text: String,
    /// Program, class or occupation codes whose postings are wanted (460103, 6-18-01-01).
    pub codes: Vec<String>,
    pub filters: Filters,
    /// Postings of this organization are never returned.
    pub exclude_organization: Option<u64>,
    /// At most [`MAX_SIMILAR`].
    pub limit: usize,
}

/// One similar posting with its BM25 score (0 when only the filters matched).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Similar {
    pub id: u64,
    pub score: f32,
}

/// The words of `text` worth matching on, with how often each occurs, most frequent first (ties
/// in order of appearance). Single Chinese characters are dropped: jieba leaves them for
/// function words and fragments of names, which only add noise to a long text.
pub fn key_terms(text: &str) -> Vec<(String, u32)> {
    let text: String = text.chars().take(MAX_TEXT_CHARS).collect();
    let mut counts: HashMap<String, (u32, usize)> = HashMap::new();
    for (i, token) in analyze(&text).into_iter().filter(|t| t.is_word).enumerate() {
        let chars = token.surface.chars().count();
        let single_cjk = chars == 1 && token.surface.chars().all(is_cjk);
        let meaningful = token.surface.chars().any(char::is_alphanumeric);
        if single_cjk || !meaningful || STOP_WORDS.contains(&token.surface.as_str()) || token.text.is_empty() {
            continue;
        }
        counts.entry(token.text).or_insert((0, i)).0 += 1;
    }
    let mut terms: Vec<(String, (u32, usize))> = counts.into_iter().collect();
    terms.sort_by(|(_, (a_count, a_first)), (_, (b_count, b_first))| b_count.cmp(a_count).then(a_first.cmp(b_first)));
    terms.into_iter().map(|(term, (count, _))| (term, count)).collect()
}

/// Every search term of `text` in order, repeats kept: the words of the segmentation and the
/// shorter words inside them, lower case, English stemmed; punctuation dropped. This is how the
/// catalogue matcher reads program profiles and queries, so they are analysed as postings are.
pub fn terms(text: &str) -> Vec<String> {
    analyze(text)
        .into_iter()
        .filter(|t| t.surface.chars().any(char::is_alphanumeric) && !t.text.is_empty())
        .map(|t| t.text)
        .collect()
}

/// The fields a word is matched in, with their weights.
fn weighted_fields(fields: &Fields) -> [(Field, f32); 5] {
    [
        (fields.title, 3.0),
        (fields.skills, 2.0),
        (fields.code_names, 2.0),
        (fields.description, 1.0),
        (fields.extra, 0.6),
    ]
}

/// One boosted term query: a boost on a term query stays a plain term scorer, which block-max
/// WAND can prune.
fn boosted_term(term: Term, boost: f32) -> (Occur, Box<dyn Query>) {
    let query = TermQuery::new(term, IndexRecordOption::WithFreqs);
    (Occur::Should, Box::new(BoostQuery::new(Box::new(query), boost)))
}

impl SearchIndex {
    /// The postings most similar to the request's text and codes, best first.
    pub fn similar(&self, request: &SimilarRequest) -> Result<Vec<Similar>> {
        let searcher = self.reader.searcher();
        // One flat disjunction of term queries, word × field, so that tantivy can prune it with
        // block-max WAND; a word found in several fields counts in each, weighted by field.
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (term, count) in key_terms(&request.text).into_iter().take(MAX_TERMS) {
            // A word said three times matters more than one said once, but not three times more.
            let weight = 1.0 + (count.min(4) as f32 - 1.0) * 0.3;
            for (field, boost) in weighted_fields(&self.fields) {
                clauses.push(boosted_term(Term::from_field_text(field, &term), boost * weight));
            }
        }
        for code in &request.codes {
            clauses.push(boosted_term(Term::from_field_text(self.fields.codes, &code.to_lowercase()), CODE_BOOST));
        }
        let filters = facets::filters(&request.filters, &self.fields);
        let mut filter = facets::compose(None, &filters, None);
        if let Some(organization) = request.exclude_organization {
            let own = TermQuery::new(
                Term::from_field_u64(self.fields.organization_id, organization),
                IndexRecordOption::Basic,
            );
            filter = Box::new(BooleanQuery::new(vec![(Occur::Must, filter), (Occur::MustNot, Box::new(own))]));
        }
        let limit = request.limit.clamp(1, MAX_SIMILAR);
        // With nothing to match on, the filters alone select and nothing is more similar.
        let top: Vec<(f32, DocAddress)> = if clauses.is_empty() {
            searcher
                .search(&*filter, &FilteredTop::new(&searcher, &AllQuery, limit)?)?
                .into_iter()
                .map(|(_, address)| (0.0, address))
                .collect()
        } else {
            searcher.search(&BooleanQuery::new(clauses), &FilteredTop::new(&searcher, &*filter, limit)?)?
        };
        let mut found = Vec::with_capacity(top.len());
        for (score, address) in top {
            let ids = searcher.segment_reader(address.segment_ord).fast_fields().u64("id")?;
            if let Some(id) = ids.first(address.doc_id) {
                found.push(Similar { id, score });
            }
        }
        Ok(found)
    }
}
