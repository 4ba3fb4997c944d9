use chanjiao_domain::PostingKind;

use super::*;
use crate::Change;

fn suggest_index() -> SearchIndex {
    let mut docs = corpus();
    docs.push(posting(10, PostingKind::Job, "数控机床操作工", "三班倒。"));
    docs.push(posting(11, PostingKind::Job, "数控机床操作工", "长白班。"));
    docs.push(posting(12, PostingKind::Job, "招聘数控车工", ""));
    index_of(docs)
}

#[test]
fn prefixes_of_titles_their_pinyin_and_initials_suggest_titles_once() {
    let index = suggest_index();
    let by_chinese = index.suggest("数控", 10).unwrap();
    assert_eq!(by_chinese[..2], ["数控机床操作工", "数控技术专业毕业生供给"], "shared titles first: {by_chinese:?}");
    assert_eq!(by_chinese.iter().filter(|t| *t == "数控机床操作工").count(), 1);
    assert!(by_chinese.contains(&"招聘数控车工".to_owned()), "a later word matches too: {by_chinese:?}");
    assert_eq!(by_chinese.last().map(String::as_str), Some("招聘数控车工"), "after titles that start with it");
    for typed in ["shuk", "SHUKONG", "sk", "skjc"] {
        assert!(index.suggest(typed, 10).unwrap().contains(&"数控机床操作工".to_owned()), "{typed}");
    }
    assert_eq!(index.suggest("caozuo", 10).unwrap(), ["数控机床操作工", "CNC操作工"], "from a later word");
    assert_eq!(index.suggest("数控", 1).unwrap().len(), 1);
    assert!(index.suggest("", 10).unwrap().is_empty());
    assert!(index.suggest("zzzz", 10).unwrap().is_empty());
}

#[test]
fn titles_of_removed_postings_are_not_suggested() {
    let index = suggest_index();
    index.apply(&[Change::Delete(12)], 2).unwrap();
    assert!(!index.suggest("数控", 10).unwrap().contains(&"招聘数控车工".to_owned()));
    assert!(index.suggest("zhaopin", 10).unwrap().is_empty());
}
