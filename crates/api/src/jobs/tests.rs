//! Claiming periods on a real SQLite file, and on PostgreSQL when `CHANJIAO_TEST_DATABASE_URL`
//! is set: one winner per period however many nodes try at once.

use std::time::Duration;

use chrono::{TimeZone, Utc};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};

use super::*;
use crate::config::Config;

const PERIOD: Duration = Duration::from_secs(60);
const PERIOD_CHRONO: chrono::Duration = chrono::Duration::seconds(60);

/// A migrated database of its own, and its URL (so that other "nodes" can open pools on it).
async fn fresh() -> (DatabaseConnection, String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = match std::env::var("CHANJIAO_TEST_DATABASE_URL").ok().filter(|u| !u.is_empty()) {
        Some(base) => {
            let name = format!("chanjiao_test_{}", uuid::Uuid::new_v4().simple());
            let admin = Database::connect(base.as_str()).await.unwrap();
            admin.execute_unprepared(&format!("CREATE DATABASE \"{name}\"")).await.unwrap();
            admin.close().await.ok();
            let prefix = &base[..base.rfind('/').unwrap()];
            Some(format!("{prefix}/{name}"))
        }
        None => None,
    };
    let config = Config { data_dir: dir.path().to_path_buf(), database_url: url, ..Config::default() };
    let db = crate::db::connect(&config).await.unwrap();
    crate::db::migrate(&db).await.unwrap();
    (db, config.database_url(), dir)
}

#[tokio::test]
async fn a_due_job_is_claimed_by_exactly_one_of_several_nodes_at_once() {
    let (db, url, _dir) = fresh().await;
    let now = Utc.with_ymd_and_hms(2027, 3, 1, 8, 0, 0).unwrap();
    seed(&db, Job::PostingExpiry, now).await.unwrap();
    let mut nodes = Vec::new();
    for _ in 0..4 {
        let pool = Database::connect(url.as_str()).await.unwrap();
        nodes.push((pool, NodeId::generate()));
    }
    for period in 0..3 {
        let at = now + chrono::Duration::seconds(60 * period);
        let mut tries = tokio::task::JoinSet::new();
        for (pool, node) in &nodes {
            let (pool, node) = (pool.clone(), node.clone());
            tries.spawn(async move {
                claim(&pool, Job::PostingExpiry, &node, at, PERIOD).await.unwrap().map(|c| (c, node))
            });
        }
        let won: Vec<_> = tries.join_all().await.into_iter().flatten().collect();
        assert_eq!(won.len(), 1, "period {period}: one winner");
        // The next period does not start while this run is going, however late it is.
        let next = at + chrono::Duration::seconds(60);
        assert!(claim(&db, Job::PostingExpiry, &nodes[0].1, next, PERIOD).await.unwrap().is_none());
        let (claimed, node) = &won[0];
        finish(&db, *claimed, node, at, None).await.unwrap();
    }
    let status = status(&db).await.unwrap();
    assert_eq!((status[0].job, status[0].runs), (Job::PostingExpiry, 3));
    assert_eq!(status[0].due_at, now + chrono::Duration::seconds(180));
}

#[tokio::test]
async fn a_job_is_not_claimed_again_before_its_period_is_over_and_its_finish_is_recorded() {
    let (db, _url, _dir) = fresh().await;
    let node = NodeId::generate();
    // Nanoseconds, as the system clock gives: still due at once, however the database rounds.
    let now = Utc.with_ymd_and_hms(2027, 3, 1, 8, 0, 0).unwrap() + chrono::Duration::nanoseconds(123_456_789);
    seed(&db, Job::SessionPruning, now).await.unwrap();
    seed(&db, Job::SessionPruning, now + chrono::Duration::hours(1)).await.unwrap();
    assert_eq!(due_at(&db, Job::SessionPruning).await.unwrap().map(|d| d.timestamp()), Some(now.timestamp()));
    let won = claim(&db, Job::SessionPruning, &node, now, PERIOD).await.unwrap().expect("due at once");
    let early = now + chrono::Duration::seconds(59);
    assert!(claim(&db, Job::SessionPruning, &node, early, PERIOD).await.unwrap().is_none());
    finish(&db, won, &node, early, Some("database is locked")).await.unwrap();
    let status = status(&db).await.unwrap();
    assert_eq!(status[0].runs, 1);
    assert_eq!(status[0].holder.as_deref(), Some(node.as_str()));
    assert_eq!(status[0].last_error.as_deref(), Some("database is locked"));
    assert!(status[0].last_finished_at.is_some());
    let later = now + chrono::Duration::seconds(60);
    assert!(claim(&db, Job::SessionPruning, &node, later, PERIOD).await.unwrap().is_some());
    // A run whose node died is given up on after the lease.
    let abandoned = later + PERIOD_CHRONO + RUN_LEASE;
    assert!(claim(&db, Job::SessionPruning, &node, later + PERIOD_CHRONO, PERIOD).await.unwrap().is_none());
    assert!(claim(&db, Job::SessionPruning, &node, abandoned, PERIOD).await.unwrap().is_some());
}

#[test]
fn every_job_reads_back_from_its_stored_name_and_node_ids_differ() {
    for job in Job::ALL {
        assert_eq!(Job::from_stored_text(job.as_str()), Some(job));
    }
    assert_ne!(NodeId::generate(), NodeId::generate());
    assert!(NodeId::generate().as_str().len() <= NODE_ID_MAX);
}
