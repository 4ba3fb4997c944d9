//! The maximum-welfare assignment: as many students placed as possible, and among those
//! assignments, the smallest sum of the ranks students obtain (their own ranks; places' lists
//! only decide which pairs are acceptable).
//!
//! This is a min-cost maximum flow: source → each student (capacity 1) → each place both sides
//! list (capacity 1, cost = the 0-based position of the place in the student's list) → sink
//! (capacity = the place's seats). Every maximum flow places the same number of students, so
//! minimising the 0-based sum minimises the 1-based one. Among several optimal assignments the
//! one returned is fixed by the instance (no randomness, no hashing), but not otherwise chosen.
//!
//! The solver is the primal–dual method: keep potentials that make every residual arc's reduced
//! cost non-negative; in each phase, a Dijkstra from all unplaced students at once gives the
//! length `D` of the shortest augmenting path, the potentials move by `min(distance, D)` so that
//! all shortest paths consist of arcs of reduced cost 0, and depth-first search passes augment
//! along as many of those as they find. Within a pass a student or place that led nowhere is not
//! tried again, so a pass is linear; passes repeat while they place someone, since each
//! augmentation can open new zero-cost paths. Ranks are small integers, so there are few
//! distinct path lengths and few Dijkstras (the first phase places everyone who can have a first
//! choice); what remains costly is the tail, where the last students are placed one long chain
//! of moves at a time (about 2 s for 100,000 students, see docs/benchmarks.md).
//!
//! Residual arcs, for a student `s` and a place `p` they both list:
//! - `s → p` (cost `rank`) while `s` is not at `p`, `p → s` (cost `-rank`) while `s` is at `p`;
//! - `p → sink` while `p` has a free seat. The sink's potential stays 0: it is always the last
//!   vertex settled, at exactly `D`.
//!
//! Arcs back to the source are never useful for a path from the source and are left out; an
//! unplaced student's potential equals the source's (0 − the sum of `D`s), which is what lets
//! them all start the search at distance 0.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::assignment::Assignment;
use super::instance::{Instance, NONE};

const INF: i64 = i64::MAX / 4;

struct Flow<'a> {
    instance: &'a Instance,
    /// Place of each student and position of that place in the student's list, or [`NONE`].
    place: Vec<u32>,
    choice: Vec<u32>,
    /// Each place's admitted students occupy `members[slot_start[p]..slot_start[p] + load[p]]`;
    /// a place never admits more than its seats or its acceptable applicants, whichever is less.
    slot_start: Vec<u32>,
    members: Vec<u32>,
    load: Vec<u32>,
    slot_of: Vec<u32>,
    pot_student: Vec<i64>,
    pot_place: Vec<i64>,
}

pub(crate) fn max_welfare(instance: &Instance) -> Assignment {
    let (n, m) = (instance.students(), instance.places());
    let mut slot_start = Vec::with_capacity(m + 1);
    let mut total = 0u32;
    slot_start.push(0);
    for p in 0..m {
        total += instance.capacity[p].min(instance.place_range(p).len() as u32);
        slot_start.push(total);
    }
    let mut flow = Flow {
        instance,
        place: vec![NONE; n],
        choice: vec![NONE; n],
        slot_start,
        members: vec![0; total as usize],
        load: vec![0; m],
        slot_of: vec![NONE; n],
        pot_student: vec![0; n],
        pot_place: vec![0; m],
    };
    // Students without a single acceptable pair can never be placed; leave them out from the
    // start rather than search from them in every phase.
    let mut free: Vec<u32> =
        (0..n).filter(|&s| instance.student_range(s).any(|i| instance.mutual(i))).map(|s| s as u32).collect();
    let mut search = Search::new(n, m);
    let mut pass = 0u32;
    while !free.is_empty() && search.shortest_paths(&mut flow, &free) {
        // Search passes until one places nobody: an augmentation can open zero-cost paths
        // through vertices an earlier pass gave up on, and a pass costs less than a Dijkstra.
        let mut first = true;
        loop {
            pass += 1;
            let placed = search.augment_all(&mut flow, &free, pass);
            free.retain(|&s| flow.place[s as usize] == NONE);
            if placed == 0 {
                break;
            }
            first = false;
        }
        // Dijkstra found a zero-cost path, so the first pass places someone; never loop on a
        // Dijkstra that would find the same again.
        debug_assert!(!first, "a phase must place someone along the path Dijkstra found");
        if first {
            break;
        }
    }
    Assignment::from_choices(instance, flow.choice)
}

