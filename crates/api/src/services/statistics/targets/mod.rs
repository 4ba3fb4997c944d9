//! The targets dashboard (目标总览): the plan's targets against what is recorded on the platform —
//! designations recorded by authorities, and the ratios and practice days schools report — per
//! target, per district and per year, with who is behind. docs/statistics.md ("Targets") states
//! every formula; the formulas themselves are the domain's (`statistics::targets`).
//!
//! - [`plan`]: which targets apply (imported for the city, else the embedded Shaoxing plan);
//! - [`designations`]: recording and revoking designations;
//! - [`school_reports`]: schools' yearly teacher reports;
//! - [`section`]: the targets as a section of the city report.
//!
//! [`progress`] computes the whole report for the city report and the dashboard; the dashboard
//! and the API then pass it through [`TargetsReport::for_viewer`], which removes the names of
//! schools that are not the viewer's own.

pub mod designations;
pub mod plan;
pub mod school_reports;
pub mod section;

use chanjiao_domain::access::Power;
use std::collections::{BTreeMap, BTreeSet};

use chanjiao_domain::region::RegionCode;
use chanjiao_domain::statistics::designation::district_of;
use chanjiao_domain::statistics::targets::{
    DesignationType, PlanPeriod, SchoolYearReport, Target, TargetKind, TargetUnit, district_share,
    dual_qualified_ratio, practice_years_per_teacher, progress as target_progress,
};
use chanjiao_domain::statistics::{TargetProgress, TargetStatus};
use chrono::{Datelike, NaiveDate};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use serde::Serialize;

use self::designations::CITY;
use crate::auth::CurrentUser;
use crate::entities::{designations as designation_rows, organizations, school_reports as report_rows};
use crate::error::ApiError;
use crate::services::statistics::filter::{Filter, districts};

/// One target's progress, for the city or the filtered district.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TargetLine {
    pub id: TargetKind,
    pub name_zh: String,
    pub name_en: String,
    pub unit: TargetUnit,
    pub lead_unit: String,
    /// The city's target, or the district's share of it (see [`district_share`]).
    pub target: f64,
    /// `None` when nothing was reported (ratios and practice).
    pub actual: Option<f64>,
    /// `None` for a count target that is not spread over districts, in a district's view.
    pub progress: Option<TargetProgress>,
}

/// One district's actual value and status per target, in the plan's order.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DistrictLine {
    pub code: String,
    pub name: String,
    pub cells: Vec<TargetLine>,
    /// The targets the district is behind on.
    pub behind: Vec<TargetKind>,
}

/// Designations by designated year, with the reported ratio and practice days of the year.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct YearLine {
    pub year: i32,
    /// `(designation type, count)` for every type the plan counts, in the plan's order.
    pub designations: Vec<(DesignationType, u32)>,
    pub total: u32,
    pub dual_qualified_ratio: Option<f64>,
    pub practice_days: u64,
    pub schools_reporting: usize,
}

/// A school below a ratio or practice target.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SchoolBehind {
    pub organization_id: i64,
    pub name: String,
    pub district: Option<String>,
    pub district_name: Option<String>,
    pub target: TargetKind,
    pub value: f64,
    pub goal: f64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TargetsReport {
    pub city: String,
    pub city_name: String,
    pub period: PlanPeriod,
    /// `embedded` or `imported`.
    pub plan_source: &'static str,
    /// The date progress is measured at: today, or the end of the filter's year.
    pub as_of: NaiveDate,
    pub filter: Filter,
    /// The share of the plan period elapsed at `as_of`.
    pub elapsed: f64,
    /// The year whose school reports the ratio comes from (the filter's, else the latest reported
    /// within the plan period).
    pub report_year: Option<i32>,
    pub targets: Vec<TargetLine>,
    pub districts: Vec<DistrictLine>,
    pub years: Vec<YearLine>,
    /// Schools below the ratio or practice target; for a school viewer only itself, for other
    /// organizations none (see [`TargetsReport::for_viewer`]).
    pub schools_behind: Vec<SchoolBehind>,
    /// How many (school, target) pairs are behind, whoever looks.
    pub schools_behind_count: usize,
}

impl TargetsReport {
    /// What `user` may see: overseers everything; a school its own row of the schools behind;
    /// everyone else the aggregates only.
    pub fn for_viewer(mut self, user: &CurrentUser) -> TargetsReport {
        if !user.may(Power::OverseeCity) {
            let own = user.organization_id();
            self.schools_behind.retain(|s| Some(s.organization_id) == own);
        }
        self
    }
}

/// One school's reports, with where it is.
struct School {
    id: i64,
    name: String,
    district: Option<RegionCode>,
    reports: Vec<SchoolYearReport>,
}

