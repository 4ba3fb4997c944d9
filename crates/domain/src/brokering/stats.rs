//! How reliably an organization answers: response rate and median response time.
//!
//! Every offer is a round waiting for one organization's answer. A round answered (accepted,
//! declined or countered) counts as a response, with the time it took; a round that expired
//! counts against the rate; a round withdrawn by the offerer, or still open, does not count
//! either way, because the waiting organization had no complete chance to answer.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

/// How a round ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundEnd {
    Answered(DateTime<Utc>),
    Expired,
    Withdrawn,
    Open,
}

/// One offer that waited for the organization's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    pub opened_at: DateTime<Utc>,
    pub end: RoundEnd,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResponseStats {
    /// Offers answered, and offers answered or expired.
    pub answered: u32,
    pub counted: u32,
    /// `answered / counted`, or `None` with nothing counted yet.
    pub rate: Option<f64>,
    /// The median time to answer, in hours.
    pub median_hours: Option<f64>,
}

impl ResponseStats {
    pub fn of(rounds: &[Round]) -> ResponseStats {
        let mut times: Vec<Duration> = Vec::new();
        let mut expired = 0u32;
        for round in rounds {
            match round.end {
                RoundEnd::Answered(at) => times.push((at - round.opened_at).max(Duration::zero())),
                RoundEnd::Expired => expired += 1,
                RoundEnd::Withdrawn | RoundEnd::Open => {}
            }
        }
        let answered = times.len() as u32;
        let counted = answered + expired;
        times.sort();
        let hours = |d: Duration| d.num_seconds() as f64 / 3600.0;
        let median_hours = match times.len() {
            0 => None,
            n if n % 2 == 1 => Some(hours(times[n / 2])),
            n => Some((hours(times[n / 2 - 1]) + hours(times[n / 2])) / 2.0),
        };
        ResponseStats {
            answered,
            counted,
            rate: (counted > 0).then(|| f64::from(answered) / f64::from(counted)),
            median_hours,
        }
    }
}
