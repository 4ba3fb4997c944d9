//! Chinese-first text analysis, shared by indexing and querying so both see the same tokens.
//!
//! Text is cut into two kinds of runs:
//!
//! - **Words of letters and digits** (English words, codes): the analyser cuts these itself.
//!   Letters and digits joined by `+ # . - / _ &` stay one token (`1+X`, `2-02-07-09`, `CAD/CAM`,
//!   `e-commerce`), and a trailing `+` or `#` stays on (`C++`, `C#`). The lettered parts of such a
//!   compound are indexed too (`cad`, `cam`, `commerce`) so either is found. Full-width letters and
//!   digits (`ＰＬＣ`, `４６０１０３`) are read as their ASCII forms. English words of four or more
//!   letters are stemmed (`robots` → `robot`), everything is lower case.
//! - **Everything else** goes to jieba's search mode with the domain dictionary
//!   ([`dictionary`]), without HMM: unknown words then fall apart into single characters, the same
//!   way in a document and in a query, so a phrase of single characters still finds them, where
//!   HMM could guess 柯桥区 as one word in a document and 柯桥 as another in a query.
//!
//! Tokens without a letter, digit or Chinese character (punctuation, whitespace, emoji,
//! control characters) are dropped.
//!
//! # Positions
//!
//! A token's position is the number of kept characters before it, not the number of tokens.
//! Search mode emits overlapping pieces (集成电路 → 集成, 成电, 电路, 集成电路); with character
//! positions each piece sits where it starts — 集成 and 集成电路 at p, 电路 at p + 2 — so a phrase
//! query built with the same character offsets ([`PhraseQuery::new_with_offset`]) matches however
//! either side happened to be segmented: 集成 followed by 电路 two positions later is exactly the
//! text 集成电路. Dropped characters do not count, so punctuation and spaces between two words do
//! not break a phrase.
//!
//! Tokens come out ordered by offset, which tantivy's snippet generator relies on.
//!
//! [`PhraseQuery::new_with_offset`]: tantivy::query::PhraseQuery::new_with_offset

mod dictionary;
mod stream;

use std::cell::RefCell;

use tantivy::tokenizer::{Language, RawTokenizer, Stemmer, TextAnalyzer, TokenStream};

pub use stream::ChineseTokenizer;

/// Compounds longer than this many characters are not indexed whole (a pasted hash, a run of
/// one letter); their parts still are, when short enough.
const MAX_WORD_CHARS: usize = 64;

/// One analysed token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AnalyzedToken {
    /// The indexed form: lower case, English words stemmed.
    pub text: String,
    /// The characters as written, folded to half width and lower case, not stemmed: what
    /// synonyms, pinyin and codes are looked up by.
    pub surface: String,
    /// Kept characters before the token (see the module docs).
    pub position: usize,
    /// Positions the token covers: its length in characters.
    pub span: usize,
    /// Byte range in the original text.
    pub offset_from: usize,
    pub offset_to: usize,
    /// Whether this is a word of the segmentation rather than a piece inside a longer word.
    pub is_word: bool,
}

/// A token in character coordinates, before positions are known.
struct Raw {
    start: usize,
    end: usize,
    surface: String,
    is_word: bool,
}

/// Analyses `text` into tokens ordered by offset.
pub(crate) fn analyze(text: &str) -> Vec<AnalyzedToken> {
    let chars: Vec<(usize, char)> = text.char_indices().map(|(byte, c)| (byte, fold(c))).collect();
    let mut raws: Vec<Raw> = Vec::new();
    let mut other_start: Option<usize> = None;
    let mut i = 0;
    while i < chars.len() {
        if is_word_char(chars[i].1) {
            if let Some(start) = other_start.take() {
                segment_chinese(text, &chars, start, i, &mut raws);
            }
            let end = compound_end(&chars, i);
            push_compound(&chars, i, end, &mut raws);
            i = end;
        } else {
            other_start.get_or_insert(i);
            i += 1;
        }
    }
    if let Some(start) = other_start {
        segment_chinese(text, &chars, start, chars.len(), &mut raws);
    }

    // Position of a character = kept characters before it.
    let mut kept = vec![false; chars.len()];
    for raw in &raws {
        kept[raw.start..raw.end].iter_mut().for_each(|k| *k = true);
    }
    let mut kept_before = Vec::with_capacity(chars.len() + 1);
    let mut count = 0;
    for k in &kept {
        kept_before.push(count);
        count += usize::from(*k);
    }
    let byte_at = |i: usize| chars.get(i).map_or(text.len(), |c| c.0);

    let mut tokens: Vec<AnalyzedToken> = raws
        .into_iter()
        .map(|raw| AnalyzedToken {
            text: stem(&raw.surface),
            position: kept_before[raw.start],
            span: raw.end - raw.start,
            offset_from: byte_at(raw.start),
            offset_to: byte_at(raw.end),
            is_word: raw.is_word,
            surface: raw.surface,
        })
        .collect();
    tokens.sort_by_key(|t| (t.offset_from, t.offset_to));
    tokens.dedup_by(|a, b| a.offset_from == b.offset_from && a.offset_to == b.offset_to && a.text == b.text);
    tokens
}

