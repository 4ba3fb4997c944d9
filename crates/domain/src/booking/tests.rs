use crate::error::Text;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use proptest::prelude::*;

use super::rules::{may_add_slots, may_book, may_cancel, may_delete, may_set_capacity};
use super::*;
use crate::error::Invalid;
use crate::posting::{NumberInput, PostingStatus};

fn at(date: &str, time: &str) -> NaiveDateTime {
    NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap().and_time(NaiveTime::parse_from_str(time, "%H:%M").unwrap())
}

fn now() -> NaiveDateTime {
    at("2026-11-29", "12:00")
}

fn slot_input(date: &str, period: &str, capacity: i64) -> SlotInput {
    SlotInput {
        date: date.into(),
        period: period.into(),
        capacity: Some(NumberInput::Integer(capacity)),
        ..Default::default()
    }
}

fn fields(errors: crate::Invalids) -> Vec<(String, Invalid)> {
    errors.0.into_iter().map(|e| (e.field, e.invalid)).collect()
}

#[test]
fn a_fixed_period_sets_the_times() {
    let slots = NewSlot::parse_all(&slot_input("2026-12-03", "afternoon", 20), now()).unwrap();
    assert_eq!(slots.len(), 1);
    assert_eq!(slots[0].starts, at("2026-12-03", "13:30"));
    assert_eq!(slots[0].ends, at("2026-12-03", "17:00"));
    assert_eq!(slots[0].capacity.get(), 20);
}

#[test]
fn custom_times_are_taken_as_given_and_must_be_in_order() {
    let mut input = slot_input("2026-12-03", "", 5);
    input.start_time = "09:15".into();
    input.end_time = "10:45".into();
    let slots = NewSlot::parse_all(&input, now()).unwrap();
    assert_eq!((slots[0].starts, slots[0].ends), (at("2026-12-03", "09:15"), at("2026-12-03", "10:45")));

    input.end_time = "09:15".into();
    let errors = fields(NewSlot::parse_all(&input, now()).unwrap_err());
    assert_eq!(
        errors,
        [(
            "end_time".into(),
            Invalid::NotAllowed(Text::new("an end time not after the start time", "结束时间不晚于开始时间"))
        )]
    );
}

#[test]
fn weekly_repetition_keeps_weekday_and_times() {
    let mut input = slot_input("2026-12-01", "morning", 30);
    input.repeat_weeks = Some(NumberInput::Text("4".into()));
    let slots = NewSlot::parse_all(&input, now()).unwrap();
    let days: Vec<String> = slots.iter().map(|s| s.starts.date().to_string()).collect();
    assert_eq!(days, ["2026-12-01", "2026-12-08", "2026-12-15", "2026-12-22"]);
    assert!(slots.iter().all(|s| s.starts.time() == NaiveTime::from_hms_opt(8, 30, 0).unwrap()));
}

#[test]
fn every_bad_field_is_named() {
    let input = SlotInput {
        date: "2026-13-40".into(),
        period: "evening".into(),
        capacity: Some(NumberInput::Integer(0)),
        repeat_weeks: Some(NumberInput::Integer(27)),
        ..Default::default()
    };
    let errors = fields(NewSlot::parse_all(&input, now()).unwrap_err());
    let names: Vec<&str> = errors.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(names, ["date", "period", "capacity", "repeat_weeks"]);
    assert_eq!(errors[2].1, Invalid::OutOfRange { min: 1, max: 1000 });
}

#[test]
fn capacity_is_required_and_custom_needs_times() {
    let input = SlotInput { date: "2026-12-03".into(), period: "custom".into(), ..Default::default() };
    let names: Vec<String> = fields(NewSlot::parse_all(&input, now()).unwrap_err()).into_iter().map(|f| f.0).collect();
    assert_eq!(names, ["start_time", "end_time", "capacity"]);
}

#[test]
fn no_slot_starts_in_the_past() {
    let errors = fields(NewSlot::parse_all(&slot_input("2026-11-29", "morning", 5), now()).unwrap_err());
    assert_eq!(errors, [("date".into(), Invalid::NotAllowed(Text::new("a time in the past", "已经过去的时间")))]);
    // The afternoon of today has not started yet at noon.
    assert!(NewSlot::parse_all(&slot_input("2026-11-29", "afternoon", 5), now()).is_ok());
}

