//! Migrations that rewrite a table keep its rows: the SQLite rebuild of `webhook_deliveries`
//! (to allow the `posting_changed` topic) keeps every delivery, its attempts, their ids and the
//! cascade between them, on a database that already holds data.

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};

use super::connect;
use crate::config::Config;

async fn scalar(db: &DatabaseConnection, sql: &str) -> i64 {
    let row = db.query_one_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap().unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

#[tokio::test]
async fn widening_the_webhook_topics_keeps_every_delivery_and_attempt() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config { data_dir: dir.path().to_path_buf(), ..Config::default() };
    let db = connect(&config).await.unwrap();
    let before = Migrator::migrations().iter().position(|m| m.name().contains("allow_posting_changed")).unwrap();
    Migrator::up(&db, Some(before as u32)).await.unwrap();
    let now = "'2027-03-01 08:00:00+00:00'";
    for sql in [
        format!(
            "INSERT INTO organizations (id, kind, name, region_code, verification, created_at) VALUES \
             (1, 'enterprise', '绍兴精工', '330603', 'verified', {now})"
        ),
        format!(
            "INSERT INTO subscriptions (id, organization_id, kind, name, topics, webhook_url, webhook_secret, \
             created_at) VALUES (5, 1, 'webhook', 'ERP', 'booking_changed', 'https://erp.example/hook', 's', {now})"
        ),
        format!(
            "INSERT INTO webhook_deliveries (id, subscription_id, topic, body, state, attempts, next_attempt_at, \
             created_at) VALUES (7, 5, 'booking_changed', '{{}}', 'delivered', 1, {now}, {now})"
        ),
        format!("INSERT INTO webhook_attempts (id, delivery_id, number, started_at) VALUES (9, 7, 1, {now})"),
    ] {
        db.execute_unprepared(&sql).await.unwrap();
    }
    Migrator::up(&db, None).await.unwrap();

    assert_eq!(scalar(&db, "SELECT count(*) FROM webhook_deliveries WHERE id = 7 AND attempts = 1").await, 1);
    assert_eq!(scalar(&db, "SELECT count(*) FROM webhook_attempts WHERE id = 9 AND delivery_id = 7").await, 1);
    let pushed = format!(
        "INSERT INTO webhook_deliveries (subscription_id, topic, body, state, attempts, next_attempt_at, created_at) \
         VALUES (5, 'posting_changed', '{{}}', 'pending', 0, {now}, {now})"
    );
    db.execute_unprepared(&pushed).await.unwrap();
    assert!(scalar(&db, "SELECT max(id) FROM webhook_deliveries").await > 7, "ids continue after the kept ones");
    let unknown = pushed.replace("posting_changed", "no_such_topic");
    assert!(db.execute_unprepared(&unknown).await.is_err(), "the CHECK still refuses unknown topics");
    db.execute_unprepared("DELETE FROM webhook_deliveries WHERE id = 7").await.unwrap();
    assert_eq!(scalar(&db, "SELECT count(*) FROM webhook_attempts").await, 0, "attempts still cascade");
}
