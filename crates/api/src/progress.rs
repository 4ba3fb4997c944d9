//! How long-running services report how far they got, without knowing who listens.
//!
//! The command line draws progress bars (the binary implements [`Progress`] with indicatif);
//! the server and the tests pass [`Silent`]. Library crates therefore depend on nothing that
//! draws: a service announces a [`Phase`], counts items done in it, and finishes it.

/// The phases long commands go through, each with the unit its items are counted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Indexing published postings (`chanjiao reindex`, and the start of a server).
    IndexPostings,
    /// Reading and checking the reference files before anything is written.
    ReadReference,
    /// Replacing the reference tables: profiles, occupations and crosswalk pairs together.
    WriteReference,
    /// Replacing a city's plan targets.
    WriteTargets,
    /// The demo's organizations and accounts.
    DemoOrganizations,
    /// The demo's postings and their history.
    DemoPostings,
    /// The demo's training slots, bookings, designations and school reports.
    DemoResources,
    /// The demo's proposals, projects and assessments, made through the services.
    DemoBrokering,
    /// The demo's allocation round.
    DemoRounds,
    /// Ranking an evaluation set's queries (`chanjiao eval rank` and `compare`).
    RankQueries,
}

impl Phase {
    /// A short label for a terminal line. ASCII, so a bar's width is its length.
    pub fn label(self) -> &'static str {
        match self {
            Phase::IndexPostings => "indexing postings",
            Phase::ReadReference => "reading reference files",
            Phase::WriteReference => "writing reference rows",
            Phase::WriteTargets => "writing targets",
            Phase::DemoOrganizations => "demo organizations",
            Phase::DemoPostings => "demo postings",
            Phase::DemoResources => "demo training bases and targets",
            Phase::DemoBrokering => "demo proposals and projects",
            Phase::DemoRounds => "demo allocation round",
            Phase::RankQueries => "ranking queries",
        }
    }
}

/// A listener for a long operation's progress. Calls come in the order start, inc…, finish, one
/// phase at a time; `total` is `None` when the number of items is not known in advance.
pub trait Progress: Send + Sync {
    fn start(&self, phase: Phase, total: Option<u64>);
    fn inc(&self, n: u64);
    fn finish(&self);
}

/// The listener that ignores everything: the server's and the tests'.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Progress for Silent {
    fn start(&self, _phase: Phase, _total: Option<u64>) {}
    fn inc(&self, _n: u64) {}
    fn finish(&self) {}
}
