//! Effectiveness indicators (成效指标) of schools, enterprises and intermediaries, and the city
//! league table: pure formulas over plain inputs the API fills from the database.
//!
//! Every ratio is `None` rather than 0 or NaN when its denominator is 0: "no data" and "zero
//! per cent" are different statements on a league table.

use crate::error::Text;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::Serialize;
use thiserror::Error;

use crate::organization::string_enum;

/// `numerator / denominator`, `None` when the denominator is 0.
fn ratio(numerator: f64, denominator: f64) -> Option<f64> {
    (denominator != 0.0).then(|| numerator / denominator)
}

/// Response rate 响应率 = answered ÷ (answered + expired); `None` when both are 0. Offers withdrawn
/// or still open count neither way (see `brokering::stats`).
pub fn response_rate(answered: u32, expired: u32) -> Option<f64> {
    ratio(f64::from(answered), f64::from(answered) + f64::from(expired))
}

/// The median of the finite values (mean of the middle two for an even count); `None` if none.
pub fn median(values: &[f64]) -> Option<f64> {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
    }
}

/// The arithmetic mean of the finite values; `None` if none. Used for the mean assessment score
/// 平均评价得分 (the mean of the assessments' overall scores, on their own scale).
pub fn mean(values: &[f64]) -> Option<f64> {
    let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    ratio(finite.iter().sum(), finite.len() as f64)
}

/// One posting: when it was published and when its first proposal was accepted, if ever.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MatchTiming {
    pub published_at: DateTime<Utc>,
    pub first_accepted_at: Option<DateTime<Utc>>,
}

/// Time to match 匹配用时: the median, in days (fractional), from publication to the first accepted
/// proposal over the postings that were matched, with the matched and unmatched counts beside it
/// (the median alone would hide postings that never found a partner). An acceptance recorded before
/// publication (clock skew, imported data) counts as 0 days.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimeToMatch {
    pub matched: u32,
    pub unmatched: u32,
    pub median_days: Option<f64>,
}

impl TimeToMatch {
    pub fn of(postings: &[MatchTiming]) -> TimeToMatch {
        let days: Vec<f64> =
            postings.iter().filter_map(|p| p.first_accepted_at.map(|at| days(at - p.published_at))).collect();
        TimeToMatch {
            matched: days.len() as u32,
            unmatched: (postings.len() - days.len()) as u32,
            median_days: median(&days),
        }
    }
}

/// A duration in days, negative durations counting as 0.
pub fn days(duration: Duration) -> f64 {
    duration.max(Duration::zero()).num_seconds() as f64 / 86_400.0
}

/// Placements 就业/实习安置人数: the sum of placements of the projects counted.
pub fn placements(counts: impl IntoIterator<Item = u32>) -> u64 {
    counts.into_iter().map(u64::from).sum()
}

#[derive(Debug, Clone, PartialEq, Error)]
pub enum IndicatorError {
    #[error("more retained ({retained}) than hired ({hired})")]
    RetainedExceedsHired { retained: u32, hired: u32 },
}

/// People hired through the platform and how many were still employed 6 and 12 months later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Retention {
    hired: u32,
    retained_6m: u32,
    retained_12m: u32,
}

impl Retention {
    /// Neither retained count may exceed `hired`.
    pub fn parse(hired: u32, retained_6m: u32, retained_12m: u32) -> Result<Retention, IndicatorError> {
        for retained in [retained_6m, retained_12m] {
            if retained > hired {
                return Err(IndicatorError::RetainedExceedsHired { retained, hired });
            }
        }
        Ok(Retention { hired, retained_6m, retained_12m })
    }

    /// Six-month retention 6个月留任率 = retained_6m ÷ hired; `None` when nobody was hired.
    pub fn rate_6m(self) -> Option<f64> {
        ratio(f64::from(self.retained_6m), f64::from(self.hired))
    }

    /// Twelve-month retention 12个月留任率 = retained_12m ÷ hired; `None` when nobody was hired.
    pub fn rate_12m(self) -> Option<f64> {
        ratio(f64::from(self.retained_12m), f64::from(self.hired))
    }
}

/// Teachers' enterprise practice 教师企业实践: total hours, and hours per teacher when the number of
/// teachers is known and not 0 (the school's full-time professional teachers, so a school where
/// few teachers practise scores low even if those few practise a lot).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PracticeHours {
    pub total: f64,
    pub per_teacher: Option<f64>,
}

