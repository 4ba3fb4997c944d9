//! Use cases: each function takes parsed input, does its work in the database (in one
//! transaction where it writes more than one row) and returns domain-shaped results. Route
//! modules call these and only render.

pub mod account_security;
pub mod accounts;
pub mod alerts;
pub mod audit;
pub mod booking;
pub mod brokering;
pub mod imports;
pub mod login_throttle;
pub mod matching;
pub mod organizations;
pub mod postings;
pub mod reference;
pub mod rounds;
pub mod search;
pub mod statistics;

use chanjiao_domain::Text;
use sea_orm::{DbErr, SqlErr};

use crate::error::ApiError;
use chanjiao_domain::Invalid;

/// Turns a unique-constraint violation into a 409 naming the field the user can fix.
pub(crate) fn conflict_or(err: DbErr, field_of: impl Fn(&str) -> Option<&'static str>) -> ApiError {
    if let Some(SqlErr::UniqueConstraintViolation(message)) = err.sql_err() {
        if let Some(field) = field_of(&message) {
            return ApiError::Conflict {
                field,
                invalid: Invalid::NotAllowed(Text::new("already registered", "已被注册")),
            };
        }
        tracing::warn!(%message, "unique violation on an unexpected column");
    }
    ApiError::Database(err)
}
