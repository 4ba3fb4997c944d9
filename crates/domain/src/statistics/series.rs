//! A yearly series of non-negative counts: the only input the forecaster accepts.
//!
//! Demand (headcount in published enterprise needs) and supply (graduates, seats, placements) are
//! counted per calendar year. Parsing guarantees what the smoothing arithmetic relies on: the years
//! are consecutive (a missing year would silently stretch the trend), every value is finite and
//! non-negative (a count), and no value is so large that squaring errors could overflow.

use serde::Serialize;
use thiserror::Error;

/// The largest count accepted. Far above any headcount a city records (10^12 people), and far
/// below where squared one-step errors summed over a grid could overflow an `f64`.
pub const MAX_VALUE: f64 = 1e12;

/// Why a series was rejected.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum SeriesError {
    #[error("value for {year} is not a finite number")]
    NotFinite { year: i32 },
    #[error("value for {year} is negative: {value}")]
    Negative { year: i32, value: f64 },
    #[error("value for {year} is too large: {value}")]
    TooLarge { year: i32, value: f64 },
    #[error("years are not consecutive: expected {expected}, found {found}")]
    NotConsecutive { expected: i32, found: i32 },
    #[error("year {year} lies outside {first}..={last}")]
    OutOfRange { year: i32, first: i32, last: i32 },
    #[error("the last year {last} comes before the first year {first}")]
    EmptyRange { first: i32, last: i32 },
}

/// Yearly values from `first_year` on, one per year, with no gaps. May be empty.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Series {
    first_year: i32,
    values: Vec<f64>,
}

impl Series {
    /// Values for `first_year`, `first_year + 1`, …
    pub fn parse(first_year: i32, values: Vec<f64>) -> Result<Series, SeriesError> {
        for (year, &value) in (first_year..).zip(&values) {
            check(year, value)?;
        }
        Ok(Series { first_year, values })
    }

    /// `(year, value)` points in ascending, consecutive years, as a query grouped by year returns
    /// them when every year has a row.
    pub fn from_points(points: &[(i32, f64)]) -> Result<Series, SeriesError> {
        let Some(&(first_year, _)) = points.first() else {
            return Ok(Series::empty(0));
        };
        let mut values = Vec::with_capacity(points.len());
        for (expected, &(year, value)) in (first_year..).zip(points) {
            if year != expected {
                return Err(SeriesError::NotConsecutive { expected, found: year });
            }
            check(year, value)?;
            values.push(value);
        }
        Ok(Series { first_year, values })
    }

    /// Yearly totals over `first..=last` from rows in any order: years without a row count as 0
    /// (a year in which nobody posted a need had zero demand, not unknown demand), several rows
    /// for one year are added up. This is the constructor for `GROUP BY year` query results.
    pub fn from_year_totals(
        first: i32,
        last: i32,
        rows: impl IntoIterator<Item = (i32, f64)>,
    ) -> Result<Series, SeriesError> {
        if last < first {
            return Err(SeriesError::EmptyRange { first, last });
        }
        let mut values = vec![0.0; (i64::from(last) - i64::from(first) + 1) as usize];
        for (year, value) in rows {
            if year < first || year > last {
                return Err(SeriesError::OutOfRange { year, first, last });
            }
            check(year, value)?;
            let slot = &mut values[(year - first) as usize];
            *slot += value;
            check(year, *slot)?;
        }
        Ok(Series { first_year: first, values })
    }

    /// A series with no values yet; `first_year` is where values would start.
    pub fn empty(first_year: i32) -> Series {
        Series { first_year, values: Vec::new() }
    }

    pub fn first_year(&self) -> i32 {
        self.first_year
    }

    /// The last year with a value, `None` when empty.
    pub fn last_year(&self) -> Option<i32> {
        (!self.values.is_empty()).then(|| self.first_year + self.values.len() as i32 - 1)
    }

    pub fn values(&self) -> &[f64] {
        &self.values
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The value recorded for `year`, if the series covers it.
    pub fn value_in(&self, year: i32) -> Option<f64> {
        let index = usize::try_from(i64::from(year) - i64::from(self.first_year)).ok()?;
        self.values.get(index).copied()
    }

    /// `(year, value)` pairs in order.
    pub fn points(&self) -> impl Iterator<Item = (i32, f64)> + '_ {
        (self.first_year..).zip(self.values.iter().copied())
    }

    /// The first `len` years: the history a back-test fits on.
    pub fn head(&self, len: usize) -> Series {
        Series { first_year: self.first_year, values: self.values[..len.min(self.values.len())].to_vec() }
    }
}

fn check(year: i32, value: f64) -> Result<(), SeriesError> {
    if !value.is_finite() {
        Err(SeriesError::NotFinite { year })
    } else if value < 0.0 {
        Err(SeriesError::Negative { year, value })
    } else if value > MAX_VALUE {
        Err(SeriesError::TooLarge { year, value })
    } else {
        Ok(())
    }
}
