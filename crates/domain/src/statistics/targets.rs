//! The plan's measurable targets (规划目标) as data, and the rules for measuring progress on them.
//!
//! A plan is a list of [`Target`]s over a [`PlanPeriod`] (绍兴 2020–2024 by default, embedded from
//! `data/plan_targets_shaoxing_2024.csv`; other cities and periods are imported from a file of the
//! same shape). Each target's [`TargetKind`] says what feeds it: the count of recorded
//! [`DesignationType`] designations (认定), the dual-qualified teacher ratio schools report, or
//! teachers' enterprise practice per teacher. The formulas are here, pure; the API aggregates.

use crate::error::Text;
use std::fmt;

use chrono::NaiveDate;
use serde::Serialize;

use super::indicators::{TargetProgress, elapsed_share};
use crate::error::{Invalid, Invalids};
use crate::organization::string_enum;
use crate::posting::{NumberInput, whole_number};
use crate::text;

const SHAOXING_CSV: &str = include_str!("../../data/plan_targets_shaoxing_2024.csv");

/// Days in a year of practice: the plan's "半年" is calendar time, so half a year is 182.5 days.
pub const DAYS_PER_YEAR: f64 = 365.0;

string_enum!(
    /// What an authority designates (认定), each feeding the count target of the same id.
    DesignationType, Text::new("one of provincial_alliance, demonstration_base, pilot_enterprise, engineering_project, collaborative_education_project, k12_career_base, x_certificate_pilot_unit, new_electronics_school, vocational_education_park", "认定类型之一，如 pilot_enterprise（试点企业）、demonstration_base（示范基地）"), {
        ProvincialAlliance => "provincial_alliance",
        DemonstrationBase => "demonstration_base",
        PilotEnterprise => "pilot_enterprise",
        EngineeringProject => "engineering_project",
        CollaborativeEducationProject => "collaborative_education_project",
        K12CareerBase => "k12_career_base",
        XCertificatePilotUnit => "x_certificate_pilot_unit",
        NewElectronicsSchool => "new_electronics_school",
        VocationalEducationPark => "vocational_education_park",
    }
);

impl DesignationType {
    pub fn zh(self) -> &'static str {
        match self {
            DesignationType::ProvincialAlliance => "省级产教融合联盟",
            DesignationType::DemonstrationBase => "省级产教融合示范基地",
            DesignationType::PilotEnterprise => "省级产教融合试点企业",
            DesignationType::EngineeringProject => "省级产教融合工程项目",
            DesignationType::CollaborativeEducationProject => "省级产学合作协同育人项目",
            DesignationType::K12CareerBase => "中小学生职业体验示范基地",
            DesignationType::XCertificatePilotUnit => "国家1+X证书试点工作单位",
            DesignationType::NewElectronicsSchool => "新建电子类专业学校",
            DesignationType::VocationalEducationPark => "职业教育园区",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            DesignationType::ProvincialAlliance => "Provincial industry-education alliance",
            DesignationType::DemonstrationBase => "Provincial demonstration base",
            DesignationType::PilotEnterprise => "Provincial pilot enterprise",
            DesignationType::EngineeringProject => "Provincial engineering project",
            DesignationType::CollaborativeEducationProject => "Provincial collaborative education project",
            DesignationType::K12CareerBase => "K-12 career experience base",
            DesignationType::XCertificatePilotUnit => "1+X certificate pilot unit",
            DesignationType::NewElectronicsSchool => "New electronics vocational school",
            DesignationType::VocationalEducationPark => "Vocational education park",
        }
    }
}

/// What feeds a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TargetKind {
    /// The number of designations of the type (not revoked) over the plan period.
    Designations(DesignationType),
    /// Dual-qualified teachers ÷ full-time teachers, from the schools' yearly reports.
    DualQualifiedRatio,
    /// Years of enterprise practice per full-time teacher over the plan period.
    TeacherPractice,
}

impl TargetKind {
    pub const DUAL_QUALIFIED_RATIO: &'static str = "dual_qualified_teacher_ratio";
    pub const TEACHER_PRACTICE: &'static str = "teacher_enterprise_practice";

