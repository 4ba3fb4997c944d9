//! Holt's linear exponential smoothing (level + trend, optionally damped) for yearly counts.
//!
//! Why Holt: the platform has a handful of years per program class or industry cluster, too few
//! for ARIMA or seasonal models, and counts that drift up or down. Holt's method (Holt 1957;
//! damped trend: Gardner & McKenzie 1985) tracks a level and a trend, each smoothed with its own
//! weight, and is a strong baseline in forecasting competitions for short annual series.
//!
//! With observations `y₀ … yₙ₋₁`:
//!
//! - start from the first two years: level `ℓ₁ = y₁`, trend `b₁ = y₁ − y₀` (one year: `ℓ₀ = y₀`,
//!   `b₀ = 0`). Starting from the data rather than from fitted values keeps the start independent
//!   of the parameters, so the grid search below compares like with like;
//! - for `t ≥ 2`: one-step forecast `ŷₜ = ℓₜ₋₁ + φ·bₜ₋₁`, then
//!   `ℓₜ = α·yₜ + (1 − α)·ŷₜ` and `bₜ = β·(ℓₜ − ℓₜ₋₁) + (1 − β)·φ·bₜ₋₁`;
//! - `h` years ahead: `ŷₙ₋₁₊ₕ = ℓₙ₋₁ + (φ + φ² + … + φʰ)·bₙ₋₁`, floored at 0 (a count).
//!
//! The parameters are chosen from a fixed grid ([`ALPHAS`] × [`BETAS`] × [`Trend::phis`], at most
//! 600 runs over a dozen years: microseconds) by the smallest sum of squared one-step errors
//! `yₜ − max(ŷₜ, 0)` over `t ≥ 2` (floored like every published forecast). Grid order breaks ties
//! (first wins), so the choice is deterministic. With fewer than three years there is no error to
//! judge by: α = 0.5, β = 0.1 (unused until a third year arrives) and φ = [`Trend::default_phi`].
//!
//! The interval is `value ± z·RMSE·√h`, its low end floored at 0, with `z` = [`Z_80`] (an 80 %
//! interval under normal errors) and RMSE the root mean squared one-step error of the chosen fit
//! (`√(SSE / (n − 2))`). It is a deliberately simple approximation: the exact variance of Holt's
//! method grows faster than `h`, and an in-sample RMSE after choosing parameters on the same data
//! is optimistic, so the interval is a guide to the spread, not a guarantee. It is `None` with
//! fewer than [`MIN_YEARS_FOR_INTERVAL`] years: one error says nothing about the spread.

use crate::error::Text;
use serde::Serialize;

use super::series::Series;
use crate::organization::string_enum;

/// Smoothing weights of the level tried by the grid search.
pub const ALPHAS: [f64; 10] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0];
/// Smoothing weights of the trend tried by the grid search.
pub const BETAS: [f64; 10] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0];
/// Damping factors tried for [`Trend::Damped`]; [`Trend::Either`] also tries 1 (no damping).
pub const DAMPED_PHIS: [f64; 5] = [0.8, 0.85, 0.9, 0.95, 0.98];
/// The normal quantile of an 80 % two-sided interval.
pub const Z_80: f64 = 1.2816;
/// Years of history needed before an interval is given (two one-step errors).
pub const MIN_YEARS_FOR_INTERVAL: usize = 4;
/// The longest horizon the platform forecasts: plans are made for at most three years.
pub const MAX_HORIZON: u32 = 3;

string_enum!(
    /// How the trend is extrapolated: `Linear` (φ = 1, the last trend continues unchanged,
    /// Holt's original method), `Damped` (φ < 1, the trend fades out, a safer bet over several
    /// years) or `Either` (the grid chooses between the two; the platform's default).
    Trend, Text::new("one of linear, damped, either", "linear、damped、either 之一"), {
        Linear => "linear",
        Damped => "damped",
        Either => "either",
    }
);

impl Trend {
    /// The platform's choice: let the grid decide whether to damp. (A constant rather than
    /// `Default`, because the shared enum macro cannot mark a default variant.)
    pub const DEFAULT: Trend = Trend::Either;

    /// The damping factors the grid tries, in tie-breaking order.
    pub fn phis(self) -> &'static [f64] {
        match self {
            Trend::Linear => &[1.0],
            Trend::Damped => &DAMPED_PHIS,
            Trend::Either => &[1.0, 0.8, 0.85, 0.9, 0.95, 0.98],
        }
    }

    /// φ when there is nothing to choose it by (two years): a straight line through the two
    /// points, or the middle damping factor if damping was asked for.
    pub fn default_phi(self) -> f64 {
        match self {
            Trend::Linear | Trend::Either => 1.0,
            Trend::Damped => 0.9,
        }
    }
}

