//! Pinyin of titles and organization names, so that `shukong` and `sk` find 数控 as Chinese
//! users expect of a search box, and typing either suggests 数控… titles.
//!
//! Heteronyms: a character with several readings (行 xíng / háng, 长 cháng / zhǎng) gets all of
//! them, because the pinyin table cannot tell which one a word means (银行 is yínháng, 行政 is
//! xíngzhèng). Readings multiply across a word, so a word keeps at most a few spellings, the
//! most common readings first (the table lists the usual reading first). ü is written v, as
//! pinyin keyboards type it (绿 → lv).

use pinyin::ToPinyinMulti;

use crate::tokenizer::{AnalyzedToken, is_cjk};

/// Spellings kept per word for the pinyin fields.
const SPELLINGS_PER_WORD: usize = 4;
/// Spellings kept per suggestion key.
const SPELLINGS_PER_KEY: usize = 2;
/// Suggestion keys start at the title's start and at most this many later words.
const KEY_STARTS: usize = 3;
/// Bytes of a key before the title's tag; prefixes longer than this are not completed.
pub(crate) const KEY_BYTES: usize = 48;
/// Separates a suggestion key from the tag of the title it suggests, and a tag from its title.
pub(crate) const KEY_SEPARATOR: char = '\u{1}';

/// The readings of one character without tones, each once; a lower-case ASCII letter or digit
/// stands for itself; anything else has none.
fn readings(c: char) -> Vec<String> {
    if c.is_ascii_alphanumeric() {
        return vec![c.to_ascii_lowercase().to_string()];
    }
    let mut found: Vec<String> = Vec::new();
    if let Some(multi) = c.to_pinyin_multi() {
        for reading in multi {
            let plain = reading.plain().replace('ü', "v");
            if !found.contains(&plain) {
                found.push(plain);
            }
        }
    }
    found
}

/// Full spellings and initials of `text`, at most `max` of each, most common readings first.
fn spellings(text: &str, max: usize) -> (Vec<String>, Vec<String>) {
    let mut full = vec![String::new()];
    let mut initials = vec![String::new()];
    for c in text.chars() {
        let readings = readings(c);
        if readings.is_empty() {
            continue;
        }
        let mut firsts: Vec<String> = Vec::new();
        for first in readings.iter().filter_map(|r| r.chars().next()).map(String::from) {
            if !firsts.contains(&first) {
                firsts.push(first);
            }
        }
        full = product(&full, &readings, max);
        initials = product(&initials, &firsts, max);
    }
    full.retain(|s| !s.is_empty());
    initials.retain(|s| !s.is_empty());
    (full, initials)
}

fn product(prefixes: &[String], endings: &[String], max: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    // Endings vary fastest, so the first spelling uses every character's first reading.
    for prefix in prefixes {
        for ending in endings {
            let spelled = format!("{prefix}{ending}");
            if !out.contains(&spelled) {
                out.push(spelled);
            }
            if out.len() == max {
                return out;
            }
        }
    }
    out
}

/// Terms for the full-pinyin and initials fields of a text: the spellings of each Chinese word
/// and piece (数控机床 gives shukongjichuang, shukong, jichuang and skjc, sk, jc) and of the whole
/// text, so a query for the spelling of a word or of the whole name matches.
pub(crate) fn index_terms(text: &str, tokens: &[AnalyzedToken]) -> (Vec<String>, Vec<String>) {
    let mut full: Vec<String> = Vec::new();
    let mut initials: Vec<String> = Vec::new();
    let whole = std::iter::once(text);
    let words = tokens.iter().filter(|t| t.surface.chars().any(is_cjk)).map(|t| t.surface.as_str());
    for part in words.chain(whole) {
        let (f, i) = spellings(part, SPELLINGS_PER_WORD);
        for spelled in f {
            if !full.contains(&spelled) {
                full.push(spelled);
            }
        }
        for spelled in i {
            if !initials.contains(&spelled) {
                initials.push(spelled);
            }
        }
    }
    (full, initials)
}