impl PracticeHours {
    /// Non-finite or negative entries are ignored.
    pub fn of(hours: &[f64], teachers: Option<u32>) -> PracticeHours {
        let total: f64 = hours.iter().copied().filter(|h| h.is_finite() && *h > 0.0).sum();
        PracticeHours { total, per_teacher: teachers.and_then(|t| ratio(total, f64::from(t))) }
    }
}

/// Supply–demand gap 供需缺口 = demand − supply: positive is a shortfall of people.
pub fn supply_demand_gap(demand: f64, supply: f64) -> f64 {
    demand - supply
}

/// Fill rate 满足率 = supply ÷ demand; `None` when demand is 0.
pub fn fill_rate(demand: f64, supply: f64) -> Option<f64> {
    ratio(supply, demand)
}

string_enum!(
    /// Progress of a plan target.
    TargetStatus, Text::new("one of met, on_track, behind", "met、on_track、behind 之一"), {
        Met => "met",
        OnTrack => "on_track",
        Behind => "behind",
    }
);

impl TargetStatus {
    pub fn zh(self) -> &'static str {
        match self {
            TargetStatus::Met => "已达成",
            TargetStatus::OnTrack => "进度正常",
            TargetStatus::Behind => "滞后",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            TargetStatus::Met => "met",
            TargetStatus::OnTrack => "on track",
            TargetStatus::Behind => "behind",
        }
    }
}

/// Progress against a target 目标完成度.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TargetProgress {
    /// actual ÷ target; `None` when the target is 0 or less.
    pub ratio: Option<f64>,
    /// The share of the period elapsed, 0 … 1: the ratio expected by now at an even pace.
    pub expected: f64,
    pub status: TargetStatus,
}

impl TargetProgress {
    /// **Met** when `actual ≥ target` (and always when the target is 0 or less); otherwise **on
    /// track** when `actual ÷ target ≥ elapsed` (inclusive: exactly at pace is on track), else
    /// **behind**. `elapsed` is clamped to 0 … 1. Counting targets (bases, alliances) accumulate
    /// over the period, so an even pace is the fair expectation; for ratio targets (the share of
    /// dual-qualified teachers) pass `elapsed = 1`, which judges the current value against the
    /// target directly (met or behind).
    pub fn of(actual: f64, target: f64, elapsed: f64) -> TargetProgress {
        let expected = if elapsed.is_nan() { 0.0 } else { elapsed.clamp(0.0, 1.0) };
        let ratio = (target > 0.0).then(|| actual / target);
        let status = match ratio {
            None => TargetStatus::Met,
            Some(_) if actual >= target => TargetStatus::Met,
            Some(r) if r >= expected => TargetStatus::OnTrack,
            Some(_) => TargetStatus::Behind,
        };
        TargetProgress { ratio, expected, status }
    }
}

/// The share of `start .. end` elapsed on `today`, in days, clamped to 0 … 1 (1 when the period is
/// empty). For a plan year pass January 1 of that year and January 1 of the next.
pub fn elapsed_share(start: NaiveDate, end: NaiveDate, today: NaiveDate) -> f64 {
    let total = (end - start).num_days();
    if total <= 0 {
        return 1.0;
    }
    ((today - start).num_days() as f64 / total as f64).clamp(0.0, 1.0)
}

/// [`elapsed_share`] of the calendar year `year` on `today`.
pub fn plan_year_elapsed(year: i32, today: NaiveDate) -> f64 {
    match (NaiveDate::from_ymd_opt(year, 1, 1), NaiveDate::from_ymd_opt(year + 1, 1, 1)) {
        (Some(start), Some(end)) => elapsed_share(start, end, today),
        _ => {
            if today.year() > year {
                1.0
            } else {
                0.0
            }
        }
    }
}

string_enum!(
    /// Which way is better for a league-table indicator.
    Direction, Text::new("one of higher_is_better, lower_is_better", "higher_is_better、lower_is_better 之一"), {
        HigherIsBetter => "higher_is_better",
        LowerIsBetter => "lower_is_better",
    }
);

string_enum!(
    /// The indicators an authority can rank organizations by.
    LeagueIndicator, Text::new("one of response_rate, median_days_to_match, placements, hires, retention_6m, retention_12m, mean_assessment, practice_hours, practice_hours_per_teacher", "response_rate、median_days_to_match、placements、hires、retention_6m、retention_12m、mean_assessment、practice_hours、practice_hours_per_teacher 之一"), {
        ResponseRate => "response_rate",
        MedianDaysToMatch => "median_days_to_match",
        Placements => "placements",
        Hires => "hires",
        Retention6m => "retention_6m",
        Retention12m => "retention_12m",
        MeanAssessment => "mean_assessment",
        PracticeHours => "practice_hours",
        PracticeHoursPerTeacher => "practice_hours_per_teacher",
    }
);

