//! The checks of what is stored: the database answers, its migrations, how far this node's
//! search index is behind the outbox, and whether the national reference data is loaded.

use std::path::Path;
use std::time::Duration;

use chanjiao_search::IndexState;
use migration::{Migrator, MigratorTrait};
use sea_orm::{DatabaseConnection, DbBackend, EntityTrait, PaginatorTrait};

use super::{Check, Finding};
use crate::config::Config;
use crate::entities::{occupation_details, program_occupations, program_profiles};

/// Longer than the pool's own connect timeout, so its error (which names the cause) wins.
const CONNECT_PATIENCE: Duration = Duration::from_secs(15);

const IMPORT_FIX: &str = "run `chanjiao reference import DIR` (DIR holding program_profiles_2022.jsonl, \
                          occupations_2022.csv and program_occupation_crosswalk_2023.csv, such as ../shared/data/reference)";

/// Connects, unless the default SQLite file does not exist: doctor does not create it.
pub(super) async fn database(config: &Config) -> (Finding, Option<DatabaseConnection>) {
    let check = Check::Database;
    let redacted = config.redacted_database();
    let file = config.data_dir.join("chanjiao.db");
    if config.database_url.is_none() && !file.exists() {
        let finding = Finding::fail(
            check,
            format!("no SQLite database at {} yet", file.display()),
            "run `chanjiao migrate` (the server also creates it at start), or point database_url / DATABASE_URL \
             at the database you meant",
        );
        return (finding, None);
    }
    match tokio::time::timeout(CONNECT_PATIENCE, crate::db::connect(config)).await {
        Ok(Ok(db)) => {
            let backend = match db.get_database_backend() {
                DbBackend::Postgres => "PostgreSQL",
                DbBackend::Sqlite => "SQLite",
                _ => "another backend",
            };
            (Finding::ok(check, format!("{backend} answers at {redacted}")), Some(db))
        }
        Ok(Err(e)) => (unreachable_database(&redacted, &e.to_string()), None),
        Err(_) => (unreachable_database(&redacted, "no answer in 15 s"), None),
    }
}

fn unreachable_database(redacted: &str, cause: &str) -> Finding {
    Finding::fail(
        Check::Database,
        format!("cannot connect to {redacted}: {cause}"),
        "check database_url / DATABASE_URL, that the database server runs and that this machine may reach it",
    )
}

/// Pending migrations (read-only: the migrations table is not created when missing).
pub(super) async fn migrations(db: &DatabaseConnection) -> Finding {
    let check = Check::Migrations;
    let known = Migrator::migrations().len();
    match Migrator::get_pending_migrations_read_only(db).await {
        Ok(pending) if pending.is_empty() => Finding::ok(check, format!("all {known} applied")),
        Ok(pending) => Finding::warn(
            check,
            format!("{} of {known} pending", pending.len()),
            "run `chanjiao migrate` (the server also migrates when it starts)",
        ),
        // Also what sea-orm answers when the database has migrations this binary does not know.
        Err(e) => Finding::fail(
            check,
            format!("cannot be read: {e}"),
            "if a newer version of chanjiao migrated this database, run that version (migrations are forward-only)",
        ),
    }
}

/// The newest outbox sequence, if the outbox can be read.
pub(super) async fn outbox_end(db: &DatabaseConnection) -> Option<i64> {
    crate::services::postings::outbox::newest(db).await.ok()
}

/// This node's index: missing, of another version, or present and how far behind the outbox.
pub(super) async fn search_index(dir: &Path, outbox_end: Option<i64>) -> Finding {
    let check = Check::SearchIndex;
    let path = dir.to_owned();
    let state = tokio::task::spawn_blocking(move || chanjiao_search::inspect(&path)).await;
    let rebuild = "nothing to do if a server is about to start (it builds the index); otherwise `chanjiao reindex` \
                   with the server on this data directory stopped";
    match state {
        Ok(Ok(IndexState::Missing)) => Finding::warn(check, format!("no index at {}", dir.display()), rebuild),
        Ok(Ok(IndexState::Incompatible)) => {
            Finding::warn(check, "written by another version of chanjiao; it is rebuilt from the database", rebuild)
        }
        Ok(Ok(IndexState::Present { last_seq, docs, in_use })) => {
            let holder = if in_use { "in use by a running process" } else { "not in use" };
            match (last_seq, outbox_end) {
                (None, _) => Finding::warn(check, format!("{docs} postings, no completed build ({holder})"), rebuild),
                (Some(seq), Some(end)) if end > seq && !in_use => Finding::warn(
                    check,
                    format!("{docs} postings, {} changes behind the outbox ({holder})", end - seq),
                    "nothing to do: the server applies them when it starts",
                ),
                (Some(seq), Some(end)) if end > seq => Finding::ok(
                    check,
                    format!("{docs} postings, {} changes behind the outbox, being applied ({holder})", end - seq),
                ),
                (Some(seq), _) => {
                    Finding::ok(check, format!("{docs} postings, up to date at sequence {seq} ({holder})"))
                }
            }
        }
        Ok(Err(e)) => Finding::fail(check, format!("cannot be read: {e}"), rebuild),
        Err(e) => Finding::fail(check, format!("cannot be read: {e}"), rebuild),
    }
}

/// Row counts of the three reference tables the matcher and the search enrich with.
pub(super) async fn reference_data(db: &DatabaseConnection) -> Finding {
    let check = Check::ReferenceData;
    let counts = async {
        let profiles = program_profiles::Entity::find().count(db).await?;
        let occupations = occupation_details::Entity::find().count(db).await?;
        let pairs = program_occupations::Entity::find().count(db).await?;
        Ok::<_, sea_orm::DbErr>((profiles, occupations, pairs))
    };
    match counts.await {
        Ok((profiles, occupations, pairs)) => {
            let found = format!("{profiles} program profiles, {occupations} occupations, {pairs} crosswalk pairs");
            if profiles == 0 && occupations == 0 && pairs == 0 {
                Finding::warn(
                    check,
                    "not loaded: matching knows program and occupation names only",
                    IMPORT_FIX.to_owned(),
                )
            } else if profiles == 0 || occupations == 0 || pairs == 0 {
                Finding::warn(check, format!("incomplete: {found}"), IMPORT_FIX.to_owned())
            } else {
                Finding::ok(check, found)
            }
        }
        Err(e) => Finding::warn(
            check,
            format!("cannot be counted: {e}"),
            format!("run `chanjiao migrate` first, then {}", IMPORT_FIX.trim_start_matches("run ")),
        ),
    }
}
