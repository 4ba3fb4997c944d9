//! PostgreSQL backups: `pg_dump --format=custom` out, `pg_restore` in, run as child processes.
//!
//! pg_dump takes a consistent snapshot while the servers go on writing, and its custom format is
//! compressed and restorable table by table; the platform adds nothing to it (the search index is
//! rebuilt after a restore). The password, if the URL carries one, is handed to the tools in
//! `PGPASSWORD` rather than on their command line, where `ps` would show it.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use sea_orm::{ConnectionTrait, Database, DbBackend, Statement};

use super::BackupError;

/// How much of pg_restore's listing of the migration table is read: far more than any real
/// `seaql_migrations`, and a bound on what a strange archive can make us hold.
const MAX_LISTING_BYTES: u64 = 4 * 1024 * 1024;
/// The tail of a failing tool's standard error kept for the message.
const MAX_STDERR_CHARS: usize = 2000;

#[derive(Debug, Clone, Copy)]
enum Tool {
    PgDump,
    PgRestore,
}

impl Tool {
    fn name(self) -> &'static str {
        match self {
            Tool::PgDump => "pg_dump",
            Tool::PgRestore => "pg_restore",
        }
    }

    fn flag(self) -> &'static str {
        match self {
            Tool::PgDump => "--pg-dump",
            Tool::PgRestore => "--pg-restore",
        }
    }

    /// The given path, or the tool found on PATH.
    fn locate(self, given: Option<&Path>) -> Result<PathBuf, BackupError> {
        let missing = || BackupError::ToolMissing { tool: self.name(), flag: self.flag() };
        if let Some(path) = given {
            return if path.is_file() { Ok(path.to_path_buf()) } else { Err(missing()) };
        }
        let path = std::env::var_os("PATH").ok_or_else(missing)?;
        std::env::split_paths(&path).map(|dir| dir.join(self.name())).find(|p| p.is_file()).ok_or_else(missing)
    }
}

/// The URL without its password, and the password (percent-decoded) for `PGPASSWORD`.
fn split_password(url: &str) -> (String, Option<String>) {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else { return (url.to_owned(), None) };
    let authority_end = url[scheme_end..].find(['/', '?']).map_or(url.len(), |i| scheme_end + i);
    let Some(at) = url[scheme_end..authority_end].rfind('@').map(|i| scheme_end + i) else {
        return (url.to_owned(), None);
    };
    match url[scheme_end..at].split_once(':') {
        Some((user, password)) => {
            let without = format!("{}{}{}", &url[..scheme_end], user, &url[at..]);
            (without, Some(percent_decode(password)))
        }
        None => (url.to_owned(), None),
    }
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A command for `tool` against `url`: the connection string without its password.
fn command(program: &Path, url: &str) -> (Command, String) {
    let (url, password) = split_password(url);
    let mut command = Command::new(program);
    if let Some(password) = password {
        command.env("PGPASSWORD", password);
    }
    command.stdin(Stdio::null());
    (command, url)
}

/// Runs a prepared command to completion off the async threads; a non-zero exit is an error
/// carrying the end of its standard error.
async fn run(tool: Tool, mut command: Command) -> Result<(), BackupError> {
    let output = tokio::task::spawn_blocking(move || command.stdout(Stdio::null()).stderr(Stdio::piped()).output())
        .await
        .map_err(|e| BackupError::ToolFailed { tool: tool.name(), status: "not run".into(), stderr: e.to_string() })?
        .map_err(|e| BackupError::ToolFailed {
            tool: tool.name(),
            status: "not started".into(),
            stderr: e.to_string(),
        })?;
    if output.status.success() {
        return Ok(());
    }
    Err(BackupError::ToolFailed { tool: tool.name(), status: output.status.to_string(), stderr: tail(&output.stderr) })
}

fn tail(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let text = text.trim();
    let start = text.char_indices().rev().nth(MAX_STDERR_CHARS).map_or(0, |(i, _)| i);
    text[start..].to_owned()
}

/// `pg_dump --format=custom --no-owner` of the database at `url` into `out`.
pub async fn dump(url: &str, out: &Path, pg_dump: Option<&Path>) -> Result<(), BackupError> {
    let program = Tool::PgDump.locate(pg_dump)?;
    let (mut command, url) = command(&program, url);
    command.arg("--format=custom").arg("--no-owner").arg("--file").arg(out).arg("--dbname").arg(url);
    run(Tool::PgDump, command).await
}

/// The migrations a custom-format archive records, read from its `seaql_migrations` data
/// without touching any database. An archive without that table is not a chanjiao backup.
pub async fn recorded_migrations(file: &Path, pg_restore: Option<&Path>) -> Result<Vec<String>, BackupError> {
    let program = Tool::PgRestore.locate(pg_restore)?;
    let archive = file.to_path_buf();
    let file = file.to_path_buf();
    let listing = tokio::task::spawn_blocking(move || -> Result<String, BackupError> {
        let mut child = Command::new(&program)
            .args(["--data-only", "--table=seaql_migrations", "--file=-"])
            .arg(&file)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| BackupError::ToolFailed {
                tool: "pg_restore",
                status: "not started".into(),
                stderr: e.to_string(),
            })?;
        let mut text = String::new();
        if let Some(stdout) = child.stdout.take() {
            let _ = stdout.take(MAX_LISTING_BYTES).read_to_string(&mut text);
        }
        let status = child.wait().map_err(|source| BackupError::Io { path: file.clone(), source })?;
        if !status.success() {
            return Err(BackupError::NotABackup(file));
        }
        Ok(text)
    })
    .await
    .map_err(|e| BackupError::Index(e.to_string()))??;
    parse_copy_block(&listing).ok_or(BackupError::NotABackup(archive))
}

