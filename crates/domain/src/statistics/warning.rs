//! Early warning: is a program class or industry cluster short of people, balanced, or oversupplied?
//!
//! In the spirit of the German Federal Employment Agency's bottleneck analysis (Engpassanalyse of
//! the Bundesagentur für Arbeit): no single ratio decides. Several indicators are each scored as a
//! signal — shortage (+1), neutral (0) or oversupply (−1) — and the signals are combined by a
//! majority rule, so one noisy number cannot flip the verdict on its own.
//!
//! The indicators, with `D` = demand and `S` = supply (people) of one year:
//!
//! | indicator | value | shortage signal (+1) | oversupply signal (−1) |
//! |---|---|---|---|
//! | fill rate 满足率 | `S / D` | `< 0.8` (0.8 itself is neutral) | `> 1.25` (1.25 itself is neutral); also `D = 0 < S` |
//! | gap 缺口 | `D − S` | `≥ 20` (inclusive) | `≤ −20` (inclusive) |
//! | forecast fill rate 预测满足率 | `ΣŜ / ΣD̂` over the forecast years | `< 0.8` | `> 1.25` |
//!
//! Why these: the fill rate is the core ratio (the agency's job-seeker-per-vacancy ratio turned
//! round); the gap relative to demand would be `1 − fill rate` and count the same evidence twice,
//! so the gap enters in people instead, as a materiality test (a fill rate of 0.5 on four jobs is
//! no bottleneck); the forecast fill rate carries the trend of demand against supply, so a gap that
//! is closing counts less than one that is widening. 0.8 and 1.25 are reciprocal: being a fifth
//! short and a quarter over are the same distance from balance on a ratio scale.
//!
//! Combination: with `n` scored indicators (2, or 3 with a forecast) and `s` the sum of signals,
//! the status is **shortage** when `2s > n` (strictly more than half the indicators, net, signal
//! shortage), **oversupply** when `2s < −n`, **balanced** otherwise. When both `D` and `S` are below
//! [`MIN_VOLUME`] the status is **insufficient data**: ratios of a handful of people are noise.
//!
//! Each signal is monotone (more supply never signals more shortage, more demand never signals more
//! oversupply) and so is the sum, hence the status: this is property-tested.

use crate::error::Text;
use serde::Serialize;

use crate::organization::string_enum;

/// Fill rate strictly below this signals shortage.
pub const FILL_RATE_SHORTAGE: f64 = 0.8;
/// Fill rate strictly above this signals oversupply.
pub const FILL_RATE_OVERSUPPLY: f64 = 1.25;
/// A gap (demand − supply) of at least this many people signals shortage; a surplus of at least
/// this many signals oversupply.
pub const MATERIAL_GAP: f64 = 20.0;
/// When both demand and supply are strictly below this, there is too little data to judge.
pub const MIN_VOLUME: f64 = 10.0;

/// The thresholds in one place, so a city can tune them; [`Thresholds::DEFAULT`] holds the
/// constants above, which everything here documents.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Thresholds {
    pub fill_rate_shortage: f64,
    pub fill_rate_oversupply: f64,
    pub material_gap: f64,
    pub min_volume: f64,
}

impl Thresholds {
    pub const DEFAULT: Thresholds = Thresholds {
        fill_rate_shortage: FILL_RATE_SHORTAGE,
        fill_rate_oversupply: FILL_RATE_OVERSUPPLY,
        material_gap: MATERIAL_GAP,
        min_volume: MIN_VOLUME,
    };
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds::DEFAULT
    }
}

string_enum!(
    /// The verdict on a program class or industry cluster.
    Status, Text::new("one of shortage, balanced, oversupply, insufficient_data", "shortage、balanced、oversupply、insufficient_data 之一"), {
        Shortage => "shortage",
        Balanced => "balanced",
        Oversupply => "oversupply",
        InsufficientData => "insufficient_data",
    }
);

impl Status {
    pub fn zh(self) -> &'static str {
        match self {
            Status::Shortage => "紧缺",
            Status::Balanced => "平衡",
            Status::Oversupply => "过剩",
            Status::InsufficientData => "数据不足",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Status::Shortage => "shortage",
            Status::Balanced => "balanced",
            Status::Oversupply => "oversupply",
            Status::InsufficientData => "insufficient data",
        }
    }

    /// +1 shortage, 0 balanced, −1 oversupply; `None` for insufficient data, which is not on the
    /// scale. Useful for sorting and for the monotonicity tests.
    pub fn tension(self) -> Option<i8> {
        match self {
            Status::Shortage => Some(1),
            Status::Balanced => Some(0),
            Status::Oversupply => Some(-1),
            Status::InsufficientData => None,
        }
    }
}

