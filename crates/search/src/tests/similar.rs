//! "More like this" retrieval for matching: long texts find postings sharing words, filters and
//! the excluded organization hold, codes pull in postings that carry them.

use chanjiao_domain::PostingKind;

use super::{corpus, index_of, posting, program};
use crate::{Filters, SimilarRequest, key_terms, terms};

fn request(text: &str) -> SimilarRequest {
    SimilarRequest { text: text.to_owned(), limit: 10, ..SimilarRequest::default() }
}

#[test]
fn a_long_text_finds_postings_sharing_any_of_its_words() {
    let index = index_of(corpus());
    // No posting has all of these words; a user's search would find nothing.
    let found = index
        .similar(&request("我校数控技术专业学生熟悉机床编程，希望到企业参加设备保养和CNC操作实习，另会焊接。"))
        .unwrap();
    let ids: Vec<u64> = found.iter().map(|s| s.id).collect();
    assert!(ids.contains(&1) && ids.contains(&2), "{ids:?}");
    assert!(found.windows(2).all(|w| w[0].score >= w[1].score));
    assert!(found.iter().all(|s| s.score > 0.0));
}

#[test]
fn filters_and_the_excluded_organization_hold() {
    let mut docs = corpus();
    docs[0].organization_id = 7;
    let index = index_of(docs);
    let mut jobs = request("数控 CNC 机床 设备");
    jobs.filters = Filters { kinds: vec![PostingKind::ProgramOffering], ..Filters::default() };
    let found = index.similar(&jobs).unwrap();
    assert_eq!(found.iter().map(|s| s.id).collect::<Vec<_>>(), vec![2]);
    let mut others = request("CNC操作工 设备保养");
    others.exclude_organization = Some(7);
    assert!(index.similar(&others).unwrap().iter().all(|s| s.id != 1));
}

#[test]
fn codes_find_postings_without_shared_words() {
    let mut docs = corpus();
    let mut coded = posting(20, PostingKind::ProgramOffering, "机电一体化", "学生实践能力强。");
    coded.program_codes = vec![program("460301")];
    docs.push(coded);
    let index = index_of(docs);
    let mut by_code = request("完全无关的文字");
    by_code.codes = vec!["460301".into()];
    assert_eq!(index.similar(&by_code).unwrap().first().map(|s| s.id), Some(20));
}

#[test]
fn hostile_or_empty_text_is_harmless() {
    let index = index_of(corpus());
    for text in ["", "\"(((", "😀😀", &"数控".repeat(5_000)] {
        index.similar(&request(text)).unwrap();
    }
    assert!(index.similar(&request("")).unwrap().iter().all(|s| s.score == 0.0));
}

#[test]
fn key_terms_count_words_and_drop_noise() {
    let terms_found = key_terms("焊接机器人，焊接；的 了 PLC");
    assert_eq!(terms_found.first().map(|(t, n)| (t.as_str(), *n)), Some(("焊接", 2)));
    assert!(terms_found.iter().all(|(t, _)| t != "的" && t != "，"));
    assert!(terms("数控车床 PLC编程").contains(&"plc".to_owned()));
}

/// Block-max WAND skips postings that cannot reach the top: the pruned top ten must be exactly
/// the first ten of the unpruned ranking (a limit large enough that nothing is skipped), with
/// filters and the excluded organization applied in both.
#[test]
fn pruned_top_matches_the_exhaustive_ranking() {
    const WORDS: [&str; 12] =
        ["数控", "机床", "编程", "焊接", "电工", "护理", "纺织", "印染", "电商", "物流", "维修", "设计"];
    let kinds = [PostingKind::ProgramOffering, PostingKind::Job, PostingKind::Apprenticeship];
    let docs: Vec<_> = (1..=600u64)
        .map(|id| {
            let pick = |salt: u64| WORDS[((id * 7 + salt * 13) % WORDS.len() as u64) as usize];
            let title = format!("{}{}", pick(1), pick(id % 5));
            let description = (0..(id % 9)).map(|i| pick(i + id % 3)).collect::<Vec<_>>().join("，");
            let mut doc = posting(id, kinds[(id % 3) as usize], &title, &description);
            doc.organization_id = id % 4;
            doc
        })
        .collect();
    let index = index_of(docs);
    let mut query = request("数控机床编程，焊接与电工维修，另有纺织印染和物流设计的需求，数控");
    query.filters = Filters { kinds: vec![PostingKind::ProgramOffering, PostingKind::Job], ..Filters::default() };
    query.exclude_organization = Some(1);
    let pruned = index.similar(&query).unwrap();
    let all = index.similar(&SimilarRequest { limit: crate::MAX_SIMILAR, ..query.clone() }).unwrap();
    assert_eq!(pruned.len(), 10);
    assert!(all.len() > 100, "{}", all.len());
    assert!(all.iter().all(|s| s.id % 3 != 2 && s.id % 4 != 1), "filters hold");
    let scores = |found: &[crate::Similar]| found.iter().map(|s| s.score).collect::<Vec<_>>();
    assert_eq!(scores(&pruned), scores(&all[..10]));
}

/// In a large index, a word most postings share is left out of "more like this": a posting
/// that shares only that word is not a candidate, one sharing a rarer word is. A small index
/// keeps every word.
#[test]
fn words_common_to_a_large_share_of_a_large_index_are_left_out() {
    let docs = |n: u64| -> Vec<_> {
        (1..=n)
            .map(|id| {
                let description = if id == 1 { "技术 焊接" } else { "技术" };
                posting(id, PostingKind::Job, &format!("岗位{id}"), description)
            })
            .collect()
    };
    let ids = |index: &crate::SearchIndex| -> Vec<u64> {
        let found = index.similar(&SimilarRequest { limit: 5, ..request("技术 焊接") }).unwrap();
        found.into_iter().map(|s| s.id).collect()
    };
    assert_eq!(ids(&index_of(docs(5_000))), vec![1]);
    assert_eq!(ids(&index_of(docs(50))).len(), 5);
}
