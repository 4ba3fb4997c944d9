//! The operator's data commands: `backup`, `restore` and `migrate-data`. The work is done by
//! [`chanjiao_api::backup`]; this module parses their flags, asks before a restore replaces the
//! database, and prints what was done.

use std::io::{BufRead, IsTerminal, Read, Write};
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use chanjiao_api::backup::{self, BackupError, Inspection, Tools};
use chanjiao_api::config::Config;

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  chanjiao backup --out /var/backups/chanjiao/2026-12-07.db\n  \
    DATABASE_URL=postgres://chanjiao@127.0.0.1/chanjiao chanjiao backup --out /var/backups/chanjiao/2026-12-07.dump")]
pub struct BackupArgs {
    /// The backup file to write: a SQLite database (SQLite) or a pg_dump custom archive (PostgreSQL).
    #[arg(long)]
    pub out: PathBuf,
    /// Replace the file if it exists.
    #[arg(long)]
    pub force: bool,
    /// pg_dump to run, when it is not on PATH (PostgreSQL only).
    #[arg(long, value_name = "PATH")]
    pub pg_dump: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  systemctl stop chanjiao\n  \
    chanjiao restore /var/backups/chanjiao/2026-12-07.db --yes\n  systemctl start chanjiao")]
pub struct RestoreArgs {
    /// A file written by `chanjiao backup` (or by pg_dump --format=custom).
    pub file: PathBuf,
    /// Replace the database without asking (required when standard input is not a terminal).
    #[arg(long)]
    pub yes: bool,
    /// pg_restore to run, when it is not on PATH (PostgreSQL only).
    #[arg(long, value_name = "PATH")]
    pub pg_restore: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  createdb -h 127.0.0.1 -U postgres chanjiao\n  \
    chanjiao migrate-data --from sqlite:///var/lib/chanjiao/chanjiao.db --to postgres://postgres@127.0.0.1/chanjiao\n  \
    DATABASE_URL=postgres://postgres@127.0.0.1/chanjiao chanjiao reindex")]
pub struct MigrateDataArgs {
    /// The SQLite database to copy (sqlite://PATH).
    #[arg(long)]
    pub from: String,
    /// The empty PostgreSQL database to fill (postgres://…).
    #[arg(long)]
    pub to: String,
}

pub async fn backup(config: &Config, args: BackupArgs) -> anyhow::Result<()> {
    let tools = Tools { pg_dump: args.pg_dump, pg_restore: None };
    let done = backup::backup(config, &args.out, args.force, &tools).await?;
    println!(
        "backed up {} ({}) to {}: {} in {}",
        config.redacted_database(),
        done.backend.name(),
        done.file.display(),
        size(done.bytes),
        seconds(done.elapsed)
    );
    Ok(())
}

pub async fn restore(config: &Config, args: RestoreArgs) -> anyhow::Result<()> {
    let tools = Tools { pg_dump: None, pg_restore: args.pg_restore };
    let yes = args.yes;
    // The prompt needs an answer from a person; a script must say --yes instead of piping one.
    let interactive = std::io::stdin().is_terminal();
    let mut refusal = None;
    let outcome = backup::restore(config, &args.file, &tools, |inspection| {
        if yes {
            return true;
        }
        if !interactive {
            refusal = Some(BackupError::NeedsConfirmation);
            return false;
        }
        ask(inspection)
    })
    .await;
    let done = match (outcome, refusal) {
        (Err(BackupError::Declined), Some(refusal)) => return Err(refusal.into()),
        (outcome, _) => outcome?,
    };
    if done.migrated > 0 {
        println!("brought the restored database forward by {} migrations", done.migrated);
    }
    println!(
        "restored {} ({}) from {} in {}; search index rebuilt with {} published postings",
        config.redacted_database(),
        done.backend.name(),
        args.file.display(),
        seconds(done.elapsed),
        done.indexed
    );
    Ok(())
}

fn ask(inspection: &Inspection) -> bool {
    let behind = match inspection.behind {
        0 => String::new(),
        n => format!(" (made by an older version: {n} migrations will run after it)"),
    };
    print!(
        "Replace every row of {} with the backup {}{behind}? This cannot be undone. [y/N] ",
        inspection.target,
        inspection.file.display()
    );
    let _ = std::io::stdout().flush();
    let mut answer = String::new();
    // One short line is all an answer can be; a bounded read keeps a pasted file out of memory.
    let read = std::io::stdin().lock().take(64).read_line(&mut answer);
    read.is_ok() && matches!(answer.trim(), "y" | "Y" | "yes" | "YES")
}

pub async fn migrate_data(args: MigrateDataArgs) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let copied = backup::migrate_data::migrate_data(&args.from, &args.to, |table| {
        println!("{:<32} {:>10} rows", table.table, table.rows);
    })
    .await?;
    let rows: i64 = copied.iter().map(|t| t.rows).sum();
    println!(
        "copied {rows} rows in {} tables in {}; row counts match in every table",
        copied.len(),
        seconds(started.elapsed())
    );
    println!("next: build the search index of each node on the new database with `chanjiao reindex`");
    Ok(())
}

fn size(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB {
        format!("{}.{} MiB", bytes / MIB, (bytes % MIB) * 10 / MIB)
    } else {
        format!("{} KiB", bytes.div_ceil(1024))
    }
}

fn seconds(elapsed: Duration) -> String {
    format!("{:.1} s", elapsed.as_secs_f64())
}
