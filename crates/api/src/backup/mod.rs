//! Backing up and restoring the platform's database, and moving it from SQLite to PostgreSQL.
//!
//! This module owns the three operator commands `chanjiao backup`, `chanjiao restore` and
//! `chanjiao migrate-data`; the CLI only parses flags, asks for confirmation and prints. The
//! search index is never part of a backup: it is derived from the database, so a restore rebuilds
//! it ([`crate::indexer::rebuild`]) and a moved database gets its index from `chanjiao reindex`
//! or the first server start.
//!
//! - [`sqlite`]: `VACUUM INTO` for an online, consistent copy; restore by copy and rename.
//! - [`postgres`]: `pg_dump --format=custom` and `pg_restore`, run as child processes.
//! - [`migrate_data`]: a table-by-table copy of a SQLite database into PostgreSQL.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use migration::{Migrator, MigratorTrait};
use sea_orm::DbErr;

use crate::config::Config;
use crate::error::ApiError;

mod convert;
pub mod migrate_data;
pub mod postgres;
pub mod sqlite;

/// The two database engines the platform runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The engine a database URL names, if it is one the platform knows.
    pub fn of_url(url: &str) -> Option<Backend> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    }
}

/// Everything backup, restore and migrate-data can refuse or fail with. Messages are written for
/// the operator at the terminal: each says what to do next.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("database: {0}")]
    Database(#[from] DbErr),
    #[error("the database URL {0} is neither sqlite: nor postgres://")]
    UnknownBackend(String),
    #[error("{0} already exists: choose another file or pass --force to replace it")]
    Exists(PathBuf),
    #[error("there is no SQLite database at {0} to back up")]
    NoDatabase(PathBuf),
    #[error(
        "{tool} was not found on PATH: install the PostgreSQL client tools (postgresql-client) or pass {flag} PATH"
    )]
    ToolMissing { tool: &'static str, flag: &'static str },
    #[error("{tool} failed ({status}): {stderr}")]
    ToolFailed { tool: &'static str, status: String, stderr: String },
    #[error(
        "{0} is not a chanjiao backup (neither a SQLite database nor a pg_dump custom-format archive); nothing was changed"
    )]
    NotABackup(PathBuf),
    #[error(
        "{file} is a {backup} backup but this installation runs on {configured}: restore it on {backup}, \
         or use `chanjiao migrate-data` to move a SQLite database to PostgreSQL"
    )]
    WrongBackend { file: PathBuf, backup: &'static str, configured: &'static str },
    #[error(
        "{file} was made by a newer chanjiao (its schema has migration {migration}, unknown to this version): \
         restore with the newer version"
    )]
    NewerBackup { file: PathBuf, migration: String },
    #[error(
        "a server seems to be running on {data_dir} (its search index cannot be locked: {cause}): \
         stop every chanjiao server using this database first"
    )]
    ServerRunning { data_dir: PathBuf, cause: String },
    #[error("restore replaces every row of the database: pass --yes to confirm (standard input is not a terminal)")]
    NeedsConfirmation,
    #[error("restore cancelled; nothing was changed")]
    Declined,
    #[error("migrate-data copies from SQLite to PostgreSQL: --from must be sqlite:… and --to postgres://…")]
    WrongDirection,
    #[error(
        "the target database is not empty (table {table} has {rows} rows): migrate-data only fills a fresh \
         database; create an empty one (createdb) and point --to at it"
    )]
    TargetNotEmpty { table: String, rows: i64 },
    #[error("the target has no table {0}, which the source has: is the target at the same version?")]
    MissingTable(String),
    #[error("the target table {table} has no column {column}, which the source has")]
    MissingColumn { table: String, column: String },
    #[error("{table}.{column}, row {rowid}: {detail}")]
    Unconvertible { table: String, column: String, rowid: i64, detail: String },
    #[error("the source's foreign keys form a cycle through {0}; the tables cannot be copied in order")]
    ForeignKeyCycle(String),
    #[error(
        "row counts differ after the copy: {table} has {source_rows} rows in the source, {target_rows} in the target"
    )]
    CountMismatch { table: String, source_rows: i64, target_rows: i64 },
    #[error("search index: {0}")]
    Index(String),
}

impl BackupError {
    fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BackupError + '_ {
        move |source| BackupError::Io { path: path.to_path_buf(), source }
    }
}

