//! Whether a booking, a cancellation, a capacity change or a deletion may happen, given the
//! slot and its base as last read. The database re-checks capacity atomically when it writes;
//! these rules give the specific answer users see in the ordinary, uncontended case.

use chrono::NaiveDateTime;

use super::{BookingStatus, Headcount, takes_bookings};
use crate::posting::{PostingKind, PostingStatus};

/// A slot as stored: when it starts and how full it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlotState {
    pub starts: NaiveDateTime,
    pub capacity: u32,
    pub booked: u32,
}

impl SlotState {
    pub fn remaining(&self) -> u32 {
        self.capacity.saturating_sub(self.booked)
    }

    pub fn has_started(&self, now: NaiveDateTime) -> bool {
        self.starts <= now
    }
}

/// Why a booking-related change was refused. Each names the field a client can point at.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("only training-base postings have slots")]
    NotATrainingBase,
    #[error("the training base is {status} and takes no bookings")]
    BaseNotOpen { status: PostingStatus },
    #[error("the training base is {status} and cannot get new slots")]
    BaseClosed { status: PostingStatus },
    #[error("an organization does not book its own training base; change the slot's capacity instead")]
    OwnBase,
    #[error("the slot has already started")]
    SlotStarted,
    #[error("the slot is full: {requested} places requested, {remaining} remaining")]
    SlotFull { requested: u32, remaining: u32 },
    #[error("the booking is already cancelled")]
    AlreadyCancelled,
    #[error("the capacity cannot be lower than the {booked} places already booked")]
    CapacityBelowBooked { booked: u32 },
    #[error("the slot has {booked} booked places; cancel the bookings first")]
    SlotHasBookings { booked: u32 },
}

impl Refusal {
    /// A stable machine-readable code, for API clients that branch on the reason.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::NotATrainingBase => "not_a_training_base",
            Refusal::BaseNotOpen { .. } => "base_not_open",
            Refusal::BaseClosed { .. } => "base_closed",
            Refusal::OwnBase => "own_base",
            Refusal::SlotStarted => "slot_started",
            Refusal::SlotFull { .. } => "slot_full",
            Refusal::AlreadyCancelled => "already_cancelled",
            Refusal::CapacityBelowBooked { .. } => "capacity_below_booked",
            Refusal::SlotHasBookings { .. } => "slot_has_bookings",
        }
    }

    /// The field of the request or resource the refusal is about.
    pub fn field(&self) -> &'static str {
        match self {
            Refusal::NotATrainingBase => "kind",
            Refusal::BaseNotOpen { .. } | Refusal::BaseClosed { .. } => "status",
            Refusal::OwnBase => "organization",
            Refusal::SlotStarted => "slot",
            Refusal::SlotFull { .. } => "headcount",
            Refusal::AlreadyCancelled => "status",
            Refusal::CapacityBelowBooked { .. } => "capacity",
            Refusal::SlotHasBookings { .. } => "booked",
        }
    }

    /// Whether the refusal is about who asks (403) rather than the state of things (409).
    pub fn is_permission(&self) -> bool {
        matches!(self, Refusal::OwnBase)
    }

    /// The reason in Chinese.
    pub fn zh(&self) -> String {
        match self {
            Refusal::NotATrainingBase => "只有实训基地类发布可以设置预约时段".into(),
            Refusal::BaseNotOpen { status } => format!("该实训基地{}，暂不接受预约", status.zh()),
            Refusal::BaseClosed { status } => format!("该实训基地{}，不能再添加时段", status.zh()),
            Refusal::OwnBase => "不能预约本机构的实训基地；如需占用，请直接调整时段容量".into(),
            Refusal::SlotStarted => "该时段已开始或已结束".into(),
            Refusal::SlotFull { requested, remaining } => {
                format!("该时段已约满：申请 {requested} 人，剩余 {remaining} 个名额")
            }
            Refusal::AlreadyCancelled => "该预约已取消".into(),
            Refusal::CapacityBelowBooked { booked } => format!("容量不能少于已预约的 {booked} 人"),
            Refusal::SlotHasBookings { booked } => format!("该时段已有 {booked} 人预约，请先取消预约"),
        }
    }

    /// A short title for the problem document, in Chinese and English.
    pub fn title(&self) -> (&'static str, &'static str) {
        match self {
            Refusal::SlotFull { .. } => ("该时段已约满", "The slot is full"),
            Refusal::OwnBase => ("不能预约本机构的实训基地", "You cannot book your own training base"),
            _ => ("当前状态下不能进行此操作", "Not possible in the current status"),
        }
    }
}

/// Whether slots may be added to a base of this kind and status: not once it is out of
/// circulation (closed, filled, expired); drafts and paused bases may prepare their calendar.
pub fn may_add_slots(kind: PostingKind, status: PostingStatus) -> Result<(), Refusal> {
    if !takes_bookings(kind) {
        return Err(Refusal::NotATrainingBase);
    }
    if status.is_terminal() {
        return Err(Refusal::BaseClosed { status });
    }
    Ok(())
}

/// Whether `headcount` people may book `slot` of a base of this kind and status, for an
/// organization that does (`own_base`) or does not own the base.
pub fn may_book(
    kind: PostingKind,
    status: PostingStatus,
    own_base: bool,
    slot: &SlotState,
    headcount: Headcount,
    now: NaiveDateTime,
) -> Result<(), Refusal> {
    if !takes_bookings(kind) {
        return Err(Refusal::NotATrainingBase);
    }
    if own_base {
        return Err(Refusal::OwnBase);
    }
    if status != PostingStatus::Published {
        return Err(Refusal::BaseNotOpen { status });
    }
    if slot.has_started(now) {
        return Err(Refusal::SlotStarted);
    }
    if headcount.get() > slot.remaining() {
        return Err(Refusal::SlotFull { requested: headcount.get(), remaining: slot.remaining() });
    }
    Ok(())
}

/// Whether a booking may be cancelled: only while confirmed and before its slot starts (after
/// that, the places were used or wasted and the record should say so).
pub fn may_cancel(status: BookingStatus, slot: &SlotState, now: NaiveDateTime) -> Result<(), Refusal> {
    if status == BookingStatus::Cancelled {
        return Err(Refusal::AlreadyCancelled);
    }
    if slot.has_started(now) {
        return Err(Refusal::SlotStarted);
    }
    Ok(())
}

/// Whether a slot's capacity may become `capacity`: never below what is booked.
pub fn may_set_capacity(slot: &SlotState, capacity: u32) -> Result<(), Refusal> {
    if capacity < slot.booked {
        return Err(Refusal::CapacityBelowBooked { booked: slot.booked });
    }
    Ok(())
}

/// Whether a slot may be deleted: only while nobody holds places in it.
pub fn may_delete(slot: &SlotState) -> Result<(), Refusal> {
    if slot.booked > 0 {
        return Err(Refusal::SlotHasBookings { booked: slot.booked });
    }
    Ok(())
}
