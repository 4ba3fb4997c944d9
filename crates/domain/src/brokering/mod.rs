//! Brokering: turning a match into cooperation.
//!
//! - [`proposal`]: a proposal between two postings, its terms, and the state machine of offers,
//!   counter-offers, answers, reminders and expiry;
//! - [`project`]: the cooperation project an accepted proposal becomes, its type (which follows
//!   from the two kinds), status and recorded outcomes;
//! - [`assessment`]: third-party assessment criteria and scores;
//! - [`stats`]: an organization's response rate and median response time.
//!
//! Like the rest of the domain, these are pure rules: the clock is an argument, storage and
//! permissions (who belongs to which side) are the caller's.

pub mod assessment;
pub mod project;
pub mod proposal;
pub mod stats;

#[cfg(test)]
mod tests;

pub use assessment::{AssessmentInput, Criterion, Scores};
pub use project::{Outcomes, OutcomesInput, ProjectAction, ProjectStatus, ProjectType};
pub use proposal::{
    DeclineReason, EventKind, ProposalAction, ProposalError, ProposalSide, ProposalState, ProposalStatus, Terms,
    TermsInput,
};
pub use stats::{ResponseStats, Round, RoundEnd};
