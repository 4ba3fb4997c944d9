//! Matching: how well one posting fits another, criterion by criterion, and why.
//!
//! The search index finds candidates and says how well their texts match; the occupation model
//! ([`catalogue`]) says whether a school's programs lead to an enterprise's occupations. This
//! module takes those as [`Evidence`], adds what the two postings' own fields say (region, level,
//! quantity, dates, cluster, track record), and combines everything into a [`Match`] whose score
//! is the weighted sum of its [`Scored`] criteria — or excludes the pair outright when it cannot
//! work ([`Exclusion`]): kinds that do not pair, a candidate that is not listed, one
//! organization's own postings, levels two steps apart.
//!
//! Everything here is pure and cheap (no allocation beyond the reasons), so the API can score
//! hundreds of candidates per request.

mod bm25;
pub mod catalogue;
mod criteria;
mod fit;
mod mentions;
mod proximity;

#[cfg(test)]
mod tests;

use serde::Serialize;

pub use bm25::bigrams;
pub use catalogue::{CatalogueModel, Fit, Occupations, Prepared, RankedProgram, ReferenceTexts};
pub use criteria::{Criterion, NEUTRAL, Reason, Scored};
pub use fit::{is_need, levels_can_meet};
pub use proximity::{Proximity, adjacent, proximity};

use crate::posting::{NewPosting, PostingStatus, compatible};

/// One side of a pair: a posting with what the form does not hold.
#[derive(Debug, Clone, Copy)]
pub struct Party<'a> {
    pub id: u64,
    pub organization_id: u64,
    pub status: PostingStatus,
    pub posting: &'a NewPosting,
}

/// What the index and the reference data found for a candidate.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    /// Text relevance in [0, 1] (the candidate's BM25 over the best candidate's).
    pub text: f64,
    /// Occupation ↔ program fit in [0, 1] with its reason; `None` when neither posting carries
    /// program or occupation codes or text to judge by.
    pub occupation: Option<(f64, Reason)>,
    /// Mean assessment (1–5) of the candidate organization's past projects, and how many.
    pub assessments: Option<(f64, u32)>,
}

/// Why a pair is not a match at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Exclusion {
    SamePosting,
    SameOrganization,
    IncompatibleKinds,
    NotListed,
    LevelsCannotMeet,
}

/// A scored, explained pairing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Match {
    /// The weighted sum of the criteria, in [0, 1].
    pub score: f64,
    /// Every criterion, in [`Criterion::ALL`] order.
    pub criteria: Vec<Scored>,
}

impl Match {
    pub fn criterion(&self, criterion: Criterion) -> Option<&Scored> {
        self.criteria.iter().find(|c| c.criterion == criterion)
    }
}

/// Why `candidate` cannot be matched with `subject`, if it cannot.
pub fn exclusion(subject: &Party<'_>, candidate: &Party<'_>) -> Option<Exclusion> {
    if subject.id == candidate.id {
        Some(Exclusion::SamePosting)
    } else if subject.organization_id == candidate.organization_id {
        Some(Exclusion::SameOrganization)
    } else if !compatible(subject.posting.kind, candidate.posting.kind) {
        Some(Exclusion::IncompatibleKinds)
    } else if !candidate.status.is_listed() {
        Some(Exclusion::NotListed)
    } else if !levels_can_meet(subject.posting.education_level, candidate.posting.education_level) {
        Some(Exclusion::LevelsCannotMeet)
    } else {
        None
    }
}

/// Scores `candidate` for `subject`, or says why the pair is excluded.
pub fn score(subject: &Party<'_>, candidate: &Party<'_>, evidence: &Evidence) -> Result<Match, Exclusion> {
    if let Some(excluded) = exclusion(subject, candidate) {
        return Err(excluded);
    }
    let (s, c) = (subject.posting, candidate.posting);
    let text = Scored::new(Criterion::Text, evidence.text, text_reason(evidence.text));
    let occupation = match &evidence.occupation {
        Some((score, reason)) => Scored::new(Criterion::Occupation, *score, reason.clone()),
        None => Scored::neutral(
            Criterion::Occupation,
            Reason::new("未注明专业或职业代码", "No program or occupation codes to compare"),
        ),
    };
    let criteria = vec![
        text,
        occupation,
        fit::cluster_criterion(&s.industry_clusters, &c.industry_clusters),
        proximity::region_criterion(&s.region, &c.region),
        fit::level_criterion(s.education_level, c.education_level),
        fit::quantity_criterion((s.kind, s.quantity.map(|q| q.get())), (c.kind, c.quantity.map(|q| q.get()))),
        fit::time_criterion(s.window, c.window),
        fit::track_record_criterion(evidence.assessments),
    ];
    Ok(combine(criteria))
}

/// The match of a list of criteria: the weighted sum, kept in [0, 1] against rounding.
pub fn combine(criteria: Vec<Scored>) -> Match {
    let score = criteria.iter().map(Scored::contribution).sum::<f64>().clamp(0.0, 1.0);
    Match { score, criteria }
}

fn text_reason(text: f64) -> Reason {
    match text {
        t if t >= 0.75 => Reason::new("内容高度相关", "Closely related text"),
        t if t >= 0.4 => Reason::new("内容较为相关", "Related text"),
        t if t > 0.0 => Reason::new("内容略有相关", "Loosely related text"),
        _ => Reason::new("内容无明显关联", "No related text"),
    }
}

/// The best `limit` matches among `candidates`, best first; excluded pairs are left out. Ties go
/// to the lower posting id, so a ranking is reproducible.
pub fn rank<'a>(
    subject: &Party<'_>,
    candidates: impl IntoIterator<Item = (Party<'a>, Evidence)>,
    limit: usize,
) -> Vec<(u64, Match)> {
    let mut ranked: Vec<(u64, Match)> = candidates
        .into_iter()
        .filter_map(|(candidate, evidence)| score(subject, &candidate, &evidence).ok().map(|m| (candidate.id, m)))
        .collect();
    ranked.sort_by(|(a_id, a), (b_id, b)| b.score.total_cmp(&a.score).then(a_id.cmp(b_id)));
    ranked.truncate(limit);
    ranked
}
