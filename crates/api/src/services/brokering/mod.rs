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
