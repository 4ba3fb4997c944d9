//! Free text from users, turned into a query without a parser, so no input can be a syntax
//! error: quotes, operators, emoji and control characters are simply not tokens.
//!
//! The text is analysed like a document. Each word becomes a *unit*; consecutive single Chinese
//! characters (what the segmenter leaves of a word it does not know, such as a place name) join
//! into one unit matched as a phrase. A unit matches when any of its *forms* matches in any
//! text field, best form counting most ([`DisjunctionMaxQuery`]):
//!
//! - the word itself (a term), or its pieces as a phrase at their character offsets (集成 + 电路
//!   finds 集成电路 however the document was segmented);
//! - each synonym of the word, and the word's pieces with one piece replaced by a synonym
//!   (数控车床 → CNC 车床), weighted a little lower;
//! - for letters only, the pinyin and initials fields (`shukong`, `sk`); for codes, the codes
//!   field (`460103`, `6-18-01-07`).
//!
//! Fields are boosted title > skills > names behind codes and the organization > description >
//! extra text. Every unit must match; when that finds fewer than a page of postings and there
//! are three units or more, two thirds must, so one odd word in a long query does not empty the
//! results. (Asking for two thirds from the start made every long query of common words walk
//! the union of their postings, the slowest searches over a large index.) Stop words (的, and …) are dropped unless nothing else
//! is left, and so are units found nowhere in the index (a typo, `title:` typed as query
//! syntax, a word no posting uses) when some other unit is found: they could only empty the
//! results, never rank them. A query none of whose units is found matches nothing.

use tantivy::query::{BooleanQuery, BoostQuery, DisjunctionMaxQuery, EmptyQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Searcher, Term};

use crate::error::Result;
use crate::schema::Fields;
use crate::synonyms::synonyms;
use crate::tokenizer::{AnalyzedToken, analyze, is_cjk};

/// Characters of a query that are read; the rest of a pasted page is ignored.
pub(crate) const MAX_QUERY_CHARS: usize = 256;
/// Units of a query that are matched.
const MAX_UNITS: usize = 24;
/// Forms per unit, word and synonyms together.
const MAX_FORMS: usize = 12;
const SYNONYM_WEIGHT: f32 = 0.8;
const PIECE_SYNONYM_WEIGHT: f32 = 0.7;
const COVER_WEIGHT: f32 = 0.9;
/// Postings of a field holding a word itself from which the word's cover (its pieces as a
/// phrase) is not searched in that field. A phrase of common pieces checks positions in every
/// posting holding all of them, the slowest part of a search over a large index
/// (职业技能等级证书: 职业 + 技能 + 等级 + 证书); when the word is that common as a term, the
/// documents segmented differently are too few to change the first page, and the term finds
/// the rest.
const COVER_REDUNDANT_DF: u64 = 1_000;
/// Postings a query of every unit must find to be kept (a first page); fewer, and two thirds of
/// the units are enough.
const STRICT_ENOUGH: usize = crate::query::DEFAULT_LIMIT;

const STOP_WORDS: &[&str] = &[
    "的", "了", "和", "与", "及", "或", "在", "是", "等", "之", "以及", "a", "an", "and", "or", "not", "the", "of",
    "in", "on", "for", "to", "with",
];

/// One way to write a unit: terms at position offsets, covering `span` positions.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Form {
    pub terms: Vec<(usize, String)>,
    pub span: usize,
    pub weight: f32,
    /// The word's own pieces over the whole word (see [`cover`]).
    pub cover: bool,
}

/// One way a unit can match: the query, and the terms it needs, to tell whether the index has
/// them at all.
type Alternative = (Vec<Term>, Box<dyn Query>);

/// A word of the query (or a run of single characters) with every form that can match it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Unit {
    /// As typed: half width, lower case, not stemmed.
    pub surface: String,
    pub forms: Vec<Form>,
}

