//! The bounds every date, time and number from outside must fall within, checked once at the
//! edge, so that nothing further in (calendar arithmetic, time-zone shifts, casts, page sizes)
//! can overflow or panic on what a user typed.
//!
//! One window of dates holds everywhere: **2000-01-01 to 2100-12-31** ([`YEARS`]). Posting and
//! slot dates, proposal terms, round deadlines, calendar months and report years all use it;
//! anything outside is a typo (2205, 0025) or an attack (`-262143-01-01`), and is refused with
//! [`Invalid::OutOfRange`] naming the years. Numbers in query strings are read as text and
//! refused, not clamped or wrapped, when they do not fit ([`parse_count`]).

use crate::error::Text;
use std::ops::RangeInclusive;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeDelta};

use crate::error::Invalid;

/// The years any date on the platform may fall in.
pub const YEARS: RangeInclusive<i32> = 2000..=2100;

/// China's offset from UTC in hours; it keeps no daylight saving time.
const CHINA_OFFSET_HOURS: i64 = 8;

fn out_of_window() -> Invalid {
    Invalid::OutOfRange { min: (*YEARS.start()).into(), max: (*YEARS.end()).into() }
}

/// A date inside the window, or why not.
pub fn check_date(date: NaiveDate) -> Result<NaiveDate, Invalid> {
    if YEARS.contains(&date.year()) { Ok(date) } else { Err(out_of_window()) }
}

/// A year inside the window, from a number of any size.
pub fn check_year(year: i64) -> Result<i32, Invalid> {
    i32::try_from(year).ok().filter(|y| YEARS.contains(y)).ok_or_else(out_of_window)
}

/// A year as typed in a query string or form: `2026`.
pub fn parse_year(raw: &str) -> Result<i32, Invalid> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(Invalid::Required);
    }
    match parse_integer(raw) {
        Some(year) => check_year(year),
        None if is_integer_text(raw) => Err(out_of_window()),
        None => Err(Invalid::Format(Text::new("a year like 2026", "年份，如 2026"))),
    }
}

/// Parses a calendar date: `2025-09-01`, also `2025/9/1` or `2025.09.01` as spreadsheets write
/// them, and with a time of day after it, which is ignored.
pub fn parse_date(raw: &str) -> Result<NaiveDate, Invalid> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(Invalid::Required);
    }
    let day = raw.split([' ', 'T']).next().unwrap_or(raw).replace(['/', '.'], "-");
    let date = NaiveDate::parse_from_str(&day, "%Y-%m-%d")
        .map_err(|_| Invalid::Format(Text::new("a date like 2025-09-01", "日期，如 2025-09-01")))?;
    check_date(date)
}

/// The first day of a month given as `2026-12`, or of the month of a full date.
pub fn parse_month(raw: &str) -> Result<NaiveDate, Invalid> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(Invalid::Required);
    }
    let format = Invalid::Format(Text::new("a month like 2026-12", "月份，如 2026-12"));
    let full = if raw.matches('-').count() == 1 { format!("{raw}-01") } else { raw.to_owned() };
    let date = NaiveDate::parse_from_str(&full, "%Y-%m-%d").map_err(|_| format.clone())?;
    let date = check_date(date)?;
    date.with_day(1).ok_or(format)
}

/// A wall-clock time in China from a form or the API: `2026-12-20T17:00` (as an HTML datetime
/// field sends it), with seconds, with a space, or RFC 3339 with any offset (converted to
/// China's wall clock). Inside the window, so converting it to an instant cannot overflow.
pub fn parse_local_datetime(raw: &str) -> Result<NaiveDateTime, Invalid> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(Invalid::Required);
    }
    let format = Invalid::Format(Text::new("a time like 2026-12-20T17:00", "时间，如 2026-12-20T17:00"));
    let local = if let Ok(at) = DateTime::parse_from_rfc3339(raw) {
        at.naive_utc().checked_add_signed(TimeDelta::hours(CHINA_OFFSET_HOURS)).ok_or_else(out_of_window)?
    } else {
        ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(raw, f).ok())
            .ok_or(format)?
    };
    check_date(local.date())?;
    Ok(local)
}