string_enum!(
    /// What one indicator says.
    Signal, Text::new("one of shortage, neutral, oversupply", "shortage、neutral、oversupply 之一"), {
        Shortage => "shortage",
        Neutral => "neutral",
        Oversupply => "oversupply",
    }
);

impl Signal {
    pub fn score(self) -> i32 {
        match self {
            Signal::Shortage => 1,
            Signal::Neutral => 0,
            Signal::Oversupply => -1,
        }
    }
}

string_enum!(
    /// The indicators of the bottleneck analysis.
    Indicator, Text::new("one of fill_rate, gap, forecast_fill_rate", "fill_rate、gap、forecast_fill_rate 之一"), {
        FillRate => "fill_rate",
        Gap => "gap",
        ForecastFillRate => "forecast_fill_rate",
    }
);

impl Indicator {
    pub fn zh(self) -> &'static str {
        match self {
            Indicator::FillRate => "满足率",
            Indicator::Gap => "供需缺口",
            Indicator::ForecastFillRate => "预测满足率",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Indicator::FillRate => "fill rate",
            Indicator::Gap => "supply–demand gap",
            Indicator::ForecastFillRate => "forecast fill rate",
        }
    }
}

/// Demand and supply of one year, or summed over the forecast years: finite and non-negative.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Balance {
    demand: f64,
    supply: f64,
}

impl Balance {
    /// `None` unless both are finite and ≥ 0.
    pub fn new(demand: f64, supply: f64) -> Option<Balance> {
        let ok = |v: f64| v.is_finite() && v >= 0.0;
        (ok(demand) && ok(supply)).then_some(Balance { demand, supply })
    }

    pub fn demand(self) -> f64 {
        self.demand
    }

    pub fn supply(self) -> f64 {
        self.supply
    }

    /// `supply / demand`; `None` when demand is 0.
    pub fn fill_rate(self) -> Option<f64> {
        (self.demand > 0.0).then(|| self.supply / self.demand)
    }

    /// `demand − supply`: positive is a shortfall of people, negative a surplus.
    pub fn gap(self) -> f64 {
        self.demand - self.supply
    }
}

/// One scored indicator. `value` is `None` for a fill rate with zero demand.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Scored {
    pub indicator: Indicator,
    pub value: Option<f64>,
    pub signal: Signal,
}

/// The verdict with the evidence behind it, for the page to show.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assessment {
    pub status: Status,
    /// The sum of the signals.
    pub score: i32,
    pub indicators: Vec<Scored>,
}

/// Classifies the latest year's balance `now`, with the balance summed over the forecast years
/// when there is a forecast.
pub fn classify(now: Balance, forecast: Option<Balance>, thresholds: &Thresholds) -> Assessment {
    let mut indicators = vec![
        Scored { indicator: Indicator::FillRate, value: now.fill_rate(), signal: fill_rate_signal(now, thresholds) },
        Scored { indicator: Indicator::Gap, value: Some(now.gap()), signal: gap_signal(now, thresholds) },
    ];
    if let Some(future) = forecast {
        indicators.push(Scored {
            indicator: Indicator::ForecastFillRate,
            value: future.fill_rate(),
            signal: fill_rate_signal(future, thresholds),
        });
    }
    let score: i32 = indicators.iter().map(|s| s.signal.score()).sum();
    let n = indicators.len() as i32;
    let status = if now.demand < thresholds.min_volume && now.supply < thresholds.min_volume {
        Status::InsufficientData
    } else if 2 * score > n {
        Status::Shortage
    } else if 2 * score < -n {
        Status::Oversupply
    } else {
        Status::Balanced
    };
    Assessment { status, score, indicators }
}

/// The fill-rate signal: below the shortage threshold (exclusive) is shortage, above the
/// oversupply threshold (exclusive) is oversupply. With no demand, any supply is oversupply.
pub fn fill_rate_signal(balance: Balance, thresholds: &Thresholds) -> Signal {
    match balance.fill_rate() {
        Some(rate) if rate < thresholds.fill_rate_shortage => Signal::Shortage,
        Some(rate) if rate > thresholds.fill_rate_oversupply => Signal::Oversupply,
        Some(_) => Signal::Neutral,
        None if balance.supply > 0.0 => Signal::Oversupply,
        None => Signal::Neutral,
    }
}

/// The gap signal: a shortfall or a surplus of at least the material gap (inclusive).
pub fn gap_signal(balance: Balance, thresholds: &Thresholds) -> Signal {
    let gap = balance.gap();
    if gap >= thresholds.material_gap {
        Signal::Shortage
    } else if -gap >= thresholds.material_gap {
        Signal::Oversupply
    } else {
        Signal::Neutral
    }
}
