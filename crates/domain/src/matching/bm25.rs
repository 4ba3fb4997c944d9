//! A small in-memory BM25 for the reference collections (about 1,600 occupations, up to 800
//! programs of a level): exact scores with per-field term-frequency weights, which the catalogue
//! matcher is tuned on, and no index files. Postings of the live platform are searched with
//! tantivy instead (the `search` crate); this is for the fixed national lists only.

use std::collections::HashMap;

const K1: f64 = 1.2;
const B: f64 = 0.75;

/// An inverted index of weighted documents; each posting holds the term's finished BM25 weight.
#[derive(Debug, Default)]
pub struct Bm25 {
    postings: HashMap<String, Vec<(u32, f32)>>,
    docs: usize,
}

impl Bm25 {
    /// Indexes documents made of fields, each a token list with a term-frequency multiplier (a
    /// name counting three times, a long definition half). Document length is the weighted sum.
    pub fn new<'a>(docs: impl IntoIterator<Item = Vec<(&'a [String], f64)>>) -> Self {
        let mut frequencies: Vec<HashMap<&'a str, f64>> = Vec::new();
        for fields in docs {
            let mut tf: HashMap<&'a str, f64> = HashMap::new();
            for (tokens, weight) in fields {
                for token in tokens {
                    *tf.entry(token.as_str()).or_default() += weight;
                }
            }
            frequencies.push(tf);
        }
        let lengths: Vec<f64> = frequencies.iter().map(|tf| tf.values().sum()).collect();
        let average = lengths.iter().sum::<f64>() / lengths.len().max(1) as f64;
        let mut raw: HashMap<&'a str, Vec<(u32, f64)>> = HashMap::new();
        for (doc, tf) in frequencies.iter().enumerate() {
            for (&term, &f) in tf {
                raw.entry(term).or_default().push((doc as u32, f));
            }
        }
        let n = frequencies.len() as f64;
        let postings = raw
            .into_iter()
            .map(|(term, list)| {
                let df = list.len() as f64;
                let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
                let weighted = list
                    .into_iter()
                    .map(|(doc, f)| {
                        let norm = 1.0 - B + B * lengths[doc as usize] / average.max(f64::MIN_POSITIVE);
                        (doc, (idf * f * (K1 + 1.0) / (f + K1 * norm)) as f32)
                    })
                    .collect();
                (term.to_owned(), weighted)
            })
            .collect();
        Bm25 { postings, docs: frequencies.len() }
    }

    /// The score of every document for `query`. A term repeated in the query counts each time:
    /// in a long query (an occupation's definition and tasks) repetition says what it is about.
    pub fn scores(&self, query: &[String]) -> Vec<f64> {
        let mut scores = vec![0.0; self.docs];
        for term in query {
            if let Some(list) = self.postings.get(term) {
                for &(doc, weight) in list {
                    scores[doc as usize] += f64::from(weight);
                }
            }
        }
        scores
    }
}

/// Divides by the largest value, so the best is 1; all zeros when nothing scored.
pub fn normalize_max(values: &mut [f64]) {
    let max = values.iter().copied().fold(0.0, f64::max);
    for v in values.iter_mut() {
        *v = if max > 0.0 { *v / max } else { 0.0 };
    }
}

fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

/// Character tokens for short, noisy text such as job titles: every Chinese character and every
/// pair of adjacent ones in a run, and each run of ASCII letters or digits lower-cased. Bigrams
/// find 抖音运营 in 抖音新媒体运营专员 where word segmentation disagrees with itself.
pub fn bigrams(text: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if is_han(c) {
            let start = i;
            while i < chars.len() && is_han(chars[i]) {
                i += 1;
            }
            let run = &chars[start..i];
            tokens.extend(run.iter().map(|c| c.to_string()));
            tokens.extend(run.windows(2).map(|w| w.iter().collect::<String>()));
        } else if c.is_ascii_alphanumeric() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_alphanumeric() {
                i += 1;
            }
            tokens.push(chars[start..i].iter().collect::<String>().to_ascii_lowercase());
        } else {
            i += 1;
        }
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn bigrams_of_mixed_text() {
        assert_eq!(bigrams("PLC编程员（3年）"), tokens(&["plc", "编", "程", "员", "编程", "程员", "3", "年"]));
    }

    #[test]
    fn rarer_terms_and_repeats_score_higher() {
        let docs = [tokens(&["数控", "车工"]), tokens(&["数控", "铣工"]), tokens(&["电工"])];
        let index = Bm25::new(docs.iter().map(|d| vec![(d.as_slice(), 1.0)]));
        let scores = index.scores(&tokens(&["车工"]));
        assert!(scores[0] > 0.0 && scores[1] == 0.0 && scores[2] == 0.0);
        let common = index.scores(&tokens(&["数控"]))[0];
        assert!(scores[0] > common, "the rarer term weighs more");
        let twice = index.scores(&tokens(&["车工", "车工"]))[0];
        assert!((twice - 2.0 * scores[0]).abs() < 1e-6);
    }

    #[test]
    fn field_weights_raise_term_frequency() {
        let name = tokens(&["焊工"]);
        let body = tokens(&["焊接", "设备"]);
        let index = Bm25::new([vec![(name.as_slice(), 3.0), (body.as_slice(), 0.5)], vec![(body.as_slice(), 1.0)]]);
        let mut scores = index.scores(&tokens(&["焊工", "焊接"]));
        normalize_max(&mut scores);
        assert_eq!(scores[0], 1.0);
        assert!(scores[1] < 1.0);
    }
}
