//! From a round's stored data to its result: each place's list is ranked ([`super::scoring`]),
//! the instance parsed, every mechanism run, and each student's result explained.

use std::collections::HashMap;

use serde::Serialize;

use super::lottery_key;
use super::scoring::{Applicant, ProgramFit, RankingRule, rank_applicants};
use crate::allocation::{
    Explainer, Instance, InstanceForm, InvalidInstance, Limits, Mechanism, PlaceForm, Stats, StudentForm,
};
use crate::reference::ProgramCode;

/// A student of the round with their preferences (place ids, best first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StudentEntry {
    pub id: String,
    pub school_id: i64,
    pub pseudonym: String,
    pub program: ProgramCode,
    pub prefs: Vec<String>,
}

/// What an enterprise said about one applicant to its place.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Mark {
    pub rank: Option<u32>,
    pub interview: Option<u32>,
    pub unacceptable: bool,
}

/// A place of the round: its seats, the posting's program codes, and the enterprise's ranking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceEntry {
    pub id: String,
    pub capacity: u32,
    pub program_codes: Vec<ProgramCode>,
    pub rule: RankingRule,
    /// By student id.
    pub marks: HashMap<String, Mark>,
}

/// Everything a run needs. Students and places are taken in the order given; callers give a
/// stable order (by id) so that the instance, not only the result, is reproducible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunInput {
    pub seed: u64,
    pub students: Vec<StudentEntry>,
    pub places: Vec<PlaceEntry>,
}

/// One student's result under the round's mechanism.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StudentResult {
    pub student: String,
    pub place: Option<String>,
    /// 1-based position of the place in the student's list.
    pub choice: Option<u32>,
    pub explanation_zh: String,
    pub explanation_en: String,
}

/// A run: the result under the round's mechanism, and every mechanism's figures beside it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    pub mechanism: Mechanism,
    pub results: Vec<StudentResult>,
    pub stats: Stats,
    pub comparison: Vec<(Mechanism, Stats)>,
    /// Each place's list as ranked, by place id (what the enterprise's choices produced).
    pub place_lists: Vec<(String, Vec<String>)>,
}

impl RunInput {
    /// The allocation instance: students' lists as entered, places' lists ranked under each
    /// place's rule from the students who listed it.
    pub fn instance_form(&self) -> InstanceForm {
        let mut applicants: HashMap<&str, Vec<Applicant>> = HashMap::new();
        for student in &self.students {
            for place in &student.prefs {
                applicants.entry(place.as_str()).or_default().push(Applicant {
                    id: student.id.clone(),
                    lottery: lottery_key(self.seed, student.school_id, &student.pseudonym),
                    fit: ProgramFit::None,
                    rank: None,
                    interview: None,
                    unacceptable: false,
                });
            }
        }
        let programs: HashMap<&str, &ProgramCode> = self.students.iter().map(|s| (s.id.as_str(), &s.program)).collect();
        let places = self
            .places
            .iter()
            .map(|place| {
                let mut list = applicants.remove(place.id.as_str()).unwrap_or_default();
                for applicant in &mut list {
                    let mark = place.marks.get(&applicant.id).copied().unwrap_or_default();
                    if let Some(program) = programs.get(applicant.id.as_str()) {
                        applicant.fit = ProgramFit::of(program, &place.program_codes);
                    }
                    applicant.rank = mark.rank;
                    applicant.interview = mark.interview;
                    applicant.unacceptable = mark.unacceptable;
                }
                PlaceForm {
                    id: place.id.clone(),
                    capacity: Some(i64::from(place.capacity)),
                    prefs: rank_applicants(place.rule, &list),
                }
            })
            .collect();
        let students = self.students.iter().map(|s| StudentForm { id: s.id.clone(), prefs: s.prefs.clone() }).collect();
        InstanceForm { students, places }
    }
}

/// Runs a round under `mechanism`, with the other mechanisms' figures for comparison.
pub fn run(input: &RunInput, mechanism: Mechanism) -> Result<Outcome, InvalidInstance> {
    let form = input.instance_form();
    let instance = Instance::parse(&form, Limits::PLATFORM)?;
    let assignment = mechanism.run(&instance);
    let explainer = Explainer::new(&instance, &assignment);
    let results = (0..instance.students()).map(|s| explain(&instance, &explainer, s)).collect();
    let comparison = Mechanism::ALL
        .into_iter()
        .map(|m| {
            let stats = if m == mechanism {
                Stats::of(&instance, &assignment)
            } else {
                Stats::of(&instance, &m.run(&instance))
            };
            (m, stats)
        })
        .collect();
    let place_lists = form.places.into_iter().map(|p| (p.id, p.prefs)).collect();
    Ok(Outcome { mechanism, results, stats: Stats::of(&instance, &assignment), comparison, place_lists })
}

fn explain(instance: &Instance, explainer: &Explainer<'_>, s: usize) -> StudentResult {
    let explanation = explainer.explain(s);
    let (mut zh, mut en) = match &explanation.obtained {
        Some((_, k)) => (vec![format!("已被第 {k} 志愿录取")], vec![format!("Placed at choice {k}")]),
        None if instance.student_prefs(s).is_empty() => {
            (vec!["未填报志愿，未被录取".to_owned()], vec!["Listed no places, not placed".to_owned()])
        }
        None => (vec!["未被录取".to_owned()], vec!["Not placed".to_owned()]),
    };
    for refusal in &explanation.refusals {
        zh.push(refusal.zh());
        en.push(refusal.en());
    }
    StudentResult {
        student: explanation.student,
        place: explanation.obtained.as_ref().map(|(p, _)| p.clone()),
        choice: explanation.obtained.map(|(_, k)| k),
        explanation_zh: zh.join("；"),
        explanation_en: en.join("; "),
    }
}
