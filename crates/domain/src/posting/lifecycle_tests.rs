//! The lifecycle: the transition table, who may do what, dates, and properties over any sequence
//! of actions.

use chrono::NaiveDate;
use proptest::prelude::*;

use super::*;
use crate::account::Role;
use Action::*;
use PostingStatus::*;

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 9, d).unwrap()
}

fn member(today: u32, ends_on: Option<u32>) -> Context {
    Context { actor: Actor::User(Role::Member), today: day(today), ends_on: ends_on.map(day) }
}

fn admin(today: u32, ends_on: Option<u32>) -> Context {
    Context { actor: Actor::User(Role::OrgAdmin), ..member(today, ends_on) }
}

fn clock(today: u32, ends_on: Option<u32>) -> Context {
    Context { actor: Actor::Clock, ..member(today, ends_on) }
}

/// Every legal edge. Everything else is refused.
const EDGES: &[(PostingStatus, Action, PostingStatus)] = &[
    (Draft, Publish, Published),
    (Draft, Close, Closed),
    (Published, Pause, Paused),
    (Published, Close, Closed),
    (Published, MarkFilled, Filled),
    (Published, Expire, Expired),
    (Paused, Resume, Published),
    (Paused, Close, Closed),
    (Paused, MarkFilled, Filled),
    (Paused, Expire, Expired),
    (Closed, Reopen, Draft),
    (Filled, Reopen, Draft),
    (Expired, Reopen, Draft),
];

#[test]
fn the_transition_table_under_the_most_permissive_circumstances() {
    for &from in PostingStatus::ALL {
        for &action in Action::ALL {
            // Admins may do everything a person may; the clock expires; past the end for expiry.
            let context = if action == Expire { clock(10, Some(9)) } else { admin(10, None) };
            let expected = EDGES.iter().find(|(f, a, _)| (*f, *a) == (from, action)).map(|(_, _, to)| *to);
            match (from.apply(action, &context), expected) {
                (Ok(to), Some(expected)) => assert_eq!(to, expected, "{from} {action}"),
                (Err(TransitionError::NotAllowed { .. }), None) => {}
                (got, expected) => panic!("{from} {action}: got {got:?}, expected {expected:?}"),
            }
        }
    }
}

#[test]
fn only_admins_reopen_and_only_the_clock_expires() {
    assert_eq!(Closed.apply(Reopen, &member(1, None)), Err(TransitionError::NotPermitted { action: Reopen }));
    assert_eq!(Closed.apply(Reopen, &admin(1, None)), Ok(Draft));
    let platform = Context { actor: Actor::User(Role::PlatformAdmin), ..member(1, None) };
    assert_eq!(Filled.apply(Reopen, &platform), Ok(Draft));
    assert_eq!(Closed.apply(Reopen, &clock(1, None)), Err(TransitionError::NotPermitted { action: Reopen }));
    assert_eq!(Published.apply(Expire, &admin(10, Some(9))), Err(TransitionError::NotPermitted { action: Expire }));
    assert_eq!(Draft.apply(Publish, &clock(1, None)), Err(TransitionError::NotPermitted { action: Publish }));
}

#[test]
fn expiry_comes_after_the_last_day() {
    assert_eq!(Published.apply(Expire, &clock(9, Some(9))), Err(TransitionError::NotYetEnded));
    assert_eq!(Published.apply(Expire, &clock(10, Some(9))), Ok(Expired));
    assert_eq!(Paused.apply(Expire, &clock(10, Some(9))), Ok(Expired));
    assert_eq!(Published.apply(Expire, &clock(30, None)), Err(TransitionError::NotYetEnded));
    assert_eq!(
        Draft.apply(Expire, &clock(10, Some(9))),
        Err(TransitionError::NotAllowed { from: Draft, action: Expire })
    );
    assert!(Published.is_due_to_expire(Some(day(9)), day(10)));
    assert!(!Published.is_due_to_expire(Some(day(10)), day(10)));
    assert!(!Closed.is_due_to_expire(Some(day(1)), day(10)));
}

#[test]
fn nothing_is_published_past_its_end_date() {
    let passed = TransitionError::EndDatePassed { ends_on: day(9) };
    assert_eq!(Draft.apply(Publish, &member(10, Some(9))), Err(passed.clone()));
    assert_eq!(Paused.apply(Resume, &member(10, Some(9))), Err(passed));
    assert_eq!(Draft.apply(Publish, &member(9, Some(9))), Ok(Published));
}

#[test]
fn reopening_leads_to_draft_even_with_a_future_end_date() {
    assert_eq!(Expired.apply(Reopen, &admin(10, Some(9))), Ok(Draft));
    assert_eq!(Expired.apply(Reopen, &admin(1, Some(30))), Ok(Draft));
    // The posting's owner then moves the end date and publishes as the first time.
    assert_eq!(Draft.apply(Publish, &member(10, Some(30))), Ok(Published));
}