/// The first [`MAX_QUERY_CHARS`] characters, control characters as spaces.
pub(crate) fn sanitize(q: &str) -> String {
    q.chars().take(MAX_QUERY_CHARS).map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// The units of a query, at most [`MAX_UNITS`].
pub(crate) fn units(q: &str) -> Vec<Unit> {
    let tokens = analyze(&sanitize(q));
    let mut words: Vec<(&AnalyzedToken, Vec<&AnalyzedToken>)> =
        tokens.iter().filter(|t| t.is_word).map(|t| (t, Vec::new())).collect();
    for piece in tokens.iter().filter(|t| !t.is_word) {
        let index = words.partition_point(|(w, _)| w.offset_to <= piece.offset_from);
        if let Some((_, pieces)) = words.get_mut(index) {
            pieces.push(piece);
        }
    }
    if words.iter().any(|(w, _)| !STOP_WORDS.contains(&w.surface.as_str())) {
        words.retain(|(w, _)| !STOP_WORDS.contains(&w.surface.as_str()));
    }

    let mut units: Vec<Unit> = Vec::new();
    let mut run: Vec<&AnalyzedToken> = Vec::new();
    let single_char = |t: &AnalyzedToken| t.span == 1 && t.surface.chars().all(is_cjk);
    for (word, pieces) in &words {
        let continues_run = run.last().is_some_and(|last| last.position + last.span == word.position);
        if single_char(word) && (run.is_empty() || continues_run) {
            run.push(word);
            continue;
        }
        units.extend(run_unit(&run));
        run.clear();
        if single_char(word) {
            run.push(word);
        } else {
            units.push(word_unit(word, pieces));
        }
    }
    units.extend(run_unit(&run));
    units.truncate(MAX_UNITS);
    for unit in &mut units {
        drop_subsumed(&mut unit.forms);
    }
    units
}

/// Drops the phrases that contain a term some single-term form of the same unit is: every
/// posting such a phrase matches, that term matches too, so the phrase finds nothing more and
/// only costs position checks (现代学徒制's piece synonym 现代 + 学徒 under the synonym 学徒).
fn drop_subsumed(forms: &mut Vec<Form>) {
    let singles: Vec<String> = forms.iter().filter(|f| f.terms.len() == 1).map(|f| f.terms[0].1.clone()).collect();
    forms.retain(|form| form.terms.len() == 1 || !form.terms.iter().any(|(_, term)| singles.contains(term)));
}

fn run_unit(run: &[&AnalyzedToken]) -> Option<Unit> {
    let first = run.first()?;
    let terms = run.iter().map(|t| (t.position - first.position, t.text.clone())).collect();
    let span = run.len();
    let surface: String = run.iter().map(|t| t.surface.as_str()).collect();
    let mut forms = vec![Form { terms, span, weight: 1.0, cover: false }];
    add_synonyms(&surface, &mut forms);
    Some(Unit { surface, forms })
}

fn word_unit(word: &AnalyzedToken, pieces: &[&AnalyzedToken]) -> Unit {
    let mut forms = vec![Form { terms: vec![(0, word.text.clone())], span: word.span, weight: 1.0, cover: false }];
    add_synonyms(&word.surface, &mut forms);
    if let Some(cover) = cover(word, pieces) {
        // The cover with one piece replaced by a synonym: 数控车床 → cnc@0 车床@3.
        for (index, piece) in cover.iter().enumerate() {
            for synonym in synonyms(&piece.surface).into_iter().take(3) {
                let Some(replacement) = form_of(synonym, PIECE_SYNONYM_WEIGHT) else { continue };
                let mut terms = Vec::new();
                let mut offset = 0;
                for (other_index, other) in cover.iter().enumerate() {
                    if other_index == index {
                        terms.extend(replacement.terms.iter().map(|(o, t)| (offset + o, t.clone())));
                        offset += replacement.span;
                    } else {
                        terms.push((offset, other.text.clone()));
                        offset += other.span;
                    }
                }
                push_form(&mut forms, Form { terms, span: offset, weight: PIECE_SYNONYM_WEIGHT, cover: false });
            }
        }
        let terms = cover.iter().map(|p| (p.position - word.position, p.text.clone())).collect();
        push_form(&mut forms, Form { terms, span: word.span, weight: COVER_WEIGHT, cover: true });
    }
    Unit { surface: word.surface.clone(), forms }
}

/// The word's pieces laid end to end over the whole word, longest first, if they reach: 集成电路
/// is 集成 + 电路. `None` when no two pieces cover it.
fn cover<'a>(word: &AnalyzedToken, pieces: &[&'a AnalyzedToken]) -> Option<Vec<&'a AnalyzedToken>> {
    let end = word.position + word.span;
    let mut at = word.position;
    let mut cover = Vec::new();
    while at < end {
        let piece = pieces.iter().filter(|p| p.position == at && p.position + p.span <= end).max_by_key(|p| p.span)?;
        cover.push(*piece);
        at += piece.span;
    }
    (cover.len() >= 2).then_some(cover)
}

fn add_synonyms(surface: &str, forms: &mut Vec<Form>) {
    for synonym in synonyms(surface) {
        if let Some(form) = form_of(synonym, SYNONYM_WEIGHT) {
            push_form(forms, form);
        }
    }
}

/// A written term as a form: its words at their offsets.
fn form_of(text: &str, weight: f32) -> Option<Form> {
    let tokens = analyze(text);
    let words: Vec<&AnalyzedToken> = tokens.iter().filter(|t| t.is_word).collect();
    let first = words.first()?.position;
    let last = words.last()?;
    let terms = words.iter().map(|t| (t.position - first, t.text.clone())).collect();
    Some(Form { terms, span: last.position + last.span - first, weight, cover: false })
}

