//! The month calendar of a base, for its owners: every slot of the month with its bookings.

use chrono::{Datelike, Months, NaiveDate};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use super::Slot;
use super::slots::with_bookings;
use crate::auth::CurrentUser;
use crate::clock;
use crate::entities::training_slots;
use crate::error::ApiError;
use crate::services::postings::{self, Posting};

/// One month of a base's slots.
#[derive(Debug, Clone, Serialize)]
pub struct Calendar {
    pub posting: Posting,
    /// The first day of the month shown.
    pub month: NaiveDate,
    pub previous: NaiveDate,
    pub next: NaiveDate,
    pub slots: Vec<Slot>,
}

/// Parses `2026-12` (or a full date, whose month is taken) within the platform's window of
/// dates; the current month when absent.
fn parse_month(raw: Option<&str>, today: NaiveDate) -> Result<NaiveDate, ApiError> {
    match raw.map(str::trim).filter(|r| !r.is_empty()) {
        None => Ok(today.with_day(1).unwrap_or(today)),
        Some(raw) => chanjiao_domain::bounds::parse_month(raw).map_err(|e| ApiError::invalid("month", e)),
    }
}

/// The slots of the month `raw` (default: this month) of a base, with who booked them. Only the
/// base's owners and platform administrators see it.
pub async fn month(
    db: &DatabaseConnection,
    user: &CurrentUser,
    posting_id: i64,
    raw: Option<&str>,
    today: NaiveDate,
) -> Result<Calendar, ApiError> {
    let posting = postings::get(db, user, posting_id).await?;
    if !posting.owned_by(user) && !user.is_platform_admin() {
        return Err(ApiError::Forbidden);
    }
    let month = parse_month(raw, today)?;
    let next = month.checked_add_months(Months::new(1)).unwrap_or(month);
    let previous = month.checked_sub_months(Months::new(1)).unwrap_or(month);
    let midnight = |d: NaiveDate| clock::from_local(d.and_hms_opt(0, 0, 0).unwrap_or_default());
    let rows = training_slots::Entity::find()
        .filter(training_slots::Column::PostingId.eq(posting_id))
        .filter(training_slots::Column::StartsAt.gte(midnight(month)))
        .filter(training_slots::Column::StartsAt.lt(midnight(next)))
        .order_by_asc(training_slots::Column::StartsAt)
        .all(db)
        .await?;
    let mut slots: Vec<Slot> = rows.iter().map(Slot::from_row).collect();
    with_bookings(db, &mut slots).await?;
    Ok(Calendar { posting, month, previous, next, slots })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_read_leniently_and_default_to_this_one() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        let first = |m| NaiveDate::from_ymd_opt(2026, m, 1).unwrap();
        assert_eq!(parse_month(None, today).unwrap(), first(11));
        assert_eq!(parse_month(Some("2026-12"), today).unwrap(), first(12));
        assert_eq!(parse_month(Some("2026-12-17"), today).unwrap(), first(12));
        assert!(parse_month(Some("december"), today).is_err());
    }
}
