//! Deferred acceptance (Gale–Shapley) with capacities, proposed from either side.
//!
//! Both run in time linear in the number of listed pairs: every student (or place) walks its
//! list at most once, and each step is O(1) thanks to the instance's cross tables. The order in
//! which free proposers are taken does not change the result (each side's optimal stable
//! matching is unique); a stack keeps it simple and deterministic anyway.

use super::assignment::Assignment;
use super::instance::{Instance, NONE};

/// Students propose down their lists; a place keeps the best applicants up to its capacity.
/// The result is stable, the best stable matching for every student, and no student can gain
/// by listing places in another order (Dubins–Freedman, Roth 1982).
///
/// A place's tentative intake is a flag per entry of its list plus the worst rank it holds.
/// While the place has a free seat the worst rank can only grow; once full, a new applicant is
/// taken only if ranked above the worst, the worst is dropped, and the next worst is found by
/// scanning the flags upwards. Since a full place's worst rank only ever improves, those scans
/// add up to the length of its list: no heap needed.
pub(crate) fn student_proposing(instance: &Instance) -> Assignment {
    let (n, m) = (instance.students(), instance.places());
    let mut held = vec![false; instance.place_prefs.len()];
    let mut load = vec![0u32; m];
    let mut worst = vec![NONE; m];
    // The next position each student will propose to, relative to their list, and the
    // position they are held at.
    let mut next = vec![0u32; n];
    let mut choice = vec![NONE; n];
    let mut free: Vec<u32> = (0..n as u32).rev().collect();
    while let Some(s) = free.pop() {
        let s = s as usize;
        let range = instance.student_range(s);
        let mut i = range.start + next[s] as usize;
        while i < range.end {
            let (p, rank) = (instance.student_prefs[i] as usize, instance.rank_by_place[i]);
            i += 1;
            if rank == NONE {
                continue;
            }
            let base = instance.place_start[p] as usize;
            if load[p] < instance.capacity[p] {
                held[base + rank as usize] = true;
                load[p] += 1;
                if worst[p] == NONE || rank > worst[p] {
                    worst[p] = rank;
                }
            } else if rank < worst[p] {
                held[base + rank as usize] = true;
                let dropped = worst[p] as usize;
                held[base + dropped] = false;
                let mut w = dropped - 1;
                while !held[base + w] {
                    w -= 1;
                }
                worst[p] = w as u32;
                let loser = instance.place_prefs[base + dropped];
                choice[loser as usize] = NONE;
                free.push(loser);
            } else {
                continue;
            }
            choice[s] = (i - 1 - range.start) as u32;
            break;
        }
        next[s] = (i - range.start) as u32;
    }
    Assignment::from_choices(instance, choice)
}

/// Places propose down their lists to fill their free seats; a student keeps the best offer.
/// The result is stable and the best stable matching for every place (and so the worst for
/// every student).
pub(crate) fn place_proposing(instance: &Instance) -> Assignment {
    let (n, m) = (instance.students(), instance.places());
    let mut next = vec![0u32; m];
    let mut holding = vec![0u32; m];
    let mut queued = vec![true; m];
    let mut queue: Vec<u32> = (0..m as u32).rev().collect();
    // The position, in the student's own list, of the offer they hold.
    let mut choice = vec![NONE; n];
    while let Some(p) = queue.pop() {
        let p = p as usize;
        queued[p] = false;
        let range = instance.place_range(p);
        while holding[p] < instance.capacity[p] && (next[p] as usize) < range.len() {
            let e = range.start + next[p] as usize;
            next[p] += 1;
            let position = instance.rank_by_student[e];
            let s = instance.place_prefs[e] as usize;
            if position == NONE || position >= choice[s] {
                continue;
            }
            if choice[s] != NONE {
                let q = instance.student_prefs[instance.student_range(s).start + choice[s] as usize] as usize;
                holding[q] -= 1;
                if !queued[q] {
                    queued[q] = true;
                    queue.push(q as u32);
                }
            }
            choice[s] = position;
            holding[p] += 1;
        }
    }
    Assignment::from_choices(instance, choice)
}
