//! Occupation ↔ program fit between two postings: an enterprise posting stands for occupations
//! (its occupation codes, or else what its title and skills are about), a school posting for
//! programs (its program codes). Two postings that both carry program codes are also compared
//! code to code (an enterprise asking for 数控技术 graduates, a school offering it).

use crate::posting::{NewPosting, Side};
use crate::reference::ProgramCode;

use super::{CatalogueModel, Occupations, class_at};
use crate::matching::criteria::Reason;

use super::rank::Fit;

const SAME_CLASS: f64 = 0.7;
const OTHER_LEVEL_CLASS: f64 = 0.6;

impl CatalogueModel {
    /// The occupations a posting stands for: its occupation codes if it has any, else those its
    /// title and skills are about (inferred, so with less than full confidence past the first).
    pub fn posting_occupations(&self, posting: &NewPosting) -> Occupations {
        if !posting.occupation_codes.is_empty() {
            let codes: Vec<&str> = posting.occupation_codes.iter().map(|c| c.as_str()).collect();
            return self.occupations_of(&codes);
        }
        let text = format!("{} {}", posting.title.as_str(), posting.skills.join(" "));
        self.occupations_for(&text)
    }

    /// Codes that find a posting's likely counterparts in the index beside its words: its own
    /// program and occupation codes, the programs the crosswalk lists for an enterprise posting's
    /// (three most likely) occupations, and the occupations it lists for a school posting's programs.
    pub fn retrieval_codes(&self, posting: &NewPosting) -> Vec<String> {
        let mut codes: Vec<String> = posting.program_codes.iter().map(|c| c.as_str().to_owned()).collect();
        codes.extend(posting.occupation_codes.iter().map(|c| c.as_str().to_owned()));
        match posting.side() {
            Side::Enterprise => {
                for (o, _) in self.posting_occupations(posting).into_iter().take(3) {
                    for ((occupation, level), programs) in &self.crosswalk {
                        if *occupation == o {
                            codes.extend(
                                programs.iter().map(|&p| self.levels[*level].programs[p].code.as_str().to_owned()),
                            );
                        }
                    }
                }
            }
            Side::School => {
                for program in &posting.program_codes {
                    let li = super::level_index(program.level());
                    let Some(&p) = self.levels[li].position.get(program.as_str()) else { continue };
                    for ((occupation, level), programs) in &self.crosswalk {
                        if *level == li && programs.contains(&p) {
                            codes.push(self.occupations[*occupation].code.as_str().to_owned());
                        }
                    }
                }
            }
        }
        codes.sort();
        codes.dedup();
        codes
    }

    /// What the fit of a posting needs, computed once per posting: for an enterprise posting,
    /// the occupations it stands for.
    pub fn prepare<'a>(&self, posting: &'a NewPosting) -> Prepared<'a> {
        let occupations =
            if posting.side() == Side::Enterprise { self.posting_occupations(posting) } else { Vec::new() };
        Prepared { posting, occupations }
    }

    /// The fit of a pair, whichever side asks; `None` when there is nothing to compare (no
    /// program on either side).
    pub fn posting_fit(&self, subject: &NewPosting, candidate: &NewPosting) -> Option<Fit> {
        self.prepared_fit(&self.prepare(subject), &self.prepare(candidate))
    }

    /// [`Self::posting_fit`] of prepared postings, so a posting matched against hundreds of
    /// candidates has its occupations found once.
    pub fn prepared_fit(&self, subject: &Prepared<'_>, candidate: &Prepared<'_>) -> Option<Fit> {
        let by_codes = program_fit(&subject.posting.program_codes, &candidate.posting.program_codes);
        let (enterprise, school) = match (subject.posting.side(), candidate.posting.side()) {
            (Side::Enterprise, Side::School) => (Some(subject), Some(candidate)),
            (Side::School, Side::Enterprise) => (Some(candidate), Some(subject)),
            _ => (None, None),
        };
        let by_occupation = match (enterprise, school) {
            (Some(enterprise), Some(school)) if !school.posting.program_codes.is_empty() => {
                let occupations = &enterprise.occupations;
                let best = school
                    .posting
                    .program_codes
                    .iter()
                    .filter_map(|program| self.fit(occupations, program))
                    .max_by(|a, b| a.score.total_cmp(&b.score));
                // Known occupations and known programs that nothing connects are a poor fit, not
                // an unknown one.
                best.or_else(|| {
                    let (&(o, _), program) = (occupations.first()?, school.posting.program_codes.first()?);
                    let occupation = &self.occupations[o].name;
                    Some(Fit {
                        score: 0.0,
                        reason: Reason::new(
                            format!("{}专业与 {occupation} 等职业没有对应关系", program.name()),
                            format!("{} does not lead to {occupation} or related occupations", program.name()),
                        ),
                    })
                })
            }
            _ => None,
        };
        match (by_codes, by_occupation) {
            (Some(a), Some(b)) => Some(if a.score >= b.score { a } else { b }),
            (a, b) => a.or(b),
        }
    }
}

/// A posting with the occupations it stands for, ready to be fitted against many others.
pub struct Prepared<'a> {
    pub posting: &'a NewPosting,
    pub occupations: Occupations,
}

/// Program to program: the same program, the same class, or the same class at another level.
fn program_fit(wanted: &[ProgramCode], offered: &[ProgramCode]) -> Option<Fit> {
    let mut best: Option<Fit> = None;
    for w in wanted {
        for o in offered {
            let fit = if w == o {
                Fit {
                    score: 1.0,
                    reason: Reason::new(format!("专业一致：{}", o.name()), format!("Same program: {}", o.name())),
                }
            } else if w.class_code() == o.class_code() {
                let class = &o.program().class_name;
                Fit {
                    score: SAME_CLASS,
                    reason: Reason::new(format!("同属{class}"), format!("Both in the class {class}")),
                }
            } else if class_at(w.class_code(), o.level()).as_deref() == Some(o.class_code()) {
                let class = &o.program().class_name;
                Fit {
                    score: OTHER_LEVEL_CLASS,
                    reason: Reason::new(
                        format!("{}与{}是不同层次的同类专业（{class}）", w.name(), o.name()),
                        format!("{} and {} are the same field at different levels ({class})", w.name(), o.name()),
                    ),
                }
            } else {
                continue;
            };
            if best.as_ref().is_none_or(|b| fit.score > b.score) {
                best = Some(fit);
            }
        }
    }
    best
}
