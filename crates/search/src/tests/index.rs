use chanjiao_domain::{PostingKind, PostingStatus};

use super::*;
use crate::Change;

#[test]
fn an_upsert_replaces_the_posting_with_the_same_id() {
    let index = index_of(vec![posting(7, PostingKind::Job, "焊工", "氩弧焊。")]);
    index.apply(&[Change::Upsert(posting(7, PostingKind::Job, "钳工", "装配。"))], 2).unwrap();
    assert_eq!(index.num_docs(), 1);
    assert!(search(&index, "焊工").hits.is_empty());
    assert_eq!(ids(&search(&index, "钳工")), [7]);
    // Twice in one batch: the last version wins, once.
    let first = posting(7, PostingKind::Job, "电工", "");
    let second = posting(7, PostingKind::Job, "电焊工", "");
    index.apply(&[Change::Upsert(first), Change::Upsert(second)], 3).unwrap();
    assert_eq!(index.num_docs(), 1);
    assert_eq!(ids(&search(&index, "电焊工")), [7]);
}

#[test]
fn a_posting_that_is_no_longer_listed_leaves_the_index() {
    let index = index_of(corpus());
    for (seq, status) in [PostingStatus::Closed, PostingStatus::Paused, PostingStatus::Draft].into_iter().enumerate() {
        let mut doc = corpus().remove(1);
        doc.status = PostingStatus::Published;
        index.apply(&[Change::Upsert(doc.clone())], 10 + seq as i64).unwrap();
        assert!(ids(&search(&index, "数控技术")).contains(&2));
        doc.status = status;
        index.apply(&[Change::Upsert(doc)], 20 + seq as i64).unwrap();
        assert!(!ids(&search(&index, "数控技术")).contains(&2), "{status:?}");
        assert_eq!(index.num_docs(), 8);
    }
    index.apply(&[Change::Delete(1), Change::Delete(12345)], 30).unwrap();
    assert_eq!(index.num_docs(), 7);
    assert_eq!(index.last_seq(), Some(30));
}

#[test]
fn the_last_sequence_survives_reopening_and_a_rebuild_forgets_it() {
    let dir = tempfile::tempdir().unwrap();
    {
        let index = SearchIndex::open_or_create(dir.path()).unwrap();
        assert_eq!(index.last_seq(), None);
        index.apply(&corpus().into_iter().map(Change::Upsert).collect::<Vec<_>>(), 41).unwrap();
        index.apply(&[Change::Delete(9)], 42).unwrap();
    }
    let index = SearchIndex::open_or_create(dir.path()).unwrap();
    assert_eq!(index.last_seq(), Some(42));
    assert_eq!(index.num_docs(), 8);
    assert!(ids(&search(&index, "CNC")).contains(&2));
    assert_eq!(index.suggest("shuk", 5).unwrap(), ["数控技术专业毕业生供给"]);
    index.rebuild_start().unwrap();
    assert_eq!((index.last_seq(), index.num_docs()), (None, 0));
    drop(index);
    let index = SearchIndex::open_or_create(dir.path()).unwrap();
    assert_eq!(index.last_seq(), None);
}

#[test]
fn an_empty_batch_still_records_its_sequence() {
    let index = SearchIndex::in_ram().unwrap();
    index.apply(&[], 5).unwrap();
    assert_eq!(index.last_seq(), Some(5));
}

#[test]
fn an_index_of_another_schema_is_replaced_and_other_files_are_left_alone() {
    use tantivy::schema::{STORED, Schema, TEXT};
    let dir = tempfile::tempdir().unwrap();
    {
        let mut builder = Schema::builder();
        let text = builder.add_text_field("text", TEXT | STORED);
        let old = tantivy::Index::create_in_dir(dir.path(), builder.build()).unwrap();
        let mut writer: tantivy::IndexWriter = old.writer_with_num_threads(1, 15_000_000).unwrap();
        writer.add_document(tantivy::doc!(text => "旧索引")).unwrap();
        let mut commit = writer.prepare_commit().unwrap();
        commit.set_payload("last_seq=7");
        commit.commit().unwrap();
    }
    std::fs::write(dir.path().join("notes.txt"), "kept").unwrap();
    let index = SearchIndex::open_or_create(dir.path()).unwrap();
    assert_eq!((index.last_seq(), index.num_docs()), (None, 0));
    assert!(dir.path().join("notes.txt").exists());
    index.apply(&[Change::Upsert(posting(1, PostingKind::Job, "数控操作工", ""))], 1).unwrap();
    assert_eq!(ids(&search(&index, "sk")), [1]);
}

