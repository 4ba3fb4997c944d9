//! The filter every statistics page, export and endpoint shares: one district of the city (or the
//! whole city) and one year (or every recorded year). Parsed once at the edge, so the services
//! below only ever see a district that is really a county of the city and a plausible year.
//!
//! Empty values mean "all": the filter forms submit an empty string for "全市" and "全部年份".

use chanjiao_domain::Text;
use chanjiao_domain::region::{self, Region, RegionCode, SHAOXING};
use chanjiao_domain::{Invalid, Invalids};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::ApiError;

/// The first year the platform accepts in a filter: the plan this platform serves began in 2020,
/// and imported histories go back a few years before it.
pub const FIRST_YEAR: i32 = 2010;

/// The filter as it arrives in a query string.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FilterQuery {
    /// A district or county of 绍兴市 (330602, 330603, 330604, 330624, 330681, 330683); empty for
    /// the whole city. 422 otherwise.
    #[param(example = "330603")]
    pub district: Option<String>,
    /// A year from 2010 to next year; empty for every year. 422 otherwise.
    pub year: Option<String>,
}

/// A parsed filter: `None` means the whole city, or every year.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = StatsFilter)]
pub struct Filter {
    /// A county of the city, or null for the whole city.
    #[schema(value_type = Option<String>, example = "330603")]
    pub district: Option<RegionCode>,
    pub year: Option<i32>,
}

impl Filter {
    /// Parses the query; a district must be one of the city's counties, a year between
    /// [`FIRST_YEAR`] and next year (plans are set a year ahead).
    pub fn parse(query: &FilterQuery, today: NaiveDate) -> Result<Filter, ApiError> {
        let mut errors = Invalids::default();
        let district = match query.district.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
            None => None,
            Some(raw) => errors.take("district", parse_district(raw)),
        };
        let year = match query.year.as_deref().map(str::trim).filter(|y| !y.is_empty()) {
            None => None,
            Some(raw) => errors.take("year", parse_year(raw, today)),
        };
        Ok(errors.finish(|| Filter { district, year })?)
    }

    /// The prefix a region code of a posting or organization in the district starts with
    /// (townships carry their county's six digits first); `None` for the whole city.
    pub fn region_prefix(&self) -> Option<&str> {
        self.district.as_ref().map(RegionCode::as_str)
    }

    /// Whether a stored region code lies in the filter's district (always, for the whole city).
    pub fn covers_region(&self, region_code: &str) -> bool {
        self.region_prefix().is_none_or(|prefix| region_code.starts_with(prefix))
    }

    /// The query string that reproduces this filter, for links and downloads ("" when empty).
    pub fn query_string(&self) -> String {
        let mut parts = Vec::new();
        if let Some(district) = &self.district {
            parts.push(format!("district={district}"));
        }
        if let Some(year) = self.year {
            parts.push(format!("year={year}"));
        }
        if parts.is_empty() { String::new() } else { format!("?{}", parts.join("&")) }
    }
}

/// The counties (districts and county-level cities) of the city, in list order.
pub fn districts() -> Vec<&'static Region> {
    region::children(SHAOXING)
}

fn parse_district(raw: &str) -> Result<RegionCode, Invalid> {
    let code = RegionCode::parse(raw)?;
    if districts().iter().any(|d| d.code == code.as_str()) {
        Ok(code)
    } else {
        Err(Invalid::NotAllowed(Text::new(
            "a district or county of 绍兴市, like 330603",
            "绍兴市的区、县（市），如 330603",
        )))
    }
}

fn parse_year(raw: &str, today: NaiveDate) -> Result<i32, Invalid> {
    let max = today.year() + 1;
    let out_of_range = Invalid::OutOfRange { min: i64::from(FIRST_YEAR), max: i64::from(max) };
    let year: i32 = raw.parse().map_err(|_| out_of_range.clone())?;
    if (FIRST_YEAR..=max).contains(&year) { Ok(year) } else { Err(out_of_range) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
    }

    fn query(district: &str, year: &str) -> FilterQuery {
        FilterQuery { district: Some(district.into()), year: Some(year.into()) }
    }

    #[test]
    fn empty_values_mean_the_whole_city_and_every_year() {
        assert_eq!(Filter::parse(&query("", " "), today()).unwrap(), Filter::default());
        assert_eq!(Filter::parse(&FilterQuery::default(), today()).unwrap().query_string(), "");
    }

    #[test]
    fn a_county_of_the_city_and_a_year_are_kept() {
        let filter = Filter::parse(&query("330603", "2024"), today()).unwrap();
        assert_eq!(filter.region_prefix(), Some("330603"));
        assert_eq!(filter.year, Some(2024));
        assert!(filter.covers_region("330603001"));
        assert!(!filter.covers_region("330602"));
        assert_eq!(filter.query_string(), "?district=330603&year=2024");
    }

    #[test]
    fn a_region_outside_the_city_or_an_odd_year_names_its_field() {
        let ApiError::Validation(errors) = Filter::parse(&query("330100", "1999"), today()).unwrap_err() else {
            panic!("expected a validation error");
        };
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["district", "year"]);
        assert!(Filter::parse(&query("330602", "2028"), today()).is_err());
        assert!(Filter::parse(&query("330602", "abc"), today()).is_err());
    }
}
