//! An assignment of students to places, and each place's intake under it.
//!
//! An [`Assignment`] is always feasible for its instance: every student holds at most one place,
//! which both sides list, and no place holds more students than its capacity. The mechanisms
//! build it directly; anything else (a hand-made assignment, a brute-force search in tests) goes
//! through [`Assignment::from_places`], which checks.

use super::instance::{Instance, NONE};

/// Who got which place. Indices are the instance's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    /// The place of each student, or [`NONE`].
    place: Vec<u32>,
    /// The 0-based position of that place in the student's own list, or [`NONE`]; kept beside
    /// the place because every report needs it and finding it is a scan of the list.
    choice: Vec<u32>,
}

/// Why a proposed assignment is not feasible.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Infeasible {
    #[error("expected a place or none for each of the {expected} students, got {found}")]
    WrongLength { expected: usize, found: usize },
    #[error("student {student} does not list place {place}")]
    NotListedByStudent { student: String, place: String },
    #[error("place {place} does not list student {student}")]
    NotListedByPlace { student: String, place: String },
    #[error("place {place} holds {load} students for {capacity} seats")]
    OverCapacity { place: String, load: u64, capacity: u32 },
    #[error("place index {0} is out of range")]
    UnknownPlace(usize),
}

impl Assignment {
    /// Builds an assignment from each student's position in their own list; the mechanisms
    /// only ever produce feasible ones.
    pub(crate) fn from_choices(instance: &Instance, choice: Vec<u32>) -> Assignment {
        let place = choice
            .iter()
            .enumerate()
            .map(|(s, &i)| if i == NONE { NONE } else { instance.student_prefs(s)[i as usize] })
            .collect();
        let assignment = Assignment { place, choice };
        debug_assert_eq!(assignment.check(instance), Ok(()));
        assignment
    }

    /// Checks and wraps each student's place (by index).
    pub fn from_places(instance: &Instance, places: &[Option<usize>]) -> Result<Assignment, Infeasible> {
        if places.len() != instance.students() {
            return Err(Infeasible::WrongLength { expected: instance.students(), found: places.len() });
        }
        let mut choice = Vec::with_capacity(places.len());
        for (s, &place) in places.iter().enumerate() {
            let Some(p) = place else {
                choice.push(NONE);
                continue;
            };
            if p >= instance.places() {
                return Err(Infeasible::UnknownPlace(p));
            }
            let i = instance.student_rank_of(s, p).ok_or_else(|| Infeasible::NotListedByStudent {
                student: instance.student_id(s).into(),
                place: instance.place_id(p).into(),
            })?;
            choice.push(i);
        }
        let place = places.iter().map(|p| p.map_or(NONE, |p| p as u32)).collect();
        let assignment = Assignment { place, choice };
        assignment.check(instance)?;
        Ok(assignment)
    }

    /// Verifies feasibility: mutual acceptability and capacities.
    pub fn check(&self, instance: &Instance) -> Result<(), Infeasible> {
        if self.place.len() != instance.students() {
            return Err(Infeasible::WrongLength { expected: instance.students(), found: self.place.len() });
        }
        let mut load = vec![0u64; instance.places()];
        for s in 0..instance.students() {
            let Some(p) = self.place_of(s) else { continue };
            let i = instance.student_range(s).start + self.choice[s] as usize;
            if !instance.mutual(i) {
                return Err(Infeasible::NotListedByPlace {
                    student: instance.student_id(s).into(),
                    place: instance.place_id(p).into(),
                });
            }
            load[p] += 1;
        }
        for (p, &load) in load.iter().enumerate() {
            if load > u64::from(instance.capacity(p)) {
                let place = instance.place_id(p).into();
                return Err(Infeasible::OverCapacity { place, load, capacity: instance.capacity(p) });
            }
        }
        Ok(())
    }

    pub fn students(&self) -> usize {
        self.place.len()
    }

    /// The place of student `s`, if any.
    pub fn place_of(&self, s: usize) -> Option<usize> {
        (self.place[s] != NONE).then_some(self.place[s] as usize)
    }

    /// The 0-based position of student `s`'s place in their own list (0 = first choice).
    pub fn choice_of(&self, s: usize) -> Option<u32> {
        (self.choice[s] != NONE).then_some(self.choice[s])
    }
}

/// Each place's intake under an assignment: how many it admitted and the worst rank (by its own
/// list) among them. The worst admitted rank is all that stability and explanations need to
/// know about a full place: a student it ranks better would have been preferred.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intake {
    load: Vec<u32>,
    /// 0-based, [`NONE`] while nobody is admitted.
    worst: Vec<u32>,
}

impl Intake {
    /// Linear in the number of students: each placed student's rank at their place comes from
    /// the cross table beside their own list.
    pub fn of(instance: &Instance, assignment: &Assignment) -> Intake {
        let mut load = vec![0u32; instance.places()];
        let mut worst = vec![NONE; instance.places()];
        for s in 0..instance.students() {
            let (Some(p), Some(i)) = (assignment.place_of(s), assignment.choice_of(s)) else { continue };
            let rank = instance.rank_by_place[instance.student_range(s).start + i as usize];
            load[p] += 1;
            if worst[p] == NONE || rank > worst[p] {
                worst[p] = rank;
            }
        }
        Intake { load, worst }
    }

    pub fn load(&self, p: usize) -> u32 {
        self.load[p]
    }

    /// The 0-based rank of the last student place `p` admitted, by its own list.
    pub fn worst_rank(&self, p: usize) -> Option<u32> {
        (self.worst[p] != NONE).then_some(self.worst[p])
    }

    /// Whether place `p` would rather have a student it ranks `rank` (0-based) than one of
    /// those it admitted, or take them on a free seat.
    pub fn would_take(&self, instance: &Instance, p: usize, rank: u32) -> bool {
        self.load[p] < instance.capacity(p) || rank < self.worst[p]
    }
}