#[test]
fn the_index_can_be_shared_between_threads() {
    fn shareable<T: Send + Sync + 'static>() {}
    shareable::<SearchIndex>();
    let index = std::sync::Arc::new(index_of(corpus()));
    let writer = {
        let index = index.clone();
        std::thread::spawn(move || index.apply(&[Change::Delete(1)], 2).unwrap())
    };
    assert!(search(&index, "数控").total >= 1);
    writer.join().unwrap();
    assert_eq!(index.last_seq(), Some(2));
}

/// The index's directory vanishing under it (a removed data directory, a failed disk) makes
/// commits fail, and their rollbacks too; every later apply must report an error, never panic
/// (tantivy's writer panics when rolled back a second time after a failed rollback).
#[test]
fn commits_that_keep_failing_are_errors_and_never_panics() {
    let dir = tempfile::tempdir().unwrap();
    let index = SearchIndex::open_or_create(dir.path().join("index")).unwrap();
    index.apply(&[Change::Upsert(posting(1, PostingKind::Job, "焊工", ""))], 1).unwrap();
    std::fs::remove_dir_all(dir.path().join("index")).unwrap();
    for seq in 2..5 {
        let applied = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            index.apply(&[Change::Upsert(posting(seq, PostingKind::Job, "钳工", ""))], seq as i64)
        }));
        assert!(applied.expect("no panic").is_err(), "commit {seq} into a removed directory");
    }
    assert_eq!(index.last_seq(), Some(1), "the failed commits moved nothing");
}

#[test]
fn a_rebuild_becomes_searchable_with_its_sequence_only_when_it_finishes() {
    let dir = tempfile::tempdir().unwrap();
    let index = SearchIndex::open_or_create(dir.path()).unwrap();
    index.apply(&[Change::Upsert(posting(99, PostingKind::Job, "旧的焊工", ""))], 5).unwrap();
    index.rebuild_start().unwrap();
    assert_eq!((index.last_seq(), index.num_docs()), (None, 0));
    let mut docs = corpus();
    docs[0].status = PostingStatus::Draft;
    // More than one thread's worth, so the batch is analysed in parallel.
    let many: Vec<IndexDoc> =
        (100..300).map(|id| posting(id, PostingKind::Job, &format!("机修工{id}"), "设备维修。")).collect();
    index.rebuild_add(&docs).unwrap();
    index.rebuild_add(&many).unwrap();
    // The incremental path waits for the rebuild: its commit would make a partial index look whole.
    assert!(matches!(index.apply(&[Change::Delete(2)], 6), Err(crate::SearchError::Rebuilding)));
    assert_eq!(index.num_docs(), 0, "nothing is searchable before the rebuild finishes");
    index.rebuild_finish(7).unwrap();
    assert_eq!(index.last_seq(), Some(7));
    assert_eq!(index.num_docs(), 8 + 200, "the draft is left out");
    assert_eq!(ids(&search(&index, "机修工150")), [150]);
    assert!(search(&index, "焊工").hits.iter().all(|h| h.id != 99), "the old document is gone");
    // Back to the incremental path.
    index.apply(&[Change::Delete(150)], 8).unwrap();
    assert_eq!(index.num_docs(), 8 + 199);
}

#[test]
fn a_rebuild_cut_short_leaves_an_index_the_next_start_rebuilds() {
    let dir = tempfile::tempdir().unwrap();
    {
        let index = SearchIndex::open_or_create(dir.path()).unwrap();
        index.apply(&corpus().into_iter().map(Change::Upsert).collect::<Vec<_>>(), 3).unwrap();
        index.rebuild_start().unwrap();
        index.rebuild_add(&corpus()).unwrap();
        // Dropped without finishing: the process died.
    }
    let index = SearchIndex::open_or_create(dir.path()).unwrap();
    assert_eq!(index.last_seq(), None, "no sequence: the server rebuilds at start");
    assert!(matches!(index.rebuild_finish(4), Err(crate::SearchError::NotRebuilding)));
}
