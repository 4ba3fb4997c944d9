//! Postings: every offer and need of enterprises and schools, of every kind, in one model.
//!
//! This module owns the kinds and which side posts each ([`PostingKind`], [`Side`]), which kinds
//! are matched with which ([`compatible`]), what fields each kind takes ([`KindSpec`]), parsing a
//! posting from what users send ([`NewPosting::parse`]) and its lifecycle ([`PostingStatus`]).
//! Storage, permissions to touch a posting, and the audit log belong to the API layer.

mod change;
mod fields;
mod kinds;
mod lifecycle;
mod new;

#[cfg(test)]
mod kinds_tests;
#[cfg(test)]
mod lifecycle_tests;
#[cfg(test)]
mod new_tests;

pub use change::PostingChange;
pub(crate) use fields::whole_number;
pub use fields::{
    Description, Enrolment, NumberInput, PLAUSIBLE_YEARS, Quantity, TimeWindow, Title, Yuan, parse_date, split_list,
};
pub use kinds::{AmountMeaning, ApprenticeshipType, KindSpec, PostingKind, QuantityMeaning, Rule, compatible};
pub use lifecycle::{Action, Actor, Context, PostingStatus, TransitionError};
pub use new::{CERTIFICATES, CODES, EQUIPMENT, NewPosting, OPEN_PERIODS, PostingInput, SKILLS};

use crate::error::Text;
use crate::organization::{OrgKind, string_enum};

string_enum!(
    /// Which side of industry–education cooperation a posting comes from.
    Side, Text::new("one of enterprise, school", "enterprise、school 之一"), {
        Enterprise => "enterprise",
        School => "school",
    }
);

string_enum!(
    /// Which reference list a code a posting names comes from: a program (专业), an occupation
    /// (职业) or an industry cluster (产业集群).
    CodeKind, Text::new("one of program, occupation, cluster", "program、occupation、cluster 之一"), {
        Program => "program",
        Occupation => "occupation",
        Cluster => "cluster",
    }
);

impl Side {
    pub fn zh(self) -> &'static str {
        match self {
            Side::Enterprise => "企业",
            Side::School => "学校",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Side::Enterprise => "Enterprise",
            Side::School => "School",
        }
    }

    /// The side an organization posts on: enterprises and schools; intermediaries and
    /// authorities post nothing of their own.
    pub fn of(org: OrgKind) -> Option<Side> {
        match org {
            OrgKind::Enterprise => Some(Side::Enterprise),
            OrgKind::School => Some(Side::School),
            OrgKind::Intermediary | OrgKind::Authority => None,
        }
    }

    pub fn other(self) -> Side {
        match self {
            Side::Enterprise => Side::School,
            Side::School => Side::Enterprise,
        }
    }
}
