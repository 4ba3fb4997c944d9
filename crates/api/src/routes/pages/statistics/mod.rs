//! The statistics pages. `/statistics` itself (tab "dashboard", 目标总览) is served here: the
//! plan's targets with progress bars and their numbers, the districts × targets table with who
//! is behind, designations per year. The forms behind those figures are in [`designations`]
//! (for overseers) and [`school_report`] (a school's yearly report); the other tabs have a
//! module each. Every tab shares the navigation built by [`stats_nav`].

pub(super) mod designations;
pub(super) mod league;
pub(super) mod outlook;
pub(super) mod reports;
pub(super) mod school_report;
pub(super) mod supply;

use axum::extract::State;
use axum::response::Response;
use chanjiao_domain::OrgKind;
use chanjiao_domain::access::Power;
use chanjiao_domain::region::RegionCode;
use chanjiao_domain::statistics::targets::TargetKind;
use minijinja::value::Serde;
use minijinja::{Value, context};
use serde::Serialize;

use super::PageQuery;
use crate::auth::PageUser;
use crate::services::statistics::filter::{Filter, FilterQuery, districts};
use crate::services::statistics::targets::{self, DistrictLine, SchoolBehind, TargetLine, TargetsReport, YearLine};
use crate::startup::AppState;
use crate::web::{Lang, Localized, Page, PageError};

/// The filter as the navigation's form shows it, with the query string that keeps it across
/// tabs.
#[derive(Serialize)]
struct NavFilter<'a> {
    district: Option<&'a str>,
    year: Option<i32>,
    query: String,
}

/// A district of the city, for the filter's select.
#[derive(Serialize)]
struct District {
    code: &'static str,
    name: &'static str,
}

/// What `statistics/_nav.html`'s `stats_nav(active, filter, districts)` needs: `filter` and
/// `districts`, to merge into a page's context.
fn stats_nav(filter: &Filter) -> Value {
    let shown = NavFilter {
        district: filter.district.as_ref().map(RegionCode::as_str),
        year: filter.year,
        query: filter.query_string(),
    };
    let districts: Vec<District> =
        districts().into_iter().map(|d| District { code: d.code.as_str(), name: d.name.as_str() }).collect();
    context! { filter => Serde(shown), districts => Serde(districts) }
}

/// A value as the dashboard prints it: counts whole, ratios in per cent, practice in years.
fn shown(kind: TargetKind, value: Option<f64>, lang: Lang) -> String {
    match (kind, value) {
        (_, None) => "—".into(),
        (TargetKind::DualQualifiedRatio, Some(v)) => format!("{:.1}%", v * 100.0),
        (TargetKind::TeacherPractice, Some(v)) => {
            let unit = match lang {
                Lang::Zh => "年/人",
                Lang::En => "years/teacher",
            };
            format!("{v:.2} {unit}")
        }
        (TargetKind::Designations(_), Some(v)) if v.fract() == 0.0 => format!("{v:.0}"),
        (TargetKind::Designations(_), Some(v)) => format!("{v:.1}"),
    }
}

/// A target's name in `lang` (the plan gives both).
fn target_name(line: &TargetLine, lang: Lang) -> &str {
    match lang {
        Lang::Zh => &line.name_zh,
        Lang::En => &line.name_en,
    }
}

/// The name of `kind` among the report's targets, in `lang`.
fn name_of(report: &TargetsReport, kind: TargetKind, lang: Lang) -> &str {
    report.targets.iter().find(|t| t.id == kind).map(|t| target_name(t, lang)).unwrap_or_default()
}

/// One target (or one district's cell of it): the figures as printed and the progress bar.
#[derive(Serialize)]
struct LineView<'a> {
    id: TargetKind,
    name: &'a str,
    lead_unit: &'a str,
    actual: String,
    target: String,
    /// Progress in per cent, and the bar's width (at most 100).
    percent: Option<f64>,
    bar: Option<f64>,
    /// The per cent expected by now at an even pace.
    expected: Option<f64>,
    status: Option<&'static str>,
    status_label: Option<&'static str>,
}

