//! What a round report says about an assignment: how many were placed, at which of their
//! choices, how many seats stay empty, and how many blocking pairs (the stability certificate).

use serde::{Deserialize, Serialize};

use super::assignment::{Assignment, Intake};
use super::instance::Instance;

/// The figures of one assignment. Ranks are 1-based here, as users count choices. Stored with
/// a round's report and read back from it, hence `Deserialize`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Stats {
    pub students: u64,
    pub places: u64,
    pub seats: u64,
    pub matched: u64,
    pub unmatched: u64,
    /// Seats left empty, summed over places (a place with more seats than acceptable applicants
    /// always leaves some).
    pub unfilled_seats: u64,
    /// Places with at least one empty seat.
    pub places_with_unfilled_seats: u64,
    /// `rank_distribution[k - 1]` students got their k-th choice; as long as the longest list.
    pub rank_distribution: Vec<u64>,
    /// The sum of the matched students' ranks (1 for a first choice).
    pub total_rank: u64,
    /// `total_rank / matched`, absent when nobody is matched.
    pub mean_rank: Option<f64>,
    /// Acceptable pairs that would both rather have each other; 0 certifies stability.
    pub blocking_pairs: u64,
}

impl Stats {
    pub fn of(instance: &Instance, assignment: &Assignment) -> Stats {
        let intake = Intake::of(instance, assignment);
        let mut rank_distribution = vec![0u64; instance.longest_student_list()];
        let (mut matched, mut total_rank) = (0u64, 0u64);
        for s in 0..instance.students() {
            if let Some(i) = assignment.choice_of(s) {
                rank_distribution[i as usize] += 1;
                matched += 1;
                total_rank += u64::from(i) + 1;
            }
        }
        let (mut seats, mut unfilled_seats, mut places_with_unfilled_seats) = (0u64, 0u64, 0u64);
        for p in 0..instance.places() {
            let capacity = u64::from(instance.capacity(p));
            let empty = capacity - u64::from(intake.load(p));
            seats += capacity;
            unfilled_seats += empty;
            places_with_unfilled_seats += u64::from(empty > 0);
        }
        Stats {
            students: instance.students() as u64,
            places: instance.places() as u64,
            seats,
            matched,
            unmatched: instance.students() as u64 - matched,
            unfilled_seats,
            places_with_unfilled_seats,
            rank_distribution,
            total_rank,
            mean_rank: (matched > 0).then(|| total_rank as f64 / matched as f64),
            blocking_pairs: count_blocking(instance, assignment, &intake),
        }
    }
}

/// The number of blocking pairs: a student and a place that list each other, where the student
/// prefers the place to what they got (or to nothing) and the place has a free seat or admitted
/// someone it ranks below the student.
///
/// O(total listed pairs): one pass to find each place's worst admitted rank, then one pass over
/// each student's list down to their own place, comparing with that rank.
pub fn blocking_pairs(instance: &Instance, assignment: &Assignment) -> u64 {
    count_blocking(instance, assignment, &Intake::of(instance, assignment))
}

fn count_blocking(instance: &Instance, assignment: &Assignment, intake: &Intake) -> u64 {
    let mut count = 0;
    for s in 0..instance.students() {
        let range = instance.student_range(s);
        let better = assignment.choice_of(s).map_or(range.len(), |i| i as usize);
        for i in range.start..range.start + better {
            if instance.mutual(i) {
                let p = instance.student_prefs[i] as usize;
                count += u64::from(intake.would_take(instance, p, instance.rank_by_place[i]));
            }
        }
    }
    count
}