/// One forecast year. `low` and `high` bound the 80 % interval; `None` when the history is too
/// short to estimate the spread.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Forecast {
    pub year: i32,
    pub value: f64,
    pub low: Option<f64>,
    pub high: Option<f64>,
}

/// A fitted model: the chosen parameters and the state after the last observed year.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Holt {
    pub alpha: f64,
    pub beta: f64,
    pub phi: f64,
    /// Level and trend after the last observed year.
    pub level: f64,
    pub trend: f64,
    pub last_year: i32,
    /// Root mean squared one-step error of the fit, when there are at least two errors.
    pub rmse: Option<f64>,
}

impl Holt {
    /// Fits the model to a series; `None` for an empty one.
    pub fn fit(series: &Series, trend: Trend) -> Option<Holt> {
        let y = series.values();
        let last_year = series.last_year()?;
        if y.len() == 1 {
            return Some(Holt { alpha: 0.5, beta: 0.1, phi: 1.0, level: y[0], trend: 0.0, last_year, rmse: None });
        }
        let mut best: Option<(f64, Run)> = None;
        if y.len() >= 3 {
            for &phi in trend.phis() {
                for &alpha in &ALPHAS {
                    for &beta in &BETAS {
                        let run = smooth(y, alpha, beta, phi);
                        if best.as_ref().is_none_or(|(sse, _)| run.sse < *sse) {
                            best = Some((run.sse, run));
                        }
                    }
                }
            }
        }
        let run = match best {
            Some((_, run)) => run,
            None => smooth(y, 0.5, 0.1, trend.default_phi()),
        };
        let errors = y.len().saturating_sub(2);
        let rmse = (y.len() >= MIN_YEARS_FOR_INTERVAL).then(|| (run.sse / errors as f64).sqrt());
        Some(Holt {
            alpha: run.alpha,
            beta: run.beta,
            phi: run.phi,
            level: run.level,
            trend: run.trend,
            last_year,
            rmse,
        })
    }

    /// The forecast `h ≥ 1` years after the last observed year.
    pub fn forecast(&self, h: u32) -> Forecast {
        let h = h.max(1);
        // φ + φ² + … + φʰ: the damped sum of trend steps.
        let steps: f64 = (1..=h).map(|i| self.phi.powi(i as i32)).sum();
        let value = (self.level + steps * self.trend).max(0.0);
        let spread = self.rmse.map(|rmse| Z_80 * rmse * f64::from(h).sqrt());
        Forecast {
            year: self.last_year.saturating_add(h as i32),
            value,
            low: spread.map(|s| (value - s).max(0.0)),
            high: spread.map(|s| value + s),
        }
    }

    /// Forecasts for 1 ..= `horizon` years ahead (capped at [`MAX_HORIZON`]).
    pub fn forecasts(&self, horizon: u32) -> Vec<Forecast> {
        (1..=horizon.min(MAX_HORIZON)).map(|h| self.forecast(h)).collect()
    }
}

/// Forecasts for 1 ..= `horizon` (at most [`MAX_HORIZON`]) years after the series ends; empty for
/// an empty series. One year of history gives a flat forecast at that value with no interval.
pub fn forecast(series: &Series, trend: Trend, horizon: u32) -> Vec<Forecast> {
    Holt::fit(series, trend).map(|model| model.forecasts(horizon)).unwrap_or_default()
}

/// The result of running the recursions with one parameter set.
struct Run {
    alpha: f64,
    beta: f64,
    phi: f64,
    level: f64,
    trend: f64,
    sse: f64,
}

/// Runs the recursions over `y` (at least two values) and sums the squared one-step errors.
fn smooth(y: &[f64], alpha: f64, beta: f64, phi: f64) -> Run {
    let mut level = y[1];
    let mut trend = y[1] - y[0];
    let mut sse = 0.0;
    for &actual in &y[2..] {
        // The one-step forecast is floored like every published forecast, so the grid judges
        // the forecasts users would have seen.
        let expected = level + phi * trend;
        let error = actual - expected.max(0.0);
        sse += error * error;
        let previous = level;
        level = alpha * actual + (1.0 - alpha) * expected;
        trend = beta * (level - previous) + (1.0 - beta) * phi * trend;
    }
    Run { alpha, beta, phi, level, trend, sse }
}
