//! Allocation: placing students into places (apprenticeship intakes, order classes, training
//! bases) when many compete for few seats, as medical residency and school choice do.
//!
//! An [`Instance`] holds both sides' ranked lists and the places' seats, parsed once from its
//! JSON form ([`InstanceForm`]); a pair is acceptable only when both sides list each other. A
//! [`Mechanism`] turns it into an [`Assignment`]:
//! - student-proposing deferred acceptance (the default): stable, the best stable result for
//!   every student, and no student gains by misreporting ([`deferred`]);
//! - enterprise-proposing deferred acceptance: stable, best for the places, for comparison;
//! - maximum welfare: as many students placed as possible, then the smallest sum of their ranks,
//!   reported beside the others with how unstable it is ([`welfare`]).
//!
//! [`Stats`] gives a round report's figures, [`blocking_pairs`] its stability certificate, and
//! [`Explainer`] each student's reasons. Everything is pure and deterministic: the same instance
//! always gives the same assignment, with no hashing order or randomness involved (ties do not
//! exist: lists are strict; a round breaks ties with its seeded lottery before building one).

mod assignment;
mod deferred;
mod explain;
mod instance;
mod report;
mod welfare;

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

pub use assignment::{Assignment, Infeasible, Intake};
pub use explain::{Denial, Explainer, Explanation, Refusal};
pub use instance::{Instance, InstanceForm, InvalidInstance, Limits, PlaceForm, Problem, Reason, StudentForm};
pub use report::{Stats, blocking_pairs};

/// How an assignment is computed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Mechanism {
    /// Student-proposing deferred acceptance.
    #[default]
    StudentProposing,
    /// Enterprise-proposing (place-proposing) deferred acceptance.
    EnterpriseProposing,
    /// Maximum number placed, then minimum total rank.
    MaxWelfare,
}

impl Mechanism {
    pub const ALL: [Mechanism; 3] =
        [Mechanism::StudentProposing, Mechanism::EnterpriseProposing, Mechanism::MaxWelfare];

    pub fn as_str(self) -> &'static str {
        match self {
            Mechanism::StudentProposing => "student-proposing",
            Mechanism::EnterpriseProposing => "enterprise-proposing",
            Mechanism::MaxWelfare => "max-welfare",
        }
    }

    /// Runs the mechanism on an instance.
    pub fn run(self, instance: &Instance) -> Assignment {
        match self {
            Mechanism::StudentProposing => deferred::student_proposing(instance),
            Mechanism::EnterpriseProposing => deferred::place_proposing(instance),
            Mechanism::MaxWelfare => welfare::max_welfare(instance),
        }
    }
}

impl std::str::FromStr for Mechanism {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Mechanism::ALL.into_iter().find(|m| m.as_str() == s).ok_or_else(|| {
            format!("unknown mechanism {s:?}: expected student-proposing, enterprise-proposing or max-welfare")
        })
    }
}

impl std::fmt::Display for Mechanism {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

crate::stored::stored_as_str!(Mechanism);
