//! The brokering rules: the proposal state machine (property-tested over random sequences of
//! actions), terms, project types and statuses, outcomes, assessments and response statistics.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use proptest::prelude::*;

use super::proposal::{MAX_ROUNDS, REMINDER_LEAD};
use super::*;
use crate::posting::{NumberInput, PostingKind, compatible};

fn at(hours: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap() + Duration::hours(hours)
}

fn terms(days: i64) -> Terms {
    let input = TermsInput {
        message: "我们希望合作培养数控学徒".into(),
        respond_within_days: Some(NumberInput::Integer(days)),
        ..TermsInput::default()
    };
    Terms::parse(&input, NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()).unwrap()
}

fn action() -> impl Strategy<Value = ProposalAction> {
    prop_oneof![
        Just(ProposalAction::Accept),
        Just(ProposalAction::Decline { reason: DeclineReason::Timing }),
        (1i64..=30).prop_map(|respond_within_days| ProposalAction::Counter { respond_within_days }),
        Just(ProposalAction::Withdraw),
        Just(ProposalAction::Remind),
        Just(ProposalAction::Expire),
    ]
}

fn actor() -> impl Strategy<Value = Option<ProposalSide>> {
    prop_oneof![Just(None), Just(Some(ProposalSide::Proposer)), Just(Some(ProposalSide::Recipient))]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Whatever anyone tries in whatever order, the machine keeps its rules: only the awaited
    /// side answers and only before the deadline, only the offerer withdraws, only the clock
    /// reminds (once a round) and expires (only after the deadline), and nothing leaves a
    /// terminal state.
    #[test]
    fn the_proposal_state_machine_keeps_its_rules(
        steps in prop::collection::vec((actor(), action(), 0i64..120), 1..40),
    ) {
        let mut state = ProposalState::new(&terms(7), at(0));
        let mut now = at(0);
        for (who, action, advance) in steps {
            now += Duration::hours(advance);
            let before = state;
            match before.apply(who, &action, now) {
                Ok(after) => {
                    prop_assert_eq!(before.status, ProposalStatus::Open);
                    match action {
                        ProposalAction::Accept | ProposalAction::Decline { .. } | ProposalAction::Counter { .. } => {
                            prop_assert_eq!(who, Some(before.awaiting));
                            prop_assert!(now <= before.deadline);
                        }
                        ProposalAction::Withdraw => {
                            prop_assert_eq!(who, Some(before.awaiting.other()));
                            prop_assert_eq!(after.status, ProposalStatus::Withdrawn);
                        }
                        ProposalAction::Remind => {
                            prop_assert!(who.is_none() && !before.reminded && now <= before.deadline);
                            prop_assert!(now >= before.deadline - REMINDER_LEAD);
                            prop_assert!(after.reminded);
                        }
                        ProposalAction::Expire => {
                            prop_assert!(who.is_none() && now > before.deadline);
                            prop_assert_eq!(after.status, ProposalStatus::Expired);
                        }
                    }
                    if let ProposalAction::Counter { respond_within_days } = action {
                        prop_assert_eq!(after.status, ProposalStatus::Open);
                        prop_assert_eq!(after.awaiting, before.awaiting.other());
                        prop_assert_eq!(after.round, before.round + 1);
                        prop_assert_eq!(after.deadline, now + Duration::days(respond_within_days));
                        prop_assert!(!after.reminded);
                    }
                    prop_assert!(after.round <= MAX_ROUNDS);
                    state = after;
                }
                Err(_) => {
                    // A refused action changes nothing, and a closed proposal refuses everything.
                    prop_assert_eq!(state, before);
                }
            }
            if state.status != ProposalStatus::Open {
                for side in [None, Some(ProposalSide::Proposer), Some(ProposalSide::Recipient)] {
                    prop_assert!(state.apply(side, &ProposalAction::Accept, now).is_err());
                }
            }
        }
    }

    /// What the clock finds due is exactly what the clock may do.
    #[test]
    fn due_actions_are_allowed_and_nothing_else_is(hours in 0i64..400, reminded in any::<bool>()) {
        let state = ProposalState { reminded, ..ProposalState::new(&terms(7), at(0)) };
        let now = at(hours);
        let due = state.due(now);
        for action in [ProposalAction::Remind, ProposalAction::Expire] {
            let allowed = state.apply(None, &action, now).is_ok();
            prop_assert_eq!(allowed, due.as_ref() == Some(&action), "{:?} at {}", action, hours);
        }
    }
}

