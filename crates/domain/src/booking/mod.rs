//! Training-base booking (实训基地共享): a training base publishes its capacity per time slot, and
//! schools and enterprises book places in those slots.
//!
//! This module owns the parsed inputs ([`NewSlot`], [`NewBooking`]), the booking statuses and
//! the rules that decide whether a booking, a capacity change or a cancellation may happen
//! ([`rules`]). Times are wall-clock times at the base (China, UTC+8, no daylight saving); the
//! caller passes "now" in the same clock. That no slot is ever overbooked under concurrent
//! requests is not decided here but by the database (a conditional update and a CHECK
//! constraint): the rules below give a good answer to the ordinary case, the database is the
//! guarantee.
//!
//! Decisions worth knowing:
//! - Only the two kinds of training base take slots: an enterprise's own base
//!   ([`PostingKind::TrainingBaseHosted`]) and a school's shared base
//!   ([`PostingKind::SharedTrainingBase`]).
//! - A base takes new bookings only while it is published; its owner may prepare slots while it
//!   is a draft or paused.
//! - An organization does not book its own base: it controls its base's capacity directly, and
//!   a self-booking would show as demand from a partner where there is none.
//! - Bookings are either confirmed or cancelled; there is no approval step, because the whole
//!   point of publishing capacity is that what is free can be taken.

mod request;
pub mod rules;
mod slot;

#[cfg(test)]
mod tests;

pub use request::{BookingInput, Contact, Headcount, NewBooking, Purpose};
pub use rules::{Refusal, SlotState};
pub use slot::{Capacity, MAX_REPEAT_WEEKS, NewSlot, Period, SlotInput};

use crate::error::Text;
use crate::organization::string_enum;
use crate::posting::PostingKind;

string_enum!(
    /// Where a booking stands. A cancelled booking keeps its row (who booked what, and when it was
    /// cancelled) but no longer holds places.
    BookingStatus, Text::new("one of confirmed, cancelled", "confirmed、cancelled 之一"), {
        Confirmed => "confirmed",
        Cancelled => "cancelled",
    }
);

impl BookingStatus {
    pub fn zh(self) -> &'static str {
        match self {
            BookingStatus::Confirmed => "已确认",
            BookingStatus::Cancelled => "已取消",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            BookingStatus::Confirmed => "Confirmed",
            BookingStatus::Cancelled => "Cancelled",
        }
    }
}

/// Whether postings of this kind are training bases that publish slots and take bookings.
pub fn takes_bookings(kind: PostingKind) -> bool {
    matches!(kind, PostingKind::TrainingBaseHosted | PostingKind::SharedTrainingBase)
}
