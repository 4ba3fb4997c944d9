//! Every background loop of a server process, started in one place and stopped together, and
//! which of them run on every node and which once per period across the cluster.
//!
//! - **Once per period, on whichever node claims it** ([`crate::jobs`]): posting expiry,
//!   session and login-failure pruning, idempotency-key pruning, proposal reminders and expiry,
//!   allocation-round retention, login throttle pruning and import progress pruning. Each node
//!   looks several times a period (a plain read of the job's due time) and runs the job only
//!   when its claim wins, so the effects (an audit event per expired posting, one reminder
//!   notice) happen once however many nodes there are.
//! - **On every node, for itself**: the search indexer (each node keeps its own index), the
//!   in-memory rate limiters' forgetting, the catalogue model's warm-up, and the write-behind of
//!   this node's import progress.
//! - **On every node, coordinated by the database row by row** — not behind a period claim,
//!   because they must run continuously and spread their work, not once a period on one node:
//!   the alert processor moves the shared `alert_cursor` by compare-and-set inside the
//!   transaction that writes the notices, so of two nodes processing the same outbox rows one
//!   commits and the other rolls back (on PostgreSQL the loser's update waits for the winner's
//!   row lock, re-reads the cursor and matches nothing; on SQLite the write lock serializes
//!   them); and webhook delivery leases each delivery by a conditional update on its
//!   `attempts` and `leased_until`, so one node sends each attempt (delivery stays at least
//!   once: a node dying after sending and before recording lets the lease run out).
//!
//! Each loop survives its own errors (it logs and tries again on the next tick), so a failing
//! sweep never takes the process down.

use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinHandle;

use crate::error::ApiError;
use crate::jobs::{self, Job};
use crate::startup::AppState;

/// The running loops; [`Workers::stop`] ends them.
pub struct Workers {
    tasks: Vec<JoinHandle<()>>,
}

impl Workers {
    /// Aborts every loop (after the server has finished its requests in flight).
    pub fn stop(self) {
        self.tasks.iter().for_each(JoinHandle::abort);
    }
}

/// Starts every background loop of this process.
pub fn spawn(state: &AppState) -> Workers {
    let db = || state.db.clone();
    let clock = || state.clock.clone();
    let alerts = Arc::new(state.config.alerts.clone());
    let alerts_poll = Duration::from_millis(alerts.alerts_poll_ms.max(10));
    let mut tasks = vec![
        tokio::spawn(crate::indexer::run(db(), state.index.clone(), clock())),
        tokio::spawn(crate::services::alerts::processor::run(
            db(),
            state.index.clone(),
            state.catalogue.clone(),
            alerts_poll,
            clock(),
        )),
        tokio::spawn(crate::services::alerts::webhooks::worker::run(db(), alerts, clock())),
        tokio::spawn(forget_idle_clients(state.clone())),
        tokio::spawn(state.imports.clone().write_behind()),
        tokio::spawn(warm_up_catalogue(state.clone())),
    ];
    tasks.extend(Job::ALL.into_iter().map(|job| tokio::spawn(periodic(state.clone(), job))));
    Workers { tasks }
}

/// How often `job` runs across the cluster: the sweeps every `expiry_sweep_secs`, the pruning
/// of login throttles and import progress every minute (or sooner, with a shorter sweep).
pub fn period(job: Job, config: &crate::config::Config) -> Duration {
    let sweep = Duration::from_secs(config.expiry_sweep_secs.max(1));
    match job {
        Job::PostingExpiry
        | Job::SessionPruning
        | Job::IdempotencyPruning
        | Job::ProposalSweep
        | Job::RoundRetention => sweep,
        Job::LoginThrottlePruning | Job::ImportProgressPruning => sweep.min(Duration::from_secs(60)),
    }
}

/// How often a node looks whether `period` is due: four times a period, at most every second,
/// so a period starts at most a second (or a quarter period) late.
fn tick_of(period: Duration) -> Duration {
    (period / 4).clamp(Duration::from_millis(50), Duration::from_secs(1))
}

