//! Every background loop of a server process, started in one place and stopped together: the
//! search indexer, the alert processor and webhook delivery, the periodic sweeps (posting
//! expiry and session pruning, proposal reminders and expiry, allocation-round retention, the
//! rate limiters and login throttle), and the warm-up of the catalogue model.
//!
//! The loops themselves live with their features (`indexer`, `services::brokering::sweeps` …);
//! this module owns when they run. Each loop survives its own errors (it logs and tries again on
//! the next tick), so a failing sweep never takes the process down.

use std::sync::Arc;
use std::time::Duration;

use sea_orm::DatabaseConnection;
use tokio::task::JoinHandle;

use crate::clock::Clock;
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
    let config = &state.config;
    let every = Duration::from_secs(config.expiry_sweep_secs.max(1));
    let db = || state.db.clone();
    let clock = || state.clock.clone();
    let alerts = Arc::new(config.alerts.clone());
    let alerts_poll = Duration::from_millis(alerts.alerts_poll_ms.max(10));
    let tasks = vec![
        tokio::spawn(crate::indexer::run(db(), state.index.clone(), clock())),
        tokio::spawn(crate::services::alerts::processor::run(
            db(),
            state.index.clone(),
            state.catalogue.clone(),
            alerts_poll,
            clock(),
        )),
        tokio::spawn(crate::services::alerts::webhooks::worker::run(db(), alerts, clock())),
        tokio::spawn(expiry_sweeps(db(), clock(), every, config.login_window_minutes)),
        tokio::spawn(crate::services::brokering::sweeps(db(), clock(), every)),
        tokio::spawn(crate::services::rounds::retention::sweeps(db(), clock(), every, config.rounds_retention_days)),
        tokio::spawn(abuse_sweeps(state.clone())),
        tokio::spawn(warm_up_catalogue(state.clone())),
    ];
    Workers { tasks }
}

/// Builds the catalogue model at start rather than on the first match request.
async fn warm_up_catalogue(state: AppState) {
    if let Err(error) = state.catalogue.get(&state.db).await {
        tracing::warn!(%error, "catalogue model not built; matching will retry");
    }
}

/// Expires postings whose end date has passed, now and then every `every`. Listings already
/// hide them in between; the sweep makes the status (and the audit log) say so. It also prunes
/// expired sessions, login failures older than the lock-out window and idempotency keys older
/// than a day.
async fn expiry_sweeps(db: DatabaseConnection, clock: Clock, every: Duration, login_window_minutes: i64) {
    let mut ticks = tokio::time::interval(every);
    loop {
        ticks.tick().await;
        match crate::services::postings::expire_due(&db, clock.today(), clock.now()).await {
            Ok(0) => {}
            Ok(count) => tracing::info!(count, "expired postings past their end date"),
            Err(error) => tracing::warn!(%error, "expiry sweep failed"),
        }
        let now = clock.now();
        match crate::services::account_security::prune(&db, now, login_window_minutes).await {
            Ok((0, 0)) => {}
            Ok((sessions, failures)) => {
                tracing::info!(sessions, failures, "pruned expired sessions and old login failures")
            }
            Err(error) => tracing::warn!(%error, "session sweep failed"),
        }
        match crate::integration::idempotency::prune(&db, now).await {
            Ok(0) => {}
            Ok(count) => tracing::info!(count, "pruned idempotency keys older than a day"),
            Err(error) => tracing::warn!(%error, "idempotency key sweep failed"),
        }
    }
}

/// Every minute: forget rate-limited clients whose allowance has refilled, and delete login
/// throttle counters that have been quiet for longer than the login window.
async fn abuse_sweeps(state: AppState) {
    let mut ticks = tokio::time::interval(Duration::from_secs(60));
    let window = chrono::Duration::minutes(state.config.login_window_minutes.max(1));
    loop {
        ticks.tick().await;
        state.limits.forget_idle();
        match crate::services::login_throttle::prune(&state.db, window, state.clock.now()).await {
            Ok(0) => {}
            Ok(count) => tracing::debug!(count, "pruned quiet login throttle counters"),
            Err(error) => tracing::warn!(%error, "login throttle sweep failed"),
        }
    }
}
