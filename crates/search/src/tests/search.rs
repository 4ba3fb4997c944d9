use chanjiao_domain::PostingKind;

use super::*;
use crate::{Filters, Sort};

#[test]
fn shukong_and_cnc_find_each_other() {
    let index = index_of(corpus());
    let by_chinese = ids(&search(&index, "数控"));
    assert!(by_chinese.contains(&1), "数控 finds the CNC posting: {by_chinese:?}");
    assert!(by_chinese.contains(&2));
    let by_english = ids(&search(&index, "CNC"));
    assert!(by_english.contains(&2), "CNC finds the 数控 posting: {by_english:?}");
    assert!(by_english.contains(&1));
    assert_eq!(ids(&search(&index, "cnc")), by_english);
}

#[test]
fn pinyin_and_initials_find_chinese_titles() {
    let index = index_of(corpus());
    assert!(ids(&search(&index, "shukong")).contains(&2));
    assert!(ids(&search(&index, "sk")).contains(&2));
    assert!(ids(&search(&index, "SK")).contains(&2));
    assert!(ids(&search(&index, "huangjiu")).contains(&7));
    // The organization's name too: 绍兴职业技术学院 → sxzyjsxy.
    assert!(ids(&search(&index, "sxzyjsxy")).contains(&2));
}

#[test]
fn synonyms_of_the_field_widen_a_query() {
    let index = index_of(corpus());
    assert!(ids(&search(&index, "芯片")).contains(&4), "芯片 finds 集成电路");
    assert!(ids(&search(&index, "IC")).contains(&4));
    assert!(ids(&search(&index, "电子商务")).contains(&5), "电子商务 finds 跨境电商");
    assert!(ids(&search(&index, "学徒")).contains(&3));
    assert!(ids(&search(&index, "PLC")).contains(&8), "PLC finds 可编程控制器");
    assert!(ids(&search(&index, "可编程控制器")).contains(&3), "可编程控制器 finds PLC");
    assert!(ids(&search(&index, "绍兴酒")).contains(&7));
}

#[test]
fn words_inside_longer_words_and_unknown_words_are_found() {
    let index = index_of(corpus());
    assert!(ids(&search(&index, "电商")).contains(&5), "a piece of 跨境电商");
    assert!(ids(&search(&index, "封装")).contains(&4));
    assert!(ids(&search(&index, "集成电路封装")).contains(&4), "a phrase across words");
    assert!(ids(&search(&index, "亚马逊")).contains(&5));
}

#[test]
fn codes_names_behind_codes_and_regions_are_searchable() {
    let index = index_of(corpus());
    assert_eq!(ids(&search(&index, "460103")), [2]);
    assert!(ids(&search(&index, "4601")).contains(&2), "the program class code");
    assert!(ids(&search(&index, "机械设计制造类")).contains(&2), "the program class name");
    assert!(ids(&search(&index, "柯桥")).contains(&5), "the region's name");
    assert!(ids(&search(&index, "高端装备")).contains(&1), "the cluster's name");
}

#[test]
fn english_is_stemmed_and_case_folded() {
    let index = index_of(corpus());
    assert_eq!(ids(&search(&index, "welding robots")), [9]);
    assert_eq!(ids(&search(&index, "ROBOT")), [9]);
    assert_eq!(ids(&search(&index, "Apprenticeship")), [3], "the kind's English name");
}

#[test]
fn titles_rank_above_descriptions() {
    let mut title = posting(1, PostingKind::Job, "焊工", "车间岗位。");
    title.created_at = posting(0, PostingKind::Job, "", "").created_at;
    let description = posting(2, PostingKind::Job, "车间岗位", "需要焊工证。");
    let index = index_of(vec![description, title]);
    assert_eq!(ids(&search(&index, "焊工")), [1, 2]);
}

#[test]
fn several_words_must_mostly_all_match() {
    let index = index_of(corpus());
    assert_eq!(ids(&search(&index, "印染 技术员")), [6]);
    assert!(search(&index, "印染 黄酒").hits.is_empty(), "two words both required");
    // Of four words, three must match: one stray word does not empty the results.
    assert_eq!(ids(&search(&index, "印染 车间 技术员 火箭")), [6]);
}

