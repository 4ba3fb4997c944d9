//! Prefix autocomplete over titles, by the title's own characters, its full pinyin or its
//! initials: `数控`, `shuk` and `sk` all suggest 数控机床操作工.
//!
//! Each title is indexed under a few keys (see `pinyin::suggest_keys`), each followed by a short
//! tag of the title, in a keyword field; a second keyword field holds one `tag␁title` term per
//! title. Completing a prefix is then a range scan of the keys' term dictionary: the matching
//! terms carry the tags, and their posting lists say how many live postings have them (deleted
//! postings linger in the dictionary until segments merge, so every candidate is checked against
//! the segment's deletes); each tag's title is one more lookup in the same segment.
//!
//! Ranking: titles that start with the prefix before those where a later word does, then titles
//! shared by more postings, then shorter titles.

use std::collections::HashMap;

use tantivy::DocSet;
use tantivy::schema::IndexRecordOption;

use crate::error::Result;
use crate::index::SearchIndex;
use crate::pinyin::{KEY_BYTES, KEY_SEPARATOR, key_text, truncate};

/// The most suggestions one call returns.
pub const MAX_SUGGESTIONS: usize = 20;
/// Dictionary terms read per segment; bounds the work of a one-letter prefix.
const MAX_TERMS_PER_SEGMENT: usize = 2_000;

#[derive(Default)]
struct Candidate {
    /// Whether some key of the title starts at its first word.
    from_start: bool,
    postings: u32,
}

/// The title a tag names in one segment, from the `tag␁title` terms.
fn title_of(dictionary: &tantivy::termdict::TermDictionary, tag: &str) -> Result<Option<String>> {
    let prefix = format!("{tag}{KEY_SEPARATOR}");
    let mut terms = dictionary.range().ge(prefix.as_bytes()).into_stream()?;
    if !terms.advance() {
        return Ok(None);
    }
    Ok(std::str::from_utf8(terms.key()).ok().and_then(|term| term.strip_prefix(&prefix)).map(str::to_owned))
}

impl SearchIndex {
    /// Up to `limit` (at most [`MAX_SUGGESTIONS`]) distinct titles of listed postings that start
    /// with `prefix`, or whose pinyin or initials do, best first. Any input is accepted; one with
    /// nothing to complete gives no suggestions.
    pub fn suggest(&self, prefix: &str, limit: usize) -> Result<Vec<String>> {
        let typed = key_text(&crate::query::sanitize(prefix)).replace(KEY_SEPARATOR, "");
        let prefix = truncate(&typed, KEY_BYTES);
        let limit = limit.min(MAX_SUGGESTIONS);
        if prefix.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let mut candidates: HashMap<String, Candidate> = HashMap::new();
        let mut titles: HashMap<String, String> = HashMap::new();
        let searcher = self.reader.searcher();
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(self.fields.suggest)?;
            let title_terms = segment.inverted_index(self.fields.suggest_titles)?;
            let mut terms = inverted.terms().range().ge(prefix.as_bytes()).into_stream()?;
            let mut read = 0;
            while read < MAX_TERMS_PER_SEGMENT && terms.advance() {
                read += 1;
                let Ok(term) = std::str::from_utf8(terms.key()) else { continue };
                if !term.starts_with(prefix) {
                    break;
                }
                let Some((_key, flagged)) = term.split_once(KEY_SEPARATOR) else { continue };
                let (from_start, tag) = match flagged.split_at_checked(1) {
                    Some(("0", tag)) => (true, tag),
                    Some((_, tag)) => (false, tag),
                    None => continue,
                };
                let live = match segment.alive_bitset() {
                    None => terms.value().doc_freq,
                    Some(alive) => {
                        let mut postings =
                            inverted.read_postings_from_terminfo(terms.value(), IndexRecordOption::Basic)?;
                        let mut live = 0;
                        while postings.doc() != tantivy::TERMINATED {
                            live += u32::from(alive.is_alive(postings.doc()));
                            postings.advance();
                        }
                        live
                    }
                };
                if live == 0 {
                    continue;
                }
                if !titles.contains_key(tag) {
                    match title_of(title_terms.terms(), tag)? {
                        Some(title) => titles.insert(tag.to_owned(), title),
                        None => continue,
                    };
                }
                let candidate = candidates.entry(tag.to_owned()).or_default();
                candidate.from_start |= from_start;
                candidate.postings = candidate.postings.max(live);
            }
        }
        // Titles, not tags, are what is suggested (two tags never name one title).
        let candidates: HashMap<String, Candidate> = candidates
            .into_iter()
            .filter_map(|(tag, candidate)| titles.remove(&tag).map(|title| (title, candidate)))
            .collect();
        let mut ranked: Vec<(String, Candidate)> = candidates.into_iter().collect();
        ranked.sort_by(|(a_title, a), (b_title, b)| {
            b.from_start
                .cmp(&a.from_start)
                .then(b.postings.cmp(&a.postings))
                .then(a_title.chars().count().cmp(&b_title.chars().count()))
                .then(a_title.cmp(b_title))
        });
        Ok(ranked.into_iter().take(limit).map(|(title, _)| title).collect())
    }
}
