//! What a `/metrics` scrape reads from the database and this process: how far this node's search
//! index and the alert processor are behind the posting outbox, how many webhook deliveries
//! wait or failed, and how busy the connection pool is. Every figure is one indexed lookup or
//! count, cheap enough to compute at every scrape; nothing is cached between scrapes, so the
//! numbers are this node's own at the moment it is asked (see `crate::telemetry::metrics`).

use chanjiao_domain::alerts::DeliveryState;
use chanjiao_search::SearchIndex;
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, DbBackend, EntityTrait, PaginatorTrait, QueryFilter};

use crate::entities::alerts::{alert_cursor, webhook_deliveries as deliveries};
use crate::error::ApiError;
use crate::services::postings::outbox;

/// The database's part of a scrape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backlogs {
    /// Outbox sequences this node's index has not applied yet (the whole outbox while the
    /// index is still being built).
    pub index_lag: i64,
    /// Outbox sequences the alert processor (one cursor for the cluster) has not consumed.
    pub outbox_backlog: i64,
    pub webhooks: WebhookCounts,
}

/// Webhook deliveries by where they stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WebhookCounts {
    /// Not yet delivered and not given up on (waiting for their next attempt or being sent).
    pub pending: u64,
    /// Pending deliveries whose next attempt is due now: a growing number means the workers
    /// fall behind.
    pub due: u64,
    /// Given up on after the last attempt.
    pub failed: u64,
}

/// The connection pool of this process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolUse {
    pub idle: u64,
    pub in_use: u64,
    pub max: u64,
}

/// Reads the backlogs. `now` decides which pending deliveries are due.
pub async fn backlogs(db: &DatabaseConnection, index: &SearchIndex, now: DateTime<Utc>) -> Result<Backlogs, ApiError> {
    let newest = outbox::newest(db).await?;
    let indexed = index.last_seq().unwrap_or(0);
    let alerted = alert_cursor::Entity::find_by_id(1).one(db).await?.map(|c| c.last_seq).unwrap_or(0);
    Ok(Backlogs {
        index_lag: newest.saturating_sub(indexed).max(0),
        outbox_backlog: newest.saturating_sub(alerted).max(0),
        webhooks: webhook_counts(db, now).await?,
    })
}

/// Three counts over the `(state, next_attempt_at)` index.
async fn webhook_counts(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<WebhookCounts, ApiError> {
    let in_state =
        |state: DeliveryState| deliveries::Entity::find().filter(deliveries::Column::State.eq(state.as_str()));
    Ok(WebhookCounts {
        pending: in_state(DeliveryState::Pending).count(db).await?,
        due: in_state(DeliveryState::Pending).filter(deliveries::Column::NextAttemptAt.lte(now)).count(db).await?,
        failed: in_state(DeliveryState::Failed).count(db).await?,
    })
}

/// The pool's connections, without touching the database.
pub fn pool_use(db: &DatabaseConnection) -> Option<PoolUse> {
    // Each accessor panics on another backend, hence the match on the backend first.
    let (size, idle, max) = match db.get_database_backend() {
        DbBackend::Sqlite => {
            let pool = db.get_sqlite_connection_pool();
            (pool.size(), pool.num_idle(), pool.options().get_max_connections())
        }
        DbBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            (pool.size(), pool.num_idle(), pool.options().get_max_connections())
        }
        _ => return None,
    };
    let idle = u64::try_from(idle).unwrap_or(u64::MAX);
    Some(PoolUse { idle, in_use: u64::from(size).saturating_sub(idle), max: u64::from(max) })
}