fn push_form(forms: &mut Vec<Form>, form: Form) {
    if forms.len() < MAX_FORMS && !forms.iter().any(|f| f.terms == form.terms) {
        forms.push(form);
    }
}

/// The query for free text `q`, or `None` when it holds nothing searchable.
pub(crate) fn build(q: &str, fields: &Fields, searcher: &Searcher) -> Result<Option<Box<dyn Query>>> {
    let units = units(q);
    if units.is_empty() {
        return Ok(None);
    }
    let text_fields = [
        (fields.title, 3.0),
        (fields.skills, 2.0),
        (fields.code_names, 1.5),
        (fields.org_name, 1.5),
        (fields.description, 1.0),
        (fields.extra, 0.5),
    ];
    let alternatives: Vec<Vec<Alternative>> = units
        .iter()
        .map(|unit| -> Result<Vec<Alternative>> {
            let mut alternatives: Vec<Alternative> = Vec::new();
            for (field, boost) in text_fields {
                let skip_cover = common_word(unit, field, searcher)?;
                for form in unit.forms.iter().filter(|form| !(form.cover && skip_cover)) {
                    let terms: Vec<Term> = form.terms.iter().map(|(_, t)| Term::from_field_text(field, t)).collect();
                    let query = boosted(form_query(&terms, form), boost * form.weight);
                    alternatives.push((terms, query));
                }
            }
            let mut keyword = |field: Field, boost: f32| {
                let term = Term::from_field_text(field, &unit.surface);
                let query = TermQuery::new(term.clone(), IndexRecordOption::Basic);
                alternatives.push((vec![term], boosted(Box::new(query), boost)));
            };
            if looks_like_pinyin(&unit.surface) {
                keyword(fields.pinyin, 1.5);
                keyword(fields.initials, 1.0);
            }
            if looks_like_code(&unit.surface) {
                keyword(fields.codes, 3.0);
            }
            Ok(alternatives)
        })
        .collect::<Result<_>>()?;

    // Alternatives whose terms the index does not have cannot match; dropping them before
    // tantivy builds weights saves work, and a unit left with none is a word found nowhere.
    let mut units_found: Vec<Vec<Box<dyn Query>>> = Vec::with_capacity(alternatives.len());
    for unit in alternatives {
        let mut found = Vec::new();
        for (terms, query) in unit {
            if all_indexed(&terms, searcher)? {
                found.push(query);
            }
        }
        if !found.is_empty() {
            units_found.push(found);
        }
    }
    if units_found.is_empty() {
        return Ok(Some(Box::new(EmptyQuery)));
    }
    let clauses: Vec<(Occur, Box<dyn Query>)> = units_found
        .into_iter()
        .map(|found| (Occur::Should, Box::new(DisjunctionMaxQuery::with_tie_breaker(found, 0.3)) as Box<dyn Query>))
        .collect();
    let n = clauses.len();
    let copy = |clauses: &[(Occur, Box<dyn Query>)]| clauses.iter().map(|(o, q)| (*o, q.box_clone())).collect();
    let every = BooleanQuery::with_minimum_required_clauses(copy(&clauses), n);
    if n <= 2 || has_at_least(&every, searcher, STRICT_ENOUGH)? {
        return Ok(Some(Box::new(every)));
    }
    Ok(Some(Box::new(BooleanQuery::with_minimum_required_clauses(clauses, (2 * n).div_ceil(3)))))
}

/// Whether `query` matches at least `n` live postings, reading no further than the `n`th.
fn has_at_least(query: &dyn Query, searcher: &Searcher, n: usize) -> Result<bool> {
    let weight = query.weight(tantivy::query::EnableScoring::disabled_from_searcher(searcher))?;
    let mut found = 0;
    for reader in searcher.segment_readers() {
        let mut scorer = weight.scorer(reader, 1.0)?;
        let alive = reader.alive_bitset();
        let mut doc = scorer.doc();
        while doc != tantivy::TERMINATED {
            found += usize::from(alive.is_none_or(|alive| alive.is_alive(doc)));
            if found >= n {
                return Ok(true);
            }
            doc = scorer.advance();
        }
    }
    Ok(false)
}

/// Whether the unit's word is itself a term of `field` in at least [`COVER_REDUNDANT_DF`]
/// postings, so its cover need not be searched there.
fn common_word(unit: &Unit, field: Field, searcher: &Searcher) -> Result<bool> {
    match unit.forms.first().map(|form| form.terms.as_slice()) {
        Some([(_, word)]) => Ok(searcher.doc_freq(&Term::from_field_text(field, word))? >= COVER_REDUNDANT_DF),
        _ => Ok(false),
    }
}

