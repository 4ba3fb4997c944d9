//! Reports: the school annual quality report (职业院校年度质量报告 figures) and the city report,
//! each a title and a list of [`Section`]s — plain tables whose columns say how their numbers
//! read. One representation serves the JSON API, the printable page and the `.xlsx` workbook
//! (one sheet per section), so a new section is one function that returns a `Section` and one
//! line that pushes it (see `city::report`).
//!
//! Who sees what: the school report, that school and those who oversee (authorities, platform
//! administrators), anyone else a 404; the city report, those who oversee, anyone else a 403.

pub mod city;
pub mod school;
pub mod xlsx;

use serde::Serialize;

use super::filter::Filter;

/// How a column's values read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = ReportColumnKind)]
pub enum ColumnKind {
    Text,
    /// A count or an amount, shown as it is.
    Number,
    /// A ratio 0 … 1, shown as a percentage.
    Percent,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = ReportColumn)]
pub struct Column {
    pub zh: &'static str,
    pub en: &'static str,
    pub kind: ColumnKind,
    /// Width in the workbook, in characters.
    pub width: f64,
}

impl Column {
    pub const fn text(zh: &'static str, en: &'static str, width: f64) -> Column {
        Column { zh, en, kind: ColumnKind::Text, width }
    }

    pub const fn number(zh: &'static str, en: &'static str) -> Column {
        Column { zh, en, kind: ColumnKind::Number, width: 12.0 }
    }

    pub const fn percent(zh: &'static str, en: &'static str) -> Column {
        Column { zh, en, kind: ColumnKind::Percent, width: 12.0 }
    }
}

/// One cell: text, a number, or no data (JSON `null`, "无数据" on the page and in the workbook).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Cell {
    Text(String),
    Number(f64),
    NoData,
}

/// One schema of three types rather than a derived `oneOf` (`ReportCell` in the document).
impl utoipa::PartialSchema for Cell {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
        ObjectBuilder::new()
            .schema_type(SchemaType::Array(vec![Type::String, Type::Number, Type::Null]))
            .description(Some("Text, a number, or null for no data."))
            .into()
    }
}

impl utoipa::ToSchema for Cell {
    fn name() -> std::borrow::Cow<'static, str> {
        "ReportCell".into()
    }
}

impl Cell {
    pub fn text(value: impl Into<String>) -> Cell {
        Cell::Text(value.into())
    }

    pub fn count(value: impl Into<u64>) -> Cell {
        Cell::Number(value.into() as f64)
    }

    /// A value that may be missing.
    pub fn maybe(value: Option<f64>) -> Cell {
        value.filter(|v| v.is_finite()).map_or(Cell::NoData, Cell::Number)
    }

    /// A ratio as percentage points with one decimal (0.8333 → 83.3), for tables of figures
    /// whose unit column says "%".
    pub fn percent_points(ratio: Option<f64>) -> Cell {
        Cell::maybe(ratio.map(|r| (r * 1000.0).round() / 10.0))
    }
}

/// One table of a report.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = ReportSection)]
pub struct Section {
    /// A stable key (`programs`, `placements` …), the API's handle on the section.
    pub key: &'static str,
    pub title_zh: &'static str,
    pub title_en: &'static str,
    /// How the figures were counted, in both languages.
    pub note_zh: &'static str,
    pub note_en: &'static str,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
}

/// A report: who or what it is about, the filter it was made under, its sections.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Report {
    pub title_zh: String,
    pub title_en: String,
    /// The school's name, or the district's (全市 for the whole city).
    pub subject: String,
    pub filter: Filter,
    /// The district's name (全市 for the whole city; the school's region for a school).
    pub district_name: String,
    /// The region code the report is about: the district's, the school's, or the city's 330600.
    pub region_code: String,
    pub generated_on: chrono::NaiveDate,
    pub sections: Vec<Section>,
}

impl Report {
    pub fn section(&self, key: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.key == key)
    }
}

/// The name of the filter's district, or 全市.
pub fn district_name(filter: &Filter) -> String {
    super::filter::districts()
        .into_iter()
        .find(|d| filter.region_prefix() == Some(d.code.as_str()))
        .map_or_else(|| "全市".to_owned(), |d| d.name.clone())
}

/// What the reports tab offers the viewer: the city report (those who oversee) and the school
/// reports it may open (every school in the district for those who oversee; a school its own).
#[derive(Debug, Clone, Serialize)]
pub struct Offer {
    pub city: bool,
    pub schools: Vec<SchoolLink>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SchoolLink {
    pub id: i64,
    pub name: String,
    pub region_name: String,
}

pub async fn offer(
    db: &impl sea_orm::ConnectionTrait,
    user: &crate::auth::CurrentUser,
    filter: &Filter,
) -> Result<Offer, crate::error::ApiError> {
    use chanjiao_domain::OrgKind;
    let link = |o: crate::services::organizations::Organization| SchoolLink {
        id: o.id,
        name: o.name,
        region_name: o.region_name,
    };
    if user.may(chanjiao_domain::access::Power::OverseeCity) {
        let schools = super::indicators::organizations_in(db, OrgKind::School, filter).await?;
        return Ok(Offer { city: true, schools: schools.into_iter().map(link).collect() });
    }
    let own = user.organization.clone().filter(|o| o.kind == OrgKind::School);
    Ok(Offer { city: false, schools: own.into_iter().map(link).collect() })
}
