//! Outcome totals, spreads and 对口 on hand-made fixtures, empty inputs included.

use crate::brokering::ProjectType;
use crate::statistics::effectiveness::{
    OutcomeTotals, PostingCodes, ProjectOutcome, Relevance, Spread, places_students, quantile, relevant,
};

fn outcome(
    project_type: ProjectType,
    placed: u32,
    hired: Option<u32>,
    kept: (Option<u32>, Option<u32>),
) -> ProjectOutcome {
    ProjectOutcome {
        project_type: Some(project_type),
        placed: Some(placed),
        hired,
        retained_6m: kept.0,
        retained_12m: kept.1,
        ..ProjectOutcome::default()
    }
}

#[test]
fn no_completed_project_is_no_data_not_zero() {
    let totals = OutcomeTotals::of(&[]);
    assert_eq!(totals.projects, 0);
    assert_eq!((totals.placed, totals.hired, totals.retention_6m, totals.practice_hours), (None, None, None, None));
}

#[test]
fn a_project_that_placed_nobody_is_zero_not_no_data() {
    let totals = OutcomeTotals::of(&[outcome(ProjectType::JobPlacement, 0, Some(0), (None, None))]);
    assert_eq!((totals.placed, totals.hired), (Some(0), Some(0)));
    assert_eq!(totals.retention_6m, None, "nobody hired: no retention rate");
}

#[test]
fn placements_count_students_only_and_practice_hours_count_teacher_practice_only() {
    let mut teachers = outcome(ProjectType::TeacherPractice, 3, None, (None, None));
    teachers.practice_hours = Some(120);
    let mut technicians = outcome(ProjectType::TechnicianTeaching, 2, None, (None, None));
    technicians.practice_hours = Some(40);
    let totals = OutcomeTotals::of(&[
        outcome(ProjectType::ApprenticeshipCohort, 10, Some(8), (None, None)),
        outcome(ProjectType::JobPlacement, 5, Some(5), (None, None)),
        teachers,
        technicians,
    ]);
    assert_eq!(totals.projects, 4);
    assert_eq!(totals.placed, Some(15));
    assert_eq!(totals.hired, Some(13));
    assert_eq!(totals.practice_hours, Some(120));
    assert_eq!(totals.teachers, Some(3));
    assert!(places_students(ProjectType::OrderClass) && !places_students(ProjectType::EmployeeTraining));
}

#[test]
fn retention_counts_only_projects_that_reported_it() {
    let totals = OutcomeTotals::of(&[
        outcome(ProjectType::JobPlacement, 10, Some(10), (Some(8), Some(6))),
        // Hired 10, retention not reported yet: left out of both rates.
        outcome(ProjectType::JobPlacement, 10, Some(10), (None, None)),
        outcome(ProjectType::JobPlacement, 5, Some(5), (Some(4), None)),
    ]);
    assert_eq!(totals.retention_6m, Some(12.0 / 15.0));
    assert_eq!(totals.retention_12m, Some(0.6));
}

#[test]
fn quantiles_interpolate_between_closest_ranks() {
    assert_eq!(quantile(&[], 0.5), None);
    assert_eq!(quantile(&[7.0], 0.25), Some(7.0));
    assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0], 0.25), Some(1.75));
    assert_eq!(quantile(&[4.0, 1.0, 3.0, 2.0], 0.75), Some(3.25));
    assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0, 5.0], 0.5), Some(3.0));
}

#[test]
fn a_spread_hides_its_quartiles_below_the_smallest_cell() {
    let two = Spread::of(&[Some(0.5), Some(1.0), None, None], 3);
    assert_eq!((two.organizations, two.with_data), (4, 2));
    assert_eq!((two.q1, two.median, two.q3, two.mean), (None, None, None, None));
    let three = Spread::of(&[Some(0.5), Some(1.0), Some(0.0), None], 3);
    assert_eq!(three.with_data, 3);
    assert_eq!((three.q1, three.median, three.q3), (Some(0.25), Some(0.5), Some(0.75)));
    assert_eq!(three.mean, Some(0.5));
    let none = Spread::of(&[], 3);
    assert_eq!((none.organizations, none.median), (0, None));
}

fn codes(programs: &[(&str, &str)], occupations: &[&str]) -> PostingCodes {
    PostingCodes {
        programs: programs.iter().map(|(p, c)| (p.to_string(), c.to_string())).collect(),
        occupations: occupations.iter().map(|o| o.to_string()).collect(),
    }
}

#[test]
fn a_placement_is_relevant_by_program_class_or_crosswalked_occupation() {
    let school = codes(&[("460103", "4601")], &[]);
    let never = |_: &str, _: &str| false;
    assert_eq!(relevant(&school, &codes(&[("460103", "4601")], &[]), never), Some(true), "same program");
    assert_eq!(relevant(&school, &codes(&[("460104", "4601")], &[]), never), Some(true), "same class");
    assert_eq!(relevant(&school, &codes(&[("530701", "5307")], &[]), never), Some(false), "another class");
    let crosswalk = |p: &str, o: &str| p == "460103" && o == "6-18-01-01";
    assert_eq!(relevant(&school, &codes(&[], &["6-18-01-01"]), crosswalk), Some(true), "crosswalked occupation");
    assert_eq!(relevant(&school, &codes(&[], &["4-01-01-01"]), crosswalk), Some(false));
    assert_eq!(relevant(&school, &codes(&[], &[]), crosswalk), None, "no codes: cannot judge");
}

#[test]
fn the_relevance_rate_is_over_judged_placements_only() {
    assert_eq!(Relevance::of(&[]).rate, None);
    let relevance = Relevance::of(&[(6, Some(true)), (2, Some(false)), (5, None)]);
    assert_eq!((relevance.relevant, relevance.judged, relevance.unjudged), (6, 8, 5));
    assert_eq!(relevance.rate, Some(0.75));
    assert_eq!(Relevance::of(&[(3, None)]).rate, None);
}
