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

/// How much of pg_restore's output (an archive's table of contents, or its migration table) is
/// read: far more than chanjiao's, and a bound on what a strange archive can make us hold.
const MAX_LISTING_BYTES: u64 = 4 * 1024 * 1024;
/// The start of a failing tool's standard error kept for the message.
const MAX_STDERR_BYTES: u64 = 4096;

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

/// Which of a child's outputs [`capture`] reads; the other is discarded.
#[derive(Debug, Clone, Copy)]
enum Stream {
    Stdout,
    Stderr,
}

/// Runs `command` off the async threads and returns its exit status and at most `limit` bytes of
/// one of its outputs as text (the rest is read and dropped, so the child never blocks on a full
/// pipe and a strange archive cannot make us hold more).
async fn capture(
    tool: Tool,
    mut command: Command,
    stream: Stream,
    limit: u64,
) -> Result<(std::process::ExitStatus, String), BackupError> {
    let failed = move |status: &str, e: &dyn std::fmt::Display| BackupError::ToolFailed {
        tool: tool.name(),
        status: status.to_owned(),
        stderr: e.to_string(),
    };
    let (out, err) = match stream {
        Stream::Stdout => (Stdio::piped(), Stdio::null()),
        Stream::Stderr => (Stdio::null(), Stdio::piped()),
    };
    command.stdin(Stdio::null()).stdout(out).stderr(err);
    tokio::task::spawn_blocking(move || {
        let mut child = command.spawn().map_err(|e| failed("not started", &e))?;
        let pipe: Option<Box<dyn Read>> = match stream {
            Stream::Stdout => child.stdout.take().map(|p| Box::new(p) as Box<dyn Read>),
            Stream::Stderr => child.stderr.take().map(|p| Box::new(p) as Box<dyn Read>),
        };
        let mut kept = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = (&mut pipe).take(limit).read_to_end(&mut kept);
            let _ = std::io::copy(&mut pipe, &mut std::io::sink());
        }
        let status = child.wait().map_err(|e| failed("not finished", &e))?;
        Ok((status, String::from_utf8_lossy(&kept).into_owned()))
    })
    .await
    .map_err(|e| failed("not run", &e))?
}

/// Runs a prepared command; a non-zero exit is an error carrying the start of its standard error.
async fn run(tool: Tool, command: Command) -> Result<(), BackupError> {
    let (status, stderr) = capture(tool, command, Stream::Stderr, MAX_STDERR_BYTES).await?;
    if status.success() {
        return Ok(());
    }
    Err(BackupError::ToolFailed { tool: tool.name(), status: status.to_string(), stderr: stderr.trim().to_owned() })
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
    let mut command = Command::new(&program);
    command.args(["--data-only", "--table=seaql_migrations", "--file=-"]).arg(file);
    let (status, listing) = capture(Tool::PgRestore, command, Stream::Stdout, MAX_LISTING_BYTES).await?;
    if !status.success() {
        return Err(BackupError::NotABackup(file.to_path_buf()));
    }
    parse_copy_block(&listing).ok_or_else(|| BackupError::NotABackup(file.to_path_buf()))
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
    command.arg("--list").arg(file);
    let (_, text) = capture(Tool::PgRestore, command, Stream::Stdout, MAX_LISTING_BYTES).await?;
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