#[test]
fn available_actions_are_what_would_succeed() {
    assert_eq!(Draft.available_actions(&member(1, None)), [Publish, Close]);
    assert_eq!(Published.available_actions(&member(1, None)), [Pause, Close, MarkFilled]);
    assert_eq!(Expired.available_actions(&member(1, None)), []);
    assert_eq!(Expired.available_actions(&admin(1, None)), [Reopen]);
}

#[test]
fn errors_speak_both_languages() {
    let error = TransitionError::NotAllowed { from: Expired, action: Publish };
    assert_eq!(error.to_string(), "cannot publish a posting that is expired");
    assert_eq!(error.zh(), "已过期的发布不能发布");
    assert_eq!(error.code(), "transition_not_allowed");
    assert_eq!("mark_filled".parse::<Action>(), Ok(MarkFilled));
    assert_eq!("filled".parse::<PostingStatus>(), Ok(Filled));
    assert!(Published.is_listed() && !Paused.is_listed() && !Draft.is_listed());
}

fn any_context() -> impl Strategy<Value = Context> {
    let actor = prop_oneof![Just(Actor::Clock), prop::sample::select(Role::ALL).prop_map(Actor::User),];
    (actor, 1u32..=30, prop::option::of(1u32..=30)).prop_map(|(actor, today, ends_on)| Context {
        actor,
        today: day(today),
        ends_on: ends_on.map(day),
    })
}

fn any_steps() -> impl Strategy<Value = Vec<(Action, Context)>> {
    prop::collection::vec((prop::sample::select(Action::ALL), any_context()), 0..40)
}

proptest! {
    #[test]
    fn every_step_of_any_sequence_is_a_legal_edge(
        start in prop::sample::select(PostingStatus::ALL),
        steps in any_steps(),
    ) {
        let mut status = start;
        for (action, context) in steps {
            if let Ok(next) = status.apply(action, &context) {
                prop_assert!(EDGES.contains(&(status, action, next)), "{status} {action} {next}");
                status = next;
            }
        }
    }

    #[test]
    fn terminal_statuses_leave_only_by_an_admin_reopening_to_draft(
        from in prop::sample::select(PostingStatus::ALL),
        action in prop::sample::select(Action::ALL),
        context in any_context(),
    ) {
        if let (true, Ok(next)) = (from.is_terminal(), from.apply(action, &context)) {
            prop_assert_eq!(action, Reopen);
            prop_assert_eq!(next, Draft);
            prop_assert!(matches!(context.actor, Actor::User(Role::OrgAdmin | Role::PlatformAdmin)));
        }
    }

    #[test]
    fn an_expired_posting_is_never_published_again_without_a_reopen(steps in any_steps()) {
        let mut status = Expired;
        let mut reopened = false;
        for (action, context) in steps {
            if let Ok(next) = status.apply(action, &context) {
                reopened |= action == Reopen;
                status = next;
                prop_assert!(status != Published || reopened);
            }
        }
    }

    #[test]
    fn publishing_or_resuming_never_happens_past_the_end(
        from in prop::sample::select(PostingStatus::ALL),
        action in prop::sample::select(Action::ALL),
        context in any_context(),
    ) {
        if from.apply(action, &context) == Ok(Published) {
            prop_assert!(context.ends_on.is_none_or(|end| end >= context.today));
            prop_assert!(context.actor != Actor::Clock);
        }
    }

    #[test]
    fn expiry_happens_exactly_when_due(
        from in prop::sample::select(PostingStatus::ALL),
        context in any_context(),
    ) {
        let by_dates = matches!(from, Published | Paused) && context.ends_on.is_some_and(|end| end < context.today);
        prop_assert_eq!(from.apply(Expire, &context) == Ok(Expired), by_dates && context.actor == Actor::Clock);
        prop_assert_eq!(from.is_due_to_expire(context.ends_on, context.today), by_dates);
    }
}

#[test]
fn every_status_is_reachable_from_draft() {
    let mut reached = vec![Draft];
    let contexts = [admin(1, Some(30)), clock(30, Some(29)), admin(30, Some(29))];
    let mut frontier = vec![Draft];
    while let Some(status) = frontier.pop() {
        for &action in Action::ALL {
            for context in &contexts {
                if let Ok(next) = status.apply(action, context)
                    && !reached.contains(&next)
                {
                    reached.push(next);
                    frontier.push(next);
                }
            }
        }
    }
    assert_eq!(reached.len(), PostingStatus::ALL.len());
}
