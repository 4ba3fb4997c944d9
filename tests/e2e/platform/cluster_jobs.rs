//! Several nodes on one database (a shared SQLite file, or PostgreSQL when
//! `CHANJIAO_TEST_DATABASE_URL` is set): migrations started together all succeed, every
//! periodic job runs once per period across the cluster, and the sweeps' effects (postings
//! expired, proposal reminders) happen once.

use std::time::Duration;

use chanjiao_api::Config;
use chanjiao_api::clock::Clock;
use chanjiao_api::jobs::{self, Job};
use chrono::{TimeZone, Utc};
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use serde_json::{Value, json};

use crate::e2e::brokering::api::{apprenticeship, program_offer, publish};
use crate::e2e::support::{fresh_database_url, spawn_cluster};

async fn scalar(db: &DatabaseConnection, sql: &str) -> i64 {
    let row = db.query_one_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap().unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

/// Every job's `runs`, in [`Job::ALL`]'s order (0 for a job no node has seeded yet).
async fn runs(db: &DatabaseConnection) -> Vec<i64> {
    let status = jobs::status(db).await.unwrap();
    Job::ALL.iter().map(|job| status.iter().find(|s| s.job == *job).map_or(0, |s| s.runs)).collect()
}

/// A sweep period of one second; the clock only moves when the test moves it.
fn short_period(config: &mut Config) {
    config.expiry_sweep_secs = 1;
}

#[tokio::test]
async fn every_periodic_job_runs_once_per_period_across_three_nodes() {
    let clock = Clock::fixed(Utc.with_ymd_and_hms(2027, 3, 1, 1, 0, 0).unwrap());
    let nodes = spawn_cluster(3, clock.clone(), short_period).await;
    let db = &nodes[0].db;
    for period in 1..=4 {
        let all_ran = nodes[0].eventually(Duration::from_secs(20), || async { runs(db).await == [period; 7] }).await;
        assert!(all_ran, "period {period}: every job ran, got {:?}", runs(db).await);
        // Each node looks four times a second: give them all several looks at the same period.
        tokio::time::sleep(Duration::from_millis(1200)).await;
        assert_eq!(runs(db).await, [period; 7], "period {period}: no job ran twice");
        clock.advance(chrono::Duration::seconds(1));
    }
    let status = jobs::status(db).await.unwrap();
    assert!(status.iter().all(|s| s.last_error.is_none() && s.last_finished_at.is_some()), "{status:?}");
}

#[tokio::test]
async fn postings_expire_and_proposals_are_reminded_exactly_once_with_three_nodes() {
    let start = Utc.with_ymd_and_hms(2027, 3, 1, 1, 0, 0).unwrap();
    let clock = Clock::fixed(start);
    let nodes = spawn_cluster(3, clock.clone(), short_period).await;
    let (a, b, c) = (&nodes[0], &nodes[1], &nodes[2]);
    let enterprise = a.demo_login("enterprise@demo.local").await;
    let school = b.demo_login("school@demo.local").await;
    // Three postings ending tomorrow (China time), created through different nodes.
    let mut ending = Vec::new();
    for node in [a, b, c] {
        let mut posting = apprenticeship(5);
        posting["ends_on"] = json!("2027-03-02");
        ending.push(publish(node, &enterprise, posting).await);
    }
    // A proposal due in two days: within the reminder lead at once, so the next sweep reminds.
    let need = publish(a, &enterprise, apprenticeship(10)).await;
    let offer = publish(b, &school, program_offer()).await;
    let body = json!({"from_posting_id": need, "to_posting_id": offer, "message": "希望合作开展现代学徒制",
        "quantity": 10, "respond_within_days": 2});
    let proposed = c.post_json("/api/v1/proposals", &body, Some(&enterprise)).await;
    assert_eq!(proposed.status(), StatusCode::CREATED);
    let proposal = proposed.json::<Value>().await.unwrap()["id"].as_i64().unwrap();

    let reminders =
        format!("SELECT COUNT(*) FROM proposal_events WHERE proposal_id = {proposal} AND action = 'remind'");
    let notices = "SELECT COUNT(*) FROM notifications WHERE topic = 'proposal_reminder'";
    let ids = ending.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
    let expiries = format!(
        "SELECT COUNT(*) FROM audit_events WHERE entity = 'posting' AND action = 'expire' AND entity_id IN ({ids})"
    );
    // Several periods on the first day (reminder due), then past the postings' end date.
    for second in 1..=4 {
        clock.set(start + chrono::Duration::seconds(second));
        let reminded = a.eventually(Duration::from_secs(20), || async { scalar(&a.db, &reminders).await >= 1 }).await;
        assert!(reminded, "the reminder went out");
    }
    clock.set(start + chrono::Duration::days(2));
    let expired = a.eventually(Duration::from_secs(20), || async { scalar(&a.db, &expiries).await >= 3 }).await;
    assert!(expired, "the postings past their end date expired");
    for second in 1..=3 {
        clock.set(start + chrono::Duration::days(2) + chrono::Duration::seconds(second));
        tokio::time::sleep(Duration::from_millis(600)).await;
    }
    assert_eq!(scalar(&a.db, &reminders).await, 1, "one reminder");
    assert_eq!(scalar(&a.db, notices).await, 1, "one reminder notice");
    assert_eq!(scalar(&a.db, &expiries).await, 3, "one expiry audit event per posting");
    for id in &ending {
        let posting: Value =
            b.get_json(&format!("/api/v1/postings/{id}"), Some(&enterprise)).await.json().await.unwrap();
        assert_eq!(posting["status"], "expired");
    }
}

/// Four nodes migrating a fresh PostgreSQL database at the same moment: all succeed (one
/// migrates, the others wait on the advisory lock), and the schema is complete.
#[tokio::test]
async fn nodes_starting_together_on_postgresql_migrate_once_and_all_succeed() {
    let Some(url) = fresh_database_url().await else { return };
    let mut nodes = Vec::new();
    for _ in 0..4 {
        let config = Config { database_url: Some(url.clone()), ..Config::default() };
        nodes.push(chanjiao_api::db::connect(&config).await.unwrap());
    }
    let mut migrating = tokio::task::JoinSet::new();
    for db in &nodes {
        let db = db.clone();
        migrating.spawn(async move { chanjiao_api::db::migrate(&db).await });
    }
    for outcome in migrating.join_all().await {
        outcome.expect("every node's migration succeeds");
    }
    for db in &nodes {
        assert!(chanjiao_api::db::is_ready(db).await, "nothing pending");
    }
    // The last tables exist, and every migration is recorded once.
    assert_eq!(scalar(&nodes[0], "SELECT COUNT(*) FROM import_progress").await, 0);
    let twice = "SELECT COUNT(*) FROM (SELECT version FROM seaql_migrations GROUP BY version HAVING COUNT(*) > 1) t";
    assert_eq!(scalar(&nodes[0], twice).await, 0);
}