    /// The target's id in plan files and the API: a designation type's id, or one of the two
    /// reported measures.
    pub fn parse(raw: &str) -> Result<TargetKind, Invalid> {
        match raw.trim() {
            "" => Err(Invalid::Required),
            Self::DUAL_QUALIFIED_RATIO => Ok(TargetKind::DualQualifiedRatio),
            Self::TEACHER_PRACTICE => Ok(TargetKind::TeacherPractice),
            other => other.parse::<DesignationType>().map(TargetKind::Designations).map_err(|_| {
                Invalid::Format(Text::new(
                    "a designation type, dual_qualified_teacher_ratio or teacher_enterprise_practice",
                    "认定类型、dual_qualified_teacher_ratio 或 teacher_enterprise_practice 之一",
                ))
            }),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TargetKind::Designations(t) => t.as_str(),
            TargetKind::DualQualifiedRatio => Self::DUAL_QUALIFIED_RATIO,
            TargetKind::TeacherPractice => Self::TEACHER_PRACTICE,
        }
    }

    /// The units a target of this kind may be written in.
    fn allows(self, unit: TargetUnit) -> bool {
        match self {
            TargetKind::Designations(_) => matches!(unit, TargetUnit::Count | TargetUnit::CountAtLeast),
            TargetKind::DualQualifiedRatio => unit == TargetUnit::RatioAtLeast,
            TargetKind::TeacherPractice => unit == TargetUnit::YearsPerTeacherAtLeast,
        }
    }
}

impl crate::stored::StoredText for TargetKind {
    const TYPE_NAME: &'static str = "TargetKind";

    fn stored_text(&self) -> &str {
        self.as_str()
    }

    fn from_stored_text(text: &str) -> Option<Self> {
        TargetKind::parse(text).ok().filter(|kind| kind.as_str() == text)
    }
}

impl fmt::Display for TargetKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for TargetKind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// A string enum of every target id, as it serializes (`TargetId` in the document).
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for TargetKind {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        let ids = DesignationType::ALL
            .iter()
            .map(|t| t.as_str())
            .chain([TargetKind::DUAL_QUALIFIED_RATIO, TargetKind::TEACHER_PRACTICE]);
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(ids))
            .description(Some("A plan target: a designation type, or one of the two reported measures."))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for TargetKind {
    fn name() -> std::borrow::Cow<'static, str> {
        "TargetId".into()
    }
}

string_enum!(
    /// How a target is written in the plan file. Every target is met at or above its value; "at
    /// least" marks the plan's own wording (不少于, 以上).
    TargetUnit, Text::new("one of count, count (at least), ratio (at least), years per teacher (at least)", "count、count (at least)、ratio (at least)、years per teacher (at least) 之一"), {
        Count => "count",
        CountAtLeast => "count (at least)",
        RatioAtLeast => "ratio (at least)",
        YearsPerTeacherAtLeast => "years per teacher (at least)",
    }
);

/// One measurable target.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Target {
    pub kind: TargetKind,
    pub name_zh: String,
    pub name_en: String,
    /// Positive; a ratio is at most 1.
    pub value: f64,
    pub unit: TargetUnit,
    /// The municipal body responsible, e.g. 市教育局 (may be empty).
    pub lead_unit: String,
}

/// The years a plan runs, both included (2020–2024).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanPeriod {
    pub first_year: i32,
    pub last_year: i32,
}

impl PlanPeriod {
    pub const SHAOXING: PlanPeriod = PlanPeriod { first_year: 2020, last_year: 2024 };

    /// One to ten years, from 2000 on.
    pub fn parse(first_year: i32, last_year: i32) -> Result<PlanPeriod, Invalid> {
        if !(2000..=2100).contains(&first_year) {
            return Err(Invalid::OutOfRange { min: 2000, max: 2100 });
        }
        if last_year < first_year || last_year - first_year >= 10 {
            return Err(Invalid::OutOfRange { min: i64::from(first_year), max: i64::from(first_year) + 9 });
        }
        Ok(PlanPeriod { first_year, last_year })
    }

    pub fn years(self) -> std::ops::RangeInclusive<i32> {
        self.first_year..=self.last_year
    }

    /// The share of the period elapsed on `as_of` (0 … 1), by days.
    pub fn elapsed(self, as_of: NaiveDate) -> f64 {
        match (NaiveDate::from_ymd_opt(self.first_year, 1, 1), NaiveDate::from_ymd_opt(self.last_year + 1, 1, 1)) {
            (Some(start), Some(end)) => elapsed_share(start, end, as_of),
            _ => 1.0,
        }
    }
}

/// A problem in a plan file: the line (the header is line 1) and the column it is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellError {
    pub row: usize,
    pub column: String,
    pub invalid: Invalid,
}

impl fmt::Display for CellError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "row {}, column {}: {}", self.row, self.column, self.invalid)
    }
}

