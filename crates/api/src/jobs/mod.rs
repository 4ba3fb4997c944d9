//! Periodic jobs that must run once per period across every node on the database: which jobs
//! there are ([`Job`]), this process's name in the cluster ([`NodeId`]), claiming a period
//! ([`claim`]) and recording how it went ([`finish`]), and what happened so far ([`status`],
//! for metrics and `chanjiao doctor`). What each job does, and how often nodes look, is
//! [`crate::workers`]'s business.
//!
//! A period is claimed with one conditional update of the job's row in `periodic_jobs`:
//! `SET due_at = now + period, holder = node, runs = runs + 1 … WHERE name = job AND due_at <=
//! now`. The database applies it to the row once, so of several nodes ticking at the same
//! moment exactly one sees a row affected and runs the job; the others find it no longer due.
//! The same statement works on SQLite (one writer at a time) and PostgreSQL (the second
//! updater waits for the first's row lock, then re-checks `due_at` and matches nothing). The
//! row is created, due at once, by an `INSERT … ON CONFLICT DO NOTHING` the first time any
//! node looks.
//!
//! A period is not claimed while the previous run is still going (unless its node has held it
//! for longer than [`RUN_LEASE`]), so runs never overlap across the cluster either.
//!
//! "Now" is each node's clock (the application's [`crate::clock::Clock`]): nodes whose clocks
//! disagree by a few seconds claim a little early or late, never twice in one period. A node
//! that dies in the middle of a run leaves the period claimed; the next period runs as usual
//! (every job is idempotent: it acts on what is due, so a missed run is caught up by the next).

use chanjiao_domain::StoredText;
use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use crate::db::Stored;
use crate::entities::periodic_jobs::{self, Column};

/// A periodic job: one row of `periodic_jobs`, stored under [`Job::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Job {
    /// Published and paused postings past their end date become expired (one audit event each).
    PostingExpiry,
    /// Expired sessions and login failures older than the lock-out window are deleted.
    SessionPruning,
    /// Idempotency keys older than a day are deleted.
    IdempotencyPruning,
    /// Reminders for proposals about to expire, and expiry of those past their deadline.
    ProposalSweep,
    /// Closed allocation rounds past the retention period lose their personal data.
    RoundRetention,
    /// Login throttle counters quiet for longer than the login window are deleted.
    LoginThrottlePruning,
    /// Import progress rows untouched for ten minutes are deleted.
    ImportProgressPruning,
}

impl Job {
    pub const ALL: [Job; 7] = [
        Job::PostingExpiry,
        Job::SessionPruning,
        Job::IdempotencyPruning,
        Job::ProposalSweep,
        Job::RoundRetention,
        Job::LoginThrottlePruning,
        Job::ImportProgressPruning,
    ];

    /// The stored name, also the `job` label of metrics.
    pub fn as_str(self) -> &'static str {
        match self {
            Job::PostingExpiry => "posting_expiry",
            Job::SessionPruning => "session_pruning",
            Job::IdempotencyPruning => "idempotency_pruning",
            Job::ProposalSweep => "proposal_sweep",
            Job::RoundRetention => "round_retention",
            Job::LoginThrottlePruning => "login_throttle_pruning",
            Job::ImportProgressPruning => "import_progress_pruning",
        }
    }
}

impl StoredText for Job {
    const TYPE_NAME: &'static str = "Job";

    fn stored_text(&self) -> &str {
        self.as_str()
    }

    fn from_stored_text(text: &str) -> Option<Self> {
        Job::ALL.into_iter().find(|job| job.as_str() == text)
    }
}

/// This process's name in the cluster: host name, process id and a random suffix (a restarted
/// process, or a container reusing a pid, gets a new one). Recorded as the holder of the
/// periods it claims; for logs and metrics too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeId(std::sync::Arc<str>);

/// Longest node id kept (the `holder` column holds 100 characters).
const NODE_ID_MAX: usize = 100;

