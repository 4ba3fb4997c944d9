//! Series parsing, Holt forecasts on known series, intervals and the back-test.

use crate::statistics::backtest::BackTest;
use crate::statistics::forecast::{Holt, MAX_HORIZON, Trend, Z_80, forecast};
use crate::statistics::series::{Series, SeriesError};

fn series(first_year: i32, values: &[f64]) -> Series {
    Series::parse(first_year, values.to_vec()).expect("valid fixture")
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9 * (1.0 + a.abs().max(b.abs()))
}

#[test]
fn a_series_rejects_what_is_not_a_count() {
    assert_eq!(Series::parse(2020, vec![1.0, f64::NAN]), Err(SeriesError::NotFinite { year: 2021 }));
    assert_eq!(Series::parse(2020, vec![f64::INFINITY]), Err(SeriesError::NotFinite { year: 2020 }));
    assert_eq!(Series::parse(2020, vec![1.0, 2.0, -1.0]), Err(SeriesError::Negative { year: 2022, value: -1.0 }));
    assert_eq!(Series::parse(2020, vec![2e12]), Err(SeriesError::TooLarge { year: 2020, value: 2e12 }));
    assert!(Series::parse(2020, vec![0.0, 1e12]).is_ok());
}

#[test]
fn points_must_be_consecutive_years() {
    let ok = Series::from_points(&[(2021, 3.0), (2022, 4.0)]).unwrap();
    assert_eq!((ok.first_year(), ok.last_year(), ok.values()), (2021, Some(2022), &[3.0, 4.0][..]));
    assert_eq!(
        Series::from_points(&[(2021, 3.0), (2023, 4.0)]),
        Err(SeriesError::NotConsecutive { expected: 2022, found: 2023 })
    );
    assert_eq!(
        Series::from_points(&[(2022, 3.0), (2021, 4.0)]),
        Err(SeriesError::NotConsecutive { expected: 2023, found: 2021 })
    );
    assert!(Series::from_points(&[]).unwrap().is_empty());
}

#[test]
fn yearly_totals_fill_missing_years_with_zero_and_add_up_repeated_years() {
    let totals = Series::from_year_totals(2020, 2023, [(2023, 5.0), (2020, 1.0), (2023, 2.0)]).unwrap();
    assert_eq!(totals.values(), &[1.0, 0.0, 0.0, 7.0]);
    assert_eq!(totals.value_in(2023), Some(7.0));
    assert_eq!(totals.value_in(2019), None);
    assert_eq!(totals.value_in(2024), None);
    assert_eq!(
        Series::from_year_totals(2020, 2023, [(2024, 1.0)]),
        Err(SeriesError::OutOfRange { year: 2024, first: 2020, last: 2023 })
    );
    assert_eq!(Series::from_year_totals(2020, 2019, []), Err(SeriesError::EmptyRange { first: 2020, last: 2019 }));
    assert_eq!(Series::from_year_totals(2020, 2020, []).unwrap().values(), &[0.0]);
}

#[test]
fn an_empty_history_forecasts_nothing() {
    let empty = Series::empty(2024);
    assert_eq!(empty.last_year(), None);
    assert_eq!(Holt::fit(&empty, Trend::Either), None);
    assert!(forecast(&empty, Trend::Either, 3).is_empty());
    assert_eq!(BackTest::run(&empty, Trend::Either), None);
}

#[test]
fn one_year_of_history_forecasts_that_value_flat_with_no_interval() {
    let one = series(2024, &[42.0]);
    let forecasts = forecast(&one, Trend::Either, 3);
    assert_eq!(forecasts.iter().map(|f| f.year).collect::<Vec<_>>(), [2025, 2026, 2027]);
    for f in &forecasts {
        assert_eq!((f.value, f.low, f.high), (42.0, None, None));
    }
    assert_eq!(Holt::fit(&one, Trend::Damped).unwrap().trend, 0.0);
    assert_eq!(BackTest::run(&one, Trend::Either), None);
}

#[test]
fn two_years_extend_the_straight_line_through_them_without_an_interval() {
    let two = series(2023, &[10.0, 14.0]);
    let values: Vec<f64> = forecast(&two, Trend::Either, 3).iter().map(|f| f.value).collect();
    assert_eq!(values, [18.0, 22.0, 26.0]);
    assert!(forecast(&two, Trend::Linear, 3).iter().all(|f| f.low.is_none() && f.high.is_none()));
    // Damped with nothing to choose φ by: the middle damping factor, 0.9.
    let damped: Vec<f64> = forecast(&two, Trend::Damped, 2).iter().map(|f| f.value).collect();
    assert!(close(damped[0], 14.0 + 0.9 * 4.0) && close(damped[1], 14.0 + (0.9 + 0.81) * 4.0), "{damped:?}");
    assert_eq!(BackTest::run(&two, Trend::Either), None);
}

#[test]
fn forecasts_never_go_below_zero() {
    let falling = series(2023, &[10.0, 2.0]);
    let values: Vec<f64> = forecast(&falling, Trend::Linear, 3).iter().map(|f| f.value).collect();
    assert_eq!(values, [0.0, 0.0, 0.0]);
}

#[test]
fn the_horizon_is_one_to_three_years() {
    let s = series(2020, &[1.0, 2.0, 3.0]);
    assert_eq!(forecast(&s, Trend::Either, 0).len(), 0);
    assert_eq!(forecast(&s, Trend::Either, 1).len(), 1);
    assert_eq!(forecast(&s, Trend::Either, 10).len(), MAX_HORIZON as usize);
}

