//! Alerts: what an organization can be told about ([`Topic`]), what it subscribes with
//! ([`SubscriptionKind`]), where a webhook delivery stands ([`DeliveryState`]), the retry
//! schedule ([`backoff`]), and which network addresses a webhook may never reach ([`address`]).
//!
//! Pure rules only: resolving host names and sending requests happen in the API crate, which
//! asks [`address::refusal`] about every address it is about to connect to.

pub mod address;

use crate::error::Text;
use std::time::Duration;

use crate::organization::string_enum;

string_enum!(
    /// What a notice is about. Webhook subscriptions choose topics; the inbox shows them all but
    /// `posting_changed`, which is the change feed pushed to webhooks (one per posting change
    /// visible to the subscriber) and would drown an inbox.
    Topic, Text::new("one of saved_search, new_match, proposal_received, proposal_answered, proposal_reminder, proposal_expired, project_updated, assessment_assigned, booking_changed, posting_changed", "saved_search、new_match、proposal_received、proposal_answered、proposal_reminder、proposal_expired、project_updated、assessment_assigned、booking_changed、posting_changed 之一"), {
        SavedSearch => "saved_search",
        NewMatch => "new_match",
        ProposalReceived => "proposal_received",
        ProposalAnswered => "proposal_answered",
        ProposalReminder => "proposal_reminder",
        ProposalExpired => "proposal_expired",
        ProjectUpdated => "project_updated",
        AssessmentAssigned => "assessment_assigned",
        BookingChanged => "booking_changed",
        PostingChanged => "posting_changed",
    }
);

impl Topic {
    pub fn zh(self) -> &'static str {
        match self {
            Topic::SavedSearch => "保存的搜索有新结果",
            Topic::NewMatch => "发布有新的匹配",
            Topic::ProposalReceived => "收到合作提议",
            Topic::ProposalAnswered => "提议已获答复",
            Topic::ProposalReminder => "提议即将到期",
            Topic::ProposalExpired => "提议已过期",
            Topic::ProjectUpdated => "合作项目有更新",
            Topic::AssessmentAssigned => "被指派评估",
            Topic::BookingChanged => "实训基地预约有变动",
            Topic::PostingChanged => "发布有变动（变更流）",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Topic::SavedSearch => "New result for a saved search",
            Topic::NewMatch => "New match for a posting",
            Topic::ProposalReceived => "Proposal received",
            Topic::ProposalAnswered => "Proposal answered",
            Topic::ProposalReminder => "Proposal due soon",
            Topic::ProposalExpired => "Proposal expired",
            Topic::ProjectUpdated => "Project updated",
            Topic::AssessmentAssigned => "Assessment assigned",
            Topic::BookingChanged => "Booking changed",
            Topic::PostingChanged => "Posting changed (change feed)",
        }
    }
}

string_enum!(
    /// What a subscription watches: new postings found by a saved search, new matches of one of
    /// the organization's postings, or (webhook only) every notice of chosen topics.
    SubscriptionKind, Text::new("one of saved_search, new_match, webhook", "saved_search、new_match、webhook 之一"), {
        SavedSearch => "saved_search",
        NewMatch => "new_match",
        Webhook => "webhook",
    }
);

string_enum!(
    /// Where a webhook delivery stands. A pending delivery may be leased by a worker that is
    /// sending it; a lease that runs out (the worker died) makes it pending for everyone again.
    DeliveryState, Text::new("one of pending, delivered, failed", "pending、delivered、failed 之一"), {
        Pending => "pending",
        Delivered => "delivered",
        Failed => "failed",
    }
);

/// The wait before the next attempt after `attempts` failed ones: `base × 2^(attempts−1)`,
/// never more than `cap`. With the defaults (30 s, 1 h): 30 s, 1 min, 2 min, 4 min, … 1 h.
pub fn backoff(attempts: u32, base: Duration, cap: Duration) -> Duration {
    let exponent = attempts.saturating_sub(1).min(30);
    base.saturating_mul(1u32 << exponent).min(cap)
}

/// The lowest and highest match score a new-match subscription may ask for.
pub const MIN_SCORE_RANGE: (f64, f64) = (0.0, 1.0);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_the_base_and_stops_at_the_cap() {
        let (base, cap) = (Duration::from_secs(30), Duration::from_secs(3600));
        let waits: Vec<u64> = (1..=9).map(|n| backoff(n, base, cap).as_secs()).collect();
        assert_eq!(waits, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
        assert_eq!(backoff(u32::MAX, base, cap), cap, "no overflow however many attempts");
    }

    #[test]
    fn topics_round_trip_through_their_names() {
        for topic in Topic::ALL {
            assert_eq!(topic.as_str().parse::<Topic>(), Ok(*topic));
            assert!(!topic.zh().is_empty() && !topic.en().is_empty());
        }
        assert!("proposal".parse::<Topic>().is_err());
    }
}
