//! Tests of the statistics module: hand-made fixtures for every formula (including empty and
//! one-year histories), the forecast back-test on known series, thresholds at their boundaries,
//! and properties of forecasts, classification and ranking.

mod effectiveness;
mod forecast;
mod indicators;
mod outlook;
mod properties;
mod targets;
mod warning;
