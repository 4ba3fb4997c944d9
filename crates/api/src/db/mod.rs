//! Connecting to the database (SQLite by default, PostgreSQL through `DATABASE_URL`) and
//! bringing its schema up to date; typed text columns ([`stored`]) and what a unique violation
//! means ([`constraints`]).

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr, SqliteTransactionMode,
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

pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
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