/// The instant of a wall-clock time in China, as UTC; `None` only at the very ends of the
/// calendar, which [`parse_local_datetime`] never returns.
pub fn china_to_utc(local: NaiveDateTime) -> Option<NaiveDateTime> {
    local.checked_sub_signed(TimeDelta::hours(CHINA_OFFSET_HOURS))
}

/// A whole number from a query string within `min..=max`: digits with an optional sign, any
/// length; too large, too small or beyond `i64` is out of range, anything else a format error.
pub fn parse_count(raw: &str, min: i64, max: i64) -> Result<i64, Invalid> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(Invalid::Required);
    }
    match parse_integer(raw) {
        Some(n) if (min..=max).contains(&n) => Ok(n),
        Some(_) => Err(Invalid::OutOfRange { min, max }),
        None if is_integer_text(raw) => Err(Invalid::OutOfRange { min, max }),
        None => Err(Invalid::Format(Text::new("a whole number", "整数"))),
    }
}

fn is_integer_text(raw: &str) -> bool {
    let digits = raw.strip_prefix(['-', '+']).unwrap_or(raw);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

fn parse_integer(raw: &str) -> Option<i64> {
    if is_integer_text(raw) { raw.parse().ok() } else { None }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn the_window_holds_its_ends_and_nothing_beyond() {
        assert!(parse_date("2000-01-01").is_ok());
        assert!(parse_date("2100-12-31").is_ok());
        for outside in ["1999-12-31", "2101-01-01", "-262143-01-01", "+262143-12-31", "0025-01-01"] {
            assert!(
                matches!(
                    parse_date(outside),
                    Err(Invalid::OutOfRange { min: 2000, max: 2100 }) | Err(Invalid::Format(_))
                ),
                "{outside}"
            );
        }
    }

    #[test]
    fn the_reported_round_deadline_is_refused_not_a_panic() {
        assert_eq!(parse_local_datetime("-262143-01-01T00:00"), Err(out_of_window()));
        assert_eq!(parse_local_datetime("+262142-12-31T23:59"), Err(out_of_window()));
        assert_eq!(parse_local_datetime("0001-01-01T00:00:00+14:00"), Err(out_of_window()));
        let at = parse_local_datetime("2026-12-20T09:00:00Z").unwrap();
        assert_eq!(at.to_string(), "2026-12-20 17:00:00", "RFC 3339 becomes China's wall clock");
        assert_eq!(china_to_utc(at).unwrap().to_string(), "2026-12-20 09:00:00");
        assert_eq!(parse_local_datetime("2026-12-20 17:00").unwrap(), at);
    }

    #[test]
    fn months_and_years_are_read_leniently_within_the_window() {
        assert_eq!(parse_month("2026-12").unwrap().to_string(), "2026-12-01");
        assert_eq!(parse_month("2026-12-17").unwrap().to_string(), "2026-12-01");
        assert_eq!(parse_month("2101-01"), Err(out_of_window()));
        assert!(parse_month("-262144-01-01").is_err());
        assert_eq!(parse_year(" 2026 "), Ok(2026));
        assert_eq!(parse_year("99999999999999999999"), Err(out_of_window()));
        assert_eq!(parse_year("2026年"), Err(Invalid::Format(Text::new("a year like 2026", "年份，如 2026"))));
    }

    #[test]
    fn counts_refuse_what_does_not_fit_rather_than_wrapping() {
        assert_eq!(parse_count("20", 1, 100), Ok(20));
        assert_eq!(parse_count("99999999999999999999", 1, 100), Err(Invalid::OutOfRange { min: 1, max: 100 }));
        assert_eq!(parse_count("-1", 1, 100), Err(Invalid::OutOfRange { min: 1, max: 100 }));
        assert_eq!(parse_count("1e3", 1, 100), Err(Invalid::Format(Text::new("a whole number", "整数"))));
        assert_eq!(parse_count("", 1, 100), Err(Invalid::Required));
    }

    /// Extreme and arbitrary text: every parser answers a value inside its bounds or a reason,
    /// and never panics; a parsed time always converts to an instant.
    fn hostile_text() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            "[+-]?[0-9]{1,25}",
            "[+-]?[0-9]{1,7}-[0-9]{1,3}(-[0-9]{1,3})?",
            "[+-]?[0-9]{1,7}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2})?([+-][0-9]{2}:[0-9]{2}|Z)?",
            (any::<i32>(), 1u32..13, 1u32..29).prop_map(|(y, m, d)| format!("{y}-{m:02}-{d:02}")),
            (any::<i32>(), 0u32..24).prop_map(|(y, h)| format!("{y:+}-01-01T{h:02}:00")),
        ]
    }

    fn hostile_number() -> impl Strategy<Value = crate::posting::NumberInput> {
        use crate::posting::NumberInput;
        prop_oneof![
            any::<i64>().prop_map(NumberInput::Integer),
            any::<f64>().prop_map(NumberInput::Decimal),
            Just(NumberInput::Decimal(f64::INFINITY)),
            Just(NumberInput::Decimal(f64::NAN)),
            "[+-]?[0-9]{1,30}(\\.[0-9]{0,5})?".prop_map(NumberInput::Text),
            any::<String>().prop_map(NumberInput::Text),
        ]
    }

    proptest! {
        #[test]
        fn domain_parsers_answer_ok_or_invalid_and_never_panic(raw in hostile_text(), min in any::<i64>(), span in any::<u32>()) {
            if let Ok(date) = parse_date(&raw) {
                prop_assert!(YEARS.contains(&date.year()));
            }
            if let Ok(month) = parse_month(&raw) {
                prop_assert!(YEARS.contains(&month.year()) && month.day() == 1);
            }
            if let Ok(at) = parse_local_datetime(&raw) {
                prop_assert!(YEARS.contains(&at.year()));
                prop_assert!(china_to_utc(at).is_some());
            }
            if let Ok(year) = parse_year(&raw) {
                prop_assert!(YEARS.contains(&year));
            }
            let max = min.saturating_add(i64::from(span));
            if let Ok(n) = parse_count(&raw, min, max) {
                prop_assert!((min..=max).contains(&n));
            }
        }

        /// The forms' parsers with extreme dates and numbers in every field: a value or the
        /// named problems, never a panic (the weekly repetition adds days to the date, the
        /// proposal deadline adds days to now).
        #[test]
        fn slot_and_proposal_parsers_survive_extreme_input(
            date in hostile_text(), start in hostile_text(), number in hostile_number(), weeks in hostile_number(),
        ) {
            let now = NaiveDate::from_ymd_opt(2026, 12, 7).and_then(|d| d.and_hms_opt(9, 0, 0)).unwrap();
            let slot = crate::booking::SlotInput {
                date: date.clone(), period: "custom".into(), start_time: start, end_time: "23:59".into(),
                capacity: Some(number.clone()), repeat_weeks: Some(weeks.clone()),
            };
            if let Ok(slots) = crate::booking::NewSlot::parse_all(&slot, now) {
                prop_assert!(slots.iter().all(|s| YEARS.contains(&s.starts.year()) || s.starts.year() == 2101));
            }
            let terms = crate::brokering::proposal::TermsInput {
                message: "请考虑合作".into(), quantity: Some(number), starts_on: Some(date.clone()), ends_on: Some(date),
                respond_within_days: Some(weeks),
            };
            if let Ok(parsed) = crate::brokering::proposal::Terms::parse(&terms, now.date()) {
                let _ = parsed.deadline_from(now.and_utc());
            }
        }

        #[test]
        fn numbers_of_any_size_are_in_range_or_refused(n in any::<i128>()) {
            let text = n.to_string();
            match parse_count(&text, 1, 1000) {
                Ok(value) => prop_assert!((1..=1000).contains(&value) && i128::from(value) == n),
                Err(invalid) => prop_assert_eq!(invalid, Invalid::OutOfRange { min: 1, max: 1000 }),
            }
            let year = parse_year(&text);
            prop_assert_eq!(year.is_ok(), (2000..=2100).contains(&n));
        }
    }
}
