//! What the booking pages show of slots and bookings: dates, weekdays and times written out in
//! the page's language, statuses labelled, and the slots panel of a training base's page.

use chanjiao_domain::booking::{BookingStatus, Period};
use chanjiao_domain::posting::{PostingStatus, Side};
use chrono::{DateTime, FixedOffset, NaiveDateTime};
use serde::Serialize;

use crate::auth::CurrentUser;
use crate::clock::to_local;
use crate::services::booking::{self, Booking, Slot};
use crate::services::postings::Posting;
use crate::startup::AppState;
use crate::web::{Labelled, Lang, Localized, options, times};

/// When something happens, written out for a page: the date (for links), the day as people plan
/// with it (`2027-03-01（周一）`) and the times, in Beijing time.
#[derive(Serialize)]
struct When {
    date: String,
    day: String,
    times: String,
}

impl When {
    fn new(starts_at: &DateTime<FixedOffset>, ends_at: &DateTime<FixedOffset>, lang: Lang) -> Self {
        let (starts_at, ends_at) = (to_local(starts_at.to_utc()), to_local(ends_at.to_utc()));
        When {
            date: starts_at.format("%Y-%m-%d").to_string(),
            day: times::day(starts_at.date_naive(), lang),
            times: format!("{}–{}", starts_at.format("%H:%M"), ends_at.format("%H:%M")),
        }
    }
}

/// A slot with its date and times written out, and (for the base's owners) its bookings.
#[derive(Serialize)]
pub(super) struct SlotView {
    id: i64,
    posting_id: i64,
    starts_at: DateTime<FixedOffset>,
    ends_at: DateTime<FixedOffset>,
    capacity: u32,
    booked: u32,
    remaining: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    bookings: Option<Vec<BookingView>>,
    #[serde(flatten)]
    when: When,
}

impl SlotView {
    pub(super) fn new(slot: &Slot, lang: Lang) -> Self {
        SlotView {
            id: slot.id,
            posting_id: slot.posting_id,
            starts_at: slot.starts_at,
            ends_at: slot.ends_at,
            capacity: slot.capacity,
            booked: slot.booked,
            remaining: slot.remaining,
            bookings: slot.bookings.as_ref().map(|all| all.iter().map(|b| BookingView::new(b, lang)).collect()),
            when: When::new(&slot.starts_at, &slot.ends_at, lang),
        }
    }

    pub(super) fn all(slots: &[Slot], lang: Lang) -> Vec<Self> {
        slots.iter().map(|s| SlotView::new(s, lang)).collect()
    }
}

/// A booking with its date, times and status written out.
#[derive(Serialize)]
pub(super) struct BookingView {
    #[serde(flatten)]
    booking: Booking,
    #[serde(flatten)]
    when: When,
    status_label: &'static str,
    /// Whether "my bookings" offers to cancel it (confirmed and still to come).
    cancellable: bool,
}

impl BookingView {
    pub(super) fn new(booking: &Booking, lang: Lang) -> Self {
        BookingView {
            booking: booking.clone(),
            when: When::new(&booking.starts_at, &booking.ends_at, lang),
            status_label: booking.status.label(lang),
            cancellable: false,
        }
    }

    pub(super) fn cancellable_at(mut self, now: NaiveDateTime) -> Self {
        self.cancellable =
            self.booking.starts_at.naive_local() > now && self.booking.status == BookingStatus::Confirmed;
        self
    }
}

/// The slots panel of a training base's page.
#[derive(Serialize)]
pub(in crate::routes::pages) struct Panel {
    /// The slots could not be loaded: the panel is a notice and nothing else.
    failed: bool,
    owner: bool,
    open: bool,
    can_book: bool,
    slots: Vec<SlotView>,
    bookable: bool,
    periods: Vec<Labelled>,
    today: String,
}

/// Whether the user's organization could book a base of someone else's.
fn may_book_at_all(user: &CurrentUser, posting: &Posting) -> bool {
    let side = user.organization.as_ref().and_then(|o| Side::of(o.kind));
    side.is_some() && !posting.owned_by(user) && posting.status == PostingStatus::Published
}

/// The slots panel of a training base's page; `None` for postings of other kinds. A failure to
/// load the slots leaves the rest of the page standing, with a notice instead of the panel.
pub async fn panel(state: &AppState, user: &CurrentUser, posting: &Posting, lang: Lang) -> Option<Panel> {
    if !chanjiao_domain::booking::takes_bookings(posting.posting.kind) {
        return None;
    }
    let mut panel = Panel {
        failed: false,
        owner: posting.owned_by(user),
        open: posting.status == PostingStatus::Published,
        can_book: may_book_at_all(user, posting),
        slots: Vec::new(),
        bookable: false,
        periods: options(Period::ALL, lang),
        today: state.clock.today().to_string(),
    };
    match booking::list(&state.db, user, posting.id, state.clock.now_local()).await {
        Ok(slots) => {
            panel.bookable = slots.iter().any(|s| s.remaining > 0);
            panel.slots = SlotView::all(&slots, lang);
        }
        Err(error) => {
            error.log();
            panel.failed = true;
        }
    }
    Some(panel)
}

/// A month's name as a calendar heads it: 2026年12月, December 2026.
pub(super) fn month_label(month: chrono::NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Zh => month.format("%Y年%-m月").to_string(),
        Lang::En => month.format("%B %Y").to_string(),
    }
}
