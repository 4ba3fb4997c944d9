//! Allocation rounds (分配轮次): the platform's life of one placement round around the pure
//! mechanisms of [`crate::allocation`].
//!
//! - [`phase`]: the round's phases as a state machine (draft → collecting → run → published →
//!   closed) and which step each phase allows, with the refusal users see otherwise.
//! - [`lottery`]: the seeded lottery that breaks enterprises' ties, deterministically.
//! - [`scoring`]: an enterprise's ranking, explicit or by the "program fit + interview" rule,
//!   with applicants it marks unacceptable left out.
//! - [`build`]: the round's students, preferences and rankings turned into an
//!   [`crate::allocation::Instance`], run under every mechanism with its report.
//!
//! Nothing here reads a clock or a database: "now" and the stored rows come in as arguments,
//! so the same data and seed always give the same result.

pub mod build;
pub mod lottery;
pub mod phase;
pub mod scoring;

#[cfg(test)]
mod tests;

pub use build::{Mark, Outcome, PlaceEntry, RunInput, StudentEntry, StudentResult, run};
pub use lottery::lottery_key;
pub use phase::{Phase, PhaseRefusal, Response, Step, StudentInput};
pub use scoring::{Applicant, FIT_WEIGHT, INTERVIEW_WEIGHT, ProgramFit, RankingRule, rank_applicants};

/// The longest list of places a student may submit in a round.
pub const MAX_PREFERENCES: usize = crate::allocation::Limits::PLATFORM.max_student_prefs;