/// The whole targets report for `filter` on `today`, with every school's name (the city report
/// and overseers' views); pass it through [`TargetsReport::for_viewer`] before showing it to
/// anyone else.
pub async fn progress(db: &impl ConnectionTrait, filter: &Filter, today: NaiveDate) -> Result<TargetsReport, ApiError> {
    let plan = plan::active(db, CITY).await?;
    let period = plan.period;
    let as_of = match filter.year.and_then(|y| NaiveDate::from_ymd_opt(y + 1, 1, 1)) {
        Some(end_of_year) => end_of_year.min(today),
        None => today,
    };
    let as_of_year = filter.year.unwrap_or(today.year());
    let last_counted = as_of_year.min(period.last_year);

    let rows: Vec<(String, String, i32)> = designation_rows::Entity::find()
        .select_only()
        .columns([
            designation_rows::Column::DesignationType,
            designation_rows::Column::RegionCode,
            designation_rows::Column::Year,
        ])
        .filter(designation_rows::Column::RevokedAt.is_null())
        .into_tuple()
        .all(db)
        .await?;
    let designations: Vec<(DesignationType, String, i32)> =
        rows.into_iter().filter_map(|(t, region, year)| Some((t.parse().ok()?, region, year))).collect();
    let schools = load_schools(db).await?;
    let report_year = filter.year.or_else(|| {
        schools.iter().flat_map(|s| s.reports.iter().map(|r| r.year)).filter(|y| period.years().contains(y)).max()
    });

    let all_districts = districts();
    let measure = |district: Option<&str>| -> Measures {
        let in_scope = |region: &str| district.is_none_or(|d| region.starts_with(d));
        let mut counts: BTreeMap<DesignationType, u32> = BTreeMap::new();
        for (kind, region, year) in &designations {
            if in_scope(region) && (period.first_year..=last_counted).contains(year) {
                *counts.entry(*kind).or_default() += 1;
            }
        }
        let scoped: Vec<&School> =
            schools.iter().filter(|s| s.district.as_ref().is_some_and(|d| in_scope(d.as_str()))).collect();
        let year_reports: Vec<SchoolYearReport> =
            scoped.iter().flat_map(|s| s.reports.iter().filter(|r| Some(r.year) == report_year).copied()).collect();
        let teachers: u64 = year_reports.iter().map(|r| u64::from(r.full_time_teachers)).sum();
        let days: u64 = scoped
            .iter()
            .flat_map(|s| s.reports.iter())
            .filter(|r| (period.first_year..=last_counted).contains(&r.year))
            .map(|r| u64::from(r.practice_days))
            .sum();
        Measures {
            counts,
            ratio: dual_qualified_ratio(&year_reports),
            practice: practice_years_per_teacher(days, teachers),
        }
    };
    let line = |target: &Target, measures: &Measures, district_count: Option<usize>| -> TargetLine {
        let (goal, apportioned) = match (target.kind, district_count) {
            (TargetKind::Designations(_), Some(n)) => match district_share(target.value, n) {
                Some(share) => (share, true),
                None => (target.value, false),
            },
            _ => (target.value, true),
        };
        let actual = measures.actual(target.kind);
        TargetLine {
            id: target.kind,
            name_zh: target.name_zh.clone(),
            name_en: target.name_en.clone(),
            unit: target.unit,
            lead_unit: target.lead_unit.clone(),
            target: goal,
            actual,
            progress: apportioned.then(|| target_progress(target.kind, actual, goal, period, as_of)),
        }
    };

    let scope = filter.region_prefix();
    let scope_measures = measure(scope);
    let targets = plan.targets.iter().map(|t| line(t, &scope_measures, scope.map(|_| all_districts.len()))).collect();
    let district_lines = all_districts
        .iter()
        .filter(|d| filter.covers_region(&d.code))
        .map(|d| {
            let measures = measure(Some(&d.code));
            let cells: Vec<TargetLine> =
                plan.targets.iter().map(|t| line(t, &measures, Some(all_districts.len()))).collect();
            let behind = cells
                .iter()
                .filter(|c| c.progress.is_some_and(|p| p.status == TargetStatus::Behind))
                .map(|c| c.id)
                .collect();
            DistrictLine { code: d.code.clone(), name: d.name.clone(), cells, behind }
        })
        .collect();

    let counted_types: Vec<DesignationType> = plan
        .targets
        .iter()
        .filter_map(|t| match t.kind {
            TargetKind::Designations(kind) => Some(kind),
            _ => None,
        })
        .collect();
    let in_scope = |region: &str| filter.covers_region(region);
    let mut years: BTreeSet<i32> = period.years().collect();
    years.extend(designations.iter().filter(|(_, r, _)| in_scope(r)).map(|(_, _, y)| *y));
    years.extend(schools.iter().flat_map(|s| s.reports.iter().map(|r| r.year)));
    let years = years
        .into_iter()
        .filter(|y| filter.year.is_none_or(|f| f == *y))
        .map(|year| {
            let counts: Vec<(DesignationType, u32)> = counted_types
                .iter()
                .map(|kind| {
                    let n = designations.iter().filter(|(k, r, y)| k == kind && *y == year && in_scope(r)).count();
                    (*kind, n as u32)
                })
                .collect();
            let scoped: Vec<SchoolYearReport> = schools
                .iter()
                .filter(|s| s.district.as_ref().is_some_and(|d| in_scope(d.as_str())))
                .flat_map(|s| s.reports.iter().filter(|r| r.year == year).copied())
                .collect();
            YearLine {
                year,
                total: counts.iter().map(|(_, n)| n).sum(),
                designations: counts,
                dual_qualified_ratio: dual_qualified_ratio(&scoped),
                practice_days: scoped.iter().map(|r| u64::from(r.practice_days)).sum(),
                schools_reporting: scoped.len(),
            }
        })
        .collect();

    let schools_behind = schools_behind(&schools, &plan.targets, filter, report_year, period, last_counted, as_of);
    Ok(TargetsReport {
        city: CITY.to_owned(),
        city_name: RegionCode::parse(CITY).map(|c| c.name().to_owned()).unwrap_or_default(),
        period,
        plan_source: plan.source,
        as_of,
        filter: filter.clone(),
        elapsed: period.elapsed(as_of),
        report_year,
        targets,
        districts: district_lines,
        years,
        schools_behind_count: schools_behind.len(),
        schools_behind,
    })
}

