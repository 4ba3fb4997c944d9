//! An enterprise's ranking of the applicants to one of its places.
//!
//! The enterprise either ranks applicants explicitly ([`RankingRule::Explicit`]) or lets the
//! platform rank them by the rule "program fit + interview score" ([`RankingRule::Scoring`],
//! the default while it has done neither):
//!
//! `score = 6 × fit + 4 × interview`, out of 1,000, where
//! - `fit` is how the student's program matches the posting's program codes (the best over
//!   them): 100 for the same program, 60 for the same class (专业类, the first four digits), 30
//!   for the same category (专业大类 / 学科门类), 0 otherwise or when the posting names none;
//! - `interview` is the score the enterprise entered for the student, 0 to 100 (0 if none).
//!
//! So program fit weighs 60% and the interview 40% ([`FIT_WEIGHT`], [`INTERVIEW_WEIGHT`]).
//! Integers keep ties exact. In the explicit mode applicants are ordered by the rank given;
//! applicants the enterprise has not ranked come after all ranked ones. Either way, equal ranks
//! or scores are ordered by the round's lottery ([`super::lottery_key`], smaller first), and
//! applicants marked unacceptable are left out of the list, so they can never be placed there.

use crate::error::Text;
use serde::{Deserialize, Serialize};

use crate::reference::ProgramCode;

/// Weight of program fit in the scoring rule, in tenths.
pub const FIT_WEIGHT: u32 = 6;
/// Weight of the interview score in the scoring rule, in tenths.
pub const INTERVIEW_WEIGHT: u32 = 4;

/// How an enterprise ranks the applicants to a place.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum RankingRule {
    /// By the ranks the enterprise entered.
    Explicit,
    /// By program fit and interview score.
    #[default]
    Scoring,
}

impl RankingRule {
    pub const ALL: [RankingRule; 2] = [RankingRule::Explicit, RankingRule::Scoring];

    pub fn as_str(self) -> &'static str {
        match self {
            RankingRule::Explicit => "explicit",
            RankingRule::Scoring => "scoring",
        }
    }
}

crate::stored::stored_as_str!(RankingRule);

impl std::str::FromStr for RankingRule {
    type Err = crate::Invalid;

    fn from_str(raw: &str) -> Result<Self, crate::Invalid> {
        match raw.trim() {
            "explicit" => Ok(RankingRule::Explicit),
            "scoring" => Ok(RankingRule::Scoring),
            "" => Err(crate::Invalid::Required),
            _ => Err(crate::Invalid::Format(Text::new(
                "one of explicit, scoring",
                "explicit（逐一排序）、scoring（按评分规则）之一",
            ))),
        }
    }
}

/// How well a student's program fits a posting's program codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ProgramFit {
    None,
    SameCategory,
    SameClass,
    Exact,
}

impl ProgramFit {
    /// The best fit of `student` to any of `wanted`.
    pub fn of(student: &ProgramCode, wanted: &[ProgramCode]) -> ProgramFit {
        let mine = student.program();
        wanted
            .iter()
            .map(|code| {
                let theirs = code.program();
                if code == student {
                    ProgramFit::Exact
                } else if theirs.class_code == mine.class_code {
                    ProgramFit::SameClass
                } else if theirs.category_code == mine.category_code {
                    ProgramFit::SameCategory
                } else {
                    ProgramFit::None
                }
            })
            .max()
            .unwrap_or(ProgramFit::None)
    }

    pub fn points(self) -> u32 {
        match self {
            ProgramFit::Exact => 100,
            ProgramFit::SameClass => 60,
            ProgramFit::SameCategory => 30,
            ProgramFit::None => 0,
        }
    }

    /// The rule's score out of 1,000 for this fit and an interview score (clamped to 0–100).
    pub fn score(self, interview: Option<u32>) -> u32 {
        FIT_WEIGHT * self.points() + INTERVIEW_WEIGHT * interview.unwrap_or(0).min(100)
    }
}

/// One applicant to a place, as the ranking needs them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applicant {
    /// The student's id in the instance.
    pub id: String,
    pub lottery: u64,
    pub fit: ProgramFit,
    /// The rank the enterprise entered (1 = best), if any.
    pub rank: Option<u32>,
    pub interview: Option<u32>,
    pub unacceptable: bool,
}

/// The place's list, best first: acceptable applicants ordered under `rule`, ties by lottery.
pub fn rank_applicants(rule: RankingRule, applicants: &[Applicant]) -> Vec<String> {
    let mut listed: Vec<&Applicant> = applicants.iter().filter(|a| !a.unacceptable).collect();
    match rule {
        // Unranked applicants sort after every ranked one.
        RankingRule::Explicit => listed.sort_by_key(|a| (a.rank.unwrap_or(u32::MAX), a.lottery, a.id.clone())),
        RankingRule::Scoring => {
            listed.sort_by_key(|a| (std::cmp::Reverse(a.fit.score(a.interview)), a.lottery, a.id.clone()))
        }
    }
    listed.into_iter().map(|a| a.id.clone()).collect()
}
