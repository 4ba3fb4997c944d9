//! Training-base booking pages: the slots panel on a base's page (with the booking form and,
//! for owners, the form to add slots), the owner's month calendar, and "my bookings". Plain
//! forms that work without JavaScript; errors re-render the form with each field's problem.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chanjiao_domain::booking::{BookingInput, BookingStatus, Period, SlotInput};
use chanjiao_domain::posting::{NumberInput, PostingStatus, Side};
use chrono::{DateTime, Datelike, FixedOffset, NaiveDateTime};
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};

use super::{PageForm, PagePath, PageQuery};
use crate::auth::{CurrentUser, PageUser};
use crate::clock;
use crate::error::ApiError;
use crate::services::booking::{self, Booking, Slot};
use crate::services::postings::{self, Posting};
use crate::startup::AppState;
use crate::web::{Labelled, Lang, Localized, NextForm, Page, PageError, on_form, options, safe_next};

/// The day of the week of a slot, as a calendar abbreviates it.
struct Weekday(chrono::Weekday);

impl Localized for Weekday {
    fn zh(&self) -> &'static str {
        ["周一", "周二", "周三", "周四", "周五", "周六", "周日"][self.0.num_days_from_monday() as usize]
    }

    fn en(&self) -> &'static str {
        ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][self.0.num_days_from_monday() as usize]
    }
}

/// When something happens, written out for a page: the date, its weekday and the times.
#[derive(Serialize)]
struct When {
    date: String,
    weekday: &'static str,
    times: String,
}

impl When {
    fn new(starts_at: &DateTime<FixedOffset>, ends_at: &DateTime<FixedOffset>, lang: Lang) -> Self {
        When {
            date: starts_at.format("%Y-%m-%d").to_string(),
            weekday: Weekday(starts_at.weekday()).label(lang),
            times: format!("{}–{}", starts_at.format("%H:%M"), ends_at.format("%H:%M")),
        }
    }
}

/// A slot with its date and times written out, and (for the base's owners) its bookings.
#[derive(Serialize)]
struct SlotView {
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
    fn new(slot: &Slot, lang: Lang) -> Self {
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

    fn all(slots: &[Slot], lang: Lang) -> Vec<Self> {
        slots.iter().map(|s| SlotView::new(s, lang)).collect()
    }
}

/// A booking with its date, times and status written out.
#[derive(Serialize)]
struct BookingView {
    #[serde(flatten)]
    booking: Booking,
    #[serde(flatten)]
    when: When,
    status_label: &'static str,
    /// Whether "my bookings" offers to cancel it (confirmed and still to come).
    cancellable: bool,
}

impl BookingView {
    fn new(booking: &Booking, lang: Lang) -> Self {
        BookingView {
            booking: booking.clone(),
            when: When::new(&booking.starts_at, &booking.ends_at, lang),
            status_label: booking.status.label(lang),
            cancellable: false,
        }
    }