#[test]
fn an_offer_is_answered_by_the_other_side_before_its_deadline() {
    let state = ProposalState::new(&terms(7), at(0));
    assert_eq!(state.deadline, at(7 * 24));
    let recipient = Some(ProposalSide::Recipient);
    assert_eq!(
        state.apply(Some(ProposalSide::Proposer), &ProposalAction::Accept, at(1)),
        Err(ProposalError::NotYourTurn)
    );
    assert_eq!(state.apply(recipient, &ProposalAction::Accept, at(1)).unwrap().status, ProposalStatus::Accepted);
    assert_eq!(
        state.apply(recipient, &ProposalAction::Accept, at(7 * 24 + 1)),
        Err(ProposalError::DeadlinePassed(at(7 * 24)))
    );
    let countered = state.apply(recipient, &ProposalAction::Counter { respond_within_days: 3 }, at(10)).unwrap();
    assert_eq!((countered.awaiting, countered.round, countered.deadline), (ProposalSide::Proposer, 2, at(10 + 72)));
    // The reminder goes out in the last 48 hours, once.
    assert_eq!(state.due(at(5 * 24 - 1)), None);
    assert_eq!(state.due(at(5 * 24)), Some(ProposalAction::Remind));
    let reminded = state.apply(None, &ProposalAction::Remind, at(5 * 24)).unwrap();
    assert_eq!(reminded.due(at(6 * 24)), None);
    assert_eq!(reminded.due(at(7 * 24 + 1)), Some(ProposalAction::Expire));
}

#[test]
fn counter_offers_are_limited() {
    let mut state = ProposalState::new(&terms(7), at(0));
    for round in 1..MAX_ROUNDS {
        state = state.apply(Some(state.awaiting), &ProposalAction::Counter { respond_within_days: 7 }, at(0)).unwrap();
        assert_eq!(state.round, round + 1);
    }
    let refused = state.apply(Some(state.awaiting), &ProposalAction::Counter { respond_within_days: 7 }, at(0));
    assert_eq!(refused, Err(ProposalError::TooManyRounds));
}

#[test]
fn terms_report_every_bad_field() {
    let today = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    let input = TermsInput {
        message: " ".into(),
        quantity: Some(NumberInput::Integer(0)),
        starts_on: Some("2026-02-01".into()),
        ends_on: Some("2026-13-01".into()),
        respond_within_days: Some(NumberInput::Integer(31)),
    };
    let errors = Terms::parse(&input, today).unwrap_err();
    let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["message", "quantity", "starts_on", "ends_on", "respond_within_days"]);
    let good = TermsInput {
        message: "每年 20 名".into(),
        quantity: Some(NumberInput::Text("20".into())),
        starts_on: Some("2026-09-01".into()),
        ends_on: Some("2027-06-30".into()),
        respond_within_days: None,
    };
    let parsed = Terms::parse(&good, today).unwrap();
    assert_eq!((parsed.quantity, parsed.respond_within_days), (Some(20), 7));
    let backwards = TermsInput { ends_on: Some("2026-08-01".into()), ..good };
    assert_eq!(Terms::parse(&backwards, today).unwrap_err().0[0].field, "ends_on");
}

#[test]
fn every_pair_of_counterparts_has_a_project_type_and_no_other_pair_does() {
    for &a in PostingKind::ALL {
        for &b in PostingKind::ALL {
            let kind = ProjectType::for_kinds(a, b);
            assert_eq!(kind.is_some(), compatible(a, b), "{a:?} {b:?}");
            assert_eq!(kind, ProjectType::for_kinds(b, a), "symmetric for {a:?} {b:?}");
        }
    }
    use PostingKind::*;
    assert_eq!(ProjectType::for_kinds(Apprenticeship, ProgramOffering), Some(ProjectType::ApprenticeshipCohort));
    assert_eq!(ProjectType::for_kinds(ProgramOffering, OrderClass), Some(ProjectType::OrderClass));
    assert_eq!(ProjectType::for_kinds(TeacherPracticePost, TeacherPracticeNeed), Some(ProjectType::TeacherPractice));
    assert_eq!(ProjectType::for_kinds(Job, Apprenticeship), None);
}

