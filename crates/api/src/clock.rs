//! "Today" as the platform's users mean it: the calendar date in China (UTC+8), where postings'
//! end dates are set. Services take the date as an argument so tests can choose it.

use chrono::{FixedOffset, NaiveDate, Utc};

pub fn today() -> NaiveDate {
    let china = FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    Utc::now().with_timezone(&china).date_naive()
}