/// The first column of the rows of `COPY …seaql_migrations (…) FROM stdin;` up to `\.`.
fn parse_copy_block(sql: &str) -> Option<Vec<String>> {
    let mut lines = sql.lines().skip_while(|l| !(l.starts_with("COPY ") && l.contains("seaql_migrations")));
    lines.next()?;
    Some(lines.take_while(|l| *l != "\\.").filter_map(|l| l.split('\t').next()).map(str::to_owned).collect())
}

/// The tables an archive creates (`TABLE <schema> <name>` lines of `pg_restore --list`).
async fn archived_tables(program: &Path, file: &Path) -> Result<Vec<String>, BackupError> {
    let mut command = Command::new(program);
    command.arg("--list").arg(file).stdin(Stdio::null()).stderr(Stdio::null());
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .map_err(|e| BackupError::Index(e.to_string()))?
        .map_err(|e| BackupError::ToolFailed {
            tool: "pg_restore",
            status: "not started".into(),
            stderr: e.to_string(),
        })?;
    let text = String::from_utf8_lossy(&output.stdout);
    Ok(text
        .lines()
        .filter(|l| !l.starts_with(';'))
        .filter_map(|l| {
            let words: Vec<&str> = l.split_whitespace().collect();
            let at = words.iter().position(|w| *w == "TABLE")?;
            // "TABLE DATA" lines name the same tables; the plain "TABLE schema name owner" is enough.
            match words.get(at + 1) {
                Some(&"DATA") | None => None,
                Some(_) => words.get(at + 2).map(|name| (*name).to_owned()),
            }
        })
        .collect())
}

/// Restores an archive over the database at `url` in one transaction (`--clean --if-exists`
/// drops what the archive recreates), then drops the tables the archive does not have: those of
/// migrations newer than the backup, which run again next and would otherwise find their tables
/// in the way.
pub async fn restore(url: &str, file: &Path, pg_restore: Option<&Path>) -> Result<(), BackupError> {
    let program = Tool::PgRestore.locate(pg_restore)?;
    let archived = archived_tables(&program, file).await?;
    let (mut command, connection) = command(&program, url);
    command
        .args(["--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error"])
        .arg("--dbname")
        .arg(connection)
        .arg(file);
    run(Tool::PgRestore, command).await?;
    if archived.is_empty() {
        return Ok(());
    }
    let db = Database::connect(url).await?;
    let present = db
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT table_name::text FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
        ))
        .await?;
    for row in present {
        let table: String = row.try_get_by_index(0)?;
        if !archived.contains(&table) {
            db.execute_unprepared(&format!("DROP TABLE IF EXISTS \"{}\" CASCADE", table.replace('"', "\"\""))).await?;
        }
    }
    db.close().await.ok();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_leaves_the_url_and_is_decoded() {
        let (url, password) = split_password("postgres://app:p%40ss:w@db:5432/chanjiao?sslmode=require");
        assert_eq!(url, "postgres://app@db:5432/chanjiao?sslmode=require");
        assert_eq!(password.as_deref(), Some("p@ss:w"));
        assert_eq!(split_password("postgres://postgres@127.0.0.1/x"), ("postgres://postgres@127.0.0.1/x".into(), None));
    }

    #[test]
    fn the_migration_versions_are_read_from_the_copy_block() {
        let sql = "SET x;\nCOPY public.seaql_migrations (version, applied_at) FROM stdin;\n\
                   m1_create_a\t1765000000\nm2_create_b\t1765000001\n\\.\n\nother";
        assert_eq!(parse_copy_block(sql), Some(vec!["m1_create_a".to_owned(), "m2_create_b".to_owned()]));
        assert_eq!(parse_copy_block("SET x;\n"), None);
    }
}
