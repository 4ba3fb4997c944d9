//! Properties over random inputs: forecasts are finite and non-negative with ordered intervals,
//! the back-test is well-formed, classification is monotone in supply and demand, and the league
//! table is a sorted permutation of its input.

use proptest::prelude::*;

use crate::statistics::backtest::BackTest;
use crate::statistics::forecast::{Trend, forecast};
use crate::statistics::indicators::{Direction, rank_by};
use crate::statistics::series::{MAX_VALUE, Series};
use crate::statistics::warning::{Balance, Status, Thresholds, classify};

fn count() -> impl Strategy<Value = f64> {
    prop_oneof![
        3 => (0u32..2_000).prop_map(f64::from),
        2 => 0.0..1e6f64,
        1 => Just(0.0),
        1 => 0.0..=MAX_VALUE,
    ]
}

fn trend() -> impl Strategy<Value = Trend> {
    prop::sample::select(Trend::ALL)
}

fn balance() -> impl Strategy<Value = Balance> {
    (count(), count()).prop_map(|(d, s)| Balance::new(d, s).unwrap())
}

/// A tension that only exists outside "insufficient data".
fn tension(status: Status) -> Option<i8> {
    status.tension()
}

fn row_name<'a>(row: &'a (&'static str, Option<f64>)) -> &'a str {
    row.0
}

proptest! {
    #[test]
    fn forecasts_are_finite_and_never_negative(
        values in prop::collection::vec(count(), 0..15),
        trend in trend(),
        horizon in 0u32..5,
    ) {
        let series = Series::parse(2010, values.clone()).unwrap();
        let forecasts = forecast(&series, trend, horizon);
        let expected = if values.is_empty() { 0 } else { horizon.min(3) as usize };
        prop_assert_eq!(forecasts.len(), expected);
        for (h, f) in (1..).zip(&forecasts) {
            prop_assert_eq!(f.year, 2010 + values.len() as i32 - 1 + h);
            prop_assert!(f.value.is_finite() && f.value >= 0.0, "{:?}", f);
            prop_assert_eq!(f.low.is_some(), values.len() >= 4);
            prop_assert_eq!(f.high.is_some(), values.len() >= 4);
            if let (Some(low), Some(high)) = (f.low, f.high) {
                prop_assert!(low.is_finite() && high.is_finite(), "{:?}", f);
                prop_assert!(0.0 <= low && low <= f.value && f.value <= high, "{:?}", f);
            }
        }
        if values.len() == 1 {
            prop_assert!(forecasts.iter().all(|f| f.value == values[0]));
        }
    }

    #[test]
    fn the_back_test_is_well_formed(values in prop::collection::vec(count(), 0..12), trend in trend()) {
        let series = Series::parse(2012, values.clone()).unwrap();
        match BackTest::run(&series, trend) {
            None => prop_assert!(values.len() < 3),
            Some(test) => {
                prop_assert_eq!(test.held_back, if values.len() >= 4 { 2 } else { 1 });
                prop_assert_eq!(test.held_back + test.fitted_on, values.len());
                prop_assert_eq!(test.years.len(), test.held_back);
                prop_assert!(test.mae.is_finite() && test.mae >= 0.0);
                prop_assert!(test.naive_mae.is_finite() && test.naive_mae >= 0.0);
                prop_assert_eq!(test.beats_naive, test.mae < test.naive_mae);
                let any_positive = test.years.iter().any(|y| y.actual > 0.0);
                prop_assert_eq!(test.mape.is_some(), any_positive);
                if let Some(mape) = test.mape {
                    prop_assert!(mape.is_finite() && mape >= 0.0);
                }
            }
        }
    }

    #[test]
    fn more_supply_never_means_more_shortage(
        now in balance(),
        future in prop::option::of(balance()),
        extra_now in count(),
        extra_future in count(),
    ) {
        let t = Thresholds::DEFAULT;
        let before = classify(now, future, &t);
        let more_now = Balance::new(now.demand(), now.supply() + extra_now).unwrap();
        let more_future = future.map(|f| Balance::new(f.demand(), f.supply() + extra_future).unwrap());
        for after in [classify(more_now, future, &t), classify(now, more_future, &t), classify(more_now, more_future, &t)] {
            prop_assert!(after.score <= before.score, "{:?} -> {:?}", before, after);
            if let (Some(a), Some(b)) = (tension(after.status), tension(before.status)) {
                prop_assert!(a <= b, "{:?} -> {:?}", before.status, after.status);
            }
        }
    }

    #[test]
    fn more_demand_never_means_more_oversupply(
        now in balance(),
        future in prop::option::of(balance()),
        extra_now in count(),
        extra_future in count(),
    ) {
        let t = Thresholds::DEFAULT;
        let before = classify(now, future, &t);
        let more_now = Balance::new(now.demand() + extra_now, now.supply()).unwrap();
        let more_future = future.map(|f| Balance::new(f.demand() + extra_future, f.supply()).unwrap());
        for after in [classify(more_now, future, &t), classify(now, more_future, &t), classify(more_now, more_future, &t)] {
            prop_assert!(after.score >= before.score, "{:?} -> {:?}", before, after);
            if let (Some(a), Some(b)) = (tension(after.status), tension(before.status)) {
                prop_assert!(a >= b, "{:?} -> {:?}", before.status, after.status);
            }
        }
    }

    #[test]
    fn the_league_table_is_a_sorted_permutation(
        rows in prop::collection::vec(
            (prop::sample::select(vec!["甲", "乙", "A", "B", "C"]), prop::option::of(prop_oneof![0.0..100.0f64, Just(50.0), Just(f64::NAN)])),
            0..20,
        ),
        higher in any::<bool>(),
    ) {
        let direction = if higher { Direction::HigherIsBetter } else { Direction::LowerIsBetter };
        let table = rank_by(rows.clone(), |r| r.1, row_name, direction);

        // A permutation: the same rows, each exactly once.
        let key = |r: &(&'static str, Option<f64>)| (r.0, r.1.map(f64::to_bits));
        let mut input: Vec<_> = rows.iter().map(key).collect();
        let mut output: Vec<_> = table.iter().map(|r| key(&r.item)).collect();
        input.sort();
        output.sort();
        prop_assert_eq!(input, output);

        for pair in table.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            match (a.value, b.value) {
                (Some(x), Some(y)) => {
                    let better_or_equal = if higher { x >= y } else { x <= y };
                    prop_assert!(better_or_equal, "{:?} before {:?}", a.value, b.value);
                    if x == y {
                        prop_assert!(a.item.0 <= b.item.0);
                        prop_assert_eq!(a.rank, b.rank);
                    } else {
                        prop_assert!(a.rank < b.rank);
                    }
                }
                (Some(_), None) => {}
                (None, Some(_)) => prop_assert!(false, "a row without a value before one with"),
                (None, None) => prop_assert!(a.item.0 <= b.item.0),
            }
        }
        for (position, row) in table.iter().enumerate() {
            prop_assert_eq!(row.rank.is_some(), row.value.is_some());
            prop_assert!(row.value.is_none_or(|v| !v.is_nan()));
            if let Some(rank) = row.rank {
                prop_assert!(rank as usize <= position + 1);
            }
        }
        prop_assert_eq!(table.first().and_then(|r| r.rank), table.first().and_then(|r| r.value).map(|_| 1));
    }
}
