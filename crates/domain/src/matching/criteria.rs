//! The criteria a match is scored on, their weights, and what one criterion says about one pair.
//!
//! Weights are fixed and published (docs/matching.md and the API's `weight` field), so a user can
//! check a total by hand: the score of a match is the weighted sum of its criteria, each in
//! [0, 1], and the weights sum to 1. A criterion that cannot be judged for a pair (no level on
//! either posting, no assessments yet) scores [`NEUTRAL`] and says so, rather than disappearing,
//! so every match shows the same eight lines.

use serde::Serialize;

/// What an unknown criterion scores: neither for nor against.
pub const NEUTRAL: f64 = 0.5;

/// One criterion of a match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Criterion {
    /// How well the texts match: BM25 of the candidate for the posting's expanded text,
    /// relative to the best candidate.
    Text,
    /// Whether the school's programs lead to the enterprise's occupations (the national crosswalk,
    /// program profiles, and the occupation hierarchy).
    Occupation,
    Cluster,
    Region,
    Level,
    Quantity,
    Time,
    /// Assessments of the candidate organization's past cooperation projects.
    TrackRecord,
}

impl Criterion {
    pub const ALL: [Criterion; 8] = [
        Criterion::Text,
        Criterion::Occupation,
        Criterion::Cluster,
        Criterion::Region,
        Criterion::Level,
        Criterion::Quantity,
        Criterion::Time,
        Criterion::TrackRecord,
    ];

    /// The weight of the criterion in a match's score. Text and occupation fit carry most of it:
    /// they say whether the two sides are about the same work at all; the others order matches
    /// that are.
    pub fn weight(self) -> f64 {
        match self {
            Criterion::Text => 0.30,
            Criterion::Occupation => 0.25,
            Criterion::Region => 0.10,
            Criterion::Level => 0.10,
            Criterion::Quantity => 0.10,
            Criterion::Cluster => 0.05,
            Criterion::Time => 0.05,
            Criterion::TrackRecord => 0.05,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Criterion::Text => "text",
            Criterion::Occupation => "occupation",
            Criterion::Cluster => "cluster",
            Criterion::Region => "region",
            Criterion::Level => "level",
            Criterion::Quantity => "quantity",
            Criterion::Time => "time",
            Criterion::TrackRecord => "track_record",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Criterion::Text => "内容相关",
            Criterion::Occupation => "专业与职业对应",
            Criterion::Cluster => "产业集群",
            Criterion::Region => "地域",
            Criterion::Level => "层次",
            Criterion::Quantity => "数量",
            Criterion::Time => "时间",
            Criterion::TrackRecord => "合作评价",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Criterion::Text => "Text relevance",
            Criterion::Occupation => "Program ↔ occupation",
            Criterion::Cluster => "Industry cluster",
            Criterion::Region => "Location",
            Criterion::Level => "Education level",
            Criterion::Quantity => "Quantity",
            Criterion::Time => "Dates",
            Criterion::TrackRecord => "Track record",
        }
    }
}

/// A sentence explaining a score, in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    pub zh: String,
    pub en: String,
}

impl Reason {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Reason { zh: zh.into(), en: en.into() }
    }

    /// The sentence in `lang` ("en" for English, anything else Chinese).
    pub fn in_lang(&self, lang: &str) -> &str {
        if lang == "en" { &self.en } else { &self.zh }
    }
}

/// One criterion's verdict on a pair.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scored {
    pub criterion: Criterion,
    /// In [0, 1].
    pub score: f64,
    pub weight: f64,
    pub reason: Reason,
}

impl Scored {
    pub fn new(criterion: Criterion, score: f64, reason: Reason) -> Self {
        // NaN (from a caller's 0/0) would poison sorting; it means "nothing known".
        let score = if score.is_nan() { NEUTRAL } else { score.clamp(0.0, 1.0) };
        Scored { criterion, score, weight: criterion.weight(), reason }
    }

    pub fn neutral(criterion: Criterion, reason: Reason) -> Self {
        Scored::new(criterion, NEUTRAL, reason)
    }

    /// What this criterion adds to the match's score.
    pub fn contribution(&self) -> f64 {
        self.score * self.weight
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_sum_to_one() {
        let sum: f64 = Criterion::ALL.iter().map(|c| c.weight()).sum();
        assert!((sum - 1.0).abs() < 1e-9, "weights sum to {sum}");
    }

    #[test]
    fn scores_are_clamped_and_nan_is_neutral() {
        let reason = || Reason::new("", "");
        assert_eq!(Scored::new(Criterion::Text, 1.7, reason()).score, 1.0);
        assert_eq!(Scored::new(Criterion::Text, -0.2, reason()).score, 0.0);
        assert_eq!(Scored::new(Criterion::Text, f64::NAN, reason()).score, NEUTRAL);
    }
}
