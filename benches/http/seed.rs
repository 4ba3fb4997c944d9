//! The benchmark's platform database: a fresh PostgreSQL database migrated with the platform's
//! own migrations, the demo organizations and accounts, the national reference data, and the
//! generated postings in multi-row inserts.
//!
//! The postings go in as `services::postings::insert_historical` writes them (the row with its
//! details, its codes, its statistics facts) but many to a statement: one statement per posting
//! would take an hour at 1,000,000. What is left out is what only a write's history needs: no
//! outbox rows (the server rebuilds its index from the postings on start, which the outbox
//! would only repeat) and no audit events.

use std::time::Instant;

use chanjiao_api::entities::{posting_codes, postings};
use chanjiao_api::services::postings::{code_rows, row_model};
use chanjiao_api::services::statistics::facts;
use chanjiao_api::{Config, db};
use chanjiao_domain::posting::{NewPosting, PostingStatus, Side};
use chanjiao_search::IndexDoc;
use sea_orm::ActiveValue::Set;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, EntityTrait, Statement, TransactionTrait};

use crate::BoxError;
use crate::input::input_of;

/// Postings per multi-row INSERT (16 columns: under PostgreSQL's 65,535 parameters).
const ROWS_PER_INSERT: usize = 1_000;
/// Postings per transaction.
const ROWS_PER_TRANSACTION: usize = 10_000;

/// The URL of database `name` on the server of `pg_url`.
pub fn url_of(pg_url: &str, name: &str) -> String {
    let base = pg_url.rsplit_once('/').map_or(pg_url, |(base, _)| base);
    format!("{base}/{name}")
}

/// Whether `name` holds exactly the postings of (`docs`, `seed`), loaded by an earlier run with
/// `--keep`: the marker table written after a complete load says so.
pub async fn already_loaded(pg_url: &str, name: &str, docs: usize, seed: u64) -> bool {
    let Ok(db) = Database::connect(url_of(pg_url, name)).await else { return false };
    let marker = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT docs, seed FROM bench_http_corpus LIMIT 1",
        ))
        .await;
    let found = match marker {
        Ok(Some(row)) => {
            row.try_get::<i64>("", "docs").ok() == Some(docs as i64)
                && row.try_get::<i64>("", "seed").ok() == Some(seed as i64)
        }
        _ => false,
    };
    db.close().await.ok();
    found
}

/// Drops and creates database `name`.
pub async fn recreate(pg_url: &str, name: &str) -> Result<(), BoxError> {
    let admin = Database::connect(pg_url).await?;
    admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await?;
    admin.execute_unprepared(&format!("CREATE DATABASE \"{name}\"")).await?;
    admin.close().await?;
    Ok(())
}

pub async fn drop_database(pg_url: &str, name: &str) -> Result<(), BoxError> {
    let admin = Database::connect(pg_url).await?;
    admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await?;
    admin.close().await?;
    Ok(())
}

/// What [`load`] did.
pub struct Loaded {
    /// Postings inserted (a generated document whose kind's rules it breaks is skipped).
    pub postings: usize,
    /// Migrations, demo organizations and reference data.
    pub setup: std::time::Duration,
    /// The postings with their codes.
    pub insert: std::time::Duration,
    /// The statistics facts, `VACUUM ANALYZE`.
    pub after: std::time::Duration,
}

/// Migrates, seeds the demo organizations and the reference data, and inserts `docs`.
pub async fn load(url: &str, docs: &[IndexDoc], seed: u64) -> Result<Loaded, BoxError> {
    let started = Instant::now();
    let config = Config { database_url: Some(url.to_owned()), ..Config::default() };
    let db = db::connect(&config).await?;
    let (enterprises, schools) = crate::input::prepare(&db).await?;
    let first_id = next_posting_id(&db).await?;
    let setup = started.elapsed();

    let started = Instant::now();
    let mut inserted = 0usize;
    for transaction in docs.chunks(ROWS_PER_TRANSACTION) {
        let txn = db.begin().await?;
        for chunk in transaction.chunks(ROWS_PER_INSERT) {
            let mut rows = Vec::with_capacity(chunk.len());
            let mut codes = Vec::new();
            for doc in chunk {
                let Ok(posting) = NewPosting::parse(&input_of(doc, doc.id)) else { continue };
                let pool = if posting.side() == Side::Enterprise { &enterprises } else { &schools };
                let id = first_id + inserted as i64 + rows.len() as i64;
                codes.extend(code_rows(id, &posting));
                // The row `insert_historical` writes, with the id given.
                let (mut row, _) = row_model(
                    pool[doc.id as usize % pool.len()],
                    &posting,
                    PostingStatus::Published,
                    None,
                    doc.created_at,
                )?;
                row.id = Set(id);
                rows.push(row);
            }
            inserted += rows.len();
            if !rows.is_empty() {
                postings::Entity::insert_many(rows).exec_without_returning(&txn).await?;
            }
            for codes in codes.chunks(ROWS_PER_INSERT * 5) {
                posting_codes::Entity::insert_many(codes.to_vec()).exec_without_returning(&txn).await?;
            }
        }
        txn.commit().await?;
        if inserted % 100_000 < ROWS_PER_TRANSACTION {
            eprintln!("  {inserted} postings in {:.0} s", started.elapsed().as_secs_f64());
        }
    }
    let insert = started.elapsed();
    let started = Instant::now();
    let backend = db.get_database_backend();
    // The ids were given explicitly: move the sequence past them for the platform's own writes.
    db.execute_raw(Statement::from_string(
        backend,
        "SELECT setval(pg_get_serial_sequence('postings', 'id'), (SELECT max(id) FROM postings))",
    ))
    .await?;
    facts::rebuild(&db).await?;
    db.execute_unprepared("VACUUM ANALYZE").await?;
    db.execute_unprepared(&format!(
        "CREATE TABLE bench_http_corpus (docs bigint NOT NULL, seed bigint NOT NULL);
         INSERT INTO bench_http_corpus VALUES ({}, {seed})",
        docs.len()
    ))
    .await?;
    db.close().await?;
    Ok(Loaded { postings: inserted, setup, insert, after: started.elapsed() })
}

async fn next_posting_id(db: &DatabaseConnection) -> Result<i64, BoxError> {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT COALESCE(max(id), 0) + 1 AS next FROM postings",
        ))
        .await?
        .ok_or("no answer to max(id)")?;
    Ok(row.try_get::<i64>("", "next")?)
}