#[test]
fn a_perfectly_linear_series_is_forecast_exactly_with_a_zero_width_interval() {
    let linear = series(2020, &[10.0, 20.0, 30.0, 40.0, 50.0]);
    for trend in [Trend::Linear, Trend::Either] {
        let model = Holt::fit(&linear, trend).unwrap();
        assert_eq!(model.phi, 1.0);
        assert_eq!(model.rmse, Some(0.0));
        let forecasts = model.forecasts(3);
        for (f, expected) in forecasts.iter().zip([(2025, 60.0), (2026, 70.0), (2027, 80.0)]) {
            assert_eq!(f.year, expected.0);
            assert!(close(f.value, expected.1), "{f:?}");
            assert_eq!((f.low, f.high), (Some(f.value), Some(f.value)));
        }
    }
}

#[test]
fn a_damped_trend_bends_a_linear_series_below_the_line() {
    let linear = series(2020, &[10.0, 20.0, 30.0, 40.0, 50.0]);
    let model = Holt::fit(&linear, Trend::Damped).unwrap();
    assert!(model.phi < 1.0);
    let values: Vec<f64> = model.forecasts(3).iter().map(|f| f.value).collect();
    assert!(values.windows(2).all(|w| w[0] <= w[1]), "{values:?}");
    assert!(values[2] < 80.0 && values[0] > 50.0, "{values:?}");
}

#[test]
fn a_constant_series_is_forecast_flat() {
    let constant = series(2018, &[7.0; 6]);
    for trend in [Trend::Linear, Trend::Damped, Trend::Either] {
        for f in forecast(&constant, trend, 3) {
            assert!(close(f.value, 7.0), "{f:?}");
            assert_eq!((f.low, f.high), (Some(f.value), Some(f.value)));
        }
    }
}

#[test]
fn the_interval_widens_with_the_square_root_of_the_horizon() {
    let noisy = series(2015, &[100.0, 112.0, 119.0, 135.0, 138.0, 152.0, 161.0, 170.0]);
    let model = Holt::fit(&noisy, Trend::Either).unwrap();
    let rmse = model.rmse.expect("eight years give an interval");
    assert!(rmse > 0.0);
    for (h, f) in (1u32..).zip(model.forecasts(3)) {
        let half = Z_80 * rmse * f64::from(h).sqrt();
        assert!(close(f.high.unwrap(), f.value + half), "{f:?}");
        assert!(close(f.low.unwrap(), (f.value - half).max(0.0)), "{f:?}");
    }
    assert_eq!(Holt::fit(&noisy, Trend::Either), Holt::fit(&noisy, Trend::Either), "deterministic");
}

#[test]
fn the_interval_needs_four_years() {
    assert_eq!(Holt::fit(&series(2020, &[5.0, 9.0, 8.0]), Trend::Either).unwrap().rmse, None);
    assert!(Holt::fit(&series(2020, &[5.0, 9.0, 8.0, 12.0]), Trend::Either).unwrap().rmse.is_some());
}

#[test]
fn the_back_test_of_a_linear_series_has_no_error_and_beats_naive() {
    let linear = series(2020, &[10.0, 20.0, 30.0, 40.0, 50.0]);
    let test = BackTest::run(&linear, Trend::Either).unwrap();
    assert_eq!((test.held_back, test.fitted_on), (2, 3));
    assert_eq!(
        test.years.iter().map(|y| (y.year, y.actual, y.naive)).collect::<Vec<_>>(),
        [(2023, 40.0, 30.0), (2024, 50.0, 30.0)]
    );
    assert!(test.years.iter().all(|y| close(y.forecast, y.actual)));
    assert!(test.mae < 1e-9);
    assert!(test.mape.unwrap() < 1e-9);
    assert_eq!(test.naive_mae, 15.0);
    assert!(test.beats_naive);
}

#[test]
fn the_back_test_of_a_constant_series_ties_with_naive() {
    let test = BackTest::run(&series(2018, &[7.0; 6]), Trend::Either).unwrap();
    assert_eq!((test.mae, test.naive_mae, test.mape), (0.0, 0.0, Some(0.0)));
    assert!(!test.beats_naive, "a tie does not beat naive");
}

#[test]
fn three_years_hold_back_one() {
    let test = BackTest::run(&series(2021, &[10.0, 20.0, 35.0]), Trend::Linear).unwrap();
    assert_eq!((test.held_back, test.fitted_on), (1, 2));
    assert_eq!((test.years[0].year, test.years[0].actual, test.years[0].forecast), (2023, 35.0, 30.0));
    assert_eq!((test.mae, test.naive_mae), (5.0, 15.0));
    assert!(close(test.mape.unwrap(), 5.0 / 35.0));
}

#[test]
fn the_mape_skips_zero_actuals_and_is_unknown_when_all_are_zero() {
    // Fitted on 4, 3, 2: a line falling by one a year, forecast 1 then 0 against actual 0 and 0.
    let all_zero = BackTest::run(&series(2020, &[4.0, 3.0, 2.0, 0.0, 0.0]), Trend::Either).unwrap();
    assert_eq!(all_zero.years.iter().map(|y| y.forecast).collect::<Vec<_>>(), [1.0, 0.0]);
    assert_eq!((all_zero.mae, all_zero.mape, all_zero.naive_mae), (0.5, None, 2.0));
    // Actuals 0 and 4 against forecasts 1 and 0: only the second year has a relative error.
    let one_zero = BackTest::run(&series(2020, &[4.0, 3.0, 2.0, 0.0, 4.0]), Trend::Either).unwrap();
    assert_eq!((one_zero.mae, one_zero.mape), (2.5, Some(1.0)));
}
