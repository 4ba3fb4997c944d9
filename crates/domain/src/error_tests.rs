//! Every rule's message, in both languages: each reason renders in Chinese and English, and every
//! description written beside a rule (`Text::new(en, zh)`) anywhere in the workspace's sources
//! has a real Chinese text that is not the English one.

use std::path::{Path, PathBuf};

use super::*;

fn has_chinese(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// One of each reason, with the parameters a rule would give it.
fn every_reason() -> Vec<Invalid> {
    let sample = Text::new("a date like 2025-09-01", "日期，如 2025-09-01");
    vec![
        Invalid::Required,
        Invalid::TooShort { min: 2 },
        Invalid::TooLong { max: 80 },
        Invalid::ControlCharacters,
        Invalid::Format(sample),
        Invalid::CheckCharacter { expected: 'X', found: '1' },
        Invalid::UnknownRegion("110101".into()),
        Invalid::NotAllowed(sample),
        Invalid::OutOfRange { min: 1, max: 9 },
        Invalid::TooMany { max: 3 },
        Invalid::UnknownProgram("999999".into()),
        Invalid::UnknownOccupation("9-99-99-99".into()),
        Invalid::UnknownCluster("nowhere".into()),
    ]
}

#[test]
fn every_reason_reads_in_both_languages() {
    for invalid in every_reason() {
        let (en, zh) = (invalid.to_string(), invalid.zh());
        assert!(!en.is_empty() && !has_chinese(&en), "{en}");
        assert!(has_chinese(&zh), "{:?} has no Chinese text: {zh}", invalid.code());
        assert_ne!(en, zh);
    }
}

#[test]
fn a_description_is_rendered_in_the_language_asked_for() {
    let invalid = Invalid::Format(Text::new("a month like 2026-12", "月份，如 2026-12"));
    assert_eq!(invalid.to_string(), "must be a month like 2026-12");
    assert_eq!(invalid.zh(), "格式不正确：月份，如 2026-12");
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The string literal starting at `rest` (just after its opening quote), and what follows it.
fn literal(rest: &str) -> Option<(String, &str)> {
    let mut value = String::new();
    let mut chars = rest.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((value, &rest[i + 1..])),
            '\\' => value.push(chars.next()?.1),
            c => value.push(c),
        }
    }
    None
}

#[test]
fn every_description_written_beside_a_rule_has_both_languages() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    for crate_dir in ["crates/domain/src", "crates/api/src", "crates/search/src"] {
        rust_files(&root.join(crate_dir), &mut files);
    }
    let mut seen = 0;
    for file in &files {
        let source = std::fs::read_to_string(file).expect("a source file");
        for (at, _) in source.match_indices("Text::new(\"") {
            let rest = &source[at + "Text::new(\"".len()..];
            let (en, rest) = literal(rest).unwrap_or_else(|| panic!("{}: unterminated text", file.display()));
            let rest = rest.trim_start().strip_prefix(',').map(str::trim_start).and_then(|r| r.strip_prefix('"'));
            let Some((zh, _)) = rest.and_then(literal) else {
                panic!("{}: Text::new(\"{en}\", …) must give its Chinese text as a literal", file.display());
            };
            assert!(!en.trim().is_empty() && !zh.trim().is_empty(), "{}: empty text", file.display());
            assert!(has_chinese(&zh), "{}: the Chinese text of \"{en}\" is not Chinese: \"{zh}\"", file.display());
            assert_ne!(en, zh, "{}", file.display());
            seen += 1;
        }
        // A bare English description would have no Chinese beside it.
        for bare in ["Format(\"", "NotAllowed(\""] {
            assert!(!source.contains(bare), "{}: {bare}…) without its Chinese text", file.display());
        }
    }
    assert!(seen > 100, "only {seen} descriptions found: is the walk reading the sources?");
}