/// Scratch space reused across phases, reset only where it was touched.
struct Search {
    dist_student: Vec<i64>,
    dist_place: Vec<i64>,
    touched: Vec<u32>,
    settled: Vec<(u32, i64)>,
    heap: BinaryHeap<Reverse<(i64, u32)>>,
    /// Per-pass stamps and current-arc pointers of the depth-first search.
    seen_student: Vec<u32>,
    next_student: Vec<u32>,
    stamp_place: Vec<u32>,
    dead_place: Vec<u32>,
    next_place: Vec<u32>,
    stack: Vec<u32>,
}

impl Search {
    fn new(n: usize, m: usize) -> Search {
        Search {
            dist_student: vec![INF; n],
            dist_place: vec![INF; m],
            touched: Vec::new(),
            settled: Vec::new(),
            heap: BinaryHeap::new(),
            seen_student: vec![0; n],
            next_student: vec![0; n],
            stamp_place: vec![0; m],
            dead_place: vec![0; m],
            next_place: vec![0; m],
            stack: Vec::new(),
        }
    }

    /// Dijkstra over reduced costs from every free student; then moves the potentials so that
    /// shortest augmenting paths are exactly the paths of zero reduced cost. Returns false when
    /// no augmenting path is left (the flow is maximum).
    fn shortest_paths(&mut self, flow: &mut Flow, free: &[u32]) -> bool {
        let n = flow.instance.students() as u32;
        let instance = flow.instance;
        for &s in free {
            self.dist_student[s as usize] = 0;
            self.touched.push(s);
            self.heap.push(Reverse((0, s)));
        }
        let mut to_sink = INF;
        while let Some(Reverse((d, v))) = self.heap.pop() {
            // Everything left is at least as far as the sink: settled enough.
            if d >= to_sink {
                break;
            }
            if v < n {
                let s = v as usize;
                if d > self.dist_student[s] {
                    continue;
                }
                self.settled.push((v, d));
                let range = instance.student_range(s);
                for i in range.clone() {
                    let p = instance.student_prefs[i];
                    if !instance.mutual(i) || p == flow.place[s] {
                        continue;
                    }
                    let p = p as usize;
                    let reduced = (i - range.start) as i64 + flow.pot_student[s] - flow.pot_place[p];
                    debug_assert!(reduced >= 0);
                    if d + reduced < self.dist_place[p] {
                        if self.dist_place[p] == INF {
                            self.touched.push(n + p as u32);
                        }
                        self.dist_place[p] = d + reduced;
                        self.heap.push(Reverse((d + reduced, n + p as u32)));
                    }
                }
            } else {
                let p = (v - n) as usize;
                if d > self.dist_place[p] {
                    continue;
                }
                self.settled.push((v, d));
                if flow.load[p] < instance.capacity[p] {
                    debug_assert!(flow.pot_place[p] >= 0);
                    to_sink = to_sink.min(d + flow.pot_place[p]);
                }
                let base = flow.slot_start[p] as usize;
                for &s in &flow.members[base..base + flow.load[p] as usize] {
                    let s = s as usize;
                    let reduced = flow.pot_place[p] - flow.pot_student[s] - i64::from(flow.choice[s]);
                    debug_assert!(reduced >= 0);
                    if d + reduced < self.dist_student[s] {
                        if self.dist_student[s] == INF {
                            self.touched.push(s as u32);
                        }
                        self.dist_student[s] = d + reduced;
                        self.heap.push(Reverse((d + reduced, s as u32)));
                    }
                }
            }
        }
        // Vertices settled closer than the sink move by their distance minus D; all others by
        // nothing, which is the same as moving everything by min(distance, D) and then
        // subtracting D from every potential, the sink's included (so it stays at 0).
        if to_sink < INF {
            for &(v, d) in &self.settled {
                if v < n {
                    flow.pot_student[v as usize] += d - to_sink;
                } else {
                    flow.pot_place[(v - n) as usize] += d - to_sink;
                }
            }
        }
        for &v in &self.touched {
            if v < n {
                self.dist_student[v as usize] = INF;
            } else {
                self.dist_place[(v - n) as usize] = INF;
            }
        }
        self.touched.clear();
        self.settled.clear();
        self.heap.clear();
        to_sink < INF
    }

