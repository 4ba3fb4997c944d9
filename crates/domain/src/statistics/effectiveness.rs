//! The pieces of the effectiveness indicators and reports that sum over cooperation projects:
//! outcome totals with "no data" kept apart from zero, the spread of an indicator over a kind of
//! organization (count, quartiles) for those who may see only aggregates, and 对口 — whether a
//! placement went into work that matches the school's program.
//!
//! Pure like the rest of the statistics module: the API reads projects and codes and fills the
//! inputs. docs/statistics.md gives every definition.

use serde::Serialize;

use super::indicators::{mean, median};
use crate::brokering::ProjectType;

/// Whether a project of this type places students (its `placed` counts students or
/// apprentices): apprenticeship cohorts, order classes, training-base placements and job
/// placements. Teachers' practice, technicians teaching, employee training and R&D place other
/// people or none, so they are not "placements" on a league table or in a quality report.
pub fn places_students(project_type: ProjectType) -> bool {
    matches!(
        project_type,
        ProjectType::ApprenticeshipCohort
            | ProjectType::OrderClass
            | ProjectType::TrainingBasePlacement
            | ProjectType::JobPlacement
    )
}

/// The recorded outcomes of one completed project (`None`: not recorded).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProjectOutcome {
    pub project_type: Option<ProjectType>,
    pub placed: Option<u32>,
    pub hired: Option<u32>,
    pub retained_6m: Option<u32>,
    pub retained_12m: Option<u32>,
    pub certificates: Option<u32>,
    pub practice_hours: Option<u32>,
}

/// Outcomes summed over completed projects. A total is `None` when no project recorded the
/// figure at all, so an organization that never completed a project shows "no data", not 0.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutcomeTotals {
    /// Completed projects counted.
    pub projects: u32,
    /// Students placed, over projects that [`places_students`].
    pub placed: Option<u64>,
    pub hired: Option<u64>,
    /// Hired people still employed after 6 months ÷ hired, over the projects where both are
    /// recorded (retention is recorded months after completion; a project that has not reported
    /// it yet must not count as everybody leaving).
    pub retention_6m: Option<f64>,
    pub retention_12m: Option<f64>,
    /// Certificates (1+X, skill levels) earned.
    pub certificates: Option<u64>,
    /// Hours of teachers' enterprise practice, over teacher-practice projects.
    pub practice_hours: Option<u64>,
    /// Teachers placed in teacher-practice projects.
    pub teachers: Option<u64>,
}

impl OutcomeTotals {
    pub fn of(outcomes: &[ProjectOutcome]) -> OutcomeTotals {
        fn sum(values: impl Iterator<Item = Option<u32>>) -> Option<u64> {
            values.flatten().map(u64::from).reduce(|a, b| a + b)
        }
        let students = || outcomes.iter().filter(|o| o.project_type.is_some_and(places_students));
        let teachers = || outcomes.iter().filter(|o| o.project_type == Some(ProjectType::TeacherPractice));
        let retention = |retained: fn(&ProjectOutcome) -> Option<u32>| {
            let (kept, hired) = outcomes
                .iter()
                .filter_map(|o| Some((retained(o)?, o.hired?)))
                .fold((0u64, 0u64), |(k, h), (kept, hired)| (k + u64::from(kept), h + u64::from(hired)));
            (hired > 0).then(|| kept as f64 / hired as f64)
        };
        OutcomeTotals {
            projects: outcomes.len() as u32,
            placed: sum(students().map(|o| o.placed)),
            hired: sum(outcomes.iter().map(|o| o.hired)),
            retention_6m: retention(|o| o.retained_6m),
            retention_12m: retention(|o| o.retained_12m),
            certificates: sum(outcomes.iter().map(|o| o.certificates)),
            practice_hours: sum(teachers().map(|o| o.practice_hours)),
            teachers: sum(teachers().map(|o| o.placed)),
        }
    }
}

