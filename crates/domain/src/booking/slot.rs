//! A slot of a training base as its owner publishes it: a day, a period (morning, afternoon,
//! the whole day, or times of one's own), and how many people it takes; optionally repeated on
//! the same weekday for a number of weeks.

use crate::error::Text;
use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

use crate::error::{Invalid, Invalids};
use crate::organization::string_enum;
use crate::posting::{NumberInput, parse_date, whole_number};

/// The most weeks a recurrence may cover at once (half a year), so one request cannot create
/// thousands of rows.
pub const MAX_REPEAT_WEEKS: u32 = 26;

string_enum!(
    /// When in the day a slot is. The fixed periods follow the usual school timetable of the
    /// region; `custom` takes the start and end times given.
    Period, Text::new("one of morning, afternoon, whole_day, custom", "morning（上午）、afternoon（下午）、whole_day（全天）、custom（自定时间）之一"), {
        Morning => "morning",
        Afternoon => "afternoon",
        WholeDay => "whole_day",
        Custom => "custom",
    }
);

impl Period {
    /// The start and end time of a fixed period; `None` for custom.
    pub fn hours(self) -> Option<(NaiveTime, NaiveTime)> {
        let at = |h, m| NaiveTime::from_hms_opt(h, m, 0).expect("valid time of day");
        match self {
            Period::Morning => Some((at(8, 30), at(11, 30))),
            Period::Afternoon => Some((at(13, 30), at(17, 0))),
            Period::WholeDay => Some((at(8, 30), at(17, 0))),
            Period::Custom => None,
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Period::Morning => "上午",
            Period::Afternoon => "下午",
            Period::WholeDay => "全天",
            Period::Custom => "自定时间",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Period::Morning => "Morning",
            Period::Afternoon => "Afternoon",
            Period::WholeDay => "Whole day",
            Period::Custom => "Custom times",
        }
    }
}

/// How many people a slot takes: 1 to 1000.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Capacity(u32);

impl Capacity {
    pub const MAX: u32 = 1000;

    pub fn parse(raw: &NumberInput) -> Result<Self, Invalid> {
        whole_number(raw, 1, Self::MAX.into()).map(|n| Capacity(n as u32))
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

/// A slot as a form or JSON body sends it. Every field is text or a number as typed, so each
/// problem is reported against its own field.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SlotInput {
    /// The (first) day, in China time (UTC+8).
    #[cfg_attr(feature = "openapi", schema(format = Date, required = true))]
    pub date: String,
    /// `morning`, `afternoon`, `whole_day` or `custom`; empty means custom when times are given.
    pub period: String,
    /// `HH:MM`, for custom periods.
    pub start_time: String,
    pub end_time: String,
    /// People, 1–1000.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub capacity: Option<NumberInput>,
    /// How many weekly occurrences to create, the first on `date` (default 1).
    pub repeat_weeks: Option<NumberInput>,
}

/// One parsed slot, in the base's local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewSlot {
    pub starts: NaiveDateTime,
    pub ends: NaiveDateTime,
    pub capacity: Capacity,
}

fn parse_time(raw: &str) -> Result<NaiveTime, Invalid> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(Invalid::Required);
    }
    // Browsers send "08:30"; some clients add seconds.
    NaiveTime::parse_from_str(raw, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(raw, "%H:%M:%S"))
        .map_err(|_| Invalid::Format(Text::new("a time like 08:30", "时间，如 08:30")))
}

impl NewSlot {
    /// Parses a slot and its weekly repetitions. `now` is the base's local time: the first
    /// occurrence must start after it (later ones then do too).
    pub fn parse_all(input: &SlotInput, now: NaiveDateTime) -> Result<Vec<NewSlot>, Invalids> {
        let mut errors = Invalids::default();
        let date: Option<NaiveDate> = errors.take("date", parse_date(&input.date));
        let has_times = !input.start_time.trim().is_empty() || !input.end_time.trim().is_empty();
        let period = match input.period.trim() {
            "" if has_times => Some(Period::Custom),
            raw => errors.take("period", raw.parse::<Period>()),
        };
        let times = match period.map(|p| (p, p.hours())) {
            Some((_, Some(hours))) => Some(hours),
            Some((_, None)) => {
                let start = errors.take("start_time", parse_time(&input.start_time));
                let end = errors.take("end_time", parse_time(&input.end_time));
                match (start, end) {
                    (Some(start), Some(end)) if end <= start => {
                        errors.push(
                            "end_time",
                            Invalid::NotAllowed(Text::new(
                                "an end time not after the start time",
                                "结束时间不晚于开始时间",
                            )),
                        );
                        None
                    }
                    (Some(start), Some(end)) => Some((start, end)),
                    _ => None,
                }
            }
            None => None,
        };
        let capacity = match &input.capacity {
            Some(raw) if !raw.is_blank() => errors.take("capacity", Capacity::parse(raw)),
            _ => errors.take("capacity", Err(Invalid::Required)),
        };
        let weeks = match &input.repeat_weeks {
            Some(raw) if !raw.is_blank() => {
                errors.take("repeat_weeks", whole_number(raw, 1, MAX_REPEAT_WEEKS.into()).map(|n| n as u32))
            }
            _ => Some(1),
        };
        if let (Some(date), Some((start, _))) = (date, times)
            && date.and_time(start) <= now
        {
            errors.push("date", Invalid::NotAllowed(Text::new("a time in the past", "已经过去的时间")));
        }
        errors.finish(|| ())?;
        let (Some(date), Some((start, end)), Some(capacity), Some(weeks)) = (date, times, capacity, weeks) else {
            unreachable!("every field parsed when no error was recorded");
        };
        Ok((0..weeks)
            .map(|week| {
                let day = date + Duration::weeks(week.into());
                NewSlot { starts: day.and_time(start), ends: day.and_time(end), capacity }
            })
            .collect())
    }
}
