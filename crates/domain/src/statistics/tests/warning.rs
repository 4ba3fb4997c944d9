//! The bottleneck classification: each threshold exactly at its boundary and just either side,
//! and the majority rule that combines the signals.

use crate::statistics::warning::{
    Balance, FILL_RATE_OVERSUPPLY, FILL_RATE_SHORTAGE, Indicator, MATERIAL_GAP, MIN_VOLUME, Signal, Status, Thresholds,
    classify, fill_rate_signal, gap_signal,
};

const T: &Thresholds = &Thresholds::DEFAULT;

fn balance(demand: f64, supply: f64) -> Balance {
    Balance::new(demand, supply).expect("valid fixture")
}

fn status(demand: f64, supply: f64) -> Status {
    classify(balance(demand, supply), None, T).status
}

#[test]
fn the_documented_thresholds_are_the_defaults() {
    assert_eq!((FILL_RATE_SHORTAGE, FILL_RATE_OVERSUPPLY, MATERIAL_GAP, MIN_VOLUME), (0.8, 1.25, 20.0, 10.0));
    assert_eq!(Thresholds::default(), *T);
}

#[test]
fn a_balance_must_be_finite_and_non_negative() {
    assert!(Balance::new(-1.0, 0.0).is_none());
    assert!(Balance::new(0.0, f64::NAN).is_none());
    assert!(Balance::new(f64::INFINITY, 0.0).is_none());
    assert_eq!(balance(100.0, 80.0).fill_rate(), Some(0.8));
    assert_eq!(balance(0.0, 80.0).fill_rate(), None);
    assert_eq!(balance(100.0, 80.0).gap(), 20.0);
}

#[test]
fn a_fill_rate_of_exactly_0_8_is_not_a_shortage_signal() {
    assert_eq!(fill_rate_signal(balance(100.0, 79.0), T), Signal::Shortage);
    assert_eq!(fill_rate_signal(balance(100.0, 79.999), T), Signal::Shortage);
    assert_eq!(fill_rate_signal(balance(100.0, 80.0), T), Signal::Neutral);
    assert_eq!(fill_rate_signal(balance(1000.0, 800.0), T), Signal::Neutral);
    assert_eq!(fill_rate_signal(balance(100.0, 80.001), T), Signal::Neutral);
}

#[test]
fn a_fill_rate_of_exactly_1_25_is_not_an_oversupply_signal() {
    assert_eq!(fill_rate_signal(balance(100.0, 124.999), T), Signal::Neutral);
    assert_eq!(fill_rate_signal(balance(100.0, 125.0), T), Signal::Neutral);
    assert_eq!(fill_rate_signal(balance(4.0, 5.0), T), Signal::Neutral);
    assert_eq!(fill_rate_signal(balance(100.0, 125.001), T), Signal::Oversupply);
    assert_eq!(fill_rate_signal(balance(100.0, 126.0), T), Signal::Oversupply);
}

#[test]
fn supply_without_demand_is_an_oversupply_signal() {
    assert_eq!(fill_rate_signal(balance(0.0, 1.0), T), Signal::Oversupply);
    assert_eq!(fill_rate_signal(balance(0.0, 0.0), T), Signal::Neutral);
}

#[test]
fn a_gap_of_exactly_20_people_is_a_signal() {
    assert_eq!(gap_signal(balance(100.0, 80.0), T), Signal::Shortage);
    assert_eq!(gap_signal(balance(100.0, 80.5), T), Signal::Neutral);
    assert_eq!(gap_signal(balance(100.0, 79.5), T), Signal::Shortage);
    assert_eq!(gap_signal(balance(100.0, 120.0), T), Signal::Oversupply);
    assert_eq!(gap_signal(balance(100.0, 119.5), T), Signal::Neutral);
    assert_eq!(gap_signal(balance(100.0, 120.5), T), Signal::Oversupply);
    assert_eq!(gap_signal(balance(100.0, 100.0), T), Signal::Neutral);
}

#[test]
fn below_ten_people_on_both_sides_there_is_too_little_data() {
    assert_eq!(status(9.0, 9.999), Status::InsufficientData);
    assert_eq!(status(0.0, 0.0), Status::InsufficientData);
    // Exactly 10 on either side is enough to judge.
    assert_eq!(status(10.0, 0.0), Status::Balanced, "fill rate signals, a gap of 10 does not");
    assert_eq!(status(0.0, 10.0), Status::Balanced, "no demand signals, a surplus of 10 does not");
    assert_eq!(status(9.999, 30.0), Status::Oversupply);
    assert_eq!(status(10.5, 0.0), Status::Balanced);
}

