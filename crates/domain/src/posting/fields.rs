//! The values a posting is made of, each parsed from what a form, a JSON body or a spreadsheet
//! cell sends: title and description, quantities, money, dates, and bounded lists of short texts
//! and codes.

use crate::error::Text;
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{Invalid, Invalids};
use crate::text;

/// A number as it arrives: a JSON integer or decimal, or text from a form field or spreadsheet
/// cell. Keeping text until parsing lets "十二" or "12人" be reported against its field instead of
/// failing the whole body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum NumberInput {
    Integer(i64),
    Decimal(f64),
    Text(String),
}

/// One schema of three types, not a derived `oneOf`: an integer is also a number, so it would
/// match two branches of a `oneOf` and fail it.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for NumberInput {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
        ObjectBuilder::new()
            .schema_type(SchemaType::Array(vec![Type::Integer, Type::Number, Type::String]))
            .description(Some(
                "A number, or text holding one (as a spreadsheet cell would); blank text counts as absent.",
            ))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for NumberInput {}

impl NumberInput {
    /// Blank text counts as absent, as an empty spreadsheet cell does.
    pub fn is_blank(&self) -> bool {
        matches!(self, NumberInput::Text(text) if text.trim().is_empty())
    }
}

impl From<i64> for NumberInput {
    fn from(value: i64) -> Self {
        NumberInput::Integer(value)
    }
}

impl From<&str> for NumberInput {
    fn from(value: &str) -> Self {
        NumberInput::Text(value.to_owned())
    }
}

/// A posting's title: 2 to 80 characters on one line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Title(String);

impl Title {
    pub const MAX: usize = 80;

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        text::clean(raw, 2, Self::MAX, false).map(Title)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A posting's description: up to 5000 characters, line breaks allowed, possibly empty. Markup is
/// kept as typed; escaping it is the job of whoever renders it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Description(String);

impl Description {
    pub const MAX: usize = 5000;

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        text::clean(raw, 0, Self::MAX, true).map(Description)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How many people, places or projects a posting is about: 1 to 100 000.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Quantity(u32);

impl Quantity {
    pub const MAX: u32 = 100_000;

    pub fn parse(raw: &NumberInput) -> Result<Self, Invalid> {
        whole_number(raw, 1, Self::MAX.into()).map(|n| Quantity(n as u32))
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

/// A school program's yearly intake: 0 (not enrolling this year) to 100 000.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Enrolment(u32);

impl Enrolment {
    pub fn parse(raw: &NumberInput) -> Result<Self, Invalid> {
        whole_number(raw, 0, Quantity::MAX.into()).map(|n| Enrolment(n as u32))
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

/// A whole number within bounds. Decimals that are whole ("12.0", as spreadsheets write numbers)
/// are accepted; "12.5" and "12人" are not.
pub(crate) fn whole_number(raw: &NumberInput, min: i64, max: i64) -> Result<i64, Invalid> {
    const FORMAT: Invalid = Invalid::Format(Text::new("a whole number", "整数"));
    let value = match raw {
        NumberInput::Integer(n) => *n,
        NumberInput::Decimal(f) => whole(*f).ok_or(FORMAT)?,
        NumberInput::Text(text) => {
            let text = text.trim();
            if text.is_empty() {
                return Err(Invalid::Required);
            }
            match text.parse::<i64>() {
                Ok(n) => n,
                Err(_) => text.parse::<f64>().ok().and_then(whole).ok_or(FORMAT)?,
            }
        }
    };
    if (min..=max).contains(&value) { Ok(value) } else { Err(Invalid::OutOfRange { min, max }) }
}

/// The value of a whole float; huge ones saturate, which the range check then rejects.
fn whole(f: f64) -> Option<i64> {
    (f.is_finite() && f.fract() == 0.0).then_some(f as i64)
}

/// An amount of money in yuan, kept exactly as fen (分).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Yuan {
    fen: i64,
}

impl Yuan {
    /// Parses a non-negative amount with at most two decimals, up to `max_yuan`. Text may carry a
    /// currency sign (¥ or ￥), a trailing 元, and thousands separators ("3,500").
    pub fn parse(raw: &NumberInput, max_yuan: i64) -> Result<Self, Invalid> {
        const FORMAT: Invalid =
            Invalid::Format(Text::new("an amount in yuan with at most two decimals", "以元为单位、最多两位小数的金额"));
        let range = Invalid::OutOfRange { min: 0, max: max_yuan };
        let fen = match raw {
            NumberInput::Integer(n) => n.checked_mul(100).ok_or(range.clone())?,
            NumberInput::Decimal(f) => {
                let fen = (f * 100.0).round();
                if !f.is_finite() || (f * 100.0 - fen).abs() > 1e-6 {
                    return Err(FORMAT);
                }
                if fen.abs() > 1e17 {
                    return Err(range);
                }
                fen as i64
            }
            NumberInput::Text(text) => {
                let text = text.trim();
                if text.is_empty() {
                    return Err(Invalid::Required);
                }
                let text = text.trim_start_matches(['¥', '￥']).trim_end_matches('元').trim().replace(',', "");
                decimal_fen(&text).ok_or(FORMAT)?
            }
        };
        if fen < 0 || fen > max_yuan.saturating_mul(100) {
            return Err(range);
        }
        Ok(Yuan { fen })
    }

    pub fn from_fen(fen: i64) -> Self {
        Yuan { fen }
    }

    pub fn fen(self) -> i64 {
        self.fen
    }

    pub fn as_f64(self) -> f64 {
        self.fen as f64 / 100.0
    }
}

/// "3500", "3500.5", "-12.05" as fen; `None` for anything else, including three decimals.
fn decimal_fen(text: &str) -> Option<i64> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || whole.len() > 15 || fraction.len() > 2 || !all_digits(whole) || !all_digits(fraction) {
        return None;
    }
    let fraction: i64 = format!("{fraction:0<2}").parse().ok()?;
    let fen = whole.parse::<i64>().ok()? * 100 + fraction;
    Some(if negative { -fen } else { fen })
}

/// Prints "3500" or "3500.50", which [`Yuan::parse`] reads back.
impl fmt::Display for Yuan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.fen % 100 == 0 {
            write!(f, "{}", self.fen / 100)
        } else {
            write!(f, "{}.{:02}", self.fen / 100, self.fen % 100)
        }
    }
}

/// In JSON an amount is a number of yuan (3500.5), as people read it.
impl Serialize for Yuan {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_f64(self.as_f64())
    }
}

/// The years a posting's dates may fall in: the platform's one window ([`crate::bounds::YEARS`]).
pub const PLAUSIBLE_YEARS: std::ops::RangeInclusive<i32> = crate::bounds::YEARS;

pub use crate::bounds::parse_date;

/// When a posting applies: from its start date to its end date, both included, either open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimeWindow {
    #[cfg_attr(feature = "openapi", schema(required = true))]
    starts_on: Option<NaiveDate>,
    #[cfg_attr(feature = "openapi", schema(required = true))]
    ends_on: Option<NaiveDate>,
}

