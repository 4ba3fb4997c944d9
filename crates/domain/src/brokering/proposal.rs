//! A proposal of cooperation between two postings, and the rules of its answer.
//!
//! One side (the proposer) offers terms on a pair of compatible postings; the other side (the
//! recipient) accepts, declines with a reason, or counter-proposes new terms, which hands the
//! turn back. Whoever made the offer on the table may withdraw it while it is unanswered. Each
//! offer has a deadline: a reminder goes out once shortly before it, and an offer still
//! unanswered after it expires, so nobody waits forever (unanswered applications are the top
//! complaint about comparable platforms).

use crate::error::Text;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Invalid, Invalids};
use crate::organization::string_enum;
use crate::posting::{NumberInput, Quantity, TimeWindow, parse_date, whole_number};
use crate::text;

/// Days an offer waits for an answer unless the proposer says otherwise.
pub const DEFAULT_RESPONSE_DAYS: i64 = 7;
/// The longest an offer may wait.
pub const MAX_RESPONSE_DAYS: i64 = 30;
/// A reminder goes out this long before the deadline.
pub const REMINDER_LEAD: Duration = Duration::hours(48);
/// Offers and counter-offers in one proposal; past this, people should talk instead.
pub const MAX_ROUNDS: u32 = 10;
const MESSAGE_MAX: usize = 2_000;
const NOTE_MAX: usize = 500;

string_enum!(
    /// Where a proposal is. Only an open proposal changes.
    ProposalStatus, Text::new("one of open, accepted, declined, withdrawn, expired", "open、accepted、declined、withdrawn、expired 之一"), {
        Open => "open",
        Accepted => "accepted",
        Declined => "declined",
        Withdrawn => "withdrawn",
        Expired => "expired",
    }
);

string_enum!(
    /// Why a proposal was declined; a note may add detail.
    DeclineReason, Text::new("one of no_capacity, timing, requirements, location, terms, other", "no_capacity（名额已满）、timing、requirements、location、terms、other 之一"), {
        NoCapacity => "no_capacity",
        Timing => "timing",
        Requirements => "requirements",
        Location => "location",
        Terms => "terms",
        Other => "other",
    }
);

impl DeclineReason {
    pub fn zh(self) -> &'static str {
        match self {
            DeclineReason::NoCapacity => "名额已满",
            DeclineReason::Timing => "时间安排不合适",
            DeclineReason::Requirements => "专业或要求不符",
            DeclineReason::Location => "距离太远",
            DeclineReason::Terms => "合作条件不合适",
            DeclineReason::Other => "其他原因",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            DeclineReason::NoCapacity => "No capacity left",
            DeclineReason::Timing => "The timing does not work",
            DeclineReason::Requirements => "Programs or requirements do not fit",
            DeclineReason::Location => "Too far away",
            DeclineReason::Terms => "The terms do not work",
            DeclineReason::Other => "Other",
        }
    }
}

string_enum!(
    /// The two parties of a proposal. Which organizations they are is the caller's business.
    ProposalSide, Text::new("one of proposer, recipient", "proposer、recipient 之一"), {
        Proposer => "proposer",
        Recipient => "recipient",
    }
);

impl ProposalSide {
    pub fn other(self) -> ProposalSide {
        match self {
            ProposalSide::Proposer => ProposalSide::Recipient,
            ProposalSide::Recipient => ProposalSide::Proposer,
        }
    }
}

string_enum!(
    /// What a proposal's history records: the offer, each answer, and the clock's doings.
    EventKind, Text::new("one of propose, counter, accept, decline, withdraw, remind, expire", "propose、counter、accept、decline、withdraw、remind、expire 之一"), {
        Propose => "propose",
        Counter => "counter",
        Accept => "accept",
        Decline => "decline",
        Withdraw => "withdraw",
        Remind => "remind",
        Expire => "expire",
    }
);

/// Terms as typed into a form or sent as JSON; [`Terms::parse`] checks them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TermsInput {
    #[cfg_attr(feature = "openapi", schema(min_length = 2, max_length = 2000))]
    pub message: String,
    /// People or places, 1–100,000.
    pub quantity: Option<NumberInput>,
    /// Not in the past.
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub starts_on: Option<String>,
    /// Not in the past, not before `starts_on`.
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub ends_on: Option<String>,
    /// Days the other side has to answer (1–30, default 7).
    pub respond_within_days: Option<NumberInput>,
}

/// What is offered: a message, how many people or places, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Terms {
    pub message: String,
    pub quantity: Option<u32>,
    pub window: TimeWindow,
    pub respond_within_days: i64,
}

