//! Turning a SQLite value into one PostgreSQL accepts for a column of a given type.
//!
//! SQLite stores each value with its own storage class (integer, real, text, blob, null) whatever
//! the column says; PostgreSQL wants the column's type. The value is bound in the Rust type
//! closest to the target (booleans from SQLite's 0/1, integers, floats, bytes) or as text, and the
//! INSERT casts every parameter to the column's type, so PostgreSQL's own input functions parse
//! timestamps, dates, JSON and numerics exactly as they would parse them anywhere else.

use sea_orm::{DbErr, QueryResult, Value};

/// A PostgreSQL column type, as `information_schema.columns` names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum TargetType {
    SmallInt,
    Integer,
    BigInt,
    Boolean,
    Real,
    Double,
    Numeric,
    Text,
    Timestamp,
    TimestampTz,
    Date,
    Time,
    Json,
    Jsonb,
    Bytes,
    Uuid,
    /// Any other type (a user-defined enum, an array …): bound as text and cast to it by name.
    Other(String),
}

impl TargetType {
    /// From `data_type` and `udt_name` of `information_schema.columns`.
    pub(super) fn parse(data_type: &str, udt_name: &str) -> TargetType {
        match data_type {
            "smallint" => TargetType::SmallInt,
            "integer" => TargetType::Integer,
            "bigint" => TargetType::BigInt,
            "boolean" => TargetType::Boolean,
            "real" => TargetType::Real,
            "double precision" => TargetType::Double,
            "numeric" => TargetType::Numeric,
            "text" | "character varying" | "character" => TargetType::Text,
            "timestamp without time zone" => TargetType::Timestamp,
            "timestamp with time zone" => TargetType::TimestampTz,
            "date" => TargetType::Date,
            "time without time zone" => TargetType::Time,
            "json" => TargetType::Json,
            "jsonb" => TargetType::Jsonb,
            "bytea" => TargetType::Bytes,
            "uuid" => TargetType::Uuid,
            _ => TargetType::Other(udt_name.to_owned()),
        }
    }

    /// The type named in the parameter's `CAST(… AS type)`.
    pub(super) fn sql(&self) -> String {
        let name = match self {
            TargetType::SmallInt => "smallint",
            TargetType::Integer => "integer",
            TargetType::BigInt => "bigint",
            TargetType::Boolean => "boolean",
            TargetType::Real => "real",
            TargetType::Double => "double precision",
            TargetType::Numeric => "numeric",
            // Assignment to varchar(n) checks the length; the cast needs no length.
            TargetType::Text => "text",
            TargetType::Timestamp => "timestamp",
            TargetType::TimestampTz => "timestamptz",
            TargetType::Date => "date",
            TargetType::Time => "time",
            TargetType::Json => "json",
            TargetType::Jsonb => "jsonb",
            TargetType::Bytes => "bytea",
            TargetType::Uuid => "uuid",
            TargetType::Other(udt) => return format!("\"{}\"", udt.replace('"', "\"\"")),
        };
        name.to_owned()
    }
}

/// One SQLite value, by its storage class.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum SourceValue {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

impl SourceValue {
    /// Reads the value at `index` whose `typeof()` is at `index - 1`.
    pub(super) fn read(row: &QueryResult, index: usize) -> Result<SourceValue, DbErr> {
        let class: String = row.try_get_by_index(index - 1)?;
        Ok(match class.as_str() {
            "integer" => SourceValue::Integer(row.try_get_by_index(index)?),
            "real" => SourceValue::Real(row.try_get_by_index(index)?),
            "text" => SourceValue::Text(row.try_get_by_index(index)?),
            "blob" => SourceValue::Blob(row.try_get_by_index(index)?),
            _ => SourceValue::Null,
        })
    }

    fn as_text(&self) -> Result<Option<String>, String> {
        Ok(match self {
            SourceValue::Null => None,
            SourceValue::Integer(i) => Some(i.to_string()),
            SourceValue::Real(f) => Some(f.to_string()),
            SourceValue::Text(t) => Some(t.clone()),
            SourceValue::Blob(b) => {
                Some(String::from_utf8(b.clone()).map_err(|_| "binary data where text was expected".to_owned())?)
            }
        })
    }
}

