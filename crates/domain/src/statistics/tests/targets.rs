//! Plan targets as data: the embedded Shaoxing file, bad files reported by row and column, school
//! reports' rules, and the progress formulas at their boundaries and without data.

use chrono::NaiveDate;

use crate::Invalid;
use crate::posting::NumberInput;
use crate::statistics::TargetStatus;
use crate::statistics::targets::{
    DesignationType, PlanPeriod, SchoolReportInput, SchoolYearReport, TargetKind, TargetUnit, district_share,
    dual_qualified_ratio, parse_targets_csv, practice_years_per_teacher, progress, shaoxing_targets,
};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn report(year: i32, teachers: u32, dual: u32, days: u32) -> SchoolYearReport {
    SchoolYearReport { year, full_time_teachers: teachers, dual_qualified_teachers: dual, practice_days: days }
}

#[test]
fn the_embedded_shaoxing_plan_has_eleven_typed_targets() {
    let targets = shaoxing_targets();
    assert_eq!(targets.len(), 11);
    let pilot = targets.iter().find(|t| t.kind == TargetKind::Designations(DesignationType::PilotEnterprise)).unwrap();
    assert_eq!((pilot.value, pilot.unit), (30.0, TargetUnit::Count));
    let x =
        targets.iter().find(|t| t.kind == TargetKind::Designations(DesignationType::XCertificatePilotUnit)).unwrap();
    assert_eq!(x.unit, TargetUnit::CountAtLeast);
    let ratio = targets.iter().find(|t| t.kind == TargetKind::DualQualifiedRatio).unwrap();
    assert_eq!((ratio.value, ratio.unit, ratio.lead_unit.as_str()), (0.9, TargetUnit::RatioAtLeast, "市教育局"));
    let practice = targets.iter().find(|t| t.kind == TargetKind::TeacherPractice).unwrap();
    assert_eq!((practice.value, practice.unit), (0.5, TargetUnit::YearsPerTeacherAtLeast));
    // Every designation type feeds exactly one target of the plan.
    for t in DesignationType::ALL {
        assert_eq!(targets.iter().filter(|x| x.kind == TargetKind::Designations(*t)).count(), 1, "{t}");
    }
}

#[test]
fn a_bad_plan_file_names_the_row_and_column_of_every_problem() {
    let text = "id,name_zh,name_en,target,unit,lead_unit\n\
                pilot_enterprise,试点企业,Pilot,30,count,市发改委\n\
                steel_mills,钢厂,Steel,3,count,\n\
                dual_qualified_teacher_ratio,双师,Dual,1.5,ratio (at least),\n\
                pilot_enterprise,试点企业,Pilot,thirty,percent,\n";
    let errors = parse_targets_csv(text).unwrap_err();
    let cells: Vec<(usize, &str)> = errors.iter().map(|e| (e.row, e.column.as_str())).collect();
    assert_eq!(cells, [(3, "id"), (4, "target"), (5, "id"), (5, "unit"), (5, "target")]);
    assert_eq!(errors[0].to_string(), format!("row 3, column id: {}", errors[0].invalid));
    let unit_mismatch = "id,name_zh,name_en,target,unit\nk12_career_base,基地,Bases,15,ratio (at least)\n";
    let errors = parse_targets_csv(unit_mismatch).unwrap_err();
    assert_eq!((errors[0].row, errors[0].column.as_str()), (2, "unit"));
    let missing = parse_targets_csv("id,name_zh,target,unit\n").unwrap_err();
    assert_eq!((missing[0].row, missing[0].column.as_str(), &missing[0].invalid), (1, "name_en", &Invalid::Required));
    assert!(parse_targets_csv("").is_err());
    assert!(parse_targets_csv("id,name_zh,name_en,target,unit\n").is_err(), "a plan needs a target");
}

#[test]
fn a_file_for_another_city_parses_in_any_column_order() {
    let text = "\u{feff}unit,target,id,name_en,name_zh\ncount,4,demonstration_base,Bases,示范基地\n";
    let targets = parse_targets_csv(text).unwrap();
    assert_eq!(targets[0].kind, TargetKind::Designations(DesignationType::DemonstrationBase));
    assert_eq!((targets[0].value, targets[0].lead_unit.as_str()), (4.0, ""));
}

#[test]
fn a_plan_period_is_one_to_ten_years() {
    assert_eq!(PlanPeriod::parse(2020, 2024), Ok(PlanPeriod::SHAOXING));
    assert!(PlanPeriod::parse(2024, 2020).is_err());
    assert!(PlanPeriod::parse(2020, 2030).is_err());
    assert!(PlanPeriod::parse(1990, 1994).is_err());
    assert_eq!(PlanPeriod::SHAOXING.elapsed(date(2019, 6, 1)), 0.0);
    assert_eq!(PlanPeriod::SHAOXING.elapsed(date(2022, 1, 1)), 731.0 / 1827.0);
    assert_eq!(PlanPeriod::SHAOXING.elapsed(date(2025, 1, 1)), 1.0);
}

