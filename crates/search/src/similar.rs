//! "More like this": the postings whose text is closest to a long text (a posting's title,
//! description, skills and the names and profiles behind its codes), for matching.
//!
//! Unlike a user's search, no word is required: every distinct word of the text is an optional
//! clause scored by BM25 over the text fields (best field counting, title and skills weighted
//! most), so a candidate sharing many words ranks high and one sharing a single rare word still
//! comes back. Cost grows with the posting lists of the words, so in a large index the words
//! common to a tenth of all postings are left out; the filters are applied as a bit set beside
//! the scored query ([`FilteredTop`]) rather than intersected with it. Program and occupation codes, when given, match the codes field and weigh like a
//! strong word. Filters (kinds, levels …) are hard; the asking organization's own postings are
//! left out.

use std::collections::HashMap;

use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, DisjunctionMaxQuery, Occur, Query, TermQuery};
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
/// Words found in more than this share of the postings' descriptions are left out …
const COMMON_SHARE: f64 = 0.1;
/// … once the index is large enough for their posting lists to cost (a small index keeps every
/// word: there, a word in a tenth of the postings may still be what sets them apart).
const COMMON_MIN_DOCS: u64 = 5_000;

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

/// A word's query: its best field counts in full, the others a little (title and skills
/// weighted most), so a word repeated across fields does not outweigh two different words.
fn term_query(fields: &Fields, term: &str) -> Box<dyn Query> {
    let per_field: Vec<Box<dyn Query>> = weighted_fields(fields)
        .iter()
        .map(|&(field, boost)| {
            let query = TermQuery::new(Term::from_field_text(field, term), IndexRecordOption::WithFreqs);
            Box::new(BoostQuery::new(Box::new(query), boost)) as Box<dyn Query>
        })
        .collect();
    Box::new(DisjunctionMaxQuery::with_tie_breaker(per_field, 0.2))
}

impl SearchIndex {
    /// The postings most similar to the request's text and codes, best first.
    pub fn similar(&self, request: &SimilarRequest) -> Result<Vec<Similar>> {
        let searcher = self.reader.searcher();
        let total = searcher.num_docs();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (term, count) in key_terms(&request.text).into_iter().take(MAX_TERMS) {
            if total >= COMMON_MIN_DOCS {
                // A word in a large share of all postings barely separates them (its BM25
                // weight is a fraction of a rare word's) yet its long posting list is most of
                // the cost of scoring.
                let df = searcher.doc_freq(&Term::from_field_text(self.fields.description, &term))?;
                if df as f64 > COMMON_SHARE * total as f64 {
                    continue;
                }
            }
            // A word said three times matters more than one said once, but not three times more.
            let weight = 1.0 + (count.min(4) as f32 - 1.0) * 0.3;
            clauses.push((Occur::Should, Box::new(BoostQuery::new(term_query(&self.fields, &term), weight))));
        }
        for code in &request.codes {
            let query = TermQuery::new(
                Term::from_field_text(self.fields.codes, &code.to_lowercase()),
                IndexRecordOption::Basic,
            );
            clauses.push((Occur::Should, Box::new(BoostQuery::new(Box::new(query), CODE_BOOST))));
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
