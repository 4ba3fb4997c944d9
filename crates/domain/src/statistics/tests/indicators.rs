//! Every effectiveness indicator on hand-made fixtures, empty inputs included, and the league table.

use chrono::{Duration, NaiveDate, TimeZone, Utc};

use crate::statistics::indicators::{
    Direction, IndicatorError, LeagueIndicator, MatchTiming, OrgIndicators, PracticeHours, Retention, TargetProgress,
    TargetStatus, TimeToMatch, days, elapsed_share, fill_rate, mean, median, placements, plan_year_elapsed, rank_by,
    response_rate, supply_demand_gap,
};

#[test]
fn response_rate_is_answered_over_answered_and_expired() {
    assert_eq!(response_rate(0, 0), None);
    assert_eq!(response_rate(3, 1), Some(0.75));
    assert_eq!(response_rate(0, 4), Some(0.0));
    assert_eq!(response_rate(5, 0), Some(1.0));
}

#[test]
fn median_and_mean_ignore_nothing_but_non_numbers() {
    assert_eq!(median(&[]), None);
    assert_eq!(median(&[4.0]), Some(4.0));
    assert_eq!(median(&[9.0, 1.0, 4.0]), Some(4.0));
    assert_eq!(median(&[9.0, 1.0, 4.0, 2.0]), Some(3.0));
    assert_eq!(median(&[f64::NAN, 2.0]), Some(2.0));
    assert_eq!(mean(&[]), None);
    assert_eq!(mean(&[80.0]), Some(80.0));
    assert_eq!(mean(&[80.0, 90.0, 70.0, f64::NAN]), Some(80.0));
}

#[test]
fn time_to_match_is_the_median_over_matched_postings_in_days() {
    let at = |day: u32, hour: u32| Utc.with_ymd_and_hms(2025, 3, day, hour, 0, 0).unwrap();
    assert_eq!(TimeToMatch::of(&[]), TimeToMatch { matched: 0, unmatched: 0, median_days: None });
    let never = MatchTiming { published_at: at(1, 0), first_accepted_at: None };
    assert_eq!(TimeToMatch::of(&[never]), TimeToMatch { matched: 0, unmatched: 1, median_days: None });
    let postings = [
        MatchTiming { published_at: at(1, 0), first_accepted_at: Some(at(3, 12)) }, // 2.5 days
        MatchTiming { published_at: at(1, 0), first_accepted_at: Some(at(11, 0)) }, // 10 days
        MatchTiming { published_at: at(5, 0), first_accepted_at: Some(at(4, 0)) },  // skew: 0 days
        never,
    ];
    assert_eq!(TimeToMatch::of(&postings), TimeToMatch { matched: 3, unmatched: 1, median_days: Some(2.5) });
    assert_eq!(days(Duration::hours(36)), 1.5);
    assert_eq!(days(Duration::hours(-36)), 0.0);
}

#[test]
fn placements_are_summed() {
    assert_eq!(placements([]), 0);
    assert_eq!(placements([3, 0, 12]), 15);
    assert_eq!(placements([u32::MAX, u32::MAX]), 2 * u64::from(u32::MAX));
}

#[test]
fn retention_is_retained_over_hired() {
    let r = Retention::parse(20, 15, 12).unwrap();
    assert_eq!((r.rate_6m(), r.rate_12m()), (Some(0.75), Some(0.6)));
    let nobody = Retention::parse(0, 0, 0).unwrap();
    assert_eq!((nobody.rate_6m(), nobody.rate_12m()), (None, None));
    assert_eq!(Retention::parse(10, 11, 0), Err(IndicatorError::RetainedExceedsHired { retained: 11, hired: 10 }));
    assert_eq!(Retention::parse(10, 5, 12), Err(IndicatorError::RetainedExceedsHired { retained: 12, hired: 10 }));
    assert!(Retention::parse(10, 10, 10).is_ok());
}

#[test]
fn practice_hours_are_summed_and_divided_by_teachers() {
    assert_eq!(PracticeHours::of(&[], None), PracticeHours { total: 0.0, per_teacher: None });
    assert_eq!(PracticeHours::of(&[], Some(5)), PracticeHours { total: 0.0, per_teacher: Some(0.0) });
    assert_eq!(PracticeHours::of(&[40.0, 80.0], Some(4)), PracticeHours { total: 120.0, per_teacher: Some(30.0) });
    assert_eq!(PracticeHours::of(&[40.0, -5.0, f64::NAN], Some(0)), PracticeHours { total: 40.0, per_teacher: None });
}

#[test]
fn gap_and_fill_rate() {
    assert_eq!(supply_demand_gap(120.0, 90.0), 30.0);
    assert_eq!(supply_demand_gap(90.0, 120.0), -30.0);
    assert_eq!(fill_rate(120.0, 90.0), Some(0.75));
    assert_eq!(fill_rate(0.0, 90.0), None);
    assert_eq!(fill_rate(0.0, 0.0), None);
}