impl<'a> LineView<'a> {
    fn new(line: &'a TargetLine, lang: Lang) -> Self {
        let percent = line.progress.and_then(|p| p.ratio).map(|r| (r * 100.0).max(0.0));
        LineView {
            id: line.id,
            name: target_name(line, lang),
            lead_unit: &line.lead_unit,
            actual: shown(line.id, line.actual, lang),
            target: shown(line.id, Some(line.target), lang),
            percent: percent.map(f64::round),
            bar: percent.map(|p| p.min(100.0).round()),
            expected: line.progress.map(|p| (p.expected * 100.0).round()),
            status: line.progress.map(|p| p.status.as_str()),
            status_label: line.progress.map(|p| p.status.label(lang)),
        }
    }
}

/// A district's row: its cells and the names of the targets it is behind on.
#[derive(Serialize)]
struct DistrictRow<'a> {
    code: &'a str,
    name: &'a str,
    cells: Vec<LineView<'a>>,
    behind: Vec<&'a str>,
}

impl<'a> DistrictRow<'a> {
    fn new(district: &'a DistrictLine, report: &'a TargetsReport, lang: Lang) -> Self {
        DistrictRow {
            code: &district.code,
            name: &district.name,
            cells: district.cells.iter().map(|c| LineView::new(c, lang)).collect(),
            behind: district.behind.iter().map(|k| name_of(report, *k, lang)).collect(),
        }
    }
}

/// A year's designations per type (in the columns' order), with its ratio and practice days.
#[derive(Serialize)]
struct YearRow {
    year: i32,
    counts: Vec<u32>,
    total: u32,
    ratio: Option<String>,
    practice_days: u64,
    schools: usize,
}

impl YearRow {
    fn new(year: &YearLine) -> Self {
        YearRow {
            year: year.year,
            counts: year.designations.iter().map(|(_, n)| *n).collect(),
            total: year.total,
            ratio: year.dual_qualified_ratio.map(|r| format!("{:.1}%", r * 100.0)),
            practice_days: year.practice_days,
            schools: year.schools_reporting,
        }
    }
}

/// A school below a target, with the target's name and the figures as printed.
#[derive(Serialize)]
struct SchoolRow<'a> {
    name: &'a str,
    district: Option<&'a str>,
    target: &'a str,
    value: String,
    goal: String,
}

impl<'a> SchoolRow<'a> {
    fn new(school: &'a SchoolBehind, report: &'a TargetsReport, lang: Lang) -> Self {
        SchoolRow {
            name: &school.name,
            district: school.district_name.as_deref(),
            target: name_of(report, school.target, lang),
            value: shown(school.target, Some(school.value), lang),
            goal: shown(school.target, Some(school.goal), lang),
        }
    }
}

/// `GET /statistics`
pub async fn dashboard(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    PageQuery(query): PageQuery<FilterQuery>,
) -> Result<Response, PageError> {
    let today = state.clock.today();
    let filter = Filter::parse(&query, today)?;
    let report = targets::progress(&state.db, &filter, today).await?.for_viewer(&user);
    let lang = page.lang;
    let target_lines: Vec<LineView<'_>> = report.targets.iter().map(|l| LineView::new(l, lang)).collect();
    let district_rows: Vec<DistrictRow<'_>> =
        report.districts.iter().map(|d| DistrictRow::new(d, &report, lang)).collect();
    let years: Vec<YearRow> = report.years.iter().map(YearRow::new).collect();
    let year_columns: Vec<&str> =
        report.years.first().map(|y| y.designations.iter().map(|(t, _)| t.label(lang)).collect()).unwrap_or_default();
    let schools_behind: Vec<SchoolRow<'_>> =
        report.schools_behind.iter().map(|s| SchoolRow::new(s, &report, lang)).collect();
    let is_school = user.organization.as_ref().is_some_and(|o| o.kind == OrgKind::School);
    let ctx = context! {
        report => Serde(&report), elapsed => (report.elapsed * 100.0).round(),
        targets => Serde(target_lines), district_rows => Serde(district_rows), years => Serde(years),
        year_columns => Serde(year_columns), schools_behind => Serde(schools_behind),
        oversees => user.may(Power::RecordDesignations), is_school,
        ..stats_nav(&filter)
    };
    Ok(page.render(&state, "statistics/targets.html", ctx))
}