/// Runs `job` whenever this node claims its period, until the process stops.
async fn periodic(state: AppState, job: Job) {
    let period = period(job, &state.config);
    let mut ticks = tokio::time::interval(tick_of(period));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        ticks.tick().await;
        if let Err(error) = claim_and_run(&state, job, period).await {
            tracing::warn!(%error, job = job.as_str(), "periodic job claim failed");
        }
    }
}

/// One look: claims the period if it is due and runs it. The claim is tried only after a read
/// says it is due, so idle ticks never take SQLite's write lock.
async fn claim_and_run(state: &AppState, job: Job, period: Duration) -> Result<(), sea_orm::DbErr> {
    let now = state.clock.now();
    match jobs::due_at(&state.db, job).await? {
        None => jobs::seed(&state.db, job, now).await?,
        Some(due) if due > now => return Ok(()),
        Some(_) => {}
    }
    let Some(claim) = jobs::claim(&state.db, job, &state.node, now, period).await? else { return Ok(()) };
    let started = std::time::Instant::now();
    let outcome = run(state, job).await;
    crate::telemetry::metrics::job_ran(job.as_str(), outcome.is_ok(), started.elapsed().as_secs_f64());
    let error = match outcome {
        Ok(()) => None,
        Err(error) => {
            tracing::warn!(%error, job = job.as_str(), "periodic job failed");
            Some(error.to_string())
        }
    };
    jobs::finish(&state.db, claim, &state.node, state.clock.now(), error.as_deref()).await
}

/// Does one period's work of `job`.
async fn run(state: &AppState, job: Job) -> Result<(), ApiError> {
    let (db, now) = (&state.db, state.clock.now());
    let window = chrono::Duration::minutes(state.config.login_window_minutes.max(1));
    match job {
        Job::PostingExpiry => {
            let count = crate::services::postings::expire_due(db, state.clock.today(), now).await?;
            if count > 0 {
                tracing::info!(count, "expired postings past their end date");
            }
        }
        Job::SessionPruning => {
            let (sessions, failures) =
                crate::services::account_security::prune(db, now, state.config.login_window_minutes).await?;
            if sessions + failures > 0 {
                tracing::info!(sessions, failures, "pruned expired sessions and old login failures");
            }
        }
        Job::IdempotencyPruning => {
            let count = crate::integration::idempotency::prune(db, now).await?;
            if count > 0 {
                tracing::info!(count, "pruned idempotency keys older than a day");
            }
        }
        Job::ProposalSweep => {
            let count = crate::services::brokering::proposals::sweep(db, now).await?;
            if count > 0 {
                tracing::info!(count, "proposal reminders sent or proposals expired");
            }
        }
        Job::RoundRetention => {
            let days = state.config.rounds_retention_days;
            let count = crate::services::rounds::retention::sweep(db, now, days).await?;
            if count > 0 {
                tracing::info!(count, "personal data of closed rounds deleted");
            }
        }
        Job::LoginThrottlePruning => {
            let count = crate::services::login_throttle::prune(db, window, now).await?;
            if count > 0 {
                tracing::debug!(count, "pruned quiet login throttle counters");
            }
        }
        Job::ImportProgressPruning => {
            let count = crate::services::imports::prune(db, now).await?;
            if count > 0 {
                tracing::debug!(count, "pruned old import progress");
            }
        }
    }
    Ok(())
}

/// Builds the catalogue model at start rather than on the first match request.
async fn warm_up_catalogue(state: AppState) {
    if let Err(error) = state.catalogue.get(&state.db).await {
        tracing::warn!(%error, "catalogue model not built; matching will retry");
    }
}

/// Every minute: forget rate-limited clients whose allowance has refilled (this process's
/// memory, so on every node).
async fn forget_idle_clients(state: AppState) {
    let mut ticks = tokio::time::interval(Duration::from_secs(60));
    loop {
        ticks.tick().await;
        state.limits.forget_idle();
    }
}