/// Whether every term is in the index (phrases need all of theirs).
fn all_indexed(terms: &[Term], searcher: &Searcher) -> Result<bool> {
    for term in terms {
        if searcher.doc_freq(term)? == 0 {
            return Ok(false);
        }
    }
    Ok(true)
}

/// A form's terms in one field as a term or a phrase query.
fn form_query(terms: &[Term], form: &Form) -> Box<dyn Query> {
    match terms {
        [term] => Box::new(TermQuery::new(term.clone(), IndexRecordOption::WithFreqs)),
        _ => Box::new(PhraseQuery::new_with_offset(
            form.terms.iter().zip(terms).map(|((offset, _), term)| (*offset, term.clone())).collect(),
        )),
    }
}

fn boosted(query: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    Box::new(BoostQuery::new(query, boost))
}

/// Letters only, two or more: maybe pinyin (`shukong`) or initials (`sk`).
fn looks_like_pinyin(surface: &str) -> bool {
    (2..=crate::pinyin::KEY_BYTES).contains(&surface.len()) && surface.bytes().all(|b| b.is_ascii_lowercase())
}

/// ASCII with a digit: a program, class or occupation code.
fn looks_like_code(surface: &str) -> bool {
    surface.bytes().any(|b| b.is_ascii_digit()) && surface.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn surfaces(q: &str) -> Vec<String> {
        units(q).into_iter().map(|u| u.surface).collect()
    }

    #[test]
    fn words_become_units_and_stop_words_go() {
        assert_eq!(surfaces("数控机床 的 操作工"), ["数控机床", "操作工"]);
        assert_eq!(surfaces("的"), ["的"]);
        assert_eq!(surfaces("\"PLC\" AND (CNC)"), ["plc", "cnc"]);
    }

    #[test]
    fn single_characters_join_into_a_phrase() {
        // 杨汛桥, a town of 柯桥, is not in the dictionary and falls apart into characters.
        let units = units("杨汛桥 印染");
        let expected = [(0, "杨".to_owned()), (1, "汛".to_owned()), (2, "桥".to_owned())];
        assert_eq!(units[0].forms[0].terms, expected);
        assert_eq!((units[0].surface.as_str(), units[1].surface.as_str()), ("杨汛桥", "印染"));
    }

    #[test]
    fn synonyms_and_covers_become_forms() {
        let unit = &units("数控")[0];
        assert!(unit.forms.iter().any(|f| f.terms == [(0, "cnc".to_owned())]), "{unit:?}");
        let unit = &units("集成电路")[0];
        assert!(unit.forms.iter().any(|f| f.terms == [(0, "集成".to_owned()), (2, "电路".to_owned())]), "{unit:?}");
        let unit = &units("可编程控制器")[0];
        assert!(unit.forms.iter().any(|f| f.terms == [(0, "plc".to_owned())]), "{unit:?}");
    }

    #[test]
    fn phrases_holding_a_term_the_unit_already_matches_alone_are_dropped() {
        let unit = &units("现代学徒制")[0];
        let phrases: Vec<_> = unit.forms.iter().filter(|f| f.terms.len() > 1).map(|f| &f.terms).collect();
        assert!(unit.forms.iter().any(|f| f.terms == [(0, "学徒".to_owned())]), "{unit:?}");
        assert!(phrases.iter().all(|terms| terms.iter().all(|(_, t)| t != "学徒" && t != "现代学徒制")), "{phrases:?}");
    }

    #[test]
    fn long_queries_are_cut() {
        assert_eq!(sanitize(&"数".repeat(10_000)).chars().count(), MAX_QUERY_CHARS);
        assert!(units(&"数控 ".repeat(5_000)).len() <= MAX_UNITS);
        assert_eq!(sanitize("a\u{0}b\u{7}"), "a b ");
    }

    #[test]
    fn a_word_common_in_a_field_is_not_searched_there_again_as_a_phrase_of_its_pieces() {
        use chanjiao_domain::PostingKind;
        let query_of = |n: u64| {
            let docs =
                (1..=n).map(|id| crate::tests::posting(id, PostingKind::Job, "技术员", "集成电路封装。")).collect();
            let index = crate::tests::index_of(docs);
            let searcher = index.reader.searcher();
            let query = build("集成电路", &index.fields, &searcher).unwrap().unwrap();
            let found = crate::tests::search(&index, "集成电路").total;
            (format!("{query:?}"), found)
        };
        let (rare, found) = query_of(COVER_REDUNDANT_DF - 1);
        assert!(rare.contains("PhraseQuery"), "the cover is searched: {rare}");
        assert_eq!(found, COVER_REDUNDANT_DF - 1);
        let (common, found) = query_of(COVER_REDUNDANT_DF);
        assert!(!common.contains("PhraseQuery"), "the term alone is searched: {common}");
        assert_eq!(found, COVER_REDUNDANT_DF, "and finds every posting");
    }
}