/// The crate's one error type carries these as internal errors when a caller wants an
/// [`ApiError`]; only the CLI calls this module, and it prints [`BackupError`] as it is.
impl From<BackupError> for ApiError {
    fn from(error: BackupError) -> Self {
        match error {
            BackupError::Database(e) => ApiError::Database(e),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

/// Where `pg_dump` and `pg_restore` are, when not on PATH.
#[derive(Debug, Clone, Default)]
pub struct Tools {
    pub pg_dump: Option<PathBuf>,
    pub pg_restore: Option<PathBuf>,
}

/// What `chanjiao backup` wrote.
#[derive(Debug)]
pub struct BackupSummary {
    pub file: PathBuf,
    pub backend: Backend,
    pub bytes: u64,
    pub elapsed: Duration,
}

fn backend_of(config: &Config) -> Result<Backend, BackupError> {
    let url = config.database_url();
    Backend::of_url(&url).ok_or_else(|| BackupError::UnknownBackend(config.redacted_database()))
}

/// Writes a consistent copy of the configured database to `out`, while a server may be running.
/// The copy is written beside `out` under a temporary name and renamed into place, so `out` is
/// either absent, the old file, or the complete new backup — never half of one.
pub async fn backup(config: &Config, out: &Path, force: bool, tools: &Tools) -> Result<BackupSummary, BackupError> {
    let backend = backend_of(config)?;
    if out.exists() && !force {
        return Err(BackupError::Exists(out.to_path_buf()));
    }
    let partial = partial_path(out);
    let _ = std::fs::remove_file(&partial);
    let started = Instant::now();
    let written = match backend {
        Backend::Sqlite => sqlite::vacuum_into(&config.database_url(), &partial).await,
        Backend::Postgres => postgres::dump(&config.database_url(), &partial, tools.pg_dump.as_deref()).await,
    };
    if let Err(error) = written {
        let _ = std::fs::remove_file(&partial);
        return Err(error);
    }
    std::fs::rename(&partial, out).map_err(BackupError::io(out))?;
    let bytes = std::fs::metadata(out).map_err(BackupError::io(out))?.len();
    Ok(BackupSummary { file: out.to_path_buf(), backend, bytes, elapsed: started.elapsed() })
}

/// `FILE.partial`, beside `FILE`, so the final rename stays on one file system.
fn partial_path(out: &Path) -> PathBuf {
    let mut name = out.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".partial");
    out.with_file_name(name)
}

/// What a backup file is, recognised by its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackupFormat {
    /// A SQLite database file (`SQLite format 3\0`).
    SqliteFile,
    /// A `pg_dump --format=custom` archive (`PGDMP`).
    PgDumpCustom,
}

impl BackupFormat {
    pub fn backend(self) -> Backend {
        match self {
            BackupFormat::SqliteFile => Backend::Sqlite,
            BackupFormat::PgDumpCustom => Backend::Postgres,
        }
    }