impl Terms {
    /// Parses every field, reporting all problems at once. Dates must not lie in the past.
    pub fn parse(input: &TermsInput, today: NaiveDate) -> Result<Terms, Invalids> {
        let mut errors = Invalids::default();
        let message = text::clean(&input.message, 2, MESSAGE_MAX, true)
            .map_err(|e| errors.push("message", e))
            .unwrap_or_default();
        let quantity = match &input.quantity {
            Some(raw) if !raw.is_blank() => {
                Quantity::parse(raw).map(|q| Some(q.get())).map_err(|e| errors.push("quantity", e)).unwrap_or(None)
            }
            _ => None,
        };
        let mut date = |field: &'static str, raw: &Option<String>| -> Option<NaiveDate> {
            let raw = raw.as_deref().filter(|r| !r.trim().is_empty())?;
            match parse_date(raw) {
                Ok(day) if day < today => {
                    errors.push(field, Invalid::NotAllowed(Text::new("a date in the past", "日期已过")));
                    None
                }
                Ok(day) => Some(day),
                Err(e) => {
                    errors.push(field, e);
                    None
                }
            }
        };
        let (starts_on, ends_on) = (date("starts_on", &input.starts_on), date("ends_on", &input.ends_on));
        let window = TimeWindow::new(starts_on, ends_on).map_err(|e| errors.push("ends_on", e)).unwrap_or_default();
        let respond_within_days = match &input.respond_within_days {
            Some(raw) if !raw.is_blank() => whole_number(raw, 1, MAX_RESPONSE_DAYS)
                .map_err(|e| errors.push("respond_within_days", e))
                .unwrap_or(DEFAULT_RESPONSE_DAYS),
            _ => DEFAULT_RESPONSE_DAYS,
        };
        if errors.0.is_empty() { Ok(Terms { message, quantity, window, respond_within_days }) } else { Err(errors) }
    }

    /// When an offer made at `now` on these terms must be answered.
    pub fn deadline_from(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now + Duration::days(self.respond_within_days)
    }
}

/// A declining answer's reason and note, checked.
pub fn decline_note(raw: &str) -> Result<Option<String>, Invalids> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    text::clean(raw, 1, NOTE_MAX, true).map(Some).map_err(|e| Invalids::single("note", e))
}

/// What a proposal's state is made of, as far as the rules care.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ProposalState {
    pub status: ProposalStatus,
    /// Whose answer the offer on the table waits for.
    pub awaiting: ProposalSide,
    pub deadline: DateTime<Utc>,
    /// 1 for the first offer, one more for each counter-offer.
    pub round: u32,
    /// Whether this round's reminder went out.
    pub reminded: bool,
}

/// Something a party, or the clock, does to a proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProposalAction {
    Accept,
    Decline {
        reason: DeclineReason,
    },
    /// New terms, answering the offer on the table; the turn goes back to the other side.
    Counter {
        respond_within_days: i64,
    },
    Withdraw,
    /// The clock: a reminder before the deadline.
    Remind,
    /// The clock: the deadline has passed unanswered.
    Expire,
}

impl ProposalAction {
    /// The event this action records.
    pub fn kind(&self) -> EventKind {
        match self {
            ProposalAction::Accept => EventKind::Accept,
            ProposalAction::Decline { .. } => EventKind::Decline,
            ProposalAction::Counter { .. } => EventKind::Counter,
            ProposalAction::Withdraw => EventKind::Withdraw,
            ProposalAction::Remind => EventKind::Remind,
            ProposalAction::Expire => EventKind::Expire,
        }
    }

    pub fn name(&self) -> &'static str {
        self.kind().as_str()
    }
}

/// Why an action was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProposalError {
    #[error("the proposal is {0}, no longer open")]
    NotOpen(ProposalStatus),
    #[error("it is the other side's turn to answer")]
    NotYourTurn,
    #[error("the deadline {0} has passed")]
    DeadlinePassed(DateTime<Utc>),
    #[error("the deadline has not passed")]
    NotDue,
    #[error("no more than {MAX_ROUNDS} offers in one proposal")]
    TooManyRounds,
    #[error("only the system sends reminders and expires proposals")]
    ClockOnly,
}

impl ProposalState {
    /// The state of a new proposal made at `now`.
    pub fn new(terms: &Terms, now: DateTime<Utc>) -> ProposalState {
        ProposalState {
            status: ProposalStatus::Open,
            awaiting: ProposalSide::Recipient,
            deadline: terms.deadline_from(now),
            round: 1,
            reminded: false,
        }
    }

