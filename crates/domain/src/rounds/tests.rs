use std::collections::HashMap;

use chrono::NaiveDate;
use proptest::prelude::*;

use super::*;
use crate::allocation::Mechanism;
use crate::reference::ProgramCode;

fn at(day: u32) -> chrono::NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 12, day).unwrap().and_hms_opt(12, 0, 0).unwrap()
}

fn code(raw: &str) -> ProgramCode {
    ProgramCode::parse(raw).unwrap()
}

#[test]
fn a_round_moves_through_its_phases_in_order_only() {
    let mut phase = Phase::Draft;
    for step in [Step::Open, Step::Run, Step::Run, Step::Publish, Step::Close] {
        phase.check(step, None, at(1)).unwrap();
        phase = phase.after(step);
    }
    assert_eq!(phase, Phase::Closed);
    assert_eq!(
        Phase::Draft.check(Step::Publish, None, at(1)),
        Err(PhaseRefusal::WrongPhase { phase: Phase::Draft, step: Step::Publish })
    );
    assert!(Phase::Run.check(Step::EnterPreferences, None, at(1)).is_err());
    assert!(Phase::Collecting.check(Step::Respond, None, at(1)).is_err());
    assert!(Phase::Published.check(Step::FollowUp, None, at(1)).is_ok());
    assert!(Phase::Collecting.check(Step::FollowUp, None, at(1)).is_err());
}

#[test]
fn preferences_are_refused_after_the_deadline_but_the_organizer_may_still_run() {
    let deadline = Some(at(10));
    assert!(Phase::Collecting.check(Step::EnterPreferences, deadline, at(10)).is_ok());
    assert_eq!(
        Phase::Collecting.check(Step::EnterPreferences, deadline, at(11)),
        Err(PhaseRefusal::DeadlinePassed { deadline: at(10) })
    );
    assert!(Phase::Collecting.check(Step::Run, deadline, at(11)).is_ok());
    assert!(Phase::Collecting.check(Step::Run, deadline, at(1)).is_ok());
}

#[test]
fn a_refusal_names_the_phase_in_both_languages() {
    let refusal = Phase::Published.check(Step::Rank, None, at(1)).unwrap_err();
    assert_eq!(refusal.code(), "wrong_phase");
    assert!(refusal.to_string().contains("published"), "{refusal}");
    assert!(refusal.zh().contains("结果已发布"), "{}", refusal.zh());
}

#[test]
fn a_student_needs_consent_a_pseudonym_and_a_program_of_their_level() {
    assert!(StudentInput::parse("A-001", "460103", "gaozhi_zhuanke", true).is_ok());
    let errors = StudentInput::parse(" ", "460103", "zhongzhi", false).unwrap_err();
    let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["pseudonym", "level", "consent"]);
    assert!(StudentInput::parse("张 三", "460103", "gaozhi_zhuanke", true).is_err());
}

#[test]
fn the_lottery_is_a_fixed_function_of_seed_school_and_pseudonym() {
    assert_eq!(lottery_key(7, 1, "s1"), lottery_key(7, 1, "s1"));
    assert_ne!(lottery_key(7, 1, "s1"), lottery_key(8, 1, "s1"));
    assert_ne!(lottery_key(7, 1, "s1"), lottery_key(7, 2, "s1"));
    assert_ne!(lottery_key(7, 1, "s1"), lottery_key(7, 1, "s2"));
    // Pinned, so that a change of the function (which would change published rounds'
    // tie-breaks) cannot go unnoticed.
    assert_eq!(lottery_key(0, 0, ""), 4_725_398_728_194_510_117);
}

#[test]
fn program_fit_prefers_the_same_program_then_class_then_category() {
    let wanted = [code("460103")];
    assert_eq!(ProgramFit::of(&code("460103"), &wanted), ProgramFit::Exact);
    assert_eq!(ProgramFit::of(&code("460104"), &wanted), ProgramFit::SameClass);
    assert_eq!(ProgramFit::of(&code("460301"), &wanted), ProgramFit::SameCategory);
    assert_eq!(ProgramFit::of(&code("510201"), &wanted), ProgramFit::None);
    assert_eq!(ProgramFit::of(&code("510201"), &[]), ProgramFit::None);
    assert_eq!(ProgramFit::of(&code("510201"), &[code("460103"), code("510201")]), ProgramFit::Exact);
}