    fn cancellable_at(mut self, now: NaiveDateTime) -> Self {
        self.cancellable =
            self.booking.starts_at.naive_local() > now && self.booking.status == BookingStatus::Confirmed;
        self
    }
}

/// The slots panel of a training base's page.
#[derive(Serialize)]
pub(super) struct Panel {
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
        today: clock::today().to_string(),
    };
    match booking::list(&state.db, user, posting.id, clock::now_local()).await {
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

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct SlotForm {
    date: String,
    period: String,
    start_time: String,
    end_time: String,
    capacity: String,
    repeat_weeks: String,
}

fn number(raw: &str) -> Option<NumberInput> {
    Some(NumberInput::Text(raw.to_owned()))
}

impl SlotForm {
    fn input(&self) -> SlotInput {
        SlotInput {
            date: self.date.clone(),
            period: self.period.clone(),
            start_time: self.start_time.clone(),
            end_time: self.end_time.clone(),
            capacity: number(&self.capacity),
            repeat_weeks: number(&self.repeat_weeks),
        }
    }
}

/// `POST /postings/{id}/slots`: publishes slots, then shows them in the calendar. A refused
/// form comes back on a page of its own, with the base it was for.
pub async fn publish(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    PagePath(id): PagePath<i64>,
    PageForm(form): PageForm<SlotForm>,
) -> Result<Response, PageError> {
    match booking::publish(&state.db, &user, id, &form.input(), clock::now_local()).await {
        Ok(slots) => {
            let month = slots.first().map(|s| s.starts_at.format("%Y-%m").to_string()).unwrap_or_default();
            Ok(Redirect::to(&format!("/postings/{id}/calendar?month={month}")).into_response())
        }
        Err(error) => {
            let error = on_form(error)?;
            let posting = postings::get(&state.db, &user, id).await?;
            let ctx = context! {
                posting => Serde(&posting),
                form => Serde(&form),
                periods => Serde(options(Period::ALL, page.lang)),
            };
            Ok(page.render_form(&state, "slot_form.html", ctx, Some(error)))
        }
    }
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct BookForm {
    slot: String,
    headcount: String,
    purpose: String,
    contact: String,
}

/// The booking form on a page of its own, with the base's open slots to choose from.
async fn book_form(
    state: &AppState,
    page: &Page,
    user: &CurrentUser,
    id: i64,
    form: &BookForm,
    error: Option<ApiError>,
) -> Result<Response, PageError> {
    let posting = postings::get(&state.db, user, id).await?;
    let slots = booking::list(&state.db, user, id, clock::now_local()).await?;
    let ctx = context! {
        posting => Serde(&posting),
        bookable => slots.iter().any(|s| s.remaining > 0),
        slots => Serde(SlotView::all(&slots, page.lang)),
        form => Serde(form),
    };
    Ok(page.render_form(state, "booking_form.html", ctx, error))
}

/// `GET /postings/{id}/book?slot=…`.
pub async fn book_page(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    PagePath(id): PagePath<i64>,
    PageQuery(form): PageQuery<BookForm>,
) -> Result<Response, PageError> {
    book_form(&state, &page, &user, id, &form, None).await
}

/// `POST /postings/{id}/book`: books, then shows the user's bookings.
pub async fn book(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    PagePath(id): PagePath<i64>,
    PageForm(form): PageForm<BookForm>,
) -> Result<Response, PageError> {
    let Ok(slot_id) = form.slot.trim().parse::<i64>() else {
        let error = ApiError::invalid("slot", chanjiao_domain::Invalid::Required);
        return book_form(&state, &page, &user, id, &form, Some(error)).await;
    };
    let input = BookingInput {
        headcount: number(&form.headcount),
        purpose: form.purpose.clone(),
        contact: form.contact.clone(),
    };
    match booking::book(&state.db, &user, slot_id, &input, clock::now_local()).await {
        Ok(made) => Ok(Redirect::to(&format!("/bookings?booked={}", made.id)).into_response()),
        Err(error) => {
            let error = on_form(error)?;
            book_form(&state, &page, &user, id, &form, Some(error)).await
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MonthQuery {
    month: Option<String>,
}

/// A month's name as a calendar heads it: 2026年12月, December 2026.
fn month_label(month: chrono::NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Zh => month.format("%Y年%-m月").to_string(),
        Lang::En => month.format("%B %Y").to_string(),
    }
}

/// `GET /postings/{id}/calendar?month=2026-12`: the owner's month of slots and bookings.
pub async fn calendar(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    PagePath(id): PagePath<i64>,
    PageQuery(query): PageQuery<MonthQuery>,
) -> Result<Response, PageError> {
    let calendar = booking::month(&state.db, &user, id, query.month.as_deref(), clock::today()).await?;
    Ok(page.render(
        &state,
        "booking_calendar.html",
        context! {
            posting => Serde(&calendar.posting),
            month_label => month_label(calendar.month, page.lang),
            previous => calendar.previous.format("%Y-%m").to_string(),
            next => calendar.next.format("%Y-%m").to_string(),
            slots => Serde(SlotView::all(&calendar.slots, page.lang)),
            periods => Serde(options(Period::ALL, page.lang)),
            open => !calendar.posting.status.is_terminal(),
        },
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CapacityForm {
    capacity: String,
}

/// `POST /slots/{id}/capacity`, from the calendar.
pub async fn set_capacity(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    PagePath(id): PagePath<i64>,
    PageForm(form): PageForm<CapacityForm>,
) -> Result<Response, PageError> {
    let slot = booking::set_capacity(&state.db, &user, id, number(&form.capacity).as_ref()).await?;
    let month = slot.starts_at.format("%Y-%m");
    Ok(Redirect::to(&format!("/postings/{}/calendar?month={month}", slot.posting_id)).into_response())
}

/// `POST /slots/{id}/delete`, from the calendar.
pub async fn delete_slot(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    PagePath(id): PagePath<i64>,
    PageForm(form): PageForm<NextForm>,
) -> Result<Response, PageError> {
    booking::delete(&state.db, &user, id).await?;
    Ok(Redirect::to(&safe_next(form.next.as_deref())).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct BookedQuery {
    booked: Option<i64>,
}

/// `GET /bookings`: the bookings of the user's organization, with cancel buttons.
pub async fn mine(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    PageQuery(query): PageQuery<BookedQuery>,
) -> Result<Response, PageError> {
    let bookings = booking::mine(&state.db, &user).await?;
    let now = clock::now_local();
    let items: Vec<BookingView> = bookings.iter().map(|b| BookingView::new(b, page.lang).cancellable_at(now)).collect();
    Ok(page.render(&state, "bookings_mine.html", context! { items => Serde(items), booked => query.booked }))
}

/// `POST /bookings/{id}/cancel`, from "my bookings" or the owner's calendar.
pub async fn cancel(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    PagePath(id): PagePath<i64>,
    PageForm(form): PageForm<NextForm>,
) -> Result<Response, PageError> {
    booking::cancel(&state.db, &user, id, clock::now_local()).await?;
    let next = form.next.as_deref().map(|n| safe_next(Some(n))).unwrap_or_else(|| "/bookings".to_owned());
    Ok(Redirect::to(&next).into_response())
}
