//! The allocation instance: who ranks whom, parsed once from its JSON form into dense tables.
//!
//! Ids are strings at the edge ([`InstanceForm`]) and dense `u32` indices inside ([`Instance`]),
//! in input order. Parsing checks everything the mechanisms rely on (unique ids, known ids, no
//! repeats in a list, capacities of at least one, the length of students' lists) and collects
//! every problem rather than stopping at the first, so a whole file can be fixed in one pass.
//!
//! Besides both sides' lists, the instance keeps two cross tables that make the mechanisms fast
//! without a dense students × places matrix (5,000 × 100,000 would be 2 GB of ranks):
//! - aligned with each student's list, the rank the listed place gives that student;
//! - aligned with each place's list, the position of that place in the listed student's list.
//!
//! Either is [`NONE`] when the other side does not list the pair: a pair is acceptable only when
//! both sides list each other.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;

use serde::{Deserialize, Serialize};

/// "No entry" in the dense tables: a pair one side does not list, a student without a place.
pub(crate) const NONE: u32 = u32::MAX;

/// The JSON form of an instance, as the CLI reads it and a round will export it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstanceForm {
    pub students: Vec<StudentForm>,
    pub places: Vec<PlaceForm>,
}

/// A student and the places they would accept, most preferred first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudentForm {
    pub id: String,
    pub prefs: Vec<String>,
}

/// A place (an enterprise's apprenticeship intake, an order class, a training base) with its
/// number of seats and the students it would accept, most preferred first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlaceForm {
    pub id: String,
    /// Optional here so that a missing capacity gets its own message instead of serde's generic
    /// one; parsing rejects `None`.
    #[serde(default)]
    pub capacity: Option<i64>,
    pub prefs: Vec<String>,
}

/// Limits that depend on who submits the instance rather than on the mechanisms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The longest list a student may submit. Places' lists are not limited: a place ranks
    /// every student who applies to it.
    pub max_student_prefs: usize,
}

impl Limits {
    /// The platform's rule for rounds: a student lists at most 20 places. The CLI uses it by
    /// default and lets batch users raise it (`--max-prefs`).
    pub const PLATFORM: Limits = Limits { max_student_prefs: 20 };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::PLATFORM
    }
}

/// Why part of an instance was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    EmptyId,
    /// The id was already used by the entry at index `first` of the same array.
    DuplicateId {
        id: String,
        first: usize,
    },
    UnknownPlace(String),
    UnknownStudent(String),
    /// The id already appears at index `first` of the same list.
    Repeated {
        id: String,
        first: usize,
    },
    MissingCapacity,
    CapacityOutOfRange {
        found: i64,
    },
    TooManyPrefs {
        len: usize,
        max: usize,
    },
    /// More entries than the dense `u32` tables can index (about four billion).
    TooLarge,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::EmptyId => f.write_str("id must not be empty"),
            Reason::DuplicateId { id, first } => write!(f, "duplicate id {id:?} (first used at index {first})"),
            Reason::UnknownPlace(id) => write!(f, "unknown place {id:?}"),
            Reason::UnknownStudent(id) => write!(f, "unknown student {id:?}"),
            Reason::Repeated { id, first } => write!(f, "{id:?} is listed twice (first at prefs[{first}])"),
            Reason::MissingCapacity => f.write_str("capacity is required"),
            Reason::CapacityOutOfRange { found } => {
                write!(f, "capacity must be between 1 and {}, found {found}", u32::MAX - 1)
            }
            Reason::TooManyPrefs { len, max } => write!(f, "lists {len} places, at most {max} are allowed"),
            Reason::TooLarge => f.write_str("too many entries for one instance"),
        }
    }
}

/// One problem of an instance: where (a JSON path such as `students[2].prefs[1]`), whose (the
/// student's or place's id, when it has one) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: String,
    pub owner: Option<String>,
    pub reason: Reason,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.owner {
            Some(owner) if !owner.is_empty() => write!(f, "{} ({owner:?}): {}", self.field, self.reason),
            _ => write!(f, "{}: {}", self.field, self.reason),
        }
    }
}

/// Every problem found in an instance: ids first, then capacities, students' lists and places'
/// lists, each in input order. Never empty.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid instance: {}", summary(.problems))]
pub struct InvalidInstance {
    pub problems: Vec<Problem>,
}

fn summary(problems: &[Problem]) -> String {
    const SHOWN: usize = 5;
    let mut text = problems.iter().take(SHOWN).map(ToString::to_string).collect::<Vec<_>>().join("; ");
    if problems.len() > SHOWN {
        text.push_str(&format!("; and {} more", problems.len() - SHOWN));
    }
    text
}