    /// Applies `action` by `actor` (`None` for the clock) at `now`.
    pub fn apply(
        self,
        actor: Option<ProposalSide>,
        action: &ProposalAction,
        now: DateTime<Utc>,
    ) -> Result<ProposalState, ProposalError> {
        if self.status != ProposalStatus::Open {
            return Err(ProposalError::NotOpen(self.status));
        }
        let past_deadline = now > self.deadline;
        let answering = || -> Result<(), ProposalError> {
            if actor != Some(self.awaiting) {
                Err(ProposalError::NotYourTurn)
            } else if past_deadline {
                Err(ProposalError::DeadlinePassed(self.deadline))
            } else {
                Ok(())
            }
        };
        let next = match action {
            ProposalAction::Accept => {
                answering()?;
                ProposalState { status: ProposalStatus::Accepted, ..self }
            }
            ProposalAction::Decline { .. } => {
                answering()?;
                ProposalState { status: ProposalStatus::Declined, ..self }
            }
            ProposalAction::Counter { respond_within_days } => {
                answering()?;
                if self.round >= MAX_ROUNDS {
                    return Err(ProposalError::TooManyRounds);
                }
                ProposalState {
                    awaiting: self.awaiting.other(),
                    deadline: now + Duration::days(*respond_within_days),
                    round: self.round + 1,
                    reminded: false,
                    ..self
                }
            }
            ProposalAction::Withdraw => {
                // Withdrawing is the offerer's, and only while the offer is still on the table.
                if actor != Some(self.awaiting.other()) {
                    return Err(ProposalError::NotYourTurn);
                }
                if past_deadline {
                    return Err(ProposalError::DeadlinePassed(self.deadline));
                }
                ProposalState { status: ProposalStatus::Withdrawn, ..self }
            }
            ProposalAction::Remind => {
                if actor.is_some() {
                    return Err(ProposalError::ClockOnly);
                }
                if self.reminded || past_deadline || now < self.deadline - REMINDER_LEAD {
                    return Err(ProposalError::NotDue);
                }
                ProposalState { reminded: true, ..self }
            }
            ProposalAction::Expire => {
                if actor.is_some() {
                    return Err(ProposalError::ClockOnly);
                }
                if !past_deadline {
                    return Err(ProposalError::NotDue);
                }
                ProposalState { status: ProposalStatus::Expired, ..self }
            }
        };
        Ok(next)
    }

    /// Whether the clock has something to do: a reminder due, or expiry.
    pub fn due(&self, now: DateTime<Utc>) -> Option<ProposalAction> {
        if self.status != ProposalStatus::Open {
            None
        } else if now > self.deadline {
            Some(ProposalAction::Expire)
        } else if !self.reminded && now >= self.deadline - REMINDER_LEAD {
            Some(ProposalAction::Remind)
        } else {
            None
        }
    }
}

impl ProposalError {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            ProposalError::NotOpen(_) => "not_open",
            ProposalError::NotYourTurn => "not_your_turn",
            ProposalError::DeadlinePassed(_) => "deadline_passed",
            ProposalError::NotDue => "not_due",
            ProposalError::TooManyRounds => "too_many_rounds",
            ProposalError::ClockOnly => "clock_only",
        }
    }

    /// The reason in Chinese.
    pub fn zh(&self) -> String {
        match self {
            ProposalError::NotOpen(status) => format!("该合作提议已{}，不能再操作", status.zh()),
            ProposalError::NotYourTurn => "现在应由对方答复".into(),
            ProposalError::DeadlinePassed(at) => format!("答复期限 {} 已过", at.format("%Y-%m-%d %H:%M UTC")),
            ProposalError::NotDue => "尚未到期".into(),
            ProposalError::TooManyRounds => format!("一项提议最多往来 {MAX_ROUNDS} 次，请直接沟通"),
            ProposalError::ClockOnly => "只有系统可以发送提醒或使提议过期".into(),
        }
    }
}

impl ProposalStatus {
    pub fn zh(self) -> &'static str {
        match self {
            ProposalStatus::Open => "待答复",
            ProposalStatus::Accepted => "已接受",
            ProposalStatus::Declined => "已谢绝",
            ProposalStatus::Withdrawn => "已撤回",
            ProposalStatus::Expired => "已过期",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            ProposalStatus::Open => "Awaiting answer",
            ProposalStatus::Accepted => "Accepted",
            ProposalStatus::Declined => "Declined",
            ProposalStatus::Withdrawn => "Withdrawn",
            ProposalStatus::Expired => "Expired",
        }
    }
}
