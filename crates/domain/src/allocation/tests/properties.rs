//! Properties of the mechanisms on random instances: feasibility, stability, optimality against
//! brute force, strategy-proofness, welfare, and determinism.

use proptest::prelude::*;

use super::oracle::max_welfare_value;
use super::*;
use crate::allocation::{Mechanism, Stats, blocking_pairs};

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig { cases, ..ProptestConfig::default() }
}

proptest! {
    #![proptest_config(config(256))]

    /// Every mechanism respects capacities and mutual acceptability, and the efficient blocking
    /// pair count agrees with the definition.
    #[test]
    fn results_are_feasible_and_blocking_pairs_are_counted_right(form in instances(40, 8, 4)) {
        let instance = parse(&form);
        for mechanism in Mechanism::ALL {
            let assignment = mechanism.run(&instance);
            prop_assert_eq!(assignment.check(&instance), Ok(()));
            let places = places_of(&assignment);
            prop_assert_eq!(Assignment::from_places(&instance, &places), Ok(assignment.clone()));
            prop_assert_eq!(blocking_pairs(&instance, &assignment), naive_blocking_pairs(&instance, &places));
        }
    }

    /// Both deferred acceptance results are stable, and every student weakly prefers the
    /// student-proposing one to the place-proposing one.
    #[test]
    fn deferred_acceptance_is_stable_from_either_side(form in instances(40, 8, 4)) {
        let instance = parse(&form);
        let students = Mechanism::StudentProposing.run(&instance);
        let places = Mechanism::EnterpriseProposing.run(&instance);
        prop_assert_eq!(blocking_pairs(&instance, &students), 0);
        prop_assert_eq!(blocking_pairs(&instance, &places), 0);
        for s in 0..instance.students() {
            prop_assert!(
                student_rank(&instance, s, students.place_of(s)) <= student_rank(&instance, s, places.place_of(s))
            );
        }
    }

    /// Maximum welfare places at least as many as either deferred acceptance, with a total rank
    /// no worse when it places as many, and its value matches an independent min-cost flow.
    #[test]
    fn max_welfare_is_optimal_and_dominates_deferred_acceptance(form in instances(30, 6, 3)) {
        let instance = parse(&form);
        let welfare = Stats::of(&instance, &Mechanism::MaxWelfare.run(&instance));
        prop_assert_eq!((welfare.matched, welfare.total_rank), max_welfare_value(&instance));
        for mechanism in [Mechanism::StudentProposing, Mechanism::EnterpriseProposing] {
            let stable = Stats::of(&instance, &mechanism.run(&instance));
            prop_assert!(welfare.matched >= stable.matched);
            if welfare.matched == stable.matched {
                prop_assert!(welfare.total_rank <= stable.total_rank);
            }
        }
    }

    /// The same instance gives the same assignment every time, and the order in which students
    /// appear in the input does not change who gets what under student-proposing deferred
    /// acceptance (nor under place-proposing: both results are unique).
    #[test]
    fn results_are_deterministic_and_independent_of_student_order(
        (form, order) in instances(30, 6, 3).prop_flat_map(|form| {
            let order: Vec<usize> = (0..form.students.len()).collect();
            (Just(form), Just(order).prop_shuffle())
        })
    ) {
        let instance = parse(&form);
        for mechanism in Mechanism::ALL {
            prop_assert_eq!(mechanism.run(&instance), mechanism.run(&parse(&form)));
        }
        let mut shuffled = form.clone();
        shuffled.students = order.iter().map(|&s| form.students[s].clone()).collect();
        let reordered = parse(&shuffled);
        for mechanism in [Mechanism::StudentProposing, Mechanism::EnterpriseProposing] {
            prop_assert_eq!(
                by_id(&instance, &mechanism.run(&instance)),
                by_id(&reordered, &mechanism.run(&reordered))
            );
        }
    }
}

proptest! {
    #![proptest_config(config(200))]

    /// Student-proposing deferred acceptance is the stable assignment every student likes best,
    /// and place-proposing the one every student likes least (which is the best for the places),
    /// among all stable assignments found by brute force.
    #[test]
    fn deferred_acceptance_gives_each_side_its_optimal_stable_assignment(form in instances(5, 3, 2)) {
        let instance = parse(&form);
        let stable = stable_assignments(&instance);
        let best = places_of(&Mechanism::StudentProposing.run(&instance));
        let worst = places_of(&Mechanism::EnterpriseProposing.run(&instance));
        prop_assert!(stable.contains(&best));
        prop_assert!(stable.contains(&worst));
        for other in &stable {
            for s in 0..instance.students() {
                prop_assert!(student_rank(&instance, s, best[s]) <= student_rank(&instance, s, other[s]));
                prop_assert!(student_rank(&instance, s, worst[s]) >= student_rank(&instance, s, other[s]));
            }
        }
    }

    /// Maximum welfare equals the best (most placed, then smallest total rank) of all feasible
    /// assignments found by brute force.
    #[test]
    fn max_welfare_equals_brute_force(form in instances(5, 3, 2)) {
        let instance = parse(&form);
        let best = all_assignments(&instance)
            .into_iter()
            .map(|a| {
                let assignment = Assignment::from_places(&instance, &a).expect("brute force is feasible");
                let stats = Stats::of(&instance, &assignment);
                (stats.matched, std::cmp::Reverse(stats.total_rank))
            })
            .max()
            .expect("the empty assignment is feasible");
        let stats = Stats::of(&instance, &Mechanism::MaxWelfare.run(&instance));
        prop_assert_eq!((stats.matched, stats.total_rank), (best.0, best.1.0));
    }

    /// No student gets a place they truly prefer by submitting any other list: every ordering of
    /// every subset of the places is tried.
    #[test]
    fn no_student_gains_by_misreporting(form in instances(5, 3, 2)) {
        let instance = parse(&form);
        let truthful = Mechanism::StudentProposing.run(&instance);
        let lists = all_lists(instance.places());
        for s in 0..instance.students() {
            let honest = student_rank(&instance, s, truthful.place_of(s));
            for list in &lists {
                let mut lie = form.clone();
                lie.students[s].prefs = list.iter().map(|&p| instance.place_id(p).to_string()).collect();
                let outcome = Mechanism::StudentProposing.run(&parse(&lie));
                // Judged by the student's true list; place indices are the same in both.
                let got = student_rank(&instance, s, outcome.place_of(s));
                prop_assert!(got >= honest, "student {s} gains with {list:?}: {got} < {honest}");
            }
        }
    }
}
