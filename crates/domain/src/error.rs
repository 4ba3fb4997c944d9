//! Validation failures, named by field, with a reason users can read in Chinese or English.
//!
//! Parsing collects every problem of an input rather than stopping at the first, so a form can
//! show all its mistakes at once.

use std::fmt;

/// Why a value was rejected. The English text is what [`fmt::Display`] prints; [`Invalid::zh`]
/// gives the Chinese one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invalid {
    Required,
    TooShort { min: usize },
    TooLong { max: usize },
    ControlCharacters,
    Format(&'static str),
    CheckCharacter { expected: char, found: char },
    UnknownRegion(String),
    NotAllowed(&'static str),
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
            Invalid::Format(what) => format!("格式不正确：{}", format_zh(what)),
            Invalid::CheckCharacter { expected, found } => {
                format!("校验位错误：应为 {expected}，实为 {found}")
            }
            Invalid::UnknownRegion(code) => format!("未知的行政区划代码 {code}（须为浙江省内）"),
            Invalid::NotAllowed(what) => format!("不允许：{}", format_zh(what)),
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

/// Chinese renderings of the short English format descriptions used in [`Invalid::Format`].
fn format_zh(what: &str) -> &str {
    match what {
        "18 characters from 0-9 and A-Y without I, O, S, V, Z" => "18 位，由数字和除 I、O、S、V、Z 以外的大写字母组成",
        "an email address like name@example.com" => "电子邮箱，如 name@example.com",
        "a six-digit division code like 330602" => "六位行政区划代码，如 330602",
        "one of enterprise, school, intermediary, authority" => "enterprise、school、intermediary、authority 之一",
        "one of zhongzhi, gaozhi_zhuanke, gaozhi_benke, putong_benke" => {
            "zhongzhi、gaozhi_zhuanke、gaozhi_benke、putong_benke 之一"
        }
        "only enterprises have a credit code" => "只有企业填写统一社会信用代码",
        "only schools have a level" => "只有学校填写办学层次",
        "already registered" => "已被注册",
        "a value of the type the API documents" => "符合接口文档所述类型的值",
        "fixed at registration" => "注册时确定，不能修改",
        "authorities are created by a platform administrator" => "主管部门由平台管理员创建，不能自行注册",
        "only clients that have delegated to your organization" => "只能共享给已委托本机构的客户",
        what if crate::alerts::address::Refusal::zh_of(what).is_some() => {
            crate::alerts::address::Refusal::zh_of(what).unwrap_or(what)
        }
        what if crate::statistics::targets::format_zh(what).is_some() => {
            crate::statistics::targets::format_zh(what).unwrap_or(what)
        }
        "platform administrators belong to no organization" => "平台管理员不隶属于任何机构",
        "a catalogue program code like 460103 or 520101K" => "专业目录代码，如 460103 或 520101K",
        "an occupation code like 6-18-01-01" => "职业代码，如 6-18-01-01",
        "one of emerging, traditional, service" => "emerging、traditional、service 之一",
        "one of headcount, seats, capacity, graduates, projects" => {
            "headcount、seats、capacity、graduates、projects 之一"
        }
        "one of monthly_pay, monthly_stipend, sponsorship, fee_per_person, hourly_fee, budget" => {
            "monthly_pay、monthly_stipend、sponsorship、fee_per_person、hourly_fee、budget 之一"
        }
        "a date like 2025-09-01" => "日期，如 2025-09-01",
        "a whole number" => "整数",
        "an amount in yuan with at most two decimals" => "以元为单位、最多两位小数的金额",
        "one of enterprise, school" => "enterprise、school 之一",
        "a posting kind such as job or program_offering" => "发布类型，如 job、program_offering",
        "one of modern, enterprise_new" => "modern（现代学徒制）、enterprise_new（企业新型学徒制）之一",
        "one of draft, published, paused, closed, filled, expired" => {
            "draft、published、paused、closed、filled、expired 之一"
        }
        "one of publish, pause, resume, close, mark_filled, expire, reopen" => {
            "publish、pause、resume、close、mark_filled、expire、reopen 之一"
        }
        "not used by this kind of posting" => "此类发布不使用该项",
        "an end date before the start date" => "结束日期早于开始日期",
        "a level other than the program's own" => "与所选专业的层次不一致",
        "a kind that enterprises post" => "该类发布只能由企业发布",
        "a kind that schools post" => "该类发布只能由学校发布",
        "one of open, accepted, declined, withdrawn, expired" => "open、accepted、declined、withdrawn、expired 之一",
        "one of no_capacity, timing, requirements, location, terms, other" => {
            "no_capacity（名额已满）、timing、requirements、location、terms、other 之一"
        }
        "a project type such as apprenticeship_cohort" => "合作项目类型，如 apprenticeship_cohort",
        "one of agreed, active, completed, cancelled" => "agreed、active、completed、cancelled 之一",
        "one of start, complete, cancel" => "start、complete、cancel 之一",
        "one of goals, outcomes, enterprise_engagement, school_engagement, management" => {
            "goals、outcomes、enterprise_engagement、school_engagement、management 之一"
        }
        "links starting with http:// or https://" => "以 http:// 或 https:// 开头的链接",
        "a date in the past" => "日期已过",
        "more than were placed" => "多于安置人数",
        "more than were hired" => "多于录用人数",
        "more than stayed 6 months" => "多于 6 个月留任人数",
        "not a published criterion" => "不是公布的评估指标",
        "a time like 08:30" => "时间，如 08:30",
        "one of morning, afternoon, whole_day, custom" => {
            "morning（上午）、afternoon（下午）、whole_day（全天）、custom（自定时间）之一"
        }
        "one of confirmed, cancelled" => "confirmed、cancelled 之一",
        "an end time not after the start time" => "结束时间不晚于开始时间",
        "a time in the past" => "已经过去的时间",
        "a slot at the same time already exists" => "同一时间已有时段",
        "a month like 2026-12" => "月份，如 2026-12",
        "a pseudonym without spaces" => "不含空格的化名编号",
        "taking part without consent" => "未经本人同意参加",
        "a place of this round" => "本轮次的名额",
        "a student of your school in this round" => "本校参加本轮次的学生",
        "a place listed twice" => "重复填报的名额",
        "a student who did not apply to this place" => "未填报该名额的学生",
        "a pseudonym already used by your school in this round" => "本校在本轮次已使用的化名编号",
        "a published apprenticeship, order class or training base posting of an enterprise" => {
            "企业已发布的学徒制、订单班或实训基地需求"
        }
        "a posting already in this round" => "已在本轮次中的发布",
        "a time in the future" => "将来的时间",
        "one of explicit, scoring" => "explicit（逐一排序）、scoring（按评分规则）之一",
        "one of accepted, declined" => "accepted（接受）、declined（放弃）之一",
        other => other,
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Invalid::Required => f.write_str("is required"),
            Invalid::TooShort { min } => write!(f, "must be at least {min} characters"),
            Invalid::TooLong { max } => write!(f, "must be at most {max} characters"),
            Invalid::ControlCharacters => f.write_str("must not contain control characters"),
            Invalid::Format(what) => write!(f, "must be {what}"),
            Invalid::CheckCharacter { expected, found } => {
                write!(f, "has a wrong check character: expected {expected}, found {found}")
            }
            Invalid::UnknownRegion(code) => {
                write!(f, "{code} is not a known division code of Zhejiang")
            }
            Invalid::NotAllowed(what) => write!(f, "is not allowed: {what}"),
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
