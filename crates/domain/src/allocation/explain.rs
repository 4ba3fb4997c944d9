//! Why a student did not get the places they preferred to the one they got, as structured data
//! and as a sentence in Chinese or English.
//!
//! Under a stable assignment every such place is either full of students it ranks above the
//! student, or does not accept the student at all. The two other reasons only occur under an
//! assignment that is not stable (maximum welfare may produce one), and are said as such.

use std::fmt;

use serde::Serialize;

use super::assignment::{Assignment, Intake};
use super::instance::Instance;

/// Why one more-preferred place did not take the student. Ranks are 1-based positions in the
/// place's own list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Denial {
    /// The place did not list the student.
    NotAcceptable,
    /// Full, and every student it admitted is ranked above this one.
    FullRankedAbove { your_rank: u32, worst_admitted_rank: u32 },
    /// Full, but it admitted someone it ranks below this student (a blocking pair).
    FullRankedBelow { your_rank: u32, worst_admitted_rank: u32 },
    /// It still has a free seat and accepts the student (a blocking pair).
    SeatLeft { your_rank: u32 },
}

/// One place the student preferred to their result, and why they are not there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Refusal {
    pub place: String,
    /// 1-based position of the place in the student's list.
    pub choice: u32,
    #[serde(flatten)]
    pub denial: Denial,
}

/// A student's result and the reason for each place they ranked higher.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explanation {
    pub student: String,
    /// The place obtained and its 1-based position in the student's list.
    pub obtained: Option<(String, u32)>,
    pub refusals: Vec<Refusal>,
}

/// Explains students' results under one assignment; building it is linear in the number of
/// students, each explanation linear in the student's list.
pub struct Explainer<'a> {
    instance: &'a Instance,
    assignment: &'a Assignment,
    intake: Intake,
}

impl<'a> Explainer<'a> {
    pub fn new(instance: &'a Instance, assignment: &'a Assignment) -> Explainer<'a> {
        Explainer { instance, assignment, intake: Intake::of(instance, assignment) }
    }

    pub fn explain(&self, s: usize) -> Explanation {
        let instance = self.instance;
        let range = instance.student_range(s);
        let choice = self.assignment.choice_of(s);
        let better = choice.map_or(range.len(), |i| i as usize);
        let refusals = (0..better)
            .map(|k| {
                let i = range.start + k;
                let p = instance.student_prefs[i] as usize;
                let denial = if !instance.mutual(i) {
                    Denial::NotAcceptable
                } else {
                    let your_rank = instance.rank_by_place[i] + 1;
                    if self.intake.load(p) < instance.capacity(p) {
                        Denial::SeatLeft { your_rank }
                    } else {
                        // Capacities are at least 1, so a full place admitted someone.
                        let worst_admitted_rank = self.intake.worst_rank(p).map_or(0, |w| w + 1);
                        if worst_admitted_rank < your_rank {
                            Denial::FullRankedAbove { your_rank, worst_admitted_rank }
                        } else {
                            Denial::FullRankedBelow { your_rank, worst_admitted_rank }
                        }
                    }
                };
                Refusal { place: instance.place_id(p).into(), choice: k as u32 + 1, denial }
            })
            .collect();
        Explanation {
            student: instance.student_id(s).into(),
            obtained: self.assignment.place_of(s).zip(choice).map(|(p, i)| (instance.place_id(p).into(), i + 1)),
            refusals,
        }
    }
}

impl Refusal {
    /// The reason in Chinese, the platform's first language.
    pub fn zh(&self) -> String {
        let k = self.choice;
        match self.denial {
            Denial::NotAcceptable => format!("你的第 {k} 志愿未将你列入可录取名单"),
            Denial::FullRankedAbove { your_rank, worst_admitted_rank } => format!(
                "你的第 {k} 志愿已满，且该企业对已录取者的排序均高于你\
                 （你在其名单中排第 {your_rank} 位，录取的最后一位排第 {worst_admitted_rank} 位）"
            ),
            Denial::FullRankedBelow { your_rank, worst_admitted_rank } => format!(
                "你的第 {k} 志愿已满，但该企业录取了排序低于你的学生\
                 （你排第 {your_rank} 位，录取的最后一位排第 {worst_admitted_rank} 位）；此分配方案不稳定"
            ),
            Denial::SeatLeft { .. } => format!("你的第 {k} 志愿仍有空位且可录取你，但此分配方案未将你分配到该处"),
        }
    }

    /// The reason in English.
    pub fn en(&self) -> String {
        let k = Ordinal(self.choice);
        match self.denial {
            Denial::NotAcceptable => format!("Your {k} choice did not list you as acceptable"),
            Denial::FullRankedAbove { your_rank, worst_admitted_rank } => format!(
                "Your {k} choice is full and every student it admitted is ranked above you by it \
                 (you are {} on its list, the last admitted is {})",
                Ordinal(your_rank),
                Ordinal(worst_admitted_rank)
            ),
            Denial::FullRankedBelow { your_rank, worst_admitted_rank } => format!(
                "Your {k} choice is full but admitted a student it ranks below you \
                 (you are {} on its list, the last admitted is {}); this assignment is not stable",
                Ordinal(your_rank),
                Ordinal(worst_admitted_rank)
            ),
            Denial::SeatLeft { .. } => {
                format!(
                    "Your {k} choice still has a free seat and accepts you, but this assignment did not place you there"
                )
            }
        }
    }
}

/// An English ordinal: 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st…
struct Ordinal(u32);

impl fmt::Display for Ordinal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0;
        let suffix = match (n % 10, n % 100) {
            (_, 11..=13) => "th",
            (1, _) => "st",
            (2, _) => "nd",
            (3, _) => "rd",
            _ => "th",
        };
        write!(f, "{n}{suffix}")
    }
}
