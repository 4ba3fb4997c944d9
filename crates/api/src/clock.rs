//! "Today" as the platform's users mean it: the calendar date in China (UTC+8), where postings'
//! end dates are set. Services take the date as an argument so tests can choose it. Its
//! arithmetic is checked: no time, however extreme, makes it panic.

use chrono::{FixedOffset, NaiveDate, Utc};

pub fn today() -> NaiveDate {
    let china = FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    Utc::now().with_timezone(&china).date_naive()
}

/// China's offset from UTC; it has no daylight saving, so a fixed offset is exact.
pub fn china() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// The wall-clock time in China, the time training-base slots are published in.
pub fn now_local() -> chrono::NaiveDateTime {
    Utc::now().with_timezone(&china()).naive_local()
}

/// A wall-clock time in China as an instant, for storage. Inputs are parsed within the
/// platform's window of dates ([`chanjiao_domain::bounds`]); should anything reach here from
/// the very start of the calendar, it saturates rather than overflowing.
pub fn from_local(local: chrono::NaiveDateTime) -> chrono::DateTime<Utc> {
    chanjiao_domain::bounds::china_to_utc(local).unwrap_or(chrono::NaiveDateTime::MIN).and_utc()
}

/// A stored instant as China's wall-clock time.
pub fn to_local(at: chrono::DateTime<Utc>) -> chrono::DateTime<FixedOffset> {
    at.with_timezone(&china())
}
