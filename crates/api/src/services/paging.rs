//! One paging style for every list the API returns: newest first, `limit` items a page,
//! `cursor` = the previous page's `next_cursor` (the last id it showed), and `updated_since`
//! for clients that keep a copy and only want what changed. No list stops silently at a cap:
//! a client pages through everything with `next_cursor` until it is null.

use chanjiao_domain::{Invalid, Invalids, Text};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, Condition};
use serde::Deserialize;

/// The paging parameters as they arrive in a query string.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct PagingQuery {
    /// Items per page, 1–100 (default 50).
    #[param(value_type = Option<u8>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    /// The previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// Only items changed at or after this instant (RFC 3339, e.g. `2027-03-01T08:00:00Z`).
    #[param(value_type = Option<String>, format = DateTime)]
    pub updated_since: Option<String>,
}

/// The paging parameters, checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    pub limit: u64,
    /// Only ids below this one (the last id of the previous page).
    pub before: Option<i64>,
    pub updated_since: Option<DateTime<Utc>>,
}

pub const DEFAULT_LIMIT: u64 = 50;
pub const MAX_LIMIT: u64 = 100;

impl Default for Paging {
    fn default() -> Self {
        Paging { limit: DEFAULT_LIMIT, before: None, updated_since: None }
    }
}

fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

impl PagingQuery {
    /// The checked parameters; every bad one is named.
    pub fn paging(&self) -> Result<Paging, Invalids> {
        let mut errors = Invalids::default();
        let limit = limit(present(&self.limit), DEFAULT_LIMIT, MAX_LIMIT, &mut errors);
        let before = present(&self.cursor).and_then(|raw| match raw.parse::<i64>() {
            Ok(n) if n >= 1 => Some(n),
            _ => {
                errors.push(
                    "cursor",
                    Invalid::Format(Text::new("a next_cursor of this list", "本列表给出的 next_cursor")),
                );
                None
            }
        });
        let updated_since = present(&self.updated_since).and_then(|raw| instant("updated_since", raw, &mut errors));
        errors.finish(|| Paging { limit, before, updated_since })
    }
}

/// A page size as a query string gives it: 1–`max`, `default` when absent, or a problem named
/// `limit`.
pub fn limit(raw: Option<&str>, default: u64, max: u64, errors: &mut Invalids) -> u64 {
    match raw.map(str::trim).filter(|r| !r.is_empty()) {
        None => default,
        Some(raw) => match raw.parse::<u64>() {
            Ok(n) if (1..=max).contains(&n) => n,
            _ => {
                errors.push("limit", Invalid::OutOfRange { min: 1, max: max as i64 });
                default
            }
        },
    }
}

/// An instant as a query string gives it (RFC 3339), or a problem named `field`.
pub fn instant(field: &str, raw: &str, errors: &mut Invalids) -> Option<DateTime<Utc>> {
    match DateTime::parse_from_rfc3339(raw) {
        Ok(at) => Some(at.with_timezone(&Utc)),
        Err(_) => {
            let format = Text::new(
                "an RFC 3339 instant, such as 2027-03-01T08:00:00Z",
                "RFC 3339 时间，例如 2027-03-01T08:00:00Z",
            );
            errors.push(field, Invalid::Format(format));
            None
        }
    }
}

impl Paging {
    /// The condition of this page on a table's id and change-time columns.
    pub fn condition(&self, id: impl ColumnTrait, updated_at: impl ColumnTrait) -> Condition {
        let mut condition = Condition::all();
        if let Some(before) = self.before {
            condition = condition.add(id.lt(before));
        }
        if let Some(since) = self.updated_since {
            condition = condition.add(updated_at.gte(since));
        }
        condition
    }

    /// How many rows to read: one more than a page, to know whether another follows.
    pub fn fetch(&self) -> u64 {
        self.limit + 1
    }

    /// Cuts the rows read (newest first) to a page, and the cursor of the next page.
    pub fn cut<T>(&self, mut rows: Vec<T>, id: impl Fn(&T) -> i64) -> (Vec<T>, Option<String>) {
        let more = rows.len() as u64 > self.limit;
        rows.truncate(self.limit as usize);
        let next = if more { rows.last().map(|row| id(row).to_string()) } else { None };
        (rows, next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_paging_is_named_field_by_field() {
        let query = PagingQuery {
            limit: Some("0".into()),
            cursor: Some("abc".into()),
            updated_since: Some("yesterday".into()),
        };
        let fields: Vec<String> = query.paging().unwrap_err().0.into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["limit", "cursor", "updated_since"]);
        let ok = PagingQuery { limit: Some("2".into()), cursor: Some("9".into()), updated_since: None };
        assert_eq!(ok.paging().unwrap(), Paging { limit: 2, before: Some(9), updated_since: None });
    }

    #[test]
    fn a_page_knows_whether_another_follows() {
        let paging = Paging { limit: 2, ..Paging::default() };
        assert_eq!(paging.cut(vec![9, 7, 5], |n| *n), (vec![9, 7], Some("7".to_owned())));
        assert_eq!(paging.cut(vec![9, 7], |n| *n), (vec![9, 7], None));
    }
}