/// Normalises typed text for suggestion keys: half width, lower case, without whitespace.
pub(crate) fn key_text(text: &str) -> String {
    crate::synonyms::key(text)
}

/// A short, stable name of a title (16 hex digits of its 64-bit FNV-1a hash): suggestion keys
/// carry it instead of the title, and one `tag␁title` term per title says which title it names.
/// A key then costs the term dictionary some 20 bytes instead of the whole title again, and
/// building term dictionaries was the largest cost of indexing (docs/benchmarks.md).
pub(crate) fn title_tag(title: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in title.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// The suggestion keys of a title: the title itself, its full pinyin and its initials, from
/// the start and from the next few words. Each is followed by [`KEY_SEPARATOR`], `0` for a key
/// from the title's start or `1` for one from a later word, and the title's [`title_tag`], so a
/// prefix scan of the term dictionary yields the titles' tags directly.
pub(crate) fn suggest_keys(title: &str, tokens: &[AnalyzedToken], tag: &str) -> Vec<String> {
    let mut starts: Vec<usize> = vec![0];
    for token in tokens.iter().filter(|t| t.is_word && t.offset_from > 0) {
        if starts.len() > KEY_STARTS {
            break;
        }
        starts.push(token.offset_from);
    }
    let mut keys: Vec<String> = Vec::new();
    let mut push = |key: &str, from_start: bool| {
        let key = truncate(key, KEY_BYTES);
        if !key.is_empty() {
            let flag = if from_start { '0' } else { '1' };
            let entry = format!("{key}{KEY_SEPARATOR}{flag}{tag}");
            if !keys.contains(&entry) {
                keys.push(entry);
            }
        }
    };
    for start in starts {
        let rest = key_text(&title[start..]);
        push(&rest, start == 0);
        if rest.chars().any(is_cjk) {
            let (full, initials) = spellings(&rest, SPELLINGS_PER_KEY);
            full.iter().chain(&initials).for_each(|k| push(k, start == 0));
        }
    }
    keys
}

/// At most `max` bytes of `text`, cut at a character boundary.
pub(crate) fn truncate(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenizer::analyze;

    #[test]
    fn spells_words_and_initials_with_heteronyms() {
        let (full, initials) = spellings("数控", 4);
        assert_eq!(full[0], "shukong");
        assert_eq!(initials[0], "sk");
        let (full, _) = spellings("银行", 4);
        assert!(full.contains(&"yinhang".to_owned()) && full.contains(&"yinxing".to_owned()));
        assert_eq!(spellings("绿", 4).0[0], "lv");
        assert_eq!(spellings("3D打印", 1), (vec!["3ddayin".to_owned()], vec!["3ddy".to_owned()]));
    }

    #[test]
    fn index_terms_cover_words_and_the_whole_title() {
        let title = "数控机床操作工";
        let (full, initials) = index_terms(title, &analyze(title));
        for expected in ["shukong", "jichuang", "shukongjichuang", "shukongjichuangcaozuogong"] {
            assert!(full.iter().any(|f| f == expected), "{expected} in {full:?}");
        }
        for expected in ["sk", "jc", "skjc", "skjcczg"] {
            assert!(initials.iter().any(|i| i == expected), "{expected} in {initials:?}");
        }
    }

    #[test]
    fn suggest_keys_start_at_words() {
        let title = "招聘 数控机床操作工";
        let tag = title_tag(title);
        assert_eq!(tag.len(), 16);
        assert_ne!(tag, title_tag("招聘 数控车工"));
        let keys = suggest_keys(title, &analyze(title), &tag);
        let key = |k: &str, flag: char| format!("{k}{KEY_SEPARATOR}{flag}{tag}");
        for (expected, flag) in
            [("招聘数控机床操作工", '0'), ("数控机床操作工", '1'), ("zpskjcczg", '0'), ("skjcczg", '1')]
        {
            assert!(keys.contains(&key(expected, flag)), "{expected} in {keys:?}");
        }
        assert!(keys.iter().any(|k| k.starts_with("shukongjichuang")));
        assert_eq!(truncate("数控", 4), "数");
    }
}
