//! Training-base booking pages: the slots panel on a base's page (with the booking form and,
//! for owners, the form to add slots), the owner's month calendar, and "my bookings". Plain
//! forms that work without JavaScript; errors re-render the form with each field's problem.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chanjiao_domain::booking::{BookingInput, Period, SlotInput};
use chanjiao_domain::posting::NumberInput;
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};

use super::{PageForm, PagePath, PageQuery};
use crate::auth::{CurrentUser, PageUser};
use crate::error::ApiError;
use crate::services::booking;
use crate::services::postings;
use crate::startup::AppState;
use crate::web::{NextForm, Page, PageError, on_form, options, safe_next};
use views::{BookingView, SlotView, month_label};

mod views;
pub use views::panel;

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
    match booking::publish(&state.db, &user, id, &form.input(), state.clock.now_local()).await {
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
            Ok(page.render_form(&state, "booking/slot_form.html", ctx, Some(error)))
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
    let slots = booking::list(&state.db, user, id, state.clock.now_local()).await?;
    let ctx = context! {
        posting => Serde(&posting),
        bookable => slots.iter().any(|s| s.remaining > 0),
        slots => Serde(SlotView::all(&slots, page.lang)),
        form => Serde(form),
    };
    Ok(page.render_form(state, "booking/form.html", ctx, error))
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
    match booking::book(&state.db, &user, slot_id, &input, state.clock.now_local()).await {
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

/// `GET /postings/{id}/calendar?month=2026-12`: the owner's month of slots and bookings.
pub async fn calendar(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    PagePath(id): PagePath<i64>,
    PageQuery(query): PageQuery<MonthQuery>,
) -> Result<Response, PageError> {
    let calendar = booking::month(&state.db, &user, id, query.month.as_deref(), state.clock.today()).await?;
    Ok(page.render(
        &state,
        "booking/calendar.html",
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
    let slot = booking::set_capacity(&state.db, &user, id, number(&form.capacity).as_ref(), state.clock.now()).await?;
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
    booking::delete(&state.db, &user, id, state.clock.now()).await?;
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
    let now = state.clock.now_local();
    let items: Vec<BookingView> = bookings.iter().map(|b| BookingView::new(b, page.lang).cancellable_at(now)).collect();
    Ok(page.render(&state, "booking/mine.html", context! { items => Serde(items), booked => query.booked }))
}

/// `POST /bookings/{id}/cancel`, from "my bookings" or the owner's calendar.
pub async fn cancel(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    PagePath(id): PagePath<i64>,
    PageForm(form): PageForm<NextForm>,
) -> Result<Response, PageError> {
    booking::cancel(&state.db, &user, id, state.clock.now_local()).await?;
    let next = form.next.as_deref().map(|n| safe_next(Some(n))).unwrap_or_else(|| "/bookings".to_owned());
    Ok(Redirect::to(&next).into_response())
}