/// A valid instance. Students and places are numbered in input order; a student's list is a
/// slice of place indices, most preferred first, and a place's list a slice of student indices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instance {
    pub(crate) student_ids: Vec<String>,
    pub(crate) place_ids: Vec<String>,
    pub(crate) capacity: Vec<u32>,
    /// Student `s`'s list is `student_prefs[student_start[s]..student_start[s + 1]]`.
    pub(crate) student_start: Vec<u32>,
    pub(crate) student_prefs: Vec<u32>,
    /// Aligned with `student_prefs`: the 0-based rank the place gives the student, or [`NONE`].
    pub(crate) rank_by_place: Vec<u32>,
    /// Place `p`'s list is `place_prefs[place_start[p]..place_start[p + 1]]`.
    pub(crate) place_start: Vec<u32>,
    pub(crate) place_prefs: Vec<u32>,
    /// Aligned with `place_prefs`: the 0-based position of the place in the student's list, or
    /// [`NONE`].
    pub(crate) rank_by_student: Vec<u32>,
}

impl Instance {
    /// Parses a form under `limits`, reporting every problem found.
    pub fn parse(form: &InstanceForm, limits: Limits) -> Result<Instance, InvalidInstance> {
        let mut problems = Vec::new();
        let too_large = |len: usize| len >= NONE as usize;
        if too_large(form.students.len()) || too_large(form.places.len()) {
            let field = if too_large(form.students.len()) { "students" } else { "places" };
            return Err(InvalidInstance {
                problems: vec![Problem { field: field.into(), owner: None, reason: Reason::TooLarge }],
            });
        }
        let students = index_ids("students", form.students.iter().map(|s| s.id.as_str()), &mut problems);
        let places = index_ids("places", form.places.iter().map(|p| p.id.as_str()), &mut problems);

        let mut capacity = Vec::with_capacity(form.places.len());
        for (p, place) in form.places.iter().enumerate() {
            let reason = match place.capacity {
                None => Some(Reason::MissingCapacity),
                Some(c) if c < 1 || c >= i64::from(NONE) => Some(Reason::CapacityOutOfRange { found: c }),
                Some(_) => None,
            };
            if let Some(reason) = reason {
                problems.push(Problem {
                    field: format!("places[{p}].capacity"),
                    owner: Some(place.id.clone()),
                    reason,
                });
            }
            capacity.push(place.capacity.map_or(0, |c| c.clamp(0, i64::from(NONE - 1)) as u32));
        }

        // Both sides' lists resolve the same way: look each id up among the other side's, and
        // catch repeats with a per-target "last seen in list number" stamp instead of a set
        // per list.
        let student_lists = form.students.iter().map(|s| (s.id.as_str(), s.prefs.as_slice()));
        let (student_start, student_prefs) = resolve_lists(
            "students",
            student_lists,
            &places,
            form.places.len(),
            Some(limits.max_student_prefs),
            Reason::UnknownPlace,
            &mut problems,
        );
        let place_lists = form.places.iter().map(|p| (p.id.as_str(), p.prefs.as_slice()));
        let (place_start, place_prefs) = resolve_lists(
            "places",
            place_lists,
            &students,
            form.students.len(),
            None,
            Reason::UnknownStudent,
            &mut problems,
        );
        if !problems.is_empty() {
            return Err(InvalidInstance { problems });
        }

        let mut instance = Instance {
            student_ids: form.students.iter().map(|s| s.id.clone()).collect(),
            place_ids: form.places.iter().map(|p| p.id.clone()).collect(),
            capacity,
            rank_by_place: vec![NONE; student_prefs.len()],
            rank_by_student: vec![NONE; place_prefs.len()],
            student_start,
            student_prefs,
            place_start,
            place_prefs,
        };
        instance.cross_ranks();
        Ok(instance)
    }

    /// Fills both cross tables in time linear in the number of listed pairs: the places' lists
    /// are regrouped by student (a counting sort), then each student's list is marked in a
    /// scratch array indexed by place, so every regrouped entry finds its position in O(1).
    fn cross_ranks(&mut self) {
        let (n, m) = (self.students(), self.places());
        let mut by_student_start = vec![0u32; n + 1];
        for &s in &self.place_prefs {
            by_student_start[s as usize + 1] += 1;
        }
        for s in 0..n {
            by_student_start[s + 1] += by_student_start[s];
        }
        let mut fill = by_student_start.clone();
        // Each regrouped entry is the index of the place-list entry; the place is found from it.
        let mut entries = vec![0u32; self.place_prefs.len()];
        let mut owner = vec![0u32; self.place_prefs.len()];
        for p in 0..m {
            for e in self.place_range(p) {
                let s = self.place_prefs[e] as usize;
                entries[fill[s] as usize] = e as u32;
                fill[s] += 1;
                owner[e] = p as u32;
            }
        }
        let mut position = vec![NONE; m];
        for s in 0..n {
            let range = self.student_range(s);
            for (i, &p) in self.student_prefs[range.clone()].iter().enumerate() {
                position[p as usize] = i as u32;
            }
            for &e in &entries[by_student_start[s] as usize..by_student_start[s + 1] as usize] {
                let p = owner[e as usize] as usize;
                let i = position[p];
                if i != NONE {
                    let rank = e - self.place_start[p];
                    self.rank_by_place[range.start + i as usize] = rank;
                    self.rank_by_student[e as usize] = i;
                }
            }
            for &p in &self.student_prefs[range] {
                position[p as usize] = NONE;
            }
        }
    }

