//! Which programs to expand, and which are at risk of phase-out (及时淘汰落后专业, task 7 of the
//! plan), from each program class's (or industry cluster's) history and forecast of demand and
//! supply.
//!
//! - **Expand** (建议扩大): the latest year with its forecast is classified shortage, the forecast
//!   fill rate alone also signals shortage (the shortage is expected to last, not only observed),
//!   and demand is growing: its annualised change from the last observed year to the last
//!   forecast year is above [`DEMAND_TREND`] (exclusive).
//! - **At risk of phase-out** (淘汰预警): the observed years, classified one by one from their own
//!   demand and supply, end in a run of at least [`PERSISTENCE_YEARS`] oversupplied years, and
//!   demand is falling: its annualised change is below −[`DEMAND_TREND`] (exclusive).
//!
//! The annualised change of demand is `(D̂ₕ / Dₙ)^(1/h) − 1`, with `Dₙ` the last observed demand
//! and `D̂ₕ` the forecast `h` years later (the last forecast year). It is undefined — so neither
//! growing nor falling — without a forecast or when `Dₙ = 0`. One year of history gives a flat
//! forecast, hence no change and no recommendation: a list of programs to close must not rest on
//! a single year.

use serde::Serialize;
use thiserror::Error;

use super::forecast::{Forecast, Trend, forecast};
use super::series::Series;
use super::warning::{Assessment, Balance, Signal, Status, Thresholds, classify, fill_rate_signal};

/// Demand must change by more than this fraction a year (2 %) to count as growing or falling.
pub const DEMAND_TREND: f64 = 0.02;
/// Consecutive oversupplied years, up to the latest, that make oversupply persistent.
pub const PERSISTENCE_YEARS: usize = 2;

#[derive(Debug, Clone, PartialEq, Error)]
pub enum OutlookError {
    #[error("demand and supply cover different years")]
    DifferentYears,
}

/// Observed demand and supply of one subject, over the same years, with their forecasts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outlook {
    demand: Series,
    supply: Series,
    demand_forecast: Vec<Forecast>,
    supply_forecast: Vec<Forecast>,
}

impl Outlook {
    /// Forecasts both series `horizon` years ahead (at most three). Both must cover the same
    /// years; build them with [`Series::from_year_totals`] over one range to ensure it.
    pub fn new(demand: Series, supply: Series, trend: Trend, horizon: u32) -> Result<Outlook, OutlookError> {
        if demand.len() != supply.len() || (!demand.is_empty() && demand.first_year() != supply.first_year()) {
            return Err(OutlookError::DifferentYears);
        }
        let demand_forecast = forecast(&demand, trend, horizon);
        let supply_forecast = forecast(&supply, trend, horizon);
        Ok(Outlook { demand, supply, demand_forecast, supply_forecast })
    }

    pub fn demand(&self) -> &Series {
        &self.demand
    }

    pub fn supply(&self) -> &Series {
        &self.supply
    }

    pub fn demand_forecast(&self) -> &[Forecast] {
        &self.demand_forecast
    }

    pub fn supply_forecast(&self) -> &[Forecast] {
        &self.supply_forecast
    }

    /// The last observed year and its balance.
    pub fn latest(&self) -> Option<(i32, Balance)> {
        let year = self.demand.last_year()?;
        Some((year, self.balance_in(year)?))
    }

    /// Demand and supply summed over the forecast years; `None` without a forecast.
    pub fn forecast_total(&self) -> Option<Balance> {
        if self.demand_forecast.is_empty() {
            return None;
        }
        let sum = |f: &[Forecast]| f.iter().map(|f| f.value).sum::<f64>();
        Balance::new(sum(&self.demand_forecast), sum(&self.supply_forecast))
    }

    /// The verdict on the latest year with the forecast; insufficient data with no history.
    pub fn assess(&self, thresholds: &Thresholds) -> Assessment {
        match self.latest() {
            Some((_, now)) => classify(now, self.forecast_total(), thresholds),
            None => Assessment { status: Status::InsufficientData, score: 0, indicators: Vec::new() },
        }
    }

    /// Each observed year classified from its own demand and supply (no forecast indicator).
    pub fn yearly(&self, thresholds: &Thresholds) -> Vec<(i32, Status)> {
        self.demand
            .points()
            .filter_map(|(year, _)| Some((year, classify(self.balance_in(year)?, None, thresholds).status)))
            .collect()
    }

    /// How many observed years, counting back from the latest, were each classified oversupply.
    pub fn oversupply_run(&self, thresholds: &Thresholds) -> usize {
        self.yearly(thresholds).iter().rev().take_while(|(_, status)| *status == Status::Oversupply).count()
    }

    /// The annualised change of demand from the last observed year to the last forecast year.
    pub fn demand_growth(&self) -> Option<f64> {
        let last = *self.demand.values().last()?;
        let end = self.demand_forecast.last()?;
        let years = end.year - self.demand.last_year()?;
        (last > 0.0 && years > 0).then(|| (end.value / last).powf(1.0 / f64::from(years)) - 1.0)
    }