const COLUMNS: [&str; 6] = ["id", "name_zh", "name_en", "target", "unit", "lead_unit"];

/// Parses a plan file: CSV with the header `id,name_zh,name_en,target,unit,lead_unit` (any column
/// order; `lead_unit` may be left out). Every problem is reported with its row and column; one
/// target per id.
pub fn parse_targets_csv(text: &str) -> Result<Vec<Target>, Vec<CellError>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
    let header: Vec<String> = match lines.next() {
        Some((_, line)) => crate::reference::csv_fields(line).into_iter().map(|h| h.trim().to_owned()).collect(),
        None => return Err(vec![CellError { row: 1, column: "id".into(), invalid: Invalid::Required }]),
    };
    let mut errors = Vec::new();
    for column in &header {
        if !COLUMNS.contains(&column.as_str()) {
            errors.push(CellError {
                row: 1,
                column: column.clone(),
                invalid: Invalid::NotAllowed(Text::new("an unknown column", "未知的列")),
            });
        }
    }
    for column in &COLUMNS[..5] {
        if !header.iter().any(|h| h == column) {
            errors.push(CellError { row: 1, column: (*column).into(), invalid: Invalid::Required });
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut targets: Vec<Target> = Vec::new();
    for (index, line) in lines {
        let row = index + 1;
        let fields = crate::reference::csv_fields(line);
        let get = |column: &str| {
            header.iter().position(|h| h == column).and_then(|i| fields.get(i)).map(|f| f.trim()).unwrap_or("")
        };
        let mut cell = |column: &str, invalid: Invalid| {
            errors.push(CellError { row, column: column.into(), invalid });
        };
        if fields.len() != header.len() {
            cell("id", Invalid::Format(Text::new("as many fields as the header", "字段数与表头一致")));
            continue;
        }
        let kind = TargetKind::parse(get("id")).map_err(|e| cell("id", e)).ok();
        if let Some(kind) = kind
            && targets.iter().any(|t| t.kind == kind)
        {
            cell("id", Invalid::NotAllowed(Text::new("a target listed twice", "目标重复")));
        }
        let name_zh = text::clean(get("name_zh"), 1, 100, false).map_err(|e| cell("name_zh", e)).ok();
        let name_en = text::clean(get("name_en"), 1, 200, false).map_err(|e| cell("name_en", e)).ok();
        let lead_unit = if get("lead_unit").is_empty() {
            Some(String::new())
        } else {
            text::clean(get("lead_unit"), 1, 100, false).map_err(|e| cell("lead_unit", e)).ok()
        };
        let unit = get("unit").parse::<TargetUnit>().map_err(|e| cell("unit", e)).ok();
        if let (Some(kind), Some(unit)) = (kind, unit)
            && !kind.allows(unit)
        {
            cell("unit", Invalid::NotAllowed(Text::new("a unit other than the target's kind", "单位与目标类型不符")));
        }
        let value = match get("target").parse::<f64>() {
            Ok(v) if v.is_finite() && v > 0.0 && (kind != Some(TargetKind::DualQualifiedRatio) || v <= 1.0) => Some(v),
            Ok(_) if kind == Some(TargetKind::DualQualifiedRatio) => {
                cell("target", Invalid::Format(Text::new("a ratio above 0 and at most 1", "大于 0 且不超过 1 的比例")));
                None
            }
            Ok(_) | Err(_) => {
                cell("target", Invalid::Format(Text::new("a number above 0", "大于 0 的数")));
                None
            }
        };
        if let (Some(kind), Some(name_zh), Some(name_en), Some(lead_unit), Some(unit), Some(value)) =
            (kind, name_zh, name_en, lead_unit, unit, value)
        {
            targets.push(Target { kind, name_zh, name_en, value, unit, lead_unit });
        }
    }
    if targets.is_empty() && errors.is_empty() {
        errors.push(CellError { row: 2, column: "id".into(), invalid: Invalid::Required });
    }
    if errors.is_empty() { Ok(targets) } else { Err(errors) }
}

/// The Shaoxing plan's targets for 2020–2024, as embedded in the binary.
pub fn shaoxing_targets() -> Vec<Target> {
    parse_targets_csv(SHAOXING_CSV).expect("the embedded plan file is valid")
}

/// A school's report for one year 学校年度报告: its full-time teachers (专任教师), how many of them
/// are dual-qualified (双师型), and the days its teachers spent in enterprise practice that year
/// (summed over teachers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SchoolYearReport {
    pub year: i32,
    pub full_time_teachers: u32,
    pub dual_qualified_teachers: u32,
    pub practice_days: u32,
}