#[test]
fn target_progress_compares_the_ratio_with_the_elapsed_share() {
    let p = |actual, target, elapsed| TargetProgress::of(actual, target, elapsed);
    assert_eq!(p(10.0, 10.0, 0.1).status, TargetStatus::Met);
    assert_eq!(p(12.0, 10.0, 1.0).status, TargetStatus::Met);
    assert_eq!(p(0.0, 0.0, 0.5), TargetProgress { ratio: None, expected: 0.5, status: TargetStatus::Met });
    // Exactly at pace is on track; just below is behind.
    assert_eq!(p(5.0, 10.0, 0.5), TargetProgress { ratio: Some(0.5), expected: 0.5, status: TargetStatus::OnTrack });
    assert_eq!(p(4.99, 10.0, 0.5).status, TargetStatus::Behind);
    assert_eq!(p(5.01, 10.0, 0.5).status, TargetStatus::OnTrack);
    assert_eq!(p(0.0, 10.0, 0.0).status, TargetStatus::OnTrack, "nothing is expected on day one");
    assert_eq!(p(9.99, 10.0, 1.0).status, TargetStatus::Behind, "a finished period not met is behind");
    assert_eq!(p(9.0, 10.0, 7.0).expected, 1.0);
    assert_eq!(p(0.0, 10.0, -1.0).expected, 0.0);
    assert_eq!(p(0.0, 10.0, f64::NAN).expected, 0.0);
    let labels: Vec<_> = TargetStatus::ALL.iter().map(|s| (s.as_str(), s.zh(), s.en())).collect();
    assert_eq!(labels, [("met", "已达成", "met"), ("on_track", "进度正常", "on track"), ("behind", "滞后", "behind")]);
}

#[test]
fn the_elapsed_share_of_a_period_is_clamped() {
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    assert_eq!(elapsed_share(d(2025, 1, 1), d(2025, 1, 11), d(2025, 1, 6)), 0.5);
    assert_eq!(elapsed_share(d(2025, 1, 1), d(2025, 1, 11), d(2024, 12, 1)), 0.0);
    assert_eq!(elapsed_share(d(2025, 1, 1), d(2025, 1, 11), d(2026, 1, 1)), 1.0);
    assert_eq!(elapsed_share(d(2025, 1, 1), d(2025, 1, 1), d(2024, 1, 1)), 1.0);
    assert_eq!(plan_year_elapsed(2025, d(2025, 1, 1)), 0.0);
    assert_eq!(plan_year_elapsed(2024, d(2024, 7, 2)), 183.0 / 366.0);
    assert_eq!(plan_year_elapsed(2024, d(2025, 7, 2)), 1.0);
}

#[derive(Debug, Clone, PartialEq)]
struct Org {
    name: &'static str,
    indicators: OrgIndicators,
}

fn org(name: &'static str, response_rate: Option<f64>, median_days: Option<f64>) -> Org {
    Org {
        name,
        indicators: OrgIndicators { response_rate, median_days_to_match: median_days, ..OrgIndicators::default() },
    }
}

#[test]
fn the_league_table_ranks_best_first_ties_by_name_and_missing_values_last() {
    let orgs = vec![
        org("绍兴职院", Some(0.9), Some(12.0)),
        org("B 公司", None, Some(3.0)),
        org("A 公司", Some(0.9), None),
        org("C 中心", Some(0.5), Some(3.0)),
        org("D 学校", Some(1.0), Some(30.0)),
        org("AA 公司", None, None),
    ];
    let by = LeagueIndicator::ResponseRate;
    assert_eq!(by.direction(), Direction::HigherIsBetter);
    let table = rank_by(orgs.clone(), |o| o.indicators.get(by), |o| o.name, by.direction());
    let rows: Vec<_> = table.iter().map(|r| (r.rank, r.item.name)).collect();
    assert_eq!(
        rows,
        [
            (Some(1), "D 学校"),
            (Some(2), "A 公司"),
            (Some(2), "绍兴职院"),
            (Some(4), "C 中心"),
            (None, "AA 公司"),
            (None, "B 公司"),
        ]
    );

    let by = LeagueIndicator::MedianDaysToMatch;
    assert_eq!(by.direction(), Direction::LowerIsBetter);
    let table = rank_by(orgs, |o| o.indicators.get(by), |o| o.name, by.direction());
    let rows: Vec<_> = table.iter().map(|r| (r.rank, r.value, r.item.name)).collect();
    assert_eq!(
        rows,
        [
            (Some(1), Some(3.0), "B 公司"),
            (Some(1), Some(3.0), "C 中心"),
            (Some(3), Some(12.0), "绍兴职院"),
            (Some(4), Some(30.0), "D 学校"),
            (None, None, "A 公司"),
            (None, None, "AA 公司"),
        ]
    );
    assert!(rank_by(Vec::<Org>::new(), |_| None, |o| o.name, Direction::HigherIsBetter).is_empty());
}

#[test]
fn every_league_indicator_reads_its_own_field() {
    let all = OrgIndicators {
        response_rate: Some(1.0),
        median_days_to_match: Some(2.0),
        placements: Some(3),
        hires: Some(4),
        retention_6m: Some(5.0),
        retention_12m: Some(6.0),
        mean_assessment: Some(7.0),
        practice_hours: Some(8.0),
        practice_hours_per_teacher: Some(9.0),
    };
    let values: Vec<_> = LeagueIndicator::ALL.iter().map(|i| all.get(*i)).collect();
    assert_eq!(values, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0].map(Some));
    assert!(LeagueIndicator::ALL.iter().all(|i| !i.zh().is_empty() && !i.en().is_empty()));
    assert_eq!("retention_12m".parse::<LeagueIndicator>(), Ok(LeagueIndicator::Retention12m));
}