#[test]
fn browsing_sorts_newest_first_and_closing_soon_puts_open_ended_last() {
    let mut docs = corpus();
    docs[0].ends_on = Some(day(6, 30));
    docs[1].ends_on = Some(day(4, 1));
    let index = index_of(docs);
    let all = index.search(&SearchRequest::default()).unwrap();
    assert_eq!(all.total, 9);
    assert_eq!(ids(&all), [9, 8, 7, 6, 5, 4, 3, 2, 1]);
    let closing = index.search(&SearchRequest { sort: Sort::ClosingSoon, ..Default::default() }).unwrap();
    assert_eq!(&ids(&closing)[..2], [2, 1]);
    let newest = index.search(&SearchRequest { q: "数控".into(), sort: Sort::Newest, ..Default::default() }).unwrap();
    let found = ids(&newest);
    assert!(found.windows(2).all(|w| w[0] > w[1]), "{found:?}");
}

#[test]
fn pages_follow_the_cursor_without_repeats() {
    let index = index_of(corpus());
    let mut request = SearchRequest { limit: 4, ..Default::default() };
    let mut seen = Vec::new();
    loop {
        let page = index.search(&request).unwrap();
        assert_eq!(page.total, 9);
        seen.extend(ids(&page));
        match page.next_cursor {
            Some(cursor) => request.cursor = Some(cursor),
            None => break,
        }
    }
    assert_eq!(seen, [9, 8, 7, 6, 5, 4, 3, 2, 1]);
    let odd = SearchRequest { cursor: Some("garbage".into()), limit: 2, ..Default::default() };
    assert_eq!(ids(&index.search(&odd).unwrap()), [9, 8]);
    let far = SearchRequest { offset: usize::MAX, ..Default::default() };
    assert!(index.search(&far).unwrap().hits.is_empty());
}

#[test]
fn filters_apply_to_text_queries() {
    let index = index_of(corpus());
    let request = SearchRequest {
        q: "数控".into(),
        filters: Filters { kinds: vec![PostingKind::Job], ..Default::default() },
        ..Default::default()
    };
    assert_eq!(ids(&index.search(&request).unwrap()), [1]);
    let request =
        SearchRequest { filters: Filters { organization_id: Some(2), ..Default::default() }, ..Default::default() };
    assert_eq!(index.search(&request).unwrap().total, 0);
}

#[test]
fn highlights_mark_matches_and_escape_everything_else() {
    let doc = posting(
        1,
        PostingKind::Job,
        "<script>alert(1)</script>数控操作工",
        "<b>熟悉</b>数控编程 & \"CNC\" 设备，待遇优厚。",
    );
    let index = index_of(vec![doc]);
    let hit = &search(&index, "数控").hits[0];
    assert!(hit.title_html.starts_with("&lt;script&gt;alert(1)&lt;/script&gt;<mark>数控</mark>"), "{}", hit.title_html);
    assert!(!hit.title_html.contains("<script>"));
    assert!(
        hit.snippet_html.contains("&lt;b&gt;熟悉&lt;/b&gt;<mark>数控</mark>编程 &amp; &quot;<mark>CNC</mark>&quot;"),
        "{}",
        hit.snippet_html
    );
    let by_synonym = &search(&index, "CNC").hits[0];
    assert!(by_synonym.title_html.contains("<mark>数控</mark>"), "synonyms are marked: {}", by_synonym.title_html);
    let browse = &index.search(&SearchRequest::default()).unwrap().hits[0];
    assert!(!browse.title_html.contains("<mark>") && browse.title_html.contains("&lt;script&gt;"));
}

#[test]
fn long_descriptions_are_cut_around_the_match() {
    let description = format!("{}我们需要熟悉数控编程的师傅。{}", "公司介绍。".repeat(100), "福利待遇。".repeat(100));
    let index = index_of(vec![posting(1, PostingKind::Job, "师傅", &description)]);
    let snippet = &search(&index, "数控").hits[0].snippet_html;
    assert!(snippet.contains("<mark>数控</mark>"), "{snippet}");
    assert!(snippet.chars().count() < 150, "{snippet}");
    assert!(snippet.starts_with('…') && snippet.ends_with('…'), "{snippet}");
}

