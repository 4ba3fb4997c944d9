//! Back-testing: how well would the forecaster have done on years we already know?
//!
//! The last `k` years are held back (k = 2 when the series has at least four years, 1 with three,
//! none below: the model needs two years to fit a trend), the model is fitted on the rest exactly
//! as it would be in production, and its 1 … k-year-ahead forecasts are compared with what
//! happened. The same years are forecast by the naive rule "same as the last known year", because
//! a model that cannot beat that rule should not be trusted with a plan, and the page says so.
//!
//! - MAE = mean of `|actual − forecast|` over the held-back years, in the series' unit (people);
//! - MAPE = mean of `|actual − forecast| / actual` over the held-back years whose actual is not 0
//!   (a relative error against zero is undefined), as a fraction (0.12 = 12 %); `None` when every
//!   held-back actual is 0;
//! - naive MAE = the same MAE for the naive forecast; the model beats naive when its MAE is
//!   strictly smaller.

use serde::Serialize;

use super::forecast::{Holt, Trend};
use super::series::Series;

/// The most years held back.
pub const MAX_HELD_BACK: usize = 2;
/// The fewest years left to fit on.
pub const MIN_FIT_YEARS: usize = 2;

/// One held-back year.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BackTestYear {
    pub year: i32,
    pub actual: f64,
    pub forecast: f64,
    /// The naive forecast: the last fitted year's value.
    pub naive: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BackTest {
    /// How many years were held back (1 or 2), and how many the model was fitted on.
    pub held_back: usize,
    pub fitted_on: usize,
    pub years: Vec<BackTestYear>,
    pub mae: f64,
    pub mape: Option<f64>,
    pub naive_mae: f64,
    /// `mae < naive_mae`.
    pub beats_naive: bool,
}

impl BackTest {
    /// Runs the back-test; `None` when the series has fewer than three years.
    pub fn run(series: &Series, trend: Trend) -> Option<BackTest> {
        let n = series.len();
        let held_back = n.checked_sub(MIN_FIT_YEARS)?.min(MAX_HELD_BACK);
        if held_back == 0 {
            return None;
        }
        let fitted_on = n - held_back;
        let history = series.head(fitted_on);
        let model = Holt::fit(&history, trend)?;
        let naive = history.values()[fitted_on - 1];
        let years: Vec<BackTestYear> = (1..=held_back)
            .map(|h| {
                let forecast = model.forecast(h as u32);
                BackTestYear {
                    year: forecast.year,
                    actual: series.values()[fitted_on + h - 1],
                    forecast: forecast.value,
                    naive,
                }
            })
            .collect();
        let mae = mean(years.iter().map(|y| (y.actual - y.forecast).abs()));
        let naive_mae = mean(years.iter().map(|y| (y.actual - y.naive).abs()));
        let relative: Vec<f64> =
            years.iter().filter(|y| y.actual > 0.0).map(|y| (y.actual - y.forecast).abs() / y.actual).collect();
        let mape = (!relative.is_empty()).then(|| mean(relative.iter().copied()));
        Some(BackTest { held_back, fitted_on, years, mae, mape, naive_mae, beats_naive: mae < naive_mae })
    }
}

fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let (sum, count) = values.fold((0.0, 0usize), |(sum, count), v| (sum + v, count + 1));
    if count == 0 { 0.0 } else { sum / count as f64 }
}
