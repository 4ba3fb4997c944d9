use proptest::prelude::*;
use tantivy::tokenizer::{TokenStream, Tokenizer};

use super::*;

fn texts(text: &str) -> Vec<String> {
    analyze(text).into_iter().map(|t| t.text).collect()
}

fn find<'a>(tokens: &'a [AnalyzedToken], text: &str) -> &'a AnalyzedToken {
    tokens.iter().find(|t| t.text == text).unwrap_or_else(|| panic!("no {text} in {tokens:?}"))
}

#[test]
fn search_mode_pieces_sit_where_they_start_inside_their_word() {
    let tokens = analyze("集成电路设计");
    let word = find(&tokens, "集成电路");
    assert!(word.is_word);
    assert_eq!((word.position, word.span), (0, 4));
    assert_eq!(find(&tokens, "集成").position, 0);
    assert_eq!(find(&tokens, "电路").position, 2);
    assert!(!find(&tokens, "电路").is_word);
    assert_eq!(find(&tokens, "设计").position, 4);
}

#[test]
fn punctuation_whitespace_emoji_and_controls_are_dropped_and_do_not_count() {
    assert_eq!(texts("数控，PLC。😀 \u{0}\u{7}（急聘）!!"), ["数控", "plc", "急聘"]);
    let tokens = analyze("数控，PLC");
    assert_eq!(find(&tokens, "plc").position, 2);
    assert!(analyze("，。！？😀🎉 \t\n").is_empty());
}

#[test]
fn codes_and_english_are_kept_whole_and_lower_case() {
    let texts = texts("1+X证书 460103 2-02-07-09 C++ CAD/CAM ＰＬＣ４６０１０３ e-commerce");
    for expected in ["1+x", "证书", "460103", "2-02-07-09", "c++", "cad/cam", "cad", "cam", "plc460103", "commerc"] {
        assert!(texts.iter().any(|t| t == expected), "{expected} in {texts:?}");
    }
    assert!(!texts.iter().any(|t| t == "1" || t == "x"), "{texts:?}");
}

#[test]
fn english_words_are_stemmed_but_surfaces_kept() {
    let tokens = analyze("Welding Robots");
    assert_eq!(tokens.iter().map(|t| t.text.as_str()).collect::<Vec<_>>(), ["weld", "robot"]);
    assert_eq!(tokens[1].surface, "robots");
}

#[test]
fn mixed_chinese_and_latin_split_at_the_script_boundary() {
    assert_eq!(texts("PLC编程"), ["plc", "编程"]);
    let tokens = analyze("CNC数控");
    assert_eq!(find(&tokens, "数控").position, 3);
}

#[test]
fn overlong_runs_are_not_indexed_whole() {
    let long = "a".repeat(MAX_WORD_CHARS + 1);
    assert!(analyze(&long).is_empty());
    let compound = format!("{long}-robot");
    assert_eq!(texts(&compound), ["robot"]);
}

#[test]
fn the_tantivy_tokenizer_streams_the_same_tokens() {
    let mut tokenizer = ChineseTokenizer;
    let mut stream = tokenizer.token_stream("现代学徒制，数控");
    let mut seen = Vec::new();
    while stream.advance() {
        let token = stream.token();
        seen.push((token.text.clone(), token.position));
    }
    let expected: Vec<(String, usize)> =
        analyze("现代学徒制，数控").into_iter().map(|t| (t.text, t.position)).collect();
    assert_eq!(seen, expected);
    assert!(seen.contains(&("数控".to_owned(), 5)));
}

proptest! {
    #[test]
    fn any_text_analyses_into_ordered_tokens_on_char_boundaries(text in "\\PC{0,80}|.{0,40}") {
        let tokens = analyze(&text);
        let mut last = (0, 0);
        for token in &tokens {
            prop_assert!(text.is_char_boundary(token.offset_from) && text.is_char_boundary(token.offset_to));
            prop_assert!(token.offset_from < token.offset_to && token.offset_to <= text.len());
            prop_assert!((token.offset_from, token.position) >= last);
            prop_assert!(!token.text.is_empty());
            last = (token.offset_from, token.position);
        }
    }
}