#[test]
fn unknown_words_match_as_phrases_of_characters_in_order() {
    let mut town = posting(1, PostingKind::Job, "纺织挡车工", "工作地点：柯桥区杨汛桥镇，包住宿。");
    town.region = region("330603");
    let index = index_of(vec![town, posting(2, PostingKind::Job, "桥梁工", "杨先生，汛期加班。")]);
    assert_eq!(ids(&search(&index, "杨汛桥")), [1]);
    assert!(search(&index, "桥汛杨").hits.is_empty());
}

#[test]
fn words_found_nowhere_do_not_empty_the_results() {
    let index = index_of(corpus());
    assert_eq!(ids(&search(&index, "印染 火箭")), [6]);
    assert!(search(&index, "火箭").hits.is_empty());
}

#[test]
fn a_piece_of_a_word_can_be_replaced_by_its_synonym() {
    let index = index_of(vec![posting(1, PostingKind::Job, "CNC车床操作", "")]);
    assert_eq!(ids(&search(&index, "数控车床")), [1], "数控车床 as cnc + 车床");
}

#[test]
fn matching_ids_agrees_with_search_for_every_posting() {
    let index = index_of(corpus());
    let all: Vec<u64> = (1..=9).collect();
    let requests = [
        SearchRequest { q: "数控".to_owned(), ..Default::default() },
        SearchRequest { q: "PLC".to_owned(), ..Default::default() },
        SearchRequest {
            q: String::new(),
            filters: Filters { kinds: vec![PostingKind::Job], region: Some(region("330603")), ..Default::default() },
            ..Default::default()
        },
        SearchRequest { q: "不存在的词语组合".to_owned(), ..Default::default() },
    ];
    for request in requests {
        let mut listed = ids(&index.search(&SearchRequest { limit: 100, ..request.clone() }).unwrap());
        let mut matched = index.matching_ids(&request, &all).unwrap();
        listed.sort_unstable();
        matched.sort_unstable();
        assert_eq!(matched, listed, "{request:?}");
        for id in &all {
            let one = index.matching_ids(&request, &[*id]).unwrap();
            assert_eq!(one.contains(id), listed.contains(id), "{id} under {request:?}");
        }
    }
}

#[test]
fn searching_segments_on_several_threads_finds_the_same_page() {
    let index = SearchIndex::in_ram().unwrap();
    // Several commits, so several segments.
    for (seq, chunk) in corpus().chunks(3).enumerate() {
        index.apply(&chunk.iter().cloned().map(Change::Upsert).collect::<Vec<_>>(), seq as i64 + 1).unwrap();
    }
    let before: Vec<_> = ["数控", "学徒", "绍兴 培训", ""].iter().map(|q| search(&index, q)).collect();
    index.set_search_threads(2).unwrap();
    let after: Vec<_> = ["数控", "学徒", "绍兴 培训", ""].iter().map(|q| search(&index, q)).collect();
    assert_eq!(before, after);
    assert!(!before[0].hits.is_empty());
}

#[test]
fn every_word_must_match_unless_that_finds_less_than_a_page() {
    let mut docs: Vec<_> = (1..=25).map(|id| posting(id, PostingKind::Job, "数控车工", "工厂实行两班倒。")).collect();
    docs.extend((26..=30).map(|id| posting(id, PostingKind::Job, "数控车工", "工厂实行长白班。")));
    let index = index_of(docs);
    // 25 postings have all three words: a page and more, so only they are found.
    assert_eq!(search(&index, "数控 车工 两班倒").total, 25);
    // Nothing has all of 数控, 车工 and 火星: two of three are enough, so one odd word does not
    // empty the results.
    assert_eq!(search(&index, "数控 车工 火星").total, 30);
    // Two words must both match.
    assert_eq!(search(&index, "车工 长白班").total, 5);
}