/// The spread of one indicator over the organizations of a kind: how many there are, how many
/// have a value, and the quartiles of those values. What a school or enterprise sees of the
/// others: never a name, and no quartiles at all when fewer than `min_cell` organizations have a
/// value (with two, the median and one's own value give away the other's).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Spread {
    pub organizations: u32,
    pub with_data: u32,
    pub q1: Option<f64>,
    pub median: Option<f64>,
    pub q3: Option<f64>,
    pub mean: Option<f64>,
}

impl Spread {
    /// `values` holds one entry per organization, `None` for no data.
    pub fn of(values: &[Option<f64>], min_cell: u32) -> Spread {
        let present: Vec<f64> = values.iter().flatten().copied().filter(|v| v.is_finite()).collect();
        let with_data = present.len() as u32;
        let shown = with_data >= min_cell.max(1);
        let quartile = |q: f64| if shown { quantile(&present, q) } else { None };
        Spread {
            organizations: values.len() as u32,
            with_data,
            q1: quartile(0.25),
            median: if shown { median(&present) } else { None },
            q3: quartile(0.75),
            mean: if shown { mean(&present) } else { None },
        }
    }
}

/// The `q`-quantile (0 … 1) of the finite values by linear interpolation between closest ranks
/// (Excel's QUARTILE.INC, R's type 7); `None` if there are none.
pub fn quantile(values: &[f64], q: f64) -> Option<f64> {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if sorted.is_empty() || !q.is_finite() {
        return None;
    }
    sorted.sort_by(f64::total_cmp);
    let position = q.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let (low, high) = (position.floor() as usize, position.ceil() as usize);
    Some(sorted[low] + (sorted[high] - sorted[low]) * (position - low as f64))
}

/// The codes a posting names, as the 对口 check needs them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PostingCodes {
    /// Program codes of the national catalogue with their class (专业类) code.
    pub programs: Vec<(String, String)>,
    pub occupations: Vec<String>,
}

impl PostingCodes {
    pub fn is_empty(&self) -> bool {
        self.programs.is_empty() && self.occupations.is_empty()
    }
}

/// Whether a placement is 对口 (in line with the school's program): the enterprise posting it
/// filled names the same program, a program of the same class (专业类), or an occupation the
/// program ↔ occupation crosswalk links to one of the school posting's programs. `None` when the
/// enterprise posting names no code at all, so relevance cannot be judged.
/// `crosswalk(program, occupation)` answers whether the pair is in the crosswalk.
pub fn relevant(
    school: &PostingCodes,
    enterprise: &PostingCodes,
    crosswalk: impl Fn(&str, &str) -> bool,
) -> Option<bool> {
    if enterprise.is_empty() {
        return None;
    }
    let by_program = school.programs.iter().any(|(code, class)| {
        enterprise.programs.iter().any(|(other, other_class)| other == code || other_class == class)
    });
    let by_occupation = || {
        school
            .programs
            .iter()
            .any(|(code, _)| enterprise.occupations.iter().any(|occupation| crosswalk(code, occupation)))
    };
    Some(by_program || by_occupation())
}

/// 专业对口率: people placed 对口 ÷ people placed in judged placements; `None` with none judged.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Relevance {
    /// People in placements judged 对口.
    pub relevant: u64,
    /// People in placements that could be judged (the enterprise posting named codes).
    pub judged: u64,
    /// People in placements whose enterprise posting named no code.
    pub unjudged: u64,
    pub rate: Option<f64>,
}

impl Relevance {
    /// `placements` are `(people, relevant)` with `relevant` from [`relevant`].
    pub fn of(placements: &[(u32, Option<bool>)]) -> Relevance {
        let mut out = Relevance::default();
        for &(people, judged) in placements {
            let people = u64::from(people);
            match judged {
                Some(true) => {
                    out.relevant += people;
                    out.judged += people;
                }
                Some(false) => out.judged += people,
                None => out.unjudged += people,
            }
        }
        out.rate = (out.judged > 0).then(|| out.relevant as f64 / out.judged as f64);
        out
    }
}