#[test]
fn projects_run_agreed_active_completed_and_cancel_only_before_completion() {
    use ProjectAction as A;
    use ProjectStatus as S;
    assert_eq!(S::Agreed.after(A::Start), Some(S::Active));
    assert_eq!(S::Active.after(A::Complete), Some(S::Completed));
    assert_eq!(S::Agreed.after(A::Complete), None);
    assert_eq!(S::Agreed.after(A::Cancel), Some(S::Cancelled));
    assert_eq!(S::Active.after(A::Cancel), Some(S::Cancelled));
    for action in [A::Start, A::Complete, A::Cancel] {
        assert_eq!(S::Completed.after(action), None);
        assert_eq!(S::Cancelled.after(action), None);
    }
}

#[test]
fn outcomes_nest_and_unknown_figures_stay_unknown() {
    let n = |v: i64| Some(NumberInput::Integer(v));
    let good = OutcomesInput { placed: n(20), hired: n(15), retained_6m: n(12), ..OutcomesInput::default() };
    let outcomes = Outcomes::parse(&good).unwrap();
    assert_eq!((outcomes.placed, outcomes.retained_12m), (Some(20), None));
    let bad = OutcomesInput {
        placed: n(10),
        hired: n(11),
        retained_6m: n(12),
        retained_12m: n(13),
        certificates: Some(NumberInput::Text("很多".into())),
        practice_hours: n(-1),
    };
    let fields: Vec<String> = Outcomes::parse(&bad).unwrap_err().0.into_iter().map(|e| e.field).collect();
    assert_eq!(fields, ["certificates", "practice_hours", "hired", "retained_6m", "retained_12m"]);
}

#[test]
fn assessments_score_every_published_criterion_from_one_to_five() {
    let mut input = AssessmentInput::default();
    for criterion in Criterion::ALL {
        input.scores.insert(criterion.as_str().into(), "4".into());
    }
    input.evidence = "https://example.org/report.pdf\n\n".into();
    let scores = Scores::parse(&input).unwrap();
    assert_eq!((scores.mean(), scores.evidence.len()), (4.0, 1));
    input.scores.insert("goals".into(), "6".into());
    input.scores.remove("management");
    input.scores.insert("charm".into(), "5".into());
    input.evidence = "javascript:alert(1)".into();
    let fields: Vec<String> = Scores::parse(&input).unwrap_err().0.into_iter().map(|e| e.field).collect();
    assert_eq!(fields, ["scores.goals", "scores.management", "scores.charm", "evidence"]);
}

#[test]
fn response_statistics_count_answers_and_expiries_only() {
    assert_eq!(ResponseStats::of(&[]), ResponseStats::default());
    let round = |opened: i64, end: RoundEnd| Round { opened_at: at(opened), end };
    let one = ResponseStats::of(&[round(0, RoundEnd::Answered(at(5)))]);
    assert_eq!((one.rate, one.median_hours), (Some(1.0), Some(5.0)));
    let stats = ResponseStats::of(&[
        round(0, RoundEnd::Answered(at(2))),
        round(0, RoundEnd::Answered(at(10))),
        round(0, RoundEnd::Expired),
        round(0, RoundEnd::Withdrawn),
        round(0, RoundEnd::Open),
    ]);
    assert_eq!((stats.answered, stats.counted), (2, 3));
    assert!((stats.rate.unwrap() - 2.0 / 3.0).abs() < 1e-12);
    assert_eq!(stats.median_hours, Some(6.0));
    let expired_only = ResponseStats::of(&[round(0, RoundEnd::Expired)]);
    assert_eq!((expired_only.rate, expired_only.median_hours), (Some(0.0), None));
}