impl LeagueIndicator {
    /// Faster matching is better; for everything else more is better.
    pub fn direction(self) -> Direction {
        match self {
            LeagueIndicator::MedianDaysToMatch => Direction::LowerIsBetter,
            _ => Direction::HigherIsBetter,
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            LeagueIndicator::ResponseRate => "响应率",
            LeagueIndicator::MedianDaysToMatch => "匹配用时中位数（天）",
            LeagueIndicator::Placements => "安置人数",
            LeagueIndicator::Hires => "录用人数",
            LeagueIndicator::Retention6m => "6个月留任率",
            LeagueIndicator::Retention12m => "12个月留任率",
            LeagueIndicator::MeanAssessment => "平均评价得分",
            LeagueIndicator::PracticeHours => "教师企业实践时长（小时）",
            LeagueIndicator::PracticeHoursPerTeacher => "教师人均企业实践时长",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            LeagueIndicator::ResponseRate => "response rate",
            LeagueIndicator::MedianDaysToMatch => "median days to match",
            LeagueIndicator::Placements => "placements",
            LeagueIndicator::Hires => "hires",
            LeagueIndicator::Retention6m => "6-month retention",
            LeagueIndicator::Retention12m => "12-month retention",
            LeagueIndicator::MeanAssessment => "mean assessment score",
            LeagueIndicator::PracticeHours => "teachers' practice hours",
            LeagueIndicator::PracticeHoursPerTeacher => "practice hours per teacher",
        }
    }
}

/// One organization's indicators, as the API computes them; `None` where not applicable or no data.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrgIndicators {
    pub response_rate: Option<f64>,
    pub median_days_to_match: Option<f64>,
    pub placements: Option<u64>,
    /// People hired through completed projects.
    pub hires: Option<u64>,
    pub retention_6m: Option<f64>,
    pub retention_12m: Option<f64>,
    pub mean_assessment: Option<f64>,
    /// Total hours of teachers' enterprise practice.
    pub practice_hours: Option<f64>,
    pub practice_hours_per_teacher: Option<f64>,
}

impl OrgIndicators {
    pub fn get(&self, indicator: LeagueIndicator) -> Option<f64> {
        match indicator {
            LeagueIndicator::ResponseRate => self.response_rate,
            LeagueIndicator::MedianDaysToMatch => self.median_days_to_match,
            LeagueIndicator::Placements => self.placements.map(|p| p as f64),
            LeagueIndicator::Hires => self.hires.map(|h| h as f64),
            LeagueIndicator::Retention6m => self.retention_6m,
            LeagueIndicator::Retention12m => self.retention_12m,
            LeagueIndicator::MeanAssessment => self.mean_assessment,
            LeagueIndicator::PracticeHours => self.practice_hours,
            LeagueIndicator::PracticeHoursPerTeacher => self.practice_hours_per_teacher,
        }
    }
}

/// A row of a league table. Equal values share a rank and the next rank skips (1, 2, 2, 4);
/// rows without a value have no rank and come last.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ranked<T> {
    pub rank: Option<u32>,
    pub value: Option<f64>,
    pub item: T,
}

/// Sorts `items` best first by `value` in `direction`; ties, and rows without a value (or with a
/// NaN), are ordered by `name` (Unicode code point order, so the order is stable across runs).
pub fn rank_by<T>(
    items: Vec<T>,
    value: impl Fn(&T) -> Option<f64>,
    name: impl Fn(&T) -> &str,
    direction: Direction,
) -> Vec<Ranked<T>> {
    let mut rows: Vec<(Option<f64>, T)> =
        items.into_iter().map(|item| (value(&item).filter(|v| !v.is_nan()), item)).collect();
    rows.sort_by(|(a, x), (b, y)| {
        let by_value = match (a, b) {
            (Some(a), Some(b)) => match direction {
                Direction::HigherIsBetter => b.total_cmp(a),
                Direction::LowerIsBetter => a.total_cmp(b),
            },
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        };
        by_value.then_with(|| name(x).cmp(name(y)))
    });
    let mut ranked: Vec<Ranked<T>> = Vec::with_capacity(rows.len());
    for (position, (value, item)) in rows.into_iter().enumerate() {
        let rank = value.map(|v| match ranked.last() {
            Some(Ranked { rank: Some(rank), value: Some(previous), .. }) if *previous == v => *rank,
            _ => position as u32 + 1,
        });
        ranked.push(Ranked { rank, value, item });
    }
    ranked
}