/// A school report as submitted: numbers as text or JSON numbers.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SchoolReportInput {
    pub year: Option<NumberInput>,
    pub full_time_teachers: Option<NumberInput>,
    pub dual_qualified_teachers: Option<NumberInput>,
    pub practice_days: Option<NumberInput>,
}

/// The most teachers one school reports (a guard against typing errors).
const MAX_TEACHERS: i64 = 20_000;

impl SchoolYearReport {
    /// Years from the plan's time (2000) to `current_year`; `dual ≤ teachers`; practice days at
    /// most every teacher's whole year.
    pub fn parse(input: &SchoolReportInput, current_year: i32) -> Result<SchoolYearReport, Invalids> {
        let mut errors = Invalids::default();
        let mut whole = |field: &str, raw: &Option<NumberInput>, min: i64, max: i64| -> Option<i64> {
            let parsed = match raw {
                None => Err(Invalid::Required),
                Some(raw) => whole_number(raw, min, max),
            };
            errors.take(field, parsed)
        };
        let year = whole("year", &input.year, 2000, i64::from(current_year));
        let teachers = whole("full_time_teachers", &input.full_time_teachers, 0, MAX_TEACHERS);
        let dual = whole("dual_qualified_teachers", &input.dual_qualified_teachers, 0, MAX_TEACHERS);
        let days = whole("practice_days", &input.practice_days, 0, MAX_TEACHERS * 366);
        if let (Some(teachers), Some(dual)) = (teachers, dual)
            && dual > teachers
        {
            errors.push(
                "dual_qualified_teachers",
                Invalid::NotAllowed(Text::new(
                    "more dual-qualified teachers than full-time teachers",
                    "双师型教师多于专任教师",
                )),
            );
        }
        if let (Some(teachers), Some(days)) = (teachers, days)
            && days > teachers * 366
        {
            errors.push(
                "practice_days",
                Invalid::NotAllowed(Text::new(
                    "more practice days than the teachers have in a year",
                    "企业实践天数超过全体教师一年的天数",
                )),
            );
        }
        errors.finish(|| SchoolYearReport {
            year: year.unwrap_or_default() as i32,
            full_time_teachers: teachers.unwrap_or_default() as u32,
            dual_qualified_teachers: dual.unwrap_or_default() as u32,
            practice_days: days.unwrap_or_default() as u32,
        })
    }
}

/// Dual-qualified ratio 双师型教师比例 = Σ dual-qualified ÷ Σ full-time teachers over the reports
/// given (one year's reports of a city, district or school); `None` without teachers.
pub fn dual_qualified_ratio(reports: &[SchoolYearReport]) -> Option<f64> {
    let teachers: u64 = reports.iter().map(|r| u64::from(r.full_time_teachers)).sum();
    let dual: u64 = reports.iter().map(|r| u64::from(r.dual_qualified_teachers)).sum();
    (teachers > 0).then(|| dual as f64 / teachers as f64)
}

/// Enterprise practice per teacher 人均企业实践（年）= Σ practice days over the period so far ÷
/// [`DAYS_PER_YEAR`] ÷ the full-time teachers of the latest year reported; `None` without teachers.
/// The plan asks for at least half a year per teacher every five years.
pub fn practice_years_per_teacher(practice_days: u64, teachers: u64) -> Option<f64> {
    (teachers > 0).then(|| practice_days as f64 / DAYS_PER_YEAR / teachers as f64)
}

/// Progress of a target at `as_of`. Counts and practice accumulate over the plan period, so the
/// expected share is the share of the period elapsed; a ratio is a level, judged directly
/// (expected = 1: met or behind). `actual = None` (nothing reported) is behind unless met trivially.
pub fn progress(
    kind: TargetKind,
    actual: Option<f64>,
    target: f64,
    period: PlanPeriod,
    as_of: NaiveDate,
) -> TargetProgress {
    let elapsed = match kind {
        TargetKind::DualQualifiedRatio => 1.0,
        TargetKind::Designations(_) | TargetKind::TeacherPractice => period.elapsed(as_of),
    };
    TargetProgress::of(actual.unwrap_or(0.0), target, elapsed)
}

/// A district's share of a city count target, spread evenly over `districts`; `None` when the
/// target is smaller than the number of districts (one alliance, one park: a city-wide project
/// that no district can be behind on).
pub fn district_share(target: f64, districts: usize) -> Option<f64> {
    (districts > 0 && target >= districts as f64).then(|| target / districts as f64)
}
