//! Explanations and report figures on hand-made instances.

use super::*;
use crate::allocation::{Denial, Explainer, Mechanism, Refusal, Stats};

/// s1 and s2 both want p1 (one seat), which prefers s2; s1 is left with p2. s3 lists p1, which
/// does not list s3.
fn contested() -> Instance {
    parse(&form(
        &[("s1", &["p1", "p2"]), ("s2", &["p1"]), ("s3", &["p1", "p2"])],
        &[("p1", 1, &["s2", "s1"]), ("p2", 1, &["s1", "s3"])],
    ))
}

#[test]
fn a_student_learns_their_first_choice_was_full_of_students_ranked_above_them() {
    let instance = contested();
    let assignment = Mechanism::StudentProposing.run(&instance);
    let explanation = Explainer::new(&instance, &assignment).explain(0);
    assert_eq!(explanation.student, "s1");
    assert_eq!(explanation.obtained, Some(("p2".into(), 2)));
    let refusal = &explanation.refusals[..];
    assert_eq!(
        refusal,
        &[Refusal {
            place: "p1".into(),
            choice: 1,
            denial: Denial::FullRankedAbove { your_rank: 2, worst_admitted_rank: 1 }
        }]
    );
    assert!(refusal[0].zh().starts_with("你的第 1 志愿已满，且该企业对已录取者的排序均高于你"), "{}", refusal[0].zh());
    assert!(refusal[0].zh().contains("你在其名单中排第 2 位，录取的最后一位排第 1 位"));
    assert!(
        refusal[0].en().starts_with("Your 1st choice is full and every student it admitted is ranked above you by it"),
        "{}",
        refusal[0].en()
    );
    assert!(refusal[0].en().contains("(you are 2nd on its list, the last admitted is 1st)"));
}

#[test]
fn an_unplaced_student_hears_about_every_place_they_listed() {
    let instance = contested();
    let assignment = Mechanism::StudentProposing.run(&instance);
    let explanation = Explainer::new(&instance, &assignment).explain(2);
    assert_eq!(explanation.obtained, None);
    let reasons: Vec<Denial> = explanation.refusals.iter().map(|r| r.denial).collect();
    assert_eq!(reasons, vec![Denial::NotAcceptable, Denial::FullRankedAbove { your_rank: 2, worst_admitted_rank: 1 }]);
    assert_eq!(explanation.refusals[0].zh(), "你的第 1 志愿未将你列入可录取名单");
    assert_eq!(explanation.refusals[0].en(), "Your 1st choice did not list you as acceptable");
    assert!(explanation.refusals[1].en().starts_with("Your 2nd choice is full"));
}

#[test]
fn an_unstable_assignment_is_explained_as_such() {
    let instance = contested();
    // s2 at nothing although p1 prefers s2 to s1 and s2 lists p1; p2 left empty for s3.
    let assignment = Assignment::from_places(&instance, &[Some(0), None, None]).unwrap();
    let explainer = Explainer::new(&instance, &assignment);
    let s2 = explainer.explain(1);
    assert_eq!(s2.refusals[0].denial, Denial::FullRankedBelow { your_rank: 1, worst_admitted_rank: 2 });
    assert!(s2.refusals[0].zh().ends_with("此分配方案不稳定"));
    assert!(s2.refusals[0].en().ends_with("this assignment is not stable"));
    let s3 = explainer.explain(2);
    assert_eq!(s3.refusals[1].denial, Denial::SeatLeft { your_rank: 2 });
    assert_eq!(s3.refusals[1].zh(), "你的第 2 志愿仍有空位且可录取你，但此分配方案未将你分配到该处");
    assert_eq!(
        s3.refusals[1].en(),
        "Your 2nd choice still has a free seat and accepts you, but this assignment did not place you there"
    );
}

#[test]
fn ordinals_read_as_english() {
    let refusal = |choice| Refusal { place: "p".into(), choice, denial: Denial::NotAcceptable }.en();
    for (choice, word) in [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"), (13, "13th")] {
        assert!(refusal(choice).starts_with(&format!("Your {word} choice")));
    }
    for (choice, word) in [(21, "21st"), (22, "22nd"), (103, "103rd"), (111, "111th")] {
        assert!(refusal(choice).starts_with(&format!("Your {word} choice")));
    }
}

#[test]
fn explanations_serialize_with_a_reason_tag() {
    let refusal = Refusal {
        place: "p1".into(),
        choice: 1,
        denial: Denial::FullRankedAbove { your_rank: 5, worst_admitted_rank: 3 },
    };
    assert_eq!(
        serde_json::to_value(&refusal).unwrap(),
        serde_json::json!({"place": "p1", "choice": 1, "reason": "full_ranked_above", "your_rank": 5, "worst_admitted_rank": 3})
    );
}

#[test]
fn stats_count_ranks_seats_and_blocking_pairs() {
    let instance = contested();
    let stable = Stats::of(&instance, &Mechanism::StudentProposing.run(&instance));
    assert_eq!((stable.students, stable.places, stable.seats), (3, 2, 2));
    assert_eq!(
        (stable.matched, stable.unmatched, stable.unfilled_seats, stable.places_with_unfilled_seats),
        (2, 1, 0, 0)
    );
    assert_eq!(stable.rank_distribution, vec![1, 1]);
    assert_eq!((stable.total_rank, stable.mean_rank, stable.blocking_pairs), (3, Some(1.5), 0));

    let unstable = Stats::of(&instance, &Assignment::from_places(&instance, &[Some(0), None, None]).unwrap());
    assert_eq!((unstable.matched, unstable.unfilled_seats, unstable.places_with_unfilled_seats), (1, 1, 1));
    // s2–p1 (p1 prefers s2 to s1) and s3–p2 (a free seat); s1 is at their first choice.
    assert_eq!(unstable.blocking_pairs, 2);

    let nobody = Stats::of(&instance, &Assignment::from_places(&instance, &[None, None, None]).unwrap());
    assert_eq!((nobody.matched, nobody.mean_rank), (0, None));
}

#[test]
fn infeasible_assignments_are_refused() {
    let instance = contested();
    let refused = |places: &[Option<usize>]| Assignment::from_places(&instance, places).unwrap_err().to_string();
    assert_eq!(refused(&[Some(0), Some(0), None]), "place p1 holds 2 students for 1 seats");
    assert_eq!(refused(&[None, None, Some(0)]), "place p1 does not list student s3");
    assert_eq!(refused(&[None, Some(1), None]), "student s2 does not list place p2");
    assert_eq!(refused(&[None]), "expected a place or none for each of the 3 students, got 1");
}