fn applicant(id: &str, lottery: u64, fit: ProgramFit, rank: Option<u32>, interview: Option<u32>) -> Applicant {
    Applicant { id: id.into(), lottery, fit, rank, interview, unacceptable: false }
}

#[test]
fn the_scoring_rule_weighs_fit_sixty_and_interview_forty_and_breaks_ties_by_lottery() {
    let applicants = [
        applicant("fit-only", 1, ProgramFit::Exact, None, None), // 600
        applicant("class-good-interview", 2, ProgramFit::SameClass, None, Some(90)), // 360 + 360 = 720
        applicant("tie-late", 9, ProgramFit::SameCategory, None, Some(50)), // 180 + 200 = 380
        applicant("tie-early", 3, ProgramFit::SameCategory, None, Some(50)), // 380
        Applicant { unacceptable: true, ..applicant("refused", 0, ProgramFit::Exact, None, Some(100)) },
    ];
    assert_eq!(
        rank_applicants(RankingRule::Scoring, &applicants),
        ["class-good-interview", "fit-only", "tie-early", "tie-late"]
    );
}

#[test]
fn an_explicit_ranking_puts_unranked_applicants_last_in_lottery_order() {
    let applicants = [
        applicant("unranked-b", 5, ProgramFit::Exact, None, None),
        applicant("second", 1, ProgramFit::None, Some(2), None),
        applicant("unranked-a", 4, ProgramFit::Exact, None, None),
        applicant("first", 9, ProgramFit::None, Some(1), None),
    ];
    assert_eq!(rank_applicants(RankingRule::Explicit, &applicants), ["first", "second", "unranked-a", "unranked-b"]);
}

fn student(id: &str, school: i64, program: &str, prefs: &[&str]) -> StudentEntry {
    StudentEntry {
        id: id.into(),
        school_id: school,
        pseudonym: id.into(),
        program: code(program),
        prefs: prefs.iter().map(|p| (*p).to_owned()).collect(),
    }
}

fn place(id: &str, capacity: u32, programs: &[&str]) -> PlaceEntry {
    PlaceEntry {
        id: id.into(),
        capacity,
        program_codes: programs.iter().map(|p| code(p)).collect(),
        rule: RankingRule::Scoring,
        marks: HashMap::new(),
    }
}

#[test]
fn a_run_places_by_program_fit_and_explains_who_missed_their_first_choice() {
    let mut cnc = place("cnc", 1, &["460103"]);
    cnc.marks.insert("s3".into(), Mark { unacceptable: true, ..Mark::default() });
    let input = RunInput {
        seed: 42,
        students: vec![
            student("s1", 1, "460104", &["cnc", "it"]),
            student("s2", 1, "460103", &["cnc", "it"]),
            student("s3", 2, "460103", &["cnc"]),
        ],
        places: vec![cnc, place("it", 2, &["510201"])],
    };
    let outcome = run(&input, Mechanism::StudentProposing).unwrap();
    let placed: Vec<_> = outcome.results.iter().map(|r| (r.student.as_str(), r.place.as_deref(), r.choice)).collect();
    assert_eq!(placed, [("s1", Some("it"), Some(2)), ("s2", Some("cnc"), Some(1)), ("s3", None, None)]);
    assert!(outcome.results[0].explanation_zh.contains("你的第 1 志愿已满，且该企业对已录取者的排序均高于你"));
    assert!(outcome.results[2].explanation_zh.contains("未将你列入可录取名单"));
    assert_eq!(outcome.stats.blocking_pairs, 0);
    assert_eq!(outcome.stats.rank_distribution, [1, 1]);
    assert_eq!(outcome.comparison.len(), 3);
}

proptest! {
    #[test]
    fn the_same_data_and_seed_always_give_the_same_result(seed in any::<u64>(), prefs in proptest::collection::vec(proptest::sample::subsequence(vec!["a", "b", "c"], 0..=3), 1..8)) {
        let students: Vec<StudentEntry> = prefs
            .iter()
            .enumerate()
            .map(|(i, p)| student(&format!("s{i}"), 1, if i % 2 == 0 { "460103" } else { "460104" }, p))
            .collect();
        let input = RunInput { seed, students, places: vec![place("a", 1, &["460103"]), place("b", 2, &[]), place("c", 1, &["460104"])] };
        let first = run(&input, Mechanism::StudentProposing).unwrap();
        let second = run(&input.clone(), Mechanism::StudentProposing).unwrap();
        prop_assert_eq!(&first, &second);
        prop_assert_eq!(first.stats.blocking_pairs, 0);
    }
}