    fn balance_in(&self, year: i32) -> Option<Balance> {
        Balance::new(self.demand.value_in(year)?, self.supply.value_in(year)?)
    }
}

/// A program class (or industry cluster) with its outlook. `code` and `name` are whatever the
/// caller shows: a program class code and name, or a cluster id and name.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Subject {
    pub code: String,
    pub name: String,
    pub outlook: Outlook,
}

/// A listed subject with the reason, in Chinese and English.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Recommendation {
    pub code: String,
    pub name: String,
    pub status: Status,
    /// Annualised change of demand (0.05 = +5 % a year).
    pub demand_growth: f64,
    /// Supply over demand summed over the forecast years, when demand is forecast.
    pub forecast_fill_rate: Option<f64>,
    /// Consecutive oversupplied years up to the latest observed one.
    pub oversupply_years: usize,
    pub reason_zh: String,
    pub reason_en: String,
}

/// Subjects to expand, the largest forecast shortfall (ΣD̂ − ΣŜ) first, then by code.
pub fn programs_to_expand(subjects: &[Subject], thresholds: &Thresholds) -> Vec<Recommendation> {
    let mut listed: Vec<(f64, Recommendation)> = subjects
        .iter()
        .filter_map(|subject| {
            let outlook = &subject.outlook;
            let assessment = outlook.assess(thresholds);
            let future = outlook.forecast_total()?;
            let growth = outlook.demand_growth()?;
            let expand = assessment.status == Status::Shortage
                && fill_rate_signal(future, thresholds) == Signal::Shortage
                && growth > DEMAND_TREND;
            if !expand {
                return None;
            }
            let end = outlook.demand_forecast.last()?.year;
            let rate = future.fill_rate();
            let percent = rate.map_or_else(|| "—".to_owned(), |r| format!("{:.0}%", r * 100.0));
            let (name, d, s, g) = (&subject.name, future.demand(), future.supply(), growth * 100.0);
            let reason_zh = format!(
                "{name}：需求预计年均增长 {g:.1}%，至 {end} 年累计预测需求 {d:.0} 人、供给 {s:.0} 人，\
                 满足率 {percent}，紧缺将持续，建议扩大招生或增设相关专业。"
            );
            let reason_en = format!(
                "{name}: demand is forecast to grow {g:.1}% a year; through {end} forecast demand is {d:.0} \
                 against supply of {s:.0} (fill rate {percent}), a lasting shortage: expand enrolment or open \
                 related programs."
            );
            let recommendation = Recommendation {
                code: subject.code.clone(),
                name: subject.name.clone(),
                status: assessment.status,
                demand_growth: growth,
                forecast_fill_rate: rate,
                oversupply_years: outlook.oversupply_run(thresholds),
                reason_zh,
                reason_en,
            };
            Some((future.gap(), recommendation))
        })
        .collect();
    listed.sort_by(|(a, x), (b, y)| b.total_cmp(a).then_with(|| x.code.cmp(&y.code)));
    listed.into_iter().map(|(_, r)| r).collect()
}

/// Subjects at risk of phase-out, the longest oversupply first, then the largest latest surplus
/// (S − D), then by code.
pub fn at_risk_of_phase_out(subjects: &[Subject], thresholds: &Thresholds) -> Vec<Recommendation> {
    let mut listed: Vec<(usize, f64, Recommendation)> = subjects
        .iter()
        .filter_map(|subject| {
            let outlook = &subject.outlook;
            let run = outlook.oversupply_run(thresholds);
            let growth = outlook.demand_growth()?;
            if run < PERSISTENCE_YEARS || growth >= -DEMAND_TREND {
                return None;
            }
            let (year, now) = outlook.latest()?;
            let (name, d, s, g) = (&subject.name, now.demand(), now.supply(), -growth * 100.0);
            let reason_zh = format!(
                "{name}：已连续 {run} 年供给过剩（{year} 年供给 {s:.0} 人、需求 {d:.0} 人），需求预计年均下降 \
                 {g:.1}%，建议调减招生、转型升级或及时淘汰。"
            );
            let reason_en = format!(
                "{name}: oversupplied for {run} consecutive years ({year}: supply {s:.0} against demand {d:.0}) \
                 and demand is forecast to fall {g:.1}% a year: reduce enrolment, reshape the program or phase \
                 it out."
            );
            let recommendation = Recommendation {
                code: subject.code.clone(),
                name: subject.name.clone(),
                status: outlook.assess(thresholds).status,
                demand_growth: growth,
                forecast_fill_rate: outlook.forecast_total().and_then(Balance::fill_rate),
                oversupply_years: run,
                reason_zh,
                reason_en,
            };
            Some((run, -now.gap(), recommendation))
        })
        .collect();
    listed.sort_by(|(ra, sa, x), (rb, sb, y)| {
        rb.cmp(ra).then_with(|| sb.total_cmp(sa)).then_with(|| x.code.cmp(&y.code))
    });
    listed.into_iter().map(|(_, _, r)| r).collect()
}
