//! Programs to expand and programs at risk of phase-out, from history and forecast.

use crate::statistics::forecast::Trend;
use crate::statistics::outlook::{Outlook, OutlookError, Subject, at_risk_of_phase_out, programs_to_expand};
use crate::statistics::series::Series;
use crate::statistics::warning::{Status, Thresholds};

const T: &Thresholds = &Thresholds::DEFAULT;

fn outlook(demand: &[f64], supply: &[f64]) -> Outlook {
    let series = |v: &[f64]| Series::parse(2021, v.to_vec()).unwrap();
    Outlook::new(series(demand), series(supply), Trend::Either, 3).unwrap()
}

fn subject(code: &str, name: &str, demand: &[f64], supply: &[f64]) -> Subject {
    Subject { code: code.into(), name: name.into(), outlook: outlook(demand, supply) }
}

fn codes(list: &[crate::statistics::Recommendation]) -> Vec<&str> {
    list.iter().map(|r| r.code.as_str()).collect()
}

#[test]
fn demand_and_supply_must_cover_the_same_years() {
    let a = Series::parse(2021, vec![1.0, 2.0]).unwrap();
    let b = Series::parse(2022, vec![1.0, 2.0]).unwrap();
    let c = Series::parse(2021, vec![1.0]).unwrap();
    assert_eq!(Outlook::new(a.clone(), b, Trend::Either, 3), Err(OutlookError::DifferentYears));
    assert_eq!(Outlook::new(a, c, Trend::Either, 3), Err(OutlookError::DifferentYears));
    assert!(Outlook::new(Series::empty(2021), Series::empty(2030), Trend::Either, 3).is_ok());
}

#[test]
fn an_empty_history_is_insufficient_data_and_lists_nothing() {
    let empty = Subject {
        code: "4603".into(),
        name: "机械设计制造类".into(),
        outlook: Outlook::new(Series::empty(2024), Series::empty(2024), Trend::Either, 3).unwrap(),
    };
    assert_eq!(empty.outlook.assess(T).status, Status::InsufficientData);
    assert!(empty.outlook.yearly(T).is_empty());
    assert_eq!(empty.outlook.oversupply_run(T), 0);
    assert_eq!(empty.outlook.demand_growth(), None);
    assert!(programs_to_expand(std::slice::from_ref(&empty), T).is_empty());
    assert!(at_risk_of_phase_out(&[empty], T).is_empty());
}

#[test]
fn one_year_of_history_is_classified_but_never_listed() {
    let short = subject("4603", "机械设计制造类", &[500.0], &[100.0]);
    let oversupplied = subject("5302", "财务会计类", &[100.0], &[500.0]);
    assert_eq!(short.outlook.assess(T).status, Status::Shortage);
    assert_eq!(short.outlook.demand_growth(), Some(0.0), "a flat forecast neither grows nor falls");
    assert_eq!(oversupplied.outlook.yearly(T), [(2021, Status::Oversupply)]);
    assert!(programs_to_expand(std::slice::from_ref(&short), T).is_empty());
    assert!(at_risk_of_phase_out(&[oversupplied], T).is_empty());
}

#[test]
fn a_growing_shortage_is_listed_to_expand_with_reasons() {
    let growing = subject("4603", "机械设计制造类", &[100.0, 120.0, 140.0, 160.0], &[80.0, 80.0, 80.0, 80.0]);
    let assessment = growing.outlook.assess(T);
    assert_eq!((assessment.status, assessment.score), (Status::Shortage, 3));
    let expand = programs_to_expand(std::slice::from_ref(&growing), T);
    assert_eq!(codes(&expand), ["4603"]);
    let r = &expand[0];
    assert!((r.demand_growth - ((220.0f64 / 160.0).powf(1.0 / 3.0) - 1.0)).abs() < 1e-9, "{r:?}");
    assert!((r.forecast_fill_rate.unwrap() - 240.0 / 600.0).abs() < 1e-9, "{r:?}");
    assert!(r.reason_zh.starts_with("机械设计制造类：需求预计年均增长 11.2%"), "{}", r.reason_zh);
    assert!(r.reason_zh.contains("2027") && r.reason_zh.contains("满足率 40%"), "{}", r.reason_zh);
    assert!(r.reason_en.contains("grow 11.2% a year") && r.reason_en.contains("fill rate 40%"), "{}", r.reason_en);
    assert!(at_risk_of_phase_out(&[growing], T).is_empty());
}