/// The parameter to bind for `value` in a column of type `target`, or why it cannot be.
pub(super) fn convert(value: &SourceValue, target: &TargetType) -> Result<Value, String> {
    match target {
        TargetType::SmallInt | TargetType::Integer | TargetType::BigInt => integer(value).map(Value::from),
        TargetType::Boolean => boolean(value).map(Value::from),
        TargetType::Real | TargetType::Double => float(value).map(Value::from),
        TargetType::Bytes => Ok(Value::from(match value {
            SourceValue::Null => None,
            SourceValue::Blob(b) => Some(b.clone()),
            other => other.as_text()?.map(String::into_bytes),
        })),
        // Numerics travel as text so no digit is lost to a float on the way.
        _ => value.as_text().map(Value::from),
    }
}

fn integer(value: &SourceValue) -> Result<Option<i64>, String> {
    match value {
        SourceValue::Null => Ok(None),
        SourceValue::Integer(i) => Ok(Some(*i)),
        SourceValue::Real(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => {
            // Exactly integral and well within i64: the conversion is exact.
            #[expect(clippy::cast_possible_truncation, reason = "integral and bounded just above")]
            Ok(Some(*f as i64))
        }
        SourceValue::Text(t) => t.trim().parse().map(Some).map_err(|_| format!("{t:?} is not an integer")),
        other => Err(format!("{other:?} is not an integer")),
    }
}

fn boolean(value: &SourceValue) -> Result<Option<bool>, String> {
    match value {
        SourceValue::Null => Ok(None),
        // SQLite has no boolean: sqlx writes 1 and 0.
        SourceValue::Integer(i) => Ok(Some(*i != 0)),
        SourceValue::Text(t) => match t.trim().to_ascii_lowercase().as_str() {
            "1" | "t" | "true" => Ok(Some(true)),
            "0" | "f" | "false" => Ok(Some(false)),
            _ => Err(format!("{t:?} is not a boolean")),
        },
        other => Err(format!("{other:?} is not a boolean")),
    }
}

fn float(value: &SourceValue) -> Result<Option<f64>, String> {
    match value {
        SourceValue::Null => Ok(None),
        SourceValue::Real(f) => Ok(Some(*f)),
        #[expect(clippy::cast_precision_loss, reason = "a float column holds floats; SQLite stored an integral one")]
        SourceValue::Integer(i) => Ok(Some(*i as f64)),
        SourceValue::Text(t) => t.trim().parse().map(Some).map_err(|_| format!("{t:?} is not a number")),
        SourceValue::Blob(_) => Err("binary data where a number was expected".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_zero_and_one_become_booleans() {
        assert_eq!(convert(&SourceValue::Integer(1), &TargetType::Boolean), Ok(Value::from(Some(true))));
        assert_eq!(convert(&SourceValue::Integer(0), &TargetType::Boolean), Ok(Value::from(Some(false))));
        assert_eq!(convert(&SourceValue::Null, &TargetType::Boolean), Ok(Value::from(None::<bool>)));
        assert!(convert(&SourceValue::Text("maybe".into()), &TargetType::Boolean).is_err());
    }

    #[test]
    fn timestamps_and_json_travel_as_text_for_postgres_to_parse() {
        let at = SourceValue::Text("2026-12-07T16:03:46.123456+00:00".into());
        assert_eq!(
            convert(&at, &TargetType::TimestampTz),
            Ok(Value::from(Some("2026-12-07T16:03:46.123456+00:00".to_owned())))
        );
        assert_eq!(TargetType::parse("timestamp with time zone", "timestamptz").sql(), "timestamptz");
        assert_eq!(TargetType::parse("USER-DEFINED", "posting_kind").sql(), "\"posting_kind\"");
    }

    #[test]
    fn integers_are_accepted_from_integral_values_only() {
        assert_eq!(convert(&SourceValue::Real(3.0), &TargetType::BigInt), Ok(Value::from(Some(3_i64))));
        assert_eq!(convert(&SourceValue::Text(" 42".into()), &TargetType::Integer), Ok(Value::from(Some(42_i64))));
        assert!(convert(&SourceValue::Real(3.5), &TargetType::BigInt).is_err());
        assert!(convert(&SourceValue::Blob(vec![1]), &TargetType::BigInt).is_err());
    }

    #[test]
    fn blobs_stay_bytes_and_text_becomes_bytes() {
        assert_eq!(
            convert(&SourceValue::Blob(vec![0, 255]), &TargetType::Bytes),
            Ok(Value::from(Some(vec![0_u8, 255])))
        );
        assert_eq!(convert(&SourceValue::Text("ab".into()), &TargetType::Bytes), Ok(Value::from(Some(b"ab".to_vec()))));
    }
}