impl NodeId {
    /// A fresh id for this process.
    pub fn generate() -> NodeId {
        use rand::RngCore;
        // Linux names the host here; elsewhere (or in a sandbox without /proc) "node" will do,
        // the pid and the random part keep ids apart.
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
        let host: String = host
            .trim()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
            .take(60)
            .collect();
        let host = if host.is_empty() { "node".to_owned() } else { host };
        let mut random = [0u8; 4];
        rand::rng().fill_bytes(&mut random);
        let mut id = format!("{host}-{}-{}", std::process::id(), hex::encode(random));
        id.truncate(NODE_ID_MAX);
        NodeId(id.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for NodeId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A period this node won: pass it to [`finish`] when the run is over.
#[derive(Debug, Clone, Copy)]
pub struct Claim {
    pub job: Job,
    pub started_at: DateTime<Utc>,
}

/// Creates the job's row, due at once, unless some node already has.
pub async fn seed(db: &impl ConnectionTrait, job: Job, now: DateTime<Utc>) -> Result<(), DbErr> {
    let row = periodic_jobs::ActiveModel {
        name: Set(Stored(job)),
        // Like every time written here, to the microsecond: [`claim`] compares with `now` cut
        // the same way, and a nanosecond more would keep the job from being due at once.
        due_at: Set(now.trunc_subsecs(6)),
        holder: Set(None),
        runs: Set(0),
        last_started_at: Set(None),
        last_finished_at: Set(None),
        last_error: Set(None),
    };
    periodic_jobs::Entity::insert(row)
        .on_conflict(OnConflict::column(Column::Name).do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// When `job` is next due, `None` before any node has seeded it. A plain read, so that nodes
/// looking often do not queue for SQLite's write lock while nothing is due.
pub async fn due_at(db: &impl ConnectionTrait, job: Job) -> Result<Option<DateTime<Utc>>, DbErr> {
    Ok(periodic_jobs::Entity::find_by_id(Stored(job)).one(db).await?.map(|row| row.due_at))
}

/// Claims the current period of `job` for `node` if it is due at `now`: `Some` when this node
/// won it (and must run the job), `None` when it is not due or another node was first.
pub async fn claim(
    db: &impl ConnectionTrait,
    job: Job,
    node: &NodeId,
    now: DateTime<Utc>,
    period: std::time::Duration,
) -> Result<Option<Claim>, DbErr> {
    // Microseconds, what PostgreSQL keeps, so that `finish` finds the start it stored.
    let now = now.trunc_subsecs(6);
    let period = chrono::Duration::from_std(period).unwrap_or(chrono::Duration::MAX);
    let next = now.checked_add_signed(period).unwrap_or(DateTime::<Utc>::MAX_UTC);
    let claimed = periodic_jobs::Entity::update_many()
        .col_expr(Column::DueAt, Expr::value(next))
        .col_expr(Column::Holder, Expr::value(node.as_str()))
        .col_expr(Column::Runs, Expr::col(Column::Runs).add(1))
        .col_expr(Column::LastStartedAt, Expr::value(now))
        .filter(Column::Name.eq(job.as_str()))
        .filter(Column::DueAt.lte(now))
        .filter(previous_run_over(now))
        .exec(db)
        .await?;
    Ok((claimed.rows_affected == 1).then_some(Claim { job, started_at: now }))
}

/// How long a run may go on before its node is presumed dead and the next period may start
/// without it.
pub const RUN_LEASE: chrono::Duration = chrono::Duration::minutes(15);

/// The previous run has finished (or there was none, or its node has held it for longer than
/// [`RUN_LEASE`]): runs never overlap, so a run slower than its period (SQLite waiting for its
/// write lock, a large sweep) is not joined by the next period's on another node acting on
/// the same rows.
fn previous_run_over(now: DateTime<Utc>) -> Condition {
    Condition::any()
        .add(Column::LastStartedAt.is_null())
        .add(Expr::col(Column::LastFinishedAt).gte(Expr::col(Column::LastStartedAt)))
        .add(Column::LastStartedAt.lt(now - RUN_LEASE))
}

/// Longest error message kept in `last_error`.
const ERROR_MAX: usize = 500;

/// Records the end of a run this node claimed, with its error if it failed. A later period
/// already claimed (a run longer than its period) keeps its own start: this writes nothing then.
pub async fn finish(
    db: &impl ConnectionTrait,
    claim: Claim,
    node: &NodeId,
    now: DateTime<Utc>,
    error: Option<&str>,
) -> Result<(), DbErr> {
    let error: Option<String> = error.map(|e| e.chars().take(ERROR_MAX).collect());
    periodic_jobs::Entity::update_many()
        .col_expr(Column::LastFinishedAt, Expr::value(now))
        .col_expr(Column::LastError, Expr::value(error))
        .filter(Column::Name.eq(claim.job.as_str()))
        .filter(Column::Holder.eq(node.as_str()))
        .filter(Column::LastStartedAt.eq(claim.started_at))
        .exec(db)
        .await?;
    Ok(())
}

/// What the cluster has done of one job so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JobStatus {
    pub job: Job,
    /// Periods claimed so far, by any node.
    pub runs: i64,
    pub due_at: DateTime<Utc>,
    /// The node that claimed the latest period.
    pub holder: Option<String>,
    pub last_started_at: Option<DateTime<Utc>>,
    /// `None` while the first run is under way (or its node died); earlier than
    /// `last_started_at` while a later one is.
    pub last_finished_at: Option<DateTime<Utc>>,
    /// The error of the latest finished run, `None` when it succeeded.
    pub last_error: Option<String>,
}

/// Every job that has run or been seeded, in [`Job::ALL`]'s order (for metrics and `doctor`).
pub async fn status(db: &impl ConnectionTrait) -> Result<Vec<JobStatus>, DbErr> {
    let rows = periodic_jobs::Entity::find().order_by_asc(Column::Name).all(db).await?;
    let mut status: Vec<JobStatus> = rows
        .into_iter()
        .map(|row| JobStatus {
            job: *row.name,
            runs: row.runs,
            due_at: row.due_at,
            holder: row.holder,
            last_started_at: row.last_started_at,
            last_finished_at: row.last_finished_at,
            last_error: row.last_error,
        })
        .collect();
    status.sort_by_key(|s| s.job);
    Ok(status)
}

#[cfg(test)]
mod tests;