    pub fn students(&self) -> usize {
        self.student_ids.len()
    }

    pub fn places(&self) -> usize {
        self.place_ids.len()
    }

    pub fn student_id(&self, s: usize) -> &str {
        &self.student_ids[s]
    }

    pub fn place_id(&self, p: usize) -> &str {
        &self.place_ids[p]
    }

    pub fn capacity(&self, p: usize) -> u32 {
        self.capacity[p]
    }

    /// The places student `s` listed, most preferred first.
    pub fn student_prefs(&self, s: usize) -> &[u32] {
        &self.student_prefs[self.student_range(s)]
    }

    /// The students place `p` listed, most preferred first.
    pub fn place_prefs(&self, p: usize) -> &[u32] {
        &self.place_prefs[self.place_range(p)]
    }

    /// The 0-based rank place `p` gives student `s`, if it lists them. Linear in `p`'s list;
    /// the mechanisms use the cross tables instead.
    pub fn place_rank_of(&self, p: usize, s: usize) -> Option<u32> {
        self.place_prefs(p).iter().position(|&x| x as usize == s).map(|r| r as u32)
    }

    /// The 0-based position of place `p` in student `s`'s list, if listed.
    pub fn student_rank_of(&self, s: usize, p: usize) -> Option<u32> {
        self.student_prefs(s).iter().position(|&x| x as usize == p).map(|r| r as u32)
    }

    /// The longest student list, which is the number of ranks a report distinguishes.
    pub fn longest_student_list(&self) -> usize {
        (0..self.students()).map(|s| self.student_range(s).len()).max().unwrap_or(0)
    }

    pub(crate) fn student_range(&self, s: usize) -> Range<usize> {
        self.student_start[s] as usize..self.student_start[s + 1] as usize
    }

    pub(crate) fn place_range(&self, p: usize) -> Range<usize> {
        self.place_start[p] as usize..self.place_start[p + 1] as usize
    }

    /// Whether the pair at position `i` of the flat student lists is listed by its place too.
    pub(crate) fn mutual(&self, i: usize) -> bool {
        self.rank_by_place[i] != NONE
    }
}

/// Maps ids to their input index, recording empty and duplicate ids. The map serves lookups
/// only; nothing iterates it, so its order cannot leak into results.
fn index_ids<'a>(
    array: &str,
    ids: impl Iterator<Item = &'a str>,
    problems: &mut Vec<Problem>,
) -> HashMap<&'a str, u32> {
    let mut map = HashMap::with_capacity(ids.size_hint().0);
    for (i, id) in ids.enumerate() {
        if id.is_empty() {
            problems.push(Problem { field: format!("{array}[{i}].id"), owner: None, reason: Reason::EmptyId });
            continue;
        }
        if let Some(&first) = map.get(id) {
            problems.push(Problem {
                field: format!("{array}[{i}].id"),
                owner: Some(id.to_string()),
                reason: Reason::DuplicateId { id: id.to_string(), first: first as usize },
            });
        } else {
            map.insert(id, i as u32);
        }
    }
    map
}

/// Resolves one side's lists against the other side's ids into a flat list with offsets.
fn resolve_lists<'a>(
    array: &str,
    lists: impl Iterator<Item = (&'a str, &'a [String])>,
    targets: &HashMap<&str, u32>,
    target_count: usize,
    max_len: Option<usize>,
    unknown: fn(String) -> Reason,
    problems: &mut Vec<Problem>,
) -> (Vec<u32>, Vec<u32>) {
    let mut start = vec![0u32];
    let mut flat = Vec::new();
    // last_seen[t] = (list number + 1, position) of target t's latest mention.
    let mut last_seen = vec![(0u32, 0u32); target_count];
    for (k, (owner, prefs)) in lists.enumerate() {
        let problem = |field: String, reason: Reason| Problem { field, owner: Some(owner.to_string()), reason };
        if let Some(max) = max_len.filter(|&max| prefs.len() > max) {
            problems.push(problem(format!("{array}[{k}].prefs"), Reason::TooManyPrefs { len: prefs.len(), max }));
        } else if flat.len() + prefs.len() >= NONE as usize {
            problems.push(problem(format!("{array}[{k}].prefs"), Reason::TooLarge));
        } else {
            for (i, id) in prefs.iter().enumerate() {
                let field = || format!("{array}[{k}].prefs[{i}]");
                let Some(&t) = targets.get(id.as_str()) else {
                    problems.push(problem(field(), unknown(id.clone())));
                    continue;
                };
                let seen = &mut last_seen[t as usize];
                if seen.0 == k as u32 + 1 {
                    problems.push(problem(field(), Reason::Repeated { id: id.clone(), first: seen.1 as usize }));
                    continue;
                }
                *seen = (k as u32 + 1, i as u32);
                flat.push(t);
            }
        }
        start.push(flat.len() as u32);
    }
    (start, flat)
}