#[test]
fn count_progress_is_judged_against_the_share_of_the_period_elapsed() {
    let kind = TargetKind::Designations(DesignationType::PilotEnterprise);
    let period = PlanPeriod::SHAOXING;
    // At the start of 2022, two fifths of the period (by days) have passed.
    let as_of = date(2022, 1, 1);
    let expected = period.elapsed(as_of);
    let on_pace = progress(kind, Some(30.0 * expected), 30.0, period, as_of);
    assert_eq!(on_pace.status, TargetStatus::OnTrack, "exactly at pace is on track");
    let short = progress(kind, Some(30.0 * expected - 0.01), 30.0, period, as_of);
    assert_eq!(short.status, TargetStatus::Behind);
    assert_eq!(progress(kind, Some(30.0), 30.0, period, as_of).status, TargetStatus::Met);
    // After the period, anything short of the target is behind.
    let late = progress(kind, Some(29.0), 30.0, period, date(2026, 11, 29));
    assert_eq!((late.status, late.expected), (TargetStatus::Behind, 1.0));
    // Nothing recorded yet: behind once the period has begun, on track before.
    assert_eq!(progress(kind, None, 30.0, period, date(2020, 3, 1)).status, TargetStatus::Behind);
    assert_eq!(progress(kind, None, 30.0, period, date(2019, 12, 31)).status, TargetStatus::OnTrack);
    assert_eq!(progress(kind, None, 30.0, period, date(2019, 12, 31)).ratio, Some(0.0));
}

#[test]
fn a_ratio_is_a_level_met_or_behind_whenever_it_is_measured() {
    let kind = TargetKind::DualQualifiedRatio;
    let early = date(2020, 2, 1);
    assert_eq!(progress(kind, Some(0.9), 0.9, PlanPeriod::SHAOXING, early).status, TargetStatus::Met);
    assert_eq!(progress(kind, Some(0.899), 0.9, PlanPeriod::SHAOXING, early).status, TargetStatus::Behind);
    assert_eq!(progress(kind, None, 0.9, PlanPeriod::SHAOXING, early).status, TargetStatus::Behind);
}

#[test]
fn dual_qualified_ratio_sums_teachers_before_dividing() {
    assert_eq!(dual_qualified_ratio(&[]), None);
    assert_eq!(dual_qualified_ratio(&[report(2024, 0, 0, 0)]), None);
    // 90/100 and 10/100 average to 0.5 either way; 9/10 and 10/100 do not: the big school weighs more.
    assert_eq!(dual_qualified_ratio(&[report(2024, 10, 9, 0), report(2024, 100, 10, 0)]), Some(19.0 / 110.0));
}

#[test]
fn practice_is_days_over_a_year_per_teacher() {
    assert_eq!(practice_years_per_teacher(0, 0), None);
    assert_eq!(practice_years_per_teacher(365, 2), Some(0.5));
    assert_eq!(practice_years_per_teacher(0, 10), Some(0.0));
}

#[test]
fn only_targets_of_at_least_one_per_district_are_spread_over_districts() {
    assert_eq!(district_share(30.0, 6), Some(5.0));
    assert_eq!(district_share(6.0, 6), Some(1.0));
    assert_eq!(district_share(2.0, 6), None);
    assert_eq!(district_share(1.0, 0), None);
}

fn input(year: &str, teachers: &str, dual: &str, days: &str) -> SchoolReportInput {
    let n = |s: &str| (!s.is_empty()).then(|| NumberInput::Text(s.into()));
    SchoolReportInput {
        year: n(year),
        full_time_teachers: n(teachers),
        dual_qualified_teachers: n(dual),
        practice_days: n(days),
    }
}

#[test]
fn a_school_report_keeps_dual_qualified_within_the_teachers() {
    assert_eq!(SchoolYearReport::parse(&input("2024", "120", "108", "900"), 2026), Ok(report(2024, 120, 108, 900)));
    assert!(SchoolYearReport::parse(&input("2024", "120", "120", "0"), 2026).is_ok(), "all dual-qualified is fine");
    let fields = |i: SchoolReportInput| -> Vec<String> {
        SchoolYearReport::parse(&i, 2026).unwrap_err().0.into_iter().map(|e| e.field).collect()
    };
    assert_eq!(fields(input("2024", "100", "101", "0")), ["dual_qualified_teachers"]);
    assert_eq!(
        fields(input("2027", "", "x", "-1")),
        ["year", "full_time_teachers", "dual_qualified_teachers", "practice_days"]
    );
    assert_eq!(fields(input("2024", "2", "1", "733")), ["practice_days"]);
}
