//! `chanjiao doctor`: checks an installation and says what to do about each problem.
//!
//! This module owns the checks and their verdicts ([`Finding`]); the command line prints them.
//! Every check only looks: nothing is created, migrated or repaired (the SQLite file is not
//! created when missing, the index is inspected without taking its writer, webhook hosts are
//! connected to and left at once), so doctor is safe beside a running server.
//!
//! The checks, in the order they are reported: configuration ([`settings`]), the data
//! directory, the database, its migrations, the search index, the reference data ([`store`]),
//! and webhook reachability ([`webhooks`]).

mod settings;
mod store;
mod webhooks;

use crate::config::{Config, ConfigError};

/// What a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Check {
    Configuration,
    DataDirectory,
    Database,
    Migrations,
    SearchIndex,
    ReferenceData,
    Webhooks,
}

impl Check {
    pub fn label(self) -> &'static str {
        match self {
            Check::Configuration => "configuration",
            Check::DataDirectory => "data directory",
            Check::Database => "database",
            Check::Migrations => "migrations",
            Check::SearchIndex => "search index",
            Check::ReferenceData => "reference data",
            Check::Webhooks => "webhooks",
        }
    }
}

/// How bad a finding is. Only [`Level::Fail`] makes doctor exit non-zero: a warning is worth
/// reading, but the platform runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Ok,
    Warn,
    Fail,
}

impl Level {
    pub fn label(self) -> &'static str {
        match self {
            Level::Ok => "ok",
            Level::Warn => "warn",
            Level::Fail => "FAIL",
        }
    }
}

/// One verdict: what was found and, unless all is well, what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub check: Check,
    pub level: Level,
    pub finding: String,
    pub fix: Option<String>,
}

impl Finding {
    pub fn ok(check: Check, finding: impl Into<String>) -> Self {
        Finding { check, level: Level::Ok, finding: finding.into(), fix: None }
    }

    pub fn warn(check: Check, finding: impl Into<String>, fix: impl Into<String>) -> Self {
        Finding { check, level: Level::Warn, finding: finding.into(), fix: Some(fix.into()) }
    }

    pub fn fail(check: Check, finding: impl Into<String>, fix: impl Into<String>) -> Self {
        Finding { check, level: Level::Fail, finding: finding.into(), fix: Some(fix.into()) }
    }
}

/// Whether the findings call for a non-zero exit.
pub fn failed(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.level == Level::Fail)
}

/// The finding for a configuration that did not load; no other check can run without one.
pub fn configuration_error(error: &ConfigError) -> Finding {
    Finding::fail(
        Check::Configuration,
        format!("does not load: {error}"),
        "correct the named key in chanjiao.toml (or --config FILE) or the environment variable",
    )
}

/// Runs every check against `config`.
pub async fn run(config: &Config) -> Vec<Finding> {
    let mut findings = settings::configuration(config);
    findings.push(settings::data_directory(&config.data_dir));
    let (database, db) = store::database(config).await;
    findings.push(database);
    let outbox_end = match &db {
        Some(db) => {
            findings.push(store::migrations(db).await);
            store::outbox_end(db).await
        }
        None => None,
    };
    findings.push(store::search_index(&config.data_dir.join("index"), outbox_end).await);
    if let Some(db) = &db {
        findings.push(store::reference_data(db).await);
        findings.extend(webhooks::reachability(db, &config.alerts.webhook_allowed_hosts).await);
        db.clone().close().await.ok();
    }
    findings
}