/// What was measured in one scope (the city or a district).
struct Measures {
    counts: BTreeMap<DesignationType, u32>,
    ratio: Option<f64>,
    practice: Option<f64>,
}

impl Measures {
    fn actual(&self, kind: TargetKind) -> Option<f64> {
        match kind {
            TargetKind::Designations(t) => Some(f64::from(self.counts.get(&t).copied().unwrap_or(0))),
            TargetKind::DualQualifiedRatio => self.ratio,
            TargetKind::TeacherPractice => self.practice,
        }
    }
}

/// Schools in the filter's district that reported for `report_year` and are behind on the ratio
/// (below the target) or on practice (below the pace), worst first per target.
fn schools_behind(
    schools: &[School],
    targets: &[Target],
    filter: &Filter,
    report_year: Option<i32>,
    period: PlanPeriod,
    last_counted: i32,
    as_of: NaiveDate,
) -> Vec<SchoolBehind> {
    let mut behind = Vec::new();
    for target in targets.iter().filter(|t| !matches!(t.kind, TargetKind::Designations(_))) {
        let mut rows: Vec<SchoolBehind> = schools
            .iter()
            .filter(|s| s.district.as_ref().is_some_and(|d| filter.covers_region(d.as_str())))
            .filter_map(|s| {
                let latest = s.reports.iter().find(|r| Some(r.year) == report_year)?;
                let value = match target.kind {
                    TargetKind::DualQualifiedRatio => dual_qualified_ratio(&[*latest])?,
                    _ => {
                        let days = s
                            .reports
                            .iter()
                            .filter(|r| (period.first_year..=last_counted).contains(&r.year))
                            .map(|r| u64::from(r.practice_days))
                            .sum();
                        practice_years_per_teacher(days, u64::from(latest.full_time_teachers))?
                    }
                };
                let status = target_progress(target.kind, Some(value), target.value, period, as_of).status;
                (status == TargetStatus::Behind).then(|| SchoolBehind {
                    organization_id: s.id,
                    name: s.name.clone(),
                    district: s.district.as_ref().map(|d| d.to_string()),
                    district_name: s.district.as_ref().map(|d| d.name().to_owned()),
                    target: target.kind,
                    value,
                    goal: target.value,
                })
            })
            .collect();
        rows.sort_by(|a, b| a.value.total_cmp(&b.value).then_with(|| a.name.cmp(&b.name)));
        behind.extend(rows);
    }
    behind
}

async fn load_schools(db: &impl ConnectionTrait) -> Result<Vec<School>, ApiError> {
    let rows = report_rows::Entity::find().all(db).await?;
    let ids: BTreeSet<i64> = rows.iter().map(|r| r.organization_id).collect();
    let orgs = organizations::Entity::find().filter(organizations::Column::Id.is_in(ids)).all(db).await?;
    Ok(orgs
        .into_iter()
        .map(|org| School {
            id: org.id,
            district: district_of(org.region_code.as_str(), CITY),
            reports: rows.iter().filter(|r| r.organization_id == org.id).map(school_reports::domain).collect(),
            name: org.name,
        })
        .collect())
}
