//! "Now" for the whole server: one [`Clock`] in the application state, the system clock in
//! production and a fixed, settable one in tests, so any test can choose the instant every
//! handler, service and worker sees. Nothing else reads the system time.
//!
//! "Today" as the platform's users mean it is the calendar date in China (UTC+8), where
//! postings' end dates are set. The conversions here ([`china`], [`to_local`], [`from_local`])
//! are not "now" and stay free functions. Their arithmetic is checked: no time, however
//! extreme, makes them panic.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, Utc};

/// The source of "now". Cheap to clone: clones share one source, so setting a fixed clock
/// moves every holder of it.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    /// `None`: the system clock. `Some`: a fixed instant in microseconds since the epoch.
    fixed: Option<Arc<AtomicI64>>,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Clock {
        Clock { fixed: None }
    }

    /// A clock standing still at `at` until [`Clock::set`] or [`Clock::advance`] moves it.
    pub fn fixed(at: DateTime<Utc>) -> Clock {
        Clock { fixed: Some(Arc::new(AtomicI64::new(at.timestamp_micros()))) }
    }

    pub fn now(&self) -> DateTime<Utc> {
        match &self.fixed {
            None => Utc::now(),
            Some(micros) => DateTime::from_timestamp_micros(micros.load(Ordering::SeqCst)).unwrap_or_default(),
        }
    }

    /// Today's date in China.
    pub fn today(&self) -> NaiveDate {
        to_local(self.now()).date_naive()
    }

    /// The wall-clock time in China, the time training-base slots are published in.
    pub fn now_local(&self) -> NaiveDateTime {
        to_local(self.now()).naive_local()
    }

    /// Moves a fixed clock to `at`. The system clock cannot be moved: a test that sets the time
    /// must start the server with a fixed clock.
    pub fn set(&self, at: DateTime<Utc>) {
        let micros = self.fixed.as_ref().expect("only a fixed clock can be set");
        micros.store(at.timestamp_micros(), Ordering::SeqCst);
    }

    /// Moves a fixed clock forward (or back, for a negative `by`).
    pub fn advance(&self, by: chrono::Duration) {
        let now = self.now();
        self.set(now.checked_add_signed(by).unwrap_or(now));
    }
}

/// China's offset from UTC; it has no daylight saving, so a fixed offset is exact.
pub fn china() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// A wall-clock time in China as an instant, for storage. Inputs are parsed within the
/// platform's window of dates ([`chanjiao_domain::bounds`]); should anything reach here from
/// the very start of the calendar, it saturates rather than overflowing.
pub fn from_local(local: NaiveDateTime) -> DateTime<Utc> {
    chanjiao_domain::bounds::china_to_utc(local).unwrap_or(NaiveDateTime::MIN).and_utc()
}

/// A stored instant as China's wall-clock time.
pub fn to_local(at: DateTime<Utc>) -> DateTime<FixedOffset> {
    at.with_timezone(&china())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_clock_stands_still_until_moved_and_its_clones_move_with_it() {
        let start = DateTime::parse_from_rfc3339("2026-12-31T17:30:00Z").unwrap().to_utc();
        let clock = Clock::fixed(start);
        let held = clock.clone();
        assert_eq!(clock.now(), start);
        // 17:30 UTC is 01:30 the next morning in China.
        assert_eq!(clock.today(), NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());
        held.advance(chrono::Duration::hours(2));
        assert_eq!(clock.now(), start + chrono::Duration::hours(2));
        clock.set(start);
        assert_eq!(held.now_local(), NaiveDate::from_ymd_opt(2027, 1, 1).unwrap().and_hms_opt(1, 30, 0).unwrap());
    }

    #[test]
    fn the_system_clock_reads_the_system_time() {
        let before = Utc::now();
        let now = Clock::system().now();
        assert!(now >= before && now <= Utc::now());
    }
}
