//! Brokering: proposals between postings, the cooperation projects they become, intermediaries
//! acting for their clients (delegations, the pipeline board, case notes), third-party
//! assessment, and each organization's responsiveness.

pub mod assessments;
pub mod delegations;
mod notices;
pub mod projects;
pub mod proposals;
pub mod stats;
pub mod views;
pub mod workspace;

/// Sends due proposal reminders and expires unanswered proposals, now and then every `every`.
pub async fn sweeps(db: sea_orm::DatabaseConnection, clock: crate::clock::Clock, every: std::time::Duration) {
    let mut ticks = tokio::time::interval(every);
    loop {
        ticks.tick().await;
        match proposals::sweep(&db, clock.now()).await {
            Ok(0) => {}
            Ok(count) => tracing::info!(count, "proposal reminders sent or proposals expired"),
            Err(error) => tracing::warn!(%error, "proposal sweep failed"),
        }
    }
}