impl TimeWindow {
    pub const ALWAYS: TimeWindow = TimeWindow { starts_on: None, ends_on: None };

    /// A window whose end is not before its start.
    pub fn new(starts_on: Option<NaiveDate>, ends_on: Option<NaiveDate>) -> Result<Self, Invalid> {
        match (starts_on, ends_on) {
            (Some(start), Some(end)) if end < start => {
                Err(Invalid::NotAllowed(Text::new("an end date before the start date", "结束日期早于开始日期")))
            }
            _ => Ok(TimeWindow { starts_on, ends_on }),
        }
    }

    pub fn starts_on(self) -> Option<NaiveDate> {
        self.starts_on
    }

    pub fn ends_on(self) -> Option<NaiveDate> {
        self.ends_on
    }

    pub fn contains(self, day: NaiveDate) -> bool {
        self.starts_on.is_none_or(|s| s <= day) && self.ends_on.is_none_or(|e| day <= e)
    }

    /// Whether the last day has passed: the end date itself still counts.
    pub fn is_over(self, today: NaiveDate) -> bool {
        self.ends_on.is_some_and(|end| end < today)
    }

    pub fn overlaps(self, other: TimeWindow) -> bool {
        let starts_before_other_ends = match (self.starts_on, other.ends_on) {
            (Some(start), Some(end)) => start <= end,
            _ => true,
        };
        let other_starts_before_this_ends = match (other.starts_on, self.ends_on) {
            (Some(start), Some(end)) => start <= end,
            _ => true,
        };
        starts_before_other_ends && other_starts_before_this_ends
    }
}

