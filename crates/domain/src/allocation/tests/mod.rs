//! Tests of allocation: parsing, explanations, and properties of the mechanisms checked against
//! brute force (every feasible assignment of a small instance) and an independent min-cost flow.
//!
//! The helpers here build instances from compact descriptions and random keys, and answer the
//! questions the properties ask the slow, obvious way.

mod explain;
mod oracle;
mod parsing;
mod properties;

use proptest::prelude::*;

use super::{Assignment, Instance, InstanceForm, Limits, PlaceForm, StudentForm};

/// An instance form from `(id, prefs)` students and `(id, capacity, prefs)` places.
pub(super) fn form(students: &[(&str, &[&str])], places: &[(&str, i64, &[&str])]) -> InstanceForm {
    InstanceForm {
        students: students
            .iter()
            .map(|(id, prefs)| StudentForm { id: (*id).into(), prefs: prefs.iter().map(|p| (*p).into()).collect() })
            .collect(),
        places: places
            .iter()
            .map(|(id, capacity, prefs)| PlaceForm {
                id: (*id).into(),
                capacity: Some(*capacity),
                prefs: prefs.iter().map(|s| (*s).into()).collect(),
            })
            .collect(),
    }
}

pub(super) fn parse(form: &InstanceForm) -> Instance {
    Instance::parse(form, Limits { max_student_prefs: 1_000 }).expect("a valid instance")
}

/// The ids of `keys.len()` targets named `prefix0, prefix1…` listed in the order of their
/// keys, ties by index; key 0 leaves the target out.
fn list(prefix: &str, keys: &[u8]) -> Vec<String> {
    let mut listed: Vec<(u8, usize)> = keys.iter().enumerate().filter(|(_, k)| **k > 0).map(|(i, k)| (*k, i)).collect();
    listed.sort_unstable();
    listed.into_iter().map(|(_, i)| format!("{prefix}{i}")).collect()
}

/// Random instances of 1..=`students` students and 1..=`places` places with 1..=`capacity`
/// seats each. Every list is a random subset of the other side in random order, so some pairs
/// are listed by one side only; the keys shrink towards short, equal lists.
pub(super) fn instances(students: usize, places: usize, capacity: i64) -> impl Strategy<Value = InstanceForm> {
    (1..=students, 1..=places)
        .prop_flat_map(move |(n, m)| {
            (
                prop::collection::vec(prop::collection::vec(0u8..5, m), n),
                prop::collection::vec((1..=capacity, prop::collection::vec(0u8..5, n)), m),
            )
        })
        .prop_map(|(student_keys, place_keys)| InstanceForm {
            students: student_keys
                .iter()
                .enumerate()
                .map(|(s, keys)| StudentForm { id: format!("s{s}"), prefs: list("p", keys) })
                .collect(),
            places: place_keys
                .iter()
                .enumerate()
                .map(|(p, (capacity, keys))| PlaceForm {
                    id: format!("p{p}"),
                    capacity: Some(*capacity),
                    prefs: list("s", keys),
                })
                .collect(),
        })
}

/// Each student's place, by index.
pub(super) fn places_of(assignment: &Assignment) -> Vec<Option<usize>> {
    (0..assignment.students()).map(|s| assignment.place_of(s)).collect()
}

/// Each student id with its place id, for comparing across instances that number differently.
pub(super) fn by_id(instance: &Instance, assignment: &Assignment) -> Vec<(String, Option<String>)> {
    let mut pairs: Vec<_> = (0..instance.students())
        .map(|s| (instance.student_id(s).to_string(), assignment.place_of(s).map(|p| instance.place_id(p).to_string())))
        .collect();
    pairs.sort();
    pairs
}

/// How much student `s` likes place `p` (or nothing): their 0-based position in `s`'s list,
/// with "nothing" and unlisted places last.
pub(super) fn student_rank(instance: &Instance, s: usize, place: Option<usize>) -> usize {
    place.and_then(|p| instance.student_rank_of(s, p)).map_or(usize::MAX, |i| i as usize)
}

/// Every feasible assignment: each student at a place both list, or nowhere, within capacities.
pub(super) fn all_assignments(instance: &Instance) -> Vec<Vec<Option<usize>>> {
    fn extend(
        instance: &Instance,
        s: usize,
        current: &mut Vec<Option<usize>>,
        load: &mut Vec<u32>,
        out: &mut Vec<Vec<Option<usize>>>,
    ) {
        if s == instance.students() {
            out.push(current.clone());
            return;
        }
        current.push(None);
        extend(instance, s + 1, current, load, out);
        current.pop();
        for &p in instance.student_prefs(s) {
            let p = p as usize;
            if instance.place_rank_of(p, s).is_some() && load[p] < instance.capacity(p) {
                load[p] += 1;
                current.push(Some(p));
                extend(instance, s + 1, current, load, out);
                current.pop();
                load[p] -= 1;
            }
        }
    }
    let mut out = Vec::new();
    extend(instance, 0, &mut Vec::new(), &mut vec![0; instance.places()], &mut out);
    out
}

/// Blocking pairs counted from the definition, comparing with every admitted student.
pub(super) fn naive_blocking_pairs(instance: &Instance, places: &[Option<usize>]) -> u64 {
    let mut count = 0;
    for s in 0..instance.students() {
        for p in 0..instance.places() {
            let (Some(mine), Some(theirs)) = (instance.student_rank_of(s, p), instance.place_rank_of(p, s)) else {
                continue;
            };
            if (mine as usize) >= student_rank(instance, s, places[s]) {
                continue;
            }
            let admitted: Vec<u32> = (0..instance.students())
                .filter(|&t| places[t] == Some(p))
                .map(|t| instance.place_rank_of(p, t).expect("admitted students are listed"))
                .collect();
            let free_seat = (admitted.len() as u32) < instance.capacity(p);
            if free_seat || admitted.iter().any(|&r| r > theirs) {
                count += 1;
            }
        }
    }
    count
}

/// The stable assignments of an instance, by brute force.
pub(super) fn stable_assignments(instance: &Instance) -> Vec<Vec<Option<usize>>> {
    all_assignments(instance).into_iter().filter(|a| naive_blocking_pairs(instance, a) == 0).collect()
}

/// Every list a student could submit over `places` places: all orderings of all subsets.
pub(super) fn all_lists(places: usize) -> Vec<Vec<usize>> {
    fn extend(places: usize, current: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
        out.push(current.clone());
        for p in 0..places {
            if !current.contains(&p) {
                current.push(p);
                extend(places, current, out);
                current.pop();
            }
        }
    }
    let mut out = Vec::new();
    extend(places, &mut Vec::new(), &mut out);
    out
}
