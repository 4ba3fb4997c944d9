//! City statistics: forecasting, early warning and effectiveness indicators (issue 7; tasks 7 and
//! 16 of the city plan: 人才需求预测预警机制, 成效统计评价体系).
//!
//! - [`series`]: a yearly series of counts, parsed once (consecutive years, finite, non-negative);
//! - [`forecast`](mod@forecast): Holt's linear exponential smoothing, optionally damped, with parameters chosen
//!   on the history by a deterministic grid search, and 80 % intervals;
//! - [`backtest`]: the last one or two years held back, forecast from the rest, and compared with
//!   the naive "same as last year" forecast;
//! - [`warning`]: the bottleneck-style classification of demand against supply into shortage,
//!   balanced or oversupply (紧缺 / 平衡 / 过剩), with thresholds as constants;
//! - [`outlook`]: history plus forecast per program class or industry cluster, and the lists of
//!   programs to expand and at risk of phase-out (及时淘汰落后专业), with reasons;
//! - [`indicators`]: response rate, time to match, placements, retention, assessment scores,
//!   teachers' practice hours, gap and fill rate, target progress, and the league-table ranking;
//! - [`targets`]: the plan's targets as data (embedded Shaoxing 2020–2024 or an imported file),
//!   designation types, school yearly reports, and the progress rules per kind of target;
//! - [`effectiveness`]: outcome totals over projects, the spread of an indicator over a kind of
//!   organization (what others may see), and 专业对口 of placements.
//!
//! Pure like the rest of the domain: the API aggregates from the database and fills the inputs;
//! "today" is an argument. docs/statistics.md explains the methods and every formula.

pub mod backtest;
pub mod designation;
pub mod effectiveness;
pub mod forecast;
pub mod indicators;
pub mod outlook;
pub mod series;
pub mod targets;
pub mod warning;

#[cfg(test)]
mod tests;

pub use backtest::{BackTest, BackTestYear};
pub use effectiveness::{OutcomeTotals, PostingCodes, ProjectOutcome, Relevance, Spread, places_students};
pub use forecast::{Forecast, Holt, Trend, forecast};
pub use indicators::{
    Direction, LeagueIndicator, MatchTiming, OrgIndicators, PracticeHours, Ranked, Retention, TargetProgress,
    TargetStatus, TimeToMatch, rank_by,
};
pub use outlook::{Outlook, OutlookError, Recommendation, Subject, at_risk_of_phase_out, programs_to_expand};
pub use series::{Series, SeriesError};
pub use targets::{
    DesignationType, PlanPeriod, SchoolYearReport, Target, TargetKind, TargetUnit, dual_qualified_ratio,
    practice_years_per_teacher,
};
pub use warning::{Assessment, Balance, Indicator, Scored, Signal, Status, Thresholds, classify};
