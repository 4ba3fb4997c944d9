//! Typed text columns: an entity declares `pub status: Stored<PostingStatus>` and every row it
//! reads carries a `PostingStatus`, never a `String` to parse again.
//!
//! Why a wrapper: the domain's types ([`chanjiao_domain::StoredText`]) live in a crate that must
//! not depend on sea-orm, and the orphan rule forbids implementing sea-orm's `TryGetable`,
//! `ValueType` and `Into<Value>` here for a type defined there. sea-orm's own answers do not fit
//! either — `DeriveActiveEnum`/`DeriveValueType` derive on a type of this crate, so every enum
//! would need a local copy kept in step with the domain's. One generic newtype, implemented once
//! for every [`StoredText`], costs a `*` or `.0` at each read and nothing else. The schema is
//! unchanged: the column is the same text column holding the same bytes.
//!
//! A stored text the type does not know (a corrupt row, a value written by hand) fails the read
//! with one error, [`CorruptValue`], carried inside sea-orm's `DbErr::TryIntoErr`; the server
//! turns it into [`crate::error::ApiError::Corrupt`], logged once with the column, the type and
//! the value, and answered as a 500. Readers never parse, and never skip a row.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use chanjiao_domain::StoredText;
use sea_orm::sea_query::{ArrayType, ColumnType, Nullable, StringLen, ValueType, ValueTypeErr};
use sea_orm::{ColIdx, DbErr, QueryResult, TryGetError, TryGetable, Value};

/// A column value of a domain type stored as text. Dereferences to the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Stored<T>(pub T);

impl<T> Stored<T> {
    /// The value, taken out of its column.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for Stored<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> From<T> for Stored<T> {
    fn from(value: T) -> Self {
        Stored(value)
    }
}

impl<T: PartialEq> PartialEq<T> for Stored<T> {
    fn eq(&self, other: &T) -> bool {
        self.0 == *other
    }
}

/// Serialized as the value itself, so a row can stand in a view unchanged.
impl<T: serde::Serialize> serde::Serialize for Stored<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<T: StoredText> fmt::Display for Stored<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.stored_text())
    }
}

impl<T: StoredText> From<Stored<T>> for Value {
    fn from(value: Stored<T>) -> Self {
        Value::String(Some(value.0.stored_text().to_owned()))
    }
}

impl<T: StoredText> TryGetable for Stored<T> {
    fn try_get_by<I: ColIdx>(res: &QueryResult, index: I) -> Result<Self, TryGetError> {
        let text = String::try_get_by(res, index)?;
        match T::from_stored_text(&text) {
            Some(value) => Ok(Stored(value)),
            None => Err(TryGetError::DbErr(CorruptValue::new(format!("{index:?}"), T::TYPE_NAME, text).into())),
        }
    }
}

impl<T: StoredText> ValueType for Stored<T> {
    fn try_from(value: Value) -> Result<Self, ValueTypeErr> {
        let text = <String as ValueType>::try_from(value)?;
        T::from_stored_text(&text).map(Stored).ok_or(ValueTypeErr)
    }

    fn type_name() -> String {
        format!("Stored<{}>", T::TYPE_NAME)
    }

    fn array_type() -> ArrayType {
        ArrayType::String
    }

    fn column_type() -> ColumnType {
        ColumnType::String(StringLen::None)
    }
}

impl<T: StoredText> Nullable for Stored<T> {
    fn null() -> Value {
        Value::String(None)
    }
}

impl<T: StoredText> sea_orm::IntoActiveValue<Stored<T>> for Stored<T> {
    fn into_active_value(self) -> sea_orm::ActiveValue<Stored<T>> {
        sea_orm::ActiveValue::Set(self)
    }
}

/// A stored value the reading type does not recognise: the one error for a corrupt row,
/// whether found by [`Stored`] or by a service reading a text column of its own (a posting's
/// JSON details, a round's report).
#[derive(Debug, Clone, thiserror::Error)]
#[error("corrupt stored value: {column} holds {value:?}, which is not a valid {type_name}")]
pub struct CorruptValue {
    /// The column, as the query named it (`"status"`, or `"postings.details"` where a service
    /// knows the table).
    pub column: String,
    pub type_name: &'static str,
    pub value: String,
}

impl CorruptValue {
    pub fn new(column: impl Into<String>, type_name: &'static str, value: impl Into<String>) -> Self {
        let mut value = value.into();
        // A corrupt value may be long (a JSON document): the log needs its start, not all of it.
        if value.len() > 200 {
            let mut end = 200;
            while !value.is_char_boundary(end) {
                end -= 1;
            }
            value.truncate(end);
            value.push('…');
        }
        CorruptValue { column: column.into(), type_name, value }
    }

    /// The corrupt value inside a database error, if that is what the error is.
    pub fn find(err: &DbErr) -> Option<&CorruptValue> {
        match err {
            DbErr::TryIntoErr { source, .. } => source.downcast_ref::<CorruptValue>(),
            _ => None,
        }
    }
}

impl From<CorruptValue> for DbErr {
    fn from(corrupt: CorruptValue) -> Self {
        DbErr::TryIntoErr { from: "stored text", into: corrupt.type_name, source: Arc::new(corrupt) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chanjiao_domain::PostingStatus;

    #[test]
    fn a_corrupt_value_survives_the_trip_through_a_database_error() {
        let err: DbErr = CorruptValue::new("status", PostingStatus::TYPE_NAME, "bogus").into();
        let found = CorruptValue::find(&err).expect("the corrupt value is found again");
        assert_eq!(
            (found.column.as_str(), found.type_name, found.value.as_str()),
            ("status", "PostingStatus", "bogus")
        );
    }

    #[test]
    fn stored_text_is_written_byte_for_byte_and_read_back_exactly() {
        let value: Value = Stored(PostingStatus::Published).into();
        assert_eq!(value, Value::String(Some("published".to_owned())));
        assert_eq!(<Stored<PostingStatus> as ValueType>::try_from(value).ok(), Some(Stored(PostingStatus::Published)));
        let padded = Value::String(Some(" published".to_owned()));
        assert!(<Stored<PostingStatus> as ValueType>::try_from(padded).is_err());
    }
}
