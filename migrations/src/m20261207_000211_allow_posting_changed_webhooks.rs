use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

use crate::m20261129_000020_create_notifications::TOPICS;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Webhook deliveries may carry the `posting_changed` topic (the change feed pushed to
/// subscribers). The topic column's CHECK constraint lists the topics, so it is replaced:
/// PostgreSQL alters the constraint; SQLite cannot, so the table is rebuilt the way SQLite's
/// documentation prescribes (new table, copy, drop, rename), with `webhook_attempts`, which
/// references it, set aside in a plain table meanwhile so that dropping the old deliveries
/// cascades to nothing. Notifications keep their CHECK: posting changes never enter an inbox.
const NEW_TOPIC: &str = "posting_changed";

fn topic_list() -> String {
    TOPICS.iter().chain(std::iter::once(&NEW_TOPIC)).map(|t| format!("'{t}'")).collect::<Vec<_>>().join(", ")
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let topics = topic_list();
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared(&format!(
                    "ALTER TABLE webhook_deliveries DROP CONSTRAINT IF EXISTS webhook_deliveries_topic_check, \
                     ADD CONSTRAINT webhook_deliveries_topic_check CHECK (topic IN ({topics}))"
                ))
                .await?;
            }
            _ => {
                for statement in sqlite_rebuild(&topics) {
                    db.execute_unprepared(&statement).await?;
                }
            }
        }
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        // Narrowing the constraint again would fail on stored `posting_changed` deliveries;
        // the wider constraint is harmless to the previous code.
        Ok(())
    }
}

/// The statements that rebuild `webhook_deliveries` on SQLite with the wider CHECK, keeping
/// every row, id, foreign key and index.
fn sqlite_rebuild(topics: &str) -> Vec<String> {
    vec![
        "CREATE TABLE webhook_attempts_keep AS SELECT * FROM webhook_attempts".to_owned(),
        "DROP TABLE webhook_attempts".to_owned(),
        format!(
            "CREATE TABLE webhook_deliveries_new ( \
               id integer NOT NULL PRIMARY KEY AUTOINCREMENT, \
               subscription_id bigint NOT NULL, \
               notification_id bigint NULL, \
               topic varchar(32) NOT NULL CHECK (topic IN ({topics})), \
               body text NOT NULL, \
               state varchar(16) NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')), \
               attempts integer NOT NULL DEFAULT 0, \
               next_attempt_at timestamp_with_timezone_text NOT NULL, \
               leased_until timestamp_with_timezone_text NULL, \
               last_error text NULL, \
               response_status integer NULL, \
               created_at timestamp_with_timezone_text NOT NULL, \
               delivered_at timestamp_with_timezone_text NULL, \
               CONSTRAINT fk_webhook_deliveries_subscription FOREIGN KEY (subscription_id) \
                 REFERENCES subscriptions (id) ON DELETE CASCADE, \
               CONSTRAINT fk_webhook_deliveries_notification FOREIGN KEY (notification_id) \
                 REFERENCES notifications (id) ON DELETE SET NULL )"
        ),
        "INSERT INTO webhook_deliveries_new SELECT id, subscription_id, notification_id, topic, body, state, \
         attempts, next_attempt_at, leased_until, last_error, response_status, created_at, delivered_at \
         FROM webhook_deliveries"
            .to_owned(),
        "DROP TABLE webhook_deliveries".to_owned(),
        "ALTER TABLE webhook_deliveries_new RENAME TO webhook_deliveries".to_owned(),
        "CREATE INDEX idx_webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at)".to_owned(),
        "CREATE INDEX idx_webhook_deliveries_subscription ON webhook_deliveries (subscription_id, id)".to_owned(),
        "CREATE TABLE webhook_attempts ( \
           id integer NOT NULL PRIMARY KEY AUTOINCREMENT, \
           delivery_id bigint NOT NULL, \
           number integer NOT NULL, \
           started_at timestamp_with_timezone_text NOT NULL, \
           finished_at timestamp_with_timezone_text NULL, \
           response_status integer NULL, \
           error text NULL, \
           CONSTRAINT fk_webhook_attempts_delivery FOREIGN KEY (delivery_id) \
             REFERENCES webhook_deliveries (id) ON DELETE CASCADE )"
            .to_owned(),
        "INSERT INTO webhook_attempts SELECT id, delivery_id, number, started_at, finished_at, response_status, \
         error FROM webhook_attempts_keep"
            .to_owned(),
        "CREATE INDEX idx_webhook_attempts_delivery ON webhook_attempts (delivery_id, number)".to_owned(),
        "DROP TABLE webhook_attempts_keep".to_owned(),
    ]
}