    /// One pass: augments along zero-reduced-cost paths from each free student in turn, not
    /// revisiting what led nowhere; returns how many students were newly placed. `pass` is a
    /// fresh stamp per pass.
    fn augment_all(&mut self, flow: &mut Flow, free: &[u32], pass: u32) -> usize {
        let instance = flow.instance;
        let mut placed = 0;
        for &start in free {
            self.seen_student[start as usize] = pass;
            self.next_student[start as usize] = 0;
            self.stack.clear();
            self.stack.push(start);
            // The stack alternates student, place, student, place…
            while let Some(&top) = self.stack.last() {
                let top = top as usize;
                if self.stack.len() % 2 == 1 {
                    let range = instance.student_range(top);
                    let mut found = None;
                    while (self.next_student[top] as usize) < range.len() {
                        let i = range.start + self.next_student[top] as usize;
                        let p = instance.student_prefs[i] as usize;
                        let reduced = (i - range.start) as i64 + flow.pot_student[top] - flow.pot_place[p];
                        if instance.mutual(i)
                            && p as u32 != flow.place[top]
                            && self.dead_place[p] != pass
                            && reduced == 0
                        {
                            found = Some(p);
                            break;
                        }
                        self.next_student[top] += 1;
                    }
                    match found {
                        Some(p) => {
                            if self.stamp_place[p] != pass {
                                self.stamp_place[p] = pass;
                                self.next_place[p] = 0;
                            }
                            self.stack.push(p as u32);
                        }
                        None => {
                            self.stack.pop();
                        }
                    }
                } else {
                    let p = top;
                    if flow.load[p] < instance.capacity[p] && flow.pot_place[p] == 0 {
                        self.augment(flow);
                        placed += 1;
                        // The path's students sit at new places and may carry further paths of
                        // the same length (remaining paths tend to share long chains through the
                        // popular places); release them rather than wait for the next pass.
                        for &s in self.stack.iter().step_by(2) {
                            self.seen_student[s as usize] = pass - 1;
                        }
                        break;
                    }
                    let base = flow.slot_start[p] as usize;
                    let mut found = None;
                    while self.next_place[p] < flow.load[p] {
                        let s = flow.members[base + self.next_place[p] as usize] as usize;
                        let reduced = flow.pot_place[p] - flow.pot_student[s] - i64::from(flow.choice[s]);
                        if self.seen_student[s] != pass && reduced == 0 {
                            found = Some(s);
                            break;
                        }
                        self.next_place[p] += 1;
                    }
                    match found {
                        Some(s) => {
                            self.seen_student[s] = pass;
                            self.next_student[s] = 0;
                            self.stack.push(s as u32);
                        }
                        None => {
                            self.dead_place[p] = pass;
                            self.stack.pop();
                        }
                    }
                }
            }
        }
        placed
    }

    /// Applies the path on the stack: each student moves to the place after them, taking the
    /// slot the next student vacates; the last place gains a student in a new slot.
    fn augment(&mut self, flow: &mut Flow) {
        let instance = flow.instance;
        let last = *self.stack.last().expect("a path ends at a place") as usize;
        let mut slot = flow.slot_start[last] + flow.load[last];
        flow.load[last] += 1;
        for pair in self.stack.chunks_exact(2).rev() {
            let (s, p) = (pair[0] as usize, pair[1]);
            let vacated = flow.slot_of[s];
            flow.members[slot as usize] = s as u32;
            flow.slot_of[s] = slot;
            flow.place[s] = p;
            flow.choice[s] = self.next_student[s];
            debug_assert_eq!(instance.student_prefs(s)[flow.choice[s] as usize], p);
            slot = vacated;
        }
    }
}
