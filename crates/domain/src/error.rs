//! Validation failures, named by field, with a reason users can read in Chinese or English.
//!
//! Parsing collects every problem of an input rather than stopping at the first, so a form can
//! show all its mistakes at once.

use std::fmt;

/// A short description in both of the platform's languages, written beside the rule that uses
/// it (`Invalid::Format(Text::new("a date like 2025-09-01", "日期，如 2025-09-01"))`), so no
/// message is ever looked up by its English wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Text {
    pub en: &'static str,
    pub zh: &'static str,
}

impl Text {
    pub const fn new(en: &'static str, zh: &'static str) -> Self {
        Text { en, zh }
    }
}

/// Why a value was rejected. The English text is what [`fmt::Display`] prints; [`Invalid::zh`]
/// gives the Chinese one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invalid {
    Required,
    TooShort { min: usize },
    TooLong { max: usize },
    ControlCharacters,
    Format(Text),
    CheckCharacter { expected: char, found: char },
    UnknownRegion(String),
    NotAllowed(Text),
    OutOfRange { min: i64, max: i64 },
    TooMany { max: usize },
    UnknownProgram(String),
    UnknownOccupation(String),
    UnknownCluster(String),
}

impl Invalid {
    /// A stable machine-readable code, for API clients that branch on the reason.
    pub fn code(&self) -> &'static str {
        match self {
            Invalid::Required => "required",
            Invalid::TooShort { .. } => "too_short",
            Invalid::TooLong { .. } => "too_long",
            Invalid::ControlCharacters => "control_characters",
            Invalid::Format(_) => "format",
            Invalid::CheckCharacter { .. } => "check_character",
            Invalid::UnknownRegion(_) => "unknown_region",
            Invalid::NotAllowed(_) => "not_allowed",
            Invalid::OutOfRange { .. } => "out_of_range",
            Invalid::TooMany { .. } => "too_many",
            Invalid::UnknownProgram(_) => "unknown_program",
            Invalid::UnknownOccupation(_) => "unknown_occupation",
            Invalid::UnknownCluster(_) => "unknown_cluster",
        }
    }

    /// The reason in Chinese, the platform's first language.
    pub fn zh(&self) -> String {
        match self {
            Invalid::Required => "必填".into(),
            Invalid::TooShort { min } => format!("至少 {min} 个字符"),
            Invalid::TooLong { max } => format!("最多 {max} 个字符"),
            Invalid::ControlCharacters => "不能包含控制字符".into(),
            Invalid::Format(what) => format!("格式不正确：{}", what.zh),
            Invalid::CheckCharacter { expected, found } => {
                format!("校验位错误：应为 {expected}，实为 {found}")
            }
            Invalid::UnknownRegion(code) => format!("未知的行政区划代码 {code}（须为浙江省内）"),
            Invalid::NotAllowed(what) => format!("不允许：{}", what.zh),
            Invalid::OutOfRange { min, max } => format!("须在 {min} 到 {max} 之间"),
            Invalid::TooMany { max } => format!("最多 {max} 项"),
            Invalid::UnknownProgram(code) => {
                format!("未知的专业代码 {code}（须为现行职业教育或普通本科专业目录中的专业）")
            }
            Invalid::UnknownOccupation(code) => {
                format!("未知的职业代码 {code}（须为《职业分类大典（2022年版）》中的职业）")
            }
            Invalid::UnknownCluster(id) => format!("未知的产业集群 {id}"),
        }
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Invalid::Required => f.write_str("is required"),
            Invalid::TooShort { min } => write!(f, "must be at least {min} characters"),
            Invalid::TooLong { max } => write!(f, "must be at most {max} characters"),
            Invalid::ControlCharacters => f.write_str("must not contain control characters"),
            Invalid::Format(what) => write!(f, "must be {}", what.en),
            Invalid::CheckCharacter { expected, found } => {
                write!(f, "has a wrong check character: expected {expected}, found {found}")
            }
            Invalid::UnknownRegion(code) => {
                write!(f, "{code} is not a known division code of Zhejiang")
            }
            Invalid::NotAllowed(what) => write!(f, "is not allowed: {}", what.en),
            Invalid::OutOfRange { min, max } => write!(f, "must be between {min} and {max}"),
            Invalid::TooMany { max } => write!(f, "must have at most {max} items"),
            Invalid::UnknownProgram(code) => {
                write!(f, "{code} is not a program of the current national catalogues")
            }
            Invalid::UnknownOccupation(code) => {
                write!(f, "{code} is not an occupation of the 2022 classification")
            }
            Invalid::UnknownCluster(id) => write!(f, "{id} is not a known industry cluster"),
        }
    }
}

/// One rejected field of an input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub invalid: Invalid,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.field, self.invalid)
    }
}

/// All the problems found in one input. Never empty when returned as an error.
#[derive(Debug, Clone, Default, PartialEq, Eq, thiserror::Error)]
#[error("invalid input: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct Invalids(pub Vec<FieldError>);

impl Invalids {
    pub fn single(field: impl Into<String>, invalid: Invalid) -> Self {
        Invalids(vec![FieldError { field: field.into(), invalid }])
    }

    pub fn push(&mut self, field: impl Into<String>, invalid: Invalid) {
        self.0.push(FieldError { field: field.into(), invalid });
    }

    /// Records the error of a field parse, if any, and returns the parsed value.
    pub fn take<T>(&mut self, field: &str, parsed: Result<T, Invalid>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(invalid) => {
                self.push(field, invalid);
                None
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(value)` when nothing was recorded, the collected errors otherwise.
    pub fn finish<T>(self, value: impl FnOnce() -> T) -> Result<T, Invalids> {
        if self.0.is_empty() { Ok(value()) } else { Err(self) }
    }
}

#[cfg(test)]
#[path = "error_tests.rs"]
mod tests;