#[test]
fn without_a_forecast_both_indicators_must_agree() {
    // Fill rate 0.79 and a gap of 21: two shortage signals out of two.
    assert_eq!(status(100.0, 79.0), Status::Shortage);
    // Fill rate exactly 0.8 is neutral, the gap of exactly 20 signals: 2·1 = 2 is not > 2.
    assert_eq!(status(100.0, 80.0), Status::Balanced);
    // A low fill rate on a small gap: 0.5 but only 15 people short.
    assert_eq!(status(30.0, 15.0), Status::Balanced);
    assert_eq!(status(100.0, 126.0), Status::Oversupply);
    assert_eq!(status(100.0, 125.0), Status::Balanced, "1.25 itself is neutral");
    assert_eq!(status(100.0, 100.0), Status::Balanced);
}

#[test]
fn with_a_forecast_two_of_three_signals_decide() {
    let now_tight = balance(100.0, 90.0); // fill 0.9, gap 10: both neutral
    let short_ahead = balance(300.0, 200.0); // forecast fill 0.67: shortage
    let one = classify(now_tight, Some(short_ahead), T);
    assert_eq!((one.status, one.score), (Status::Balanced, 1));
    assert_eq!(
        one.indicators.iter().map(|s| s.indicator).collect::<Vec<_>>(),
        [Indicator::FillRate, Indicator::Gap, Indicator::ForecastFillRate]
    );

    let now_short = balance(100.0, 79.0);
    let two = classify(now_short, Some(balance(300.0, 300.0)), T);
    assert_eq!((two.status, two.score), (Status::Shortage, 2));
    let three = classify(now_short, Some(short_ahead), T);
    assert_eq!((three.status, three.score), (Status::Shortage, 3));
    // A shortage now that the forecast says will turn into a surplus is not a bottleneck.
    let closing = classify(now_short, Some(balance(300.0, 400.0)), T);
    assert_eq!((closing.status, closing.score), (Status::Balanced, 1));

    let surplus = classify(balance(100.0, 130.0), Some(balance(300.0, 400.0)), T);
    assert_eq!((surplus.status, surplus.score), (Status::Oversupply, -3));
    let fading = classify(balance(100.0, 130.0), Some(balance(300.0, 300.0)), T);
    assert_eq!((fading.status, fading.score), (Status::Oversupply, -2));
    let two_over = classify(balance(100.0, 124.0), Some(balance(300.0, 400.0)), T);
    assert_eq!((two_over.status, two_over.score), (Status::Oversupply, -2), "fill neutral, gap −24, forecast over");
    let mixed = classify(balance(100.0, 124.0), Some(short_ahead), T);
    assert_eq!((mixed.status, mixed.score), (Status::Balanced, 0), "fill neutral, gap −24, forecast short");
}

#[test]
fn thresholds_can_be_tuned() {
    let strict = Thresholds { fill_rate_shortage: 0.9, material_gap: 5.0, ..Thresholds::DEFAULT };
    assert_eq!(classify(balance(100.0, 85.0), None, &strict).status, Status::Shortage);
    assert_eq!(classify(balance(100.0, 85.0), None, T).status, Status::Balanced);
}

#[test]
fn statuses_have_chinese_and_english_labels_and_stable_identifiers() {
    let labels: Vec<_> = Status::ALL.iter().map(|s| (s.as_str(), s.zh(), s.en(), s.tension())).collect();
    assert_eq!(
        labels,
        [
            ("shortage", "紧缺", "shortage", Some(1)),
            ("balanced", "平衡", "balanced", Some(0)),
            ("oversupply", "过剩", "oversupply", Some(-1)),
            ("insufficient_data", "数据不足", "insufficient data", None),
        ]
    );
    for s in Status::ALL {
        assert_eq!(s.as_str().parse::<Status>(), Ok(*s));
    }
    assert_eq!(serde_json::to_value(Status::Oversupply).unwrap(), "oversupply");
    assert!(Indicator::ALL.iter().all(|i| !i.zh().is_empty() && !i.en().is_empty()));
}