#[test]
fn a_booking_needs_people_and_a_purpose() {
    let input = BookingInput { headcount: None, purpose: " ".into(), contact: "a\u{7}".into() };
    let names: Vec<String> = fields(NewBooking::parse(&input).unwrap_err()).into_iter().map(|f| f.0).collect();
    assert_eq!(names, ["headcount", "purpose", "contact"]);
    let input = BookingInput {
        headcount: Some(NumberInput::Text("12".into())),
        purpose: "数控专业课程实训".into(),
        contact: "  ".into(),
    };
    let booking = NewBooking::parse(&input).unwrap();
    assert_eq!((booking.headcount.get(), booking.contact), (12, None));
}

fn open_slot(capacity: u32, booked: u32) -> SlotState {
    SlotState { starts: at("2026-12-03", "08:30"), capacity, booked }
}

fn heads(n: i64) -> Headcount {
    Headcount::parse(&NumberInput::Integer(n)).unwrap()
}

#[test]
fn booking_rules_in_the_order_users_meet_them() {
    use crate::posting::PostingKind::{Job, SharedTrainingBase, TrainingBaseHosted};
    use PostingStatus::{Paused, Published};
    let slot = open_slot(10, 7);
    assert_eq!(may_book(TrainingBaseHosted, Published, false, &slot, heads(3), now()), Ok(()));
    assert_eq!(may_book(Job, Published, false, &slot, heads(1), now()), Err(Refusal::NotATrainingBase));
    assert_eq!(may_book(SharedTrainingBase, Published, true, &slot, heads(1), now()), Err(Refusal::OwnBase));
    assert_eq!(
        may_book(SharedTrainingBase, Paused, false, &slot, heads(1), now()),
        Err(Refusal::BaseNotOpen { status: Paused })
    );
    assert_eq!(
        may_book(SharedTrainingBase, Published, false, &slot, heads(4), now()),
        Err(Refusal::SlotFull { requested: 4, remaining: 3 })
    );
    let later = at("2026-12-03", "08:30");
    assert_eq!(may_book(SharedTrainingBase, Published, false, &slot, heads(1), later), Err(Refusal::SlotStarted));
}

#[test]
fn cancelling_capacity_and_deleting() {
    let slot = open_slot(10, 4);
    assert_eq!(may_cancel(BookingStatus::Confirmed, &slot, now()), Ok(()));
    assert_eq!(may_cancel(BookingStatus::Cancelled, &slot, now()), Err(Refusal::AlreadyCancelled));
    assert_eq!(may_cancel(BookingStatus::Confirmed, &slot, at("2026-12-04", "00:00")), Err(Refusal::SlotStarted));
    assert_eq!(may_set_capacity(&slot, 4), Ok(()));
    assert_eq!(may_set_capacity(&slot, 3), Err(Refusal::CapacityBelowBooked { booked: 4 }));
    assert_eq!(may_delete(&slot), Err(Refusal::SlotHasBookings { booked: 4 }));
    assert_eq!(may_delete(&open_slot(10, 0)), Ok(()));
}

#[test]
fn slots_are_added_to_open_bases_only() {
    use crate::posting::PostingKind::{Job, SharedTrainingBase};
    assert_eq!(may_add_slots(SharedTrainingBase, PostingStatus::Draft), Ok(()));
    assert_eq!(may_add_slots(Job, PostingStatus::Published), Err(Refusal::NotATrainingBase));
    assert_eq!(
        may_add_slots(SharedTrainingBase, PostingStatus::Closed),
        Err(Refusal::BaseClosed { status: PostingStatus::Closed })
    );
}

proptest! {
    /// Whatever is booked, a booking the rules allow never takes a slot past its capacity.
    #[test]
    fn allowed_bookings_fit(capacity in 1u32..=1000, booked_frac in 0.0f64..=1.0, want in 1i64..=1000) {
        let booked = (f64::from(capacity) * booked_frac) as u32;
        let slot = open_slot(capacity, booked);
        let allowed = may_book(PostingKind::SharedTrainingBase, PostingStatus::Published, false, &slot, heads(want), now());
        prop_assert_eq!(allowed.is_ok(), booked + want as u32 <= capacity);
    }

    /// A recurrence of n weeks gives n slots, seven days apart, all with the same times.
    #[test]
    fn recurrences_are_weekly(weeks in 1i64..=26, day in 1u32..=28) {
        let mut input = slot_input(&format!("2027-02-{day:02}"), "whole_day", 8);
        input.repeat_weeks = Some(NumberInput::Integer(weeks));
        let slots = NewSlot::parse_all(&input, now()).unwrap();
        prop_assert_eq!(slots.len() as i64, weeks);
        for pair in slots.windows(2) {
            prop_assert_eq!(pair[1].starts - pair[0].starts, chrono::Duration::weeks(1));
            prop_assert_eq!(pair[1].ends - pair[0].ends, chrono::Duration::weeks(1));
        }
    }
}
