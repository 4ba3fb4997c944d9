//! Parsing: every problem is named by its JSON path, its owner's id and a specific reason.

use super::*;
use crate::allocation::{InvalidInstance, Problem, Reason};

fn problems(form: &InstanceForm, limits: Limits) -> Vec<Problem> {
    Instance::parse(form, limits).expect_err("an invalid instance").problems
}

fn problem(field: &str, owner: Option<&str>, reason: Reason) -> Problem {
    Problem { field: field.into(), owner: owner.map(Into::into), reason }
}

#[test]
fn a_valid_instance_keeps_input_order_and_both_sides_ranks() {
    let form = form(&[("s1", &["p2", "p1"]), ("s2", &["p1"])], &[("p1", 1, &["s2", "s1"]), ("p2", 3, &["s2"])]);
    let instance = Instance::parse(&form, Limits::PLATFORM).unwrap();
    assert_eq!((instance.students(), instance.places()), (2, 2));
    assert_eq!((instance.student_id(0), instance.place_id(1)), ("s1", "p2"));
    assert_eq!(instance.student_prefs(0), &[1, 0]);
    assert_eq!(instance.place_prefs(0), &[1, 0]);
    assert_eq!(instance.capacity(1), 3);
    // s1 lists p2, which does not list s1: listed by one side only, so not acceptable.
    assert_eq!(instance.rank_by_place, vec![super::super::instance::NONE, 1, 0]);
    assert_eq!(instance.place_rank_of(0, 0), Some(1));
    assert_eq!(instance.student_rank_of(0, 1), Some(0));
}

#[test]
fn duplicate_and_empty_ids_are_named_with_the_first_use() {
    let form = form(&[("s1", &[]), ("s1", &[]), ("", &[])], &[("p1", 1, &[]), ("p1", 1, &[])]);
    assert_eq!(
        problems(&form, Limits::PLATFORM),
        vec![
            problem("students[1].id", Some("s1"), Reason::DuplicateId { id: "s1".into(), first: 0 }),
            problem("students[2].id", None, Reason::EmptyId),
            problem("places[1].id", Some("p1"), Reason::DuplicateId { id: "p1".into(), first: 0 }),
        ]
    );
}

#[test]
fn unknown_and_repeated_ids_in_lists_are_named_by_position() {
    let form = form(&[("s1", &["p1", "p9", "p1"])], &[("p1", 1, &["s1", "s7", "s1"])]);
    assert_eq!(
        problems(&form, Limits::PLATFORM),
        vec![
            problem("students[0].prefs[1]", Some("s1"), Reason::UnknownPlace("p9".into())),
            problem("students[0].prefs[2]", Some("s1"), Reason::Repeated { id: "p1".into(), first: 0 }),
            problem("places[0].prefs[1]", Some("p1"), Reason::UnknownStudent("s7".into())),
            problem("places[0].prefs[2]", Some("p1"), Reason::Repeated { id: "s1".into(), first: 0 }),
        ]
    );
}

#[test]
fn capacities_must_be_present_and_positive() {
    let mut form = form(&[], &[("p1", 0, &[]), ("p2", -3, &[]), ("p3", 1, &[]), ("p4", 5_000_000_000, &[])]);
    form.places[2].capacity = None;
    assert_eq!(
        problems(&form, Limits::PLATFORM),
        vec![
            problem("places[0].capacity", Some("p1"), Reason::CapacityOutOfRange { found: 0 }),
            problem("places[1].capacity", Some("p2"), Reason::CapacityOutOfRange { found: -3 }),
            problem("places[2].capacity", Some("p3"), Reason::MissingCapacity),
            problem("places[3].capacity", Some("p4"), Reason::CapacityOutOfRange { found: 5_000_000_000 }),
        ]
    );
}

#[test]
fn a_missing_capacity_in_json_gets_its_own_problem() {
    let json = r#"{"students": [{"id": "s1", "prefs": ["p1"]}], "places": [{"id": "p1", "prefs": ["s1"]}]}"#;
    let form: InstanceForm = serde_json::from_str(json).unwrap();
    assert_eq!(
        problems(&form, Limits::PLATFORM),
        vec![problem("places[0].capacity", Some("p1"), Reason::MissingCapacity)]
    );
}

#[test]
fn students_list_at_most_the_limit_and_places_are_not_limited() {
    let places: Vec<String> = (0..25).map(|p| format!("p{p}")).collect();
    let place_refs: Vec<&str> = places.iter().map(String::as_str).collect();
    let all_places: Vec<(&str, i64, &[&str])> = place_refs.iter().map(|p| (*p, 1, &[][..])).collect();
    let form = form(&[("s1", &place_refs[..20]), ("s2", &place_refs[..21])], &all_places);
    assert_eq!(
        problems(&form, Limits::PLATFORM),
        vec![problem("students[1].prefs", Some("s2"), Reason::TooManyPrefs { len: 21, max: 20 })]
    );
    assert!(Instance::parse(&form, Limits { max_student_prefs: 25 }).is_ok());
    let students: Vec<String> = (0..100).map(|s| format!("s{s}")).collect();
    let student_refs: Vec<&str> = students.iter().map(String::as_str).collect();
    let many: Vec<(&str, &[&str])> = student_refs.iter().map(|s| (*s, &[][..])).collect();
    assert!(Instance::parse(&super::form(&many, &[("p1", 1, &student_refs)]), Limits::PLATFORM).is_ok());
}

#[test]
fn the_error_message_names_field_owner_and_reason() {
    let form = form(&[("s1", &["p9"])], &[("p1", 0, &[])]);
    let error: InvalidInstance = Instance::parse(&form, Limits::PLATFORM).unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid instance: places[0].capacity (\"p1\"): capacity must be between 1 and 4294967294, found 0; \
         students[0].prefs[0] (\"s1\"): unknown place \"p9\""
    );
}

#[test]
fn long_error_lists_are_summarised() {
    let prefs: Vec<String> = (0..8).map(|p| format!("x{p}")).collect();
    let refs: Vec<&str> = prefs.iter().map(String::as_str).collect();
    let error = Instance::parse(&form(&[("s1", &refs)], &[]), Limits::PLATFORM).unwrap_err();
    assert_eq!(error.problems.len(), 8);
    assert!(error.to_string().ends_with("; and 3 more"), "{error}");
}

#[test]
fn an_empty_instance_is_valid() {
    let instance = Instance::parse(&InstanceForm::default(), Limits::PLATFORM).unwrap();
    assert_eq!((instance.students(), instance.places(), instance.longest_student_list()), (0, 0, 0));
}
