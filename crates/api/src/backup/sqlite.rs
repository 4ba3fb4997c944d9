//! SQLite backups: `VACUUM INTO` on the live database, and restoring a file by copy and rename.
//!
//! `VACUUM INTO` reads the database inside one read transaction, so with WAL the copy is the
//! committed state at one instant while the server goes on writing; the result is a compact,
//! self-contained database file (no -wal beside it) that SQLite opens as it is.

use std::path::{Path, PathBuf};

use sea_orm::{ConnectionTrait, Database, DbBackend, Statement};

use super::BackupError;

/// The file a `sqlite:` URL names (`sqlite://data/chanjiao.db?mode=rwc` → `data/chanjiao.db`).
pub fn database_path(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

fn path_of(url: &str) -> Result<PathBuf, BackupError> {
    database_path(url).ok_or_else(|| BackupError::UnknownBackend(url.to_owned()))
}

/// A string literal for SQL: single quotes doubled. `VACUUM INTO` takes an expression, but
/// sqlx cannot bind a parameter to it on every SQLite version, so the path is quoted instead.
fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// Writes a consistent copy of the database at `url` to `out` (which must not exist).
pub async fn vacuum_into(url: &str, out: &Path) -> Result<(), BackupError> {
    let path = path_of(url)?;
    if !path.is_file() {
        return Err(BackupError::NoDatabase(path));
    }
    let out_text = out.to_str().ok_or_else(|| BackupError::Io {
        path: out.to_path_buf(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "the path is not valid UTF-8"),
    })?;
    // Read-write without create: the database exists, and a missing one must not be made here.
    let db = Database::connect(format!("sqlite://{}?mode=rw", path.display())).await?;
    let done = db.execute_unprepared(&format!("VACUUM INTO {}", literal(out_text))).await;
    db.close().await.ok();
    done?;
    Ok(())
}

/// The migrations a backup file records, after checking that it is a sound SQLite database
/// with chanjiao's migration table (so a stray database file is refused before anything changes).
pub async fn recorded_migrations(file: &Path) -> Result<Vec<String>, BackupError> {
    let not_ours = || BackupError::NotABackup(file.to_path_buf());
    // Read-only and immutable: inspecting a backup never writes to it (no -wal, no -shm).
    let db = Database::connect(format!("sqlite://{}?mode=ro&immutable=1", file.display())).await?;
    let checked = async {
        let ok = db
            .query_one_raw(Statement::from_string(DbBackend::Sqlite, "PRAGMA quick_check"))
            .await
            .map_err(|_| not_ours())?
            .and_then(|row| row.try_get_by_index::<String>(0).ok());
        if ok.as_deref() != Some("ok") {
            return Err(not_ours());
        }
        let rows = db
            .query_all_raw(Statement::from_string(
                DbBackend::Sqlite,
                "SELECT version FROM seaql_migrations ORDER BY version",
            ))
            .await
            .map_err(|_| not_ours())?;
        rows.iter().map(|row| row.try_get_by_index::<String>(0).map_err(BackupError::from)).collect()
    }
    .await;
    db.close().await.ok();
    checked
}

/// Puts the backup in place of the database at `url`: copied beside it under a temporary name,
/// flushed, then renamed over it, so a crash leaves either the old database or the new one.
/// The old database's -wal and -shm go first: a write-ahead log left beside the new file would
/// be replayed into it.
pub fn replace_database(url: &str, backup: &Path) -> Result<(), BackupError> {
    let path = path_of(url)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| BackupError::Io { path: dir.to_path_buf(), source })?;
    }
    let temporary = sibling(&path, ".restoring");
    std::fs::copy(backup, &temporary).map_err(|source| BackupError::Io { path: temporary.clone(), source })?;
    std::fs::File::open(&temporary)
        .and_then(|f| f.sync_all())
        .map_err(|source| BackupError::Io { path: temporary.clone(), source })?;
    for suffix in ["-wal", "-shm"] {
        let side = sibling(&path, suffix);
        match std::fs::remove_file(&side) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(BackupError::Io { path: side, source }),
        }
    }
    std::fs::rename(&temporary, &path).map_err(|source| BackupError::Io { path: path.clone(), source })
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(suffix);
    PathBuf::from(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_file_is_read_from_every_form_of_sqlite_url() {
        assert_eq!(database_path("sqlite://./data/chanjiao.db?mode=rwc"), Some(PathBuf::from("./data/chanjiao.db")));
        assert_eq!(
            database_path("sqlite:///var/lib/chanjiao/chanjiao.db"),
            Some(PathBuf::from("/var/lib/chanjiao/chanjiao.db"))
        );
        assert_eq!(database_path("sqlite:x.db"), Some(PathBuf::from("x.db")));
        assert_eq!(database_path("sqlite::memory:"), None);
        assert_eq!(database_path("postgres://h/db"), None);
    }

    #[test]
    fn quotes_in_a_path_cannot_end_the_literal() {
        assert_eq!(literal("/tmp/it's.db"), "'/tmp/it''s.db'");
    }
}