/// Full-width ASCII (`ＰＬＣ`, `１＋Ｘ`) as ASCII, the ideographic space as a space.
fn fold(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// Chinese characters (CJK ideographs of every block), which jieba segments.
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{323AF}')
}

/// Letters and digits of scripts written with spaces (Latin first): the analyser's own words.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() && !is_cjk(c)
}

fn is_connector(c: char) -> bool {
    matches!(c, '+' | '#' | '.' | '-' | '/' | '_' | '&')
}

/// Where the compound starting at `start` ends: word characters joined by at most two
/// connectors, plus a trailing `+`/`#` run.
fn compound_end(chars: &[(usize, char)], start: usize) -> usize {
    let mut end = start;
    loop {
        while end < chars.len() && is_word_char(chars[end].1) {
            end += 1;
        }
        let mut next = end;
        while next < chars.len() && is_connector(chars[next].1) {
            next += 1;
        }
        if next > end && next - end <= 2 && next < chars.len() && is_word_char(chars[next].1) {
            end = next;
            continue;
        }
        return end + chars[end..next].iter().take_while(|c| matches!(c.1, '+' | '#')).count();
    }
}

fn push_compound(chars: &[(usize, char)], start: usize, end: usize, raws: &mut Vec<Raw>) {
    let surface =
        |from: usize, to: usize| -> String { chars[from..to].iter().flat_map(|c| c.1.to_lowercase()).collect() };
    if end - start <= MAX_WORD_CHARS {
        raws.push(Raw { start, end, surface: surface(start, end), is_word: true });
    }
    let has_connector = chars[start..end].iter().any(|c| is_connector(c.1));
    if !has_connector {
        return;
    }
    let mut i = start;
    while i < end {
        if !is_word_char(chars[i].1) {
            i += 1;
            continue;
        }
        let part_start = i;
        while i < end && is_word_char(chars[i].1) {
            i += 1;
        }
        let len = i - part_start;
        let lettered = chars[part_start..i].iter().any(|c| c.1.is_alphabetic());
        // A long compound dropped whole keeps all its parts as words; otherwise only the parts
        // that could be searched alone (not the 1 and x of 1+X).
        let whole_dropped = end - start > MAX_WORD_CHARS;
        if len <= MAX_WORD_CHARS && (whole_dropped || (len >= 2 && lettered)) {
            raws.push(Raw { start: part_start, end: i, surface: surface(part_start, i), is_word: whole_dropped });
        }
    }
}

/// Runs jieba's search mode over `chars[start..end]` and keeps tokens with something searchable.
fn segment_chinese(text: &str, chars: &[(usize, char)], start: usize, end: usize, raws: &mut Vec<Raw>) {
    let from = chars[start].0;
    let to = chars.get(end).map_or(text.len(), |c| c.0);
    let mut pieces: Vec<Raw> = dictionary::JIEBA
        .cut_for_search(&text[from..to], false)
        .into_iter()
        .filter(|t| t.word.chars().any(char::is_alphanumeric))
        .map(|t| Raw { start: start + t.start, end: start + t.end, surface: t.word.to_lowercase(), is_word: false })
        .collect();
    // Search mode emits a word's pieces next to the word; the words are the tokens no other
    // token contains.
    pieces.sort_by(|a, b| (a.start, b.end).cmp(&(b.start, a.end)));
    let mut covered_to = start;
    for piece in &mut pieces {
        if piece.start >= covered_to {
            piece.is_word = true;
            covered_to = piece.end;
        }
    }
    raws.extend(pieces);
}

thread_local! {
    static STEMMER: RefCell<TextAnalyzer> =
        RefCell::new(TextAnalyzer::builder(RawTokenizer::default()).filter(Stemmer::new(Language::English)).build());
}

/// English words of four letters or more, stemmed; anything else as it is.
fn stem(surface: &str) -> String {
    if surface.len() < 4 || !surface.bytes().all(|b| b.is_ascii_lowercase()) {
        return surface.to_owned();
    }
    STEMMER.with(|stemmer| {
        let mut stemmer = stemmer.borrow_mut();
        let mut stream = stemmer.token_stream(surface);
        if stream.advance() { stream.token().text.clone() } else { surface.to_owned() }
    })
}

#[cfg(test)]
mod tests;