    /// The format of a file from its first 16 bytes; `None` for anything else.
    pub fn sniff(head: &[u8]) -> Option<BackupFormat> {
        if head.starts_with(b"SQLite format 3\0") {
            Some(BackupFormat::SqliteFile)
        } else if head.starts_with(b"PGDMP") {
            Some(BackupFormat::PgDumpCustom)
        } else {
            None
        }
    }
}

fn sniff_file(file: &Path) -> Result<BackupFormat, BackupError> {
    let mut head = [0u8; 16];
    let mut reader = std::fs::File::open(file).map_err(BackupError::io(file))?;
    let mut filled = 0;
    // A short file is simply not a backup; read what there is.
    while filled < head.len() {
        match reader.read(&mut head[filled..]).map_err(BackupError::io(file))? {
            0 => break,
            n => filled += n,
        }
    }
    BackupFormat::sniff(&head[..filled]).ok_or_else(|| BackupError::NotABackup(file.to_path_buf()))
}

/// A backup checked and ready to restore: what the confirmation prompt shows.
#[derive(Debug)]
pub struct Inspection {
    pub file: PathBuf,
    pub format: BackupFormat,
    /// Migrations recorded in the backup.
    pub migrations: usize,
    /// Migrations this version has that the backup lacks; they run after the restore.
    pub behind: usize,
    /// The database that will be replaced, password hidden.
    pub target: String,
}

/// What `chanjiao restore` did.
#[derive(Debug)]
pub struct RestoreSummary {
    pub backend: Backend,
    /// Migrations run after the restore to bring an older backup forward.
    pub migrated: usize,
    /// Published postings in the rebuilt index.
    pub indexed: usize,
    pub elapsed: Duration,
}

/// The names of the migrations this binary knows, oldest first.
fn known_migrations() -> Vec<String> {
    Migrator::migrations().iter().map(|m| m.name().to_owned()).collect()
}

/// Refuses a backup recording a migration this binary does not know (made by a newer version);
/// returns how many of this binary's migrations the backup lacks.
fn check_level(file: &Path, recorded: &[String]) -> Result<usize, BackupError> {
    let known = known_migrations();
    if let Some(unknown) = recorded.iter().find(|m| !known.contains(m)) {
        return Err(BackupError::NewerBackup { file: file.to_path_buf(), migration: unknown.clone() });
    }
    Ok(known.iter().filter(|m| !recorded.contains(m)).count())
}

/// Replaces the configured database with the backup in `file`, brings it to this version's
/// schema and rebuilds this node's search index. `confirm` sees the checked backup before
/// anything changes; returning false cancels.
///
/// The search index's writer lock is taken first and held throughout: a server on this data dir
/// holds it, so its presence means "stop the server", and holding it keeps a server from starting
/// half-way through.
pub async fn restore(
    config: &Config,
    file: &Path,
    tools: &Tools,
    confirm: impl FnOnce(&Inspection) -> bool,
) -> Result<RestoreSummary, BackupError> {
    let backend = backend_of(config)?;
    let format = sniff_file(file)?;
    if format.backend() != backend {
        return Err(BackupError::WrongBackend {
            file: file.to_path_buf(),
            backup: format.backend().name(),
            configured: backend.name(),
        });
    }
    let index = crate::startup::open_index(config)
        .map_err(|e| BackupError::ServerRunning { data_dir: config.data_dir.clone(), cause: e.to_string() })?;
    let index = Arc::new(index);
    let recorded = match format {
        BackupFormat::SqliteFile => sqlite::recorded_migrations(file).await?,
        BackupFormat::PgDumpCustom => postgres::recorded_migrations(file, tools.pg_restore.as_deref()).await?,
    };
    let behind = check_level(file, &recorded)?;
    let inspection = Inspection {
        file: file.to_path_buf(),
        format,
        migrations: recorded.len(),
        behind,
        target: config.redacted_database(),
    };
    if !confirm(&inspection) {
        return Err(BackupError::Declined);
    }
    let started = Instant::now();
    match format {
        BackupFormat::SqliteFile => sqlite::replace_database(&config.database_url(), file)?,
        BackupFormat::PgDumpCustom => {
            postgres::restore(&config.database_url(), file, tools.pg_restore.as_deref()).await?
        }
    }
    let db = crate::db::connect(config).await?;
    crate::db::migrate(&db).await?;
    let indexed = crate::indexer::rebuild(&db, &index).await.map_err(|e| BackupError::Index(e.to_string()))?;
    db.close().await.ok();
    Ok(RestoreSummary { backend, migrated: behind, indexed, elapsed: started.elapsed() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_backup_is_recognised_by_its_first_bytes_and_anything_else_is_not() {
        assert_eq!(BackupFormat::sniff(b"SQLite format 3\0rest"), Some(BackupFormat::SqliteFile));
        assert_eq!(BackupFormat::sniff(b"PGDMP\x01\x0e\x00"), Some(BackupFormat::PgDumpCustom));
        assert_eq!(BackupFormat::sniff(b"SQLite format 3"), None, "the terminating NUL is part of the magic");
        assert_eq!(BackupFormat::sniff(b"-- PostgreSQL dump"), None, "a plain-text dump is not restorable here");
        assert_eq!(BackupFormat::sniff(b""), None);
    }

    #[test]
    fn a_backup_with_a_migration_this_version_lacks_is_refused_and_an_older_one_is_behind() {
        let mut known = known_migrations();
        let file = Path::new("b.db");
        assert_eq!(check_level(file, &known).unwrap(), 0);
        let newest = known.pop().unwrap();
        assert_eq!(check_level(file, &known).unwrap(), 1, "one migration to run after restoring");
        known.push(newest);
        known.push("m29991231_000000_create_the_future".to_owned());
        let refused = check_level(file, &known).unwrap_err().to_string();
        assert!(refused.contains("restore with the newer version") && refused.contains("the_future"), "{refused}");
    }

    #[test]
    fn the_partial_file_sits_beside_the_backup() {
        assert_eq!(partial_path(Path::new("/var/b/2026.db")), Path::new("/var/b/2026.db.partial"));
    }
}