#[test]
fn a_shortage_that_is_closing_or_not_growing_is_not_listed() {
    // Short now, but supply is catching up fast: the forecast fill rate is no longer short.
    let closing = subject("A", "closing", &[100.0, 110.0, 120.0, 130.0], &[10.0, 40.0, 70.0, 100.0]);
    // Short and forecast short, but demand is flat.
    let flat = subject("B", "flat", &[200.0, 200.0, 200.0, 200.0], &[50.0, 50.0, 50.0, 50.0]);
    assert_eq!(flat.outlook.assess(T).status, Status::Shortage);
    assert!(programs_to_expand(&[closing, flat], T).is_empty());
}

#[test]
fn the_largest_forecast_shortfall_is_listed_first_then_by_code() {
    let small = subject("C", "small", &[100.0, 120.0, 140.0, 160.0], &[80.0, 80.0, 80.0, 80.0]);
    let large = subject("B", "large", &[200.0, 240.0, 280.0, 320.0], &[80.0, 80.0, 80.0, 80.0]);
    let twin = subject("A", "twin of small", &[100.0, 120.0, 140.0, 160.0], &[80.0, 80.0, 80.0, 80.0]);
    assert_eq!(codes(&programs_to_expand(&[small, large, twin], T)), ["B", "A", "C"]);
}

#[test]
fn persistent_oversupply_with_falling_demand_is_at_risk() {
    let falling = subject("5302", "财务会计类", &[100.0, 90.0, 80.0, 70.0], &[200.0, 200.0, 200.0, 200.0]);
    assert_eq!(falling.outlook.oversupply_run(T), 4);
    let at_risk = at_risk_of_phase_out(std::slice::from_ref(&falling), T);
    assert_eq!(codes(&at_risk), ["5302"]);
    let r = &at_risk[0];
    assert_eq!((r.oversupply_years, r.status), (4, Status::Oversupply));
    assert!(r.demand_growth < -0.02);
    assert!(
        r.reason_zh
            .starts_with("财务会计类：已连续 4 年供给过剩（2024 年供给 200 人、需求 70 人），需求预计年均下降 17.0%"),
        "{}",
        r.reason_zh
    );
    assert!(r.reason_en.contains("oversupplied for 4 consecutive years"), "{}", r.reason_en);
    assert!(programs_to_expand(&[falling], T).is_empty());
}

#[test]
fn one_year_of_oversupply_or_growing_demand_is_not_at_risk() {
    // Oversupplied only in the latest year.
    let recent = subject("A", "recent", &[100.0, 100.0, 100.0, 70.0], &[100.0, 100.0, 100.0, 200.0]);
    assert_eq!(recent.outlook.oversupply_run(T), 1);
    // Oversupplied for years, but demand is rising.
    let rising = subject("B", "rising", &[50.0, 60.0, 70.0, 80.0], &[200.0, 200.0, 200.0, 200.0]);
    assert!(rising.outlook.demand_growth().unwrap() > 0.02);
    // Exactly two oversupplied years with falling demand is enough.
    let two = subject("C", "two years", &[100.0, 100.0, 60.0, 50.0], &[100.0, 100.0, 100.0, 100.0]);
    assert_eq!(
        two.outlook.yearly(T).iter().map(|(_, s)| *s).collect::<Vec<_>>(),
        [Status::Balanced, Status::Balanced, Status::Oversupply, Status::Oversupply]
    );
    assert_eq!(codes(&at_risk_of_phase_out(&[recent, rising, two], T)), ["C"]);
}

#[test]
fn the_longest_oversupply_is_listed_first() {
    let two = subject("A", "two years", &[100.0, 100.0, 60.0, 50.0], &[100.0, 100.0, 100.0, 100.0]);
    let four = subject("Z", "four years", &[100.0, 90.0, 80.0, 70.0], &[200.0, 200.0, 200.0, 200.0]);
    assert_eq!(codes(&at_risk_of_phase_out(&[two, four], T)), ["Z", "A"]);
}
