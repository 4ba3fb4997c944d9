use std::sync::LazyLock;

use proptest::prelude::*;

use super::*;

static INDEX: LazyLock<SearchIndex> = LazyLock::new(|| index_of(corpus()));

/// What users (and bots) type into search boxes.
fn nasty() -> Vec<String> {
    let mut list: Vec<String> = [
        "\"数控",
        "数控\"\"\"",
        "数控 AND",
        "OR OR OR",
        "NOT 数控",
        "title:数控",
        "数控^100",
        "数控~2",
        "数控*",
        "(数控 OR [CNC TO PLC]) {}",
        "+数控 -CNC",
        "😀😀😀",
        "数控😀",
        "\u{0}\u{1}\u{7f}数控\u{202e}\u{200b}\u{feff}",
        "'; DROP TABLE postings;--",
        "<script>alert(1)</script>",
        "\\\\\\",
        "!@#$%^&*()_+-=[]{}|;':\",./<>?～！＠＃￥％……&＊（）",
        "ＣＮＣ",
        "*",
        "",
        "   ",
        "a\u{301}\u{301}\u{301}",
        "𠀀𠀁𪚥",
    ]
    .map(String::from)
    .to_vec();
    list.push("数控".repeat(5_000));
    list.push("a".repeat(10_240));
    list.push("数控 ".repeat(2_000) + "CNC");
    list.push("\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}".repeat(1_000));
    list
}

#[test]
fn nasty_queries_return_results_instead_of_errors() {
    for q in nasty() {
        let results = INDEX.search(&SearchRequest { q: q.clone(), ..Default::default() });
        assert!(results.is_ok(), "{q:?}: {results:?}");
        INDEX.suggest(&q, 10).unwrap();
    }
}

#[test]
fn nasty_queries_around_a_word_still_find_it() {
    for q in [
        "\"数控",
        "数控 AND",
        "NOT 数控",
        "title:数控",
        "数控^100",
        "数控~2",
        "数控*",
        "+数控 -CNC",
        "数控😀",
        "ＣＮＣ",
    ] {
        assert!(ids(&search(&INDEX, q)).contains(&2), "{q:?}");
    }
    assert!(ids(&search(&INDEX, "\u{0}\u{1}\u{7f}数控\u{202e}\u{200b}\u{feff}")).contains(&2));
    assert!(ids(&search(&INDEX, &"数控".repeat(5_000))).contains(&2), "a 10 kB query is cut, not refused");
}

#[test]
fn queries_with_nothing_searchable_browse() {
    for q in ["😀😀😀", "!@#$%^&*()", "   ", "*"] {
        assert_eq!(search(&INDEX, q).total, 9, "{q:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn any_query_is_answered(q in any::<String>(), limit in 0usize..500, offset in 0usize..2_000) {
        let request = SearchRequest { q: q.clone(), limit, offset, ..Default::default() };
        let results = INDEX.search(&request);
        prop_assert!(results.is_ok());
        prop_assert!(INDEX.suggest(&q, limit).is_ok());
    }

    #[test]
    fn any_printable_query_is_answered(q in "\\PC{0,300}") {
        let request = SearchRequest { q, ..Default::default() };
        prop_assert!(INDEX.search(&request).is_ok());
    }
}