/// Splits a spreadsheet cell or a typed line into list items: on commas, semicolons, 、 and line
/// breaks, in either width. Slashes are not separators ("C/C++", "焊接/切割" are one item).
pub fn split_list(cell: &str) -> Vec<String> {
    cell.split([',', '，', ';', '；', '、', '\n', '\r'])
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Parses a list of short single-line texts: blank items are dropped, repeats kept once, each item
/// at most `max_chars`, at most `max_items` in all. An item's error is reported as `field[i]`.
pub(super) fn text_list(
    errors: &mut Invalids,
    field: &str,
    raw: &[String],
    max_items: usize,
    max_chars: usize,
) -> Vec<String> {
    parse_list(errors, field, raw, max_items, |item| text::clean(item, 1, max_chars, false))
}

/// Parses a list of codes with `parse`, with the same rules as [`text_list`].
pub(super) fn parse_list<T: PartialEq>(
    errors: &mut Invalids,
    field: &str,
    raw: &[String],
    max_items: usize,
    parse: impl Fn(&str) -> Result<T, Invalid>,
) -> Vec<T> {
    let mut items: Vec<T> = Vec::new();
    for (index, item) in raw.iter().enumerate() {
        if item.trim().is_empty() {
            continue;
        }
        match parse(item) {
            Ok(value) if !items.contains(&value) => items.push(value),
            Ok(_) => {}
            Err(invalid) => errors.push(format!("{field}[{index}]"), invalid),
        }
    }
    if items.len() > max_items {
        errors.push(field, Invalid::TooMany { max: max_items });
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn text(s: &str) -> NumberInput {
        NumberInput::from(s)
    }

    #[test]
    fn quantities_are_whole_and_bounded() {
        assert_eq!(Quantity::parse(&12.into()).unwrap().get(), 12);
        assert_eq!(Quantity::parse(&text(" 12 ")).unwrap().get(), 12);
        assert_eq!(Quantity::parse(&text("12.0")).unwrap().get(), 12);
        assert_eq!(Quantity::parse(&NumberInput::Decimal(12.0)).unwrap().get(), 12);
        assert_eq!(Quantity::parse(&0.into()), Err(Invalid::OutOfRange { min: 1, max: 100_000 }));
        assert_eq!(Quantity::parse(&(-5).into()), Err(Invalid::OutOfRange { min: 1, max: 100_000 }));
        assert_eq!(Quantity::parse(&100_001.into()), Err(Invalid::OutOfRange { min: 1, max: 100_000 }));
        assert_eq!(Quantity::parse(&i64::MAX.into()), Err(Invalid::OutOfRange { min: 1, max: 100_000 }));
        assert_eq!(Quantity::parse(&NumberInput::Decimal(1e300)), Err(Invalid::OutOfRange { min: 1, max: 100_000 }));
        for bad in ["12.5", "12人", "十二", "1e400", "NaN"] {
            assert_eq!(Quantity::parse(&text(bad)), Err(Invalid::Format(Text::new("a whole number", "整数"))), "{bad}");
        }
        assert_eq!(
            Quantity::parse(&NumberInput::Decimal(f64::NAN)),
            Err(Invalid::Format(Text::new("a whole number", "整数")))
        );
        assert_eq!(Quantity::parse(&text("  ")), Err(Invalid::Required));
        assert_eq!(Enrolment::parse(&0.into()).unwrap().get(), 0);
    }

    #[test]
    fn amounts_are_exact_non_negative_and_bounded() {
        let max = 100_000;
        assert_eq!(Yuan::parse(&3500.into(), max).unwrap().fen(), 350_000);
        assert_eq!(Yuan::parse(&NumberInput::Decimal(3500.5), max).unwrap().fen(), 350_050);
        assert_eq!(Yuan::parse(&NumberInput::Decimal(0.1), max).unwrap().fen(), 10);
        assert_eq!(Yuan::parse(&text("¥3,500.05元"), max).unwrap().fen(), 350_005);
        assert_eq!(Yuan::parse(&text("0"), max).unwrap().fen(), 0);
        assert_eq!(Yuan::parse(&text("-1"), max), Err(Invalid::OutOfRange { min: 0, max }));
        assert_eq!(Yuan::parse(&NumberInput::Decimal(-0.5), max), Err(Invalid::OutOfRange { min: 0, max }));
        assert_eq!(Yuan::parse(&100_001.into(), max), Err(Invalid::OutOfRange { min: 0, max }));
        assert_eq!(Yuan::parse(&i64::MAX.into(), max), Err(Invalid::OutOfRange { min: 0, max }));
        assert_eq!(Yuan::parse(&NumberInput::Decimal(1e300), max), Err(Invalid::OutOfRange { min: 0, max }));
        for bad in ["3500.005", "三千", "3 500", ".5", "1e3", ""] {
            assert!(Yuan::parse(&text(bad), max).is_err(), "{bad}");
        }
        assert!(Yuan::parse(&NumberInput::Decimal(1.005), max).is_err());
        assert!(Yuan::parse(&NumberInput::Decimal(f64::INFINITY), max).is_err());
    }

    #[test]
    fn amounts_print_as_they_parse() {
        assert_eq!(Yuan::from_fen(350_000).to_string(), "3500");
        assert_eq!(Yuan::from_fen(350_050).to_string(), "3500.50");
        assert_eq!(Yuan::from_fen(5).to_string(), "0.05");
    }

    #[test]
    fn dates_accept_spreadsheet_forms_and_reject_absurd_years() {
        let day = NaiveDate::from_ymd_opt(2025, 9, 1).unwrap();
        for ok in ["2025-09-01", "2025/9/1", "2025.09.01", " 2025-09-01 00:00:00", "2025-09-01T08:00:00"] {
            assert_eq!(parse_date(ok), Ok(day), "{ok}");
        }
        for bad in ["2025-13-01", "2025-02-30", "01/09/2025", "明年", "2025-09"] {
            assert_eq!(
                parse_date(bad),
                Err(Invalid::Format(Text::new("a date like 2025-09-01", "日期，如 2025-09-01"))),
                "{bad}"
            );
        }
        assert_eq!(parse_date("2205-09-01"), Err(Invalid::OutOfRange { min: 2000, max: 2100 }));
        assert_eq!(parse_date("0025-09-01"), Err(Invalid::OutOfRange { min: 2000, max: 2100 }));
        assert_eq!(parse_date(""), Err(Invalid::Required));
    }

    #[test]
    fn windows_end_on_or_after_their_start_and_include_the_last_day() {
        let d = |m, day| NaiveDate::from_ymd_opt(2025, m, day).unwrap();
        assert!(TimeWindow::new(Some(d(9, 2)), Some(d(9, 1))).is_err());
        let window = TimeWindow::new(Some(d(9, 1)), Some(d(9, 1))).unwrap();
        assert!(window.contains(d(9, 1)));
        assert!(!window.is_over(d(9, 1)));
        assert!(window.is_over(d(9, 2)));
        assert!(!TimeWindow::ALWAYS.is_over(d(12, 31)));
        let later = TimeWindow::new(Some(d(10, 1)), None).unwrap();
        assert!(!window.overlaps(later) && !later.overlaps(window));
        assert!(later.overlaps(TimeWindow::ALWAYS));
    }

    #[test]
    fn splits_cells_on_any_list_separator() {
        assert_eq!(
            split_list("数控编程，CAD/CAM; 焊接、钳工\n\n C/C++ "),
            ["数控编程", "CAD/CAM", "焊接", "钳工", "C/C++"]
        );
        assert!(split_list(" ，；").is_empty());
    }

    #[test]
    fn lists_drop_blanks_and_repeats_and_name_the_bad_item() {
        let mut errors = Invalids::default();
        let raw: Vec<String> = ["焊接", " ", "焊接", "a\u{7}b", &"长".repeat(31)].map(String::from).to_vec();
        let items = text_list(&mut errors, "skills", &raw, 30, 30);
        assert_eq!(items, ["焊接"]);
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["skills[3]", "skills[4]"]);
        let mut errors = Invalids::default();
        let many: Vec<String> = (0..4).map(|i| i.to_string()).collect();
        assert_eq!(text_list(&mut errors, "skills", &many, 3, 30).len(), 4);
        assert_eq!(errors.0[0].invalid, Invalid::TooMany { max: 3 });
    }

    proptest! {
        #[test]
        fn any_amount_in_fen_survives_display_and_parse(fen in 0i64..=10_000_000_000) {
            let yuan = Yuan::from_fen(fen);
            prop_assert_eq!(Yuan::parse(&text(&yuan.to_string()), 100_000_000), Ok(yuan));
        }

        #[test]
        fn quantity_parse_accepts_exactly_the_range(n in any::<i64>()) {
            let parsed = Quantity::parse(&n.into());
            prop_assert_eq!(parsed.is_ok(), (1..=100_000).contains(&n));
            prop_assert_eq!(Quantity::parse(&text(&n.to_string())).is_ok(), parsed.is_ok());
        }

        #[test]
        fn number_parsers_never_panic(raw in "\\PC{0,20}", f in any::<f64>()) {
            let _ = Quantity::parse(&text(&raw));
            let _ = Yuan::parse(&text(&raw), 1_000_000);
            let _ = Yuan::parse(&NumberInput::Decimal(f), 1_000_000);
            let _ = Quantity::parse(&NumberInput::Decimal(f));
            let _ = parse_date(&raw);
        }

        #[test]
        fn a_window_is_valid_exactly_when_it_does_not_end_before_it_starts(a in 0i64..20_000, b in 0i64..20_000) {
            let base = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap();
            let (start, end) = (base + chrono::Days::new(a as u64), base + chrono::Days::new(b as u64));
            let window = TimeWindow::new(Some(start), Some(end));
            prop_assert_eq!(window.is_ok(), start <= end);
            if let Ok(window) = window {
                prop_assert!(window.contains(start) && window.contains(end));
                prop_assert!(window.overlaps(window));
            }
        }
    }
}
