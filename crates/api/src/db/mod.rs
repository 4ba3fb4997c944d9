//! Connecting to the database (SQLite by default, PostgreSQL through `DATABASE_URL`) and
//! bringing its schema up to date; typed text columns ([`stored`]) and what a unique violation
//! means ([`constraints`]).

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr, SqliteTransactionMode, Statement,
    TransactionOptions, TransactionTrait,
};

use crate::config::Config;

pub mod constraints;
pub mod stored;

pub use stored::{CorruptValue, Stored};

/// Opens a pool, creating the SQLite file and its folder when needed.
pub async fn connect(config: &Config) -> Result<DatabaseConnection, DbErr> {
    let url = config.database_url();
    if url.starts_with("sqlite:") && config.database_url.is_none() {
        std::fs::create_dir_all(&config.data_dir)
            .map_err(|e| DbErr::Custom(format!("cannot create data dir {}: {e}", config.data_dir.display())))?;
    }
    let mut options = ConnectOptions::new(url);
    options
        .max_connections(10)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false);
    let db = Database::connect(options).await?;
    if db.get_database_backend() == DbBackend::Sqlite {
        // WAL lets readers proceed while one writer commits, and it is a property of the file,
        // so one statement on one pooled connection is enough. (sqlx already turns on foreign
        // keys and a 5 s busy timeout on every connection it opens.)
        db.execute_unprepared("PRAGMA journal_mode = WAL").await?;
    }
    Ok(db)
}

/// Begins a transaction that will write. On SQLite it takes the write lock at once (`BEGIN
/// IMMEDIATE`, waiting up to the busy timeout for another writer): a deferred transaction that
/// reads first and writes later cannot upgrade when another connection committed in between,
/// and SQLite refuses it at once ("database is locked") instead of waiting. PostgreSQL ignores
/// the mode. Every write transaction of the services begins here.
pub async fn begin_write<C: TransactionTrait>(db: &C) -> Result<C::Transaction, DbErr> {
    let options = TransactionOptions {
        isolation_level: None,
        access_mode: None,
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
    };
    db.begin_with_options(options).await
}

/// The key of the session-level advisory lock that serializes migrations on PostgreSQL
/// ("chanjiao" in ASCII): fixed, so every node of every version takes the same lock.
pub const MIGRATION_LOCK_KEY: i64 = 0x6368_616e_6a69_616f;

/// Brings the schema up to date. On PostgreSQL, several nodes starting together would each
/// create the migrations table and run the same migration at once (and fail on each other's
/// tables); so the migrator runs on one dedicated connection holding a session-level advisory
/// lock: one node migrates, the others wait for it and then find nothing pending. SQLite needs
/// none of this: its file lock already lets one writer through at a time.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    if db.get_database_backend() != DbBackend::Postgres {
        return Migrator::up(db, None).await;
    }
    let options = db.get_postgres_connection_pool().connect_options();
    // One connection that is never recycled while held, so the lock, the migrations and the
    // unlock all happen in the same session.
    let pool = sea_orm::sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .min_connections(0)
        .idle_timeout(None)
        .max_lifetime(None)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with((*options).clone())
        .await
        .map_err(|e| DbErr::Custom(format!("cannot open the migration connection: {e}")))?;
    let session = sea_orm::SqlxPostgresConnector::from_sqlx_postgres_pool(pool);
    let migrated = migrate_locked(&session).await;
    // Closing the session releases the lock even when the unlock above it failed.
    session.close().await.ok();
    migrated
}

/// Takes the migration lock on `session` (waiting for another node's migration when it is
/// held), migrates and unlocks.
async fn migrate_locked(session: &DatabaseConnection) -> Result<(), DbErr> {
    let lock = |function: &str| {
        Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!("SELECT {function}($1) AS locked"),
            [MIGRATION_LOCK_KEY.into()],
        )
    };
    let free = match session.query_one_raw(lock("pg_try_advisory_lock")).await? {
        Some(row) => row.try_get::<bool>("", "locked")?,
        None => false,
    };
    if !free {
        tracing::info!("waiting for another node's migration");
        session.query_one_raw(lock("pg_advisory_lock")).await?;
    }
    let migrated = Migrator::up(session, None).await;
    session.query_one_raw(lock("pg_advisory_unlock")).await?;
    migrated
}

/// Whether the database answers and every migration has been applied.
pub async fn is_ready(db: &DatabaseConnection) -> bool {
    match Migrator::get_pending_migrations_read_only(db).await {
        Ok(pending) => pending.is_empty(),
        Err(_) => false,
    }
}

#[cfg(test)]
mod migration_tests;
