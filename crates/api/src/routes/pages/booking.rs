//! Training-base booking pages: the slots panel on a base's page (with the booking form and,
//! for owners, the form to add slots), the owner's month calendar, and "my bookings". Plain
//! forms that work without JavaScript; errors re-render the form with each field's problem.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chanjiao_domain::booking::{BookingInput, Period, SlotInput};
use chanjiao_domain::posting::{NumberInput, PostingStatus, Side};
use chrono::{DateTime, Datelike, FixedOffset};
use minijinja::context;
use minijinja::value::Serde;
use serde::Deserialize;
use serde_json::{Value, json};

use super::PageForm;
use crate::auth::{CurrentUser, PageUser};
use crate::error::ApiError;
use crate::services::booking::{self, Booking, Slot};
use crate::services::postings::{self, Posting};
use crate::startup::AppState;
use crate::web::{Lang, NextForm, Page, safe_next};

fn weekday(at: &DateTime<FixedOffset>, lang: Lang) -> &'static str {
    const ZH: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];
    const EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let day = at.weekday().num_days_from_monday() as usize;
    if lang == Lang::Zh { ZH[day] } else { EN[day] }
}

/// A slot with its date and times written out for a page.
fn slot_view(slot: &Slot, lang: Lang) -> Value {
    let mut value = serde_json::to_value(slot).unwrap_or(Value::Null);
    value["date"] = json!(slot.starts_at.format("%Y-%m-%d").to_string());
    value["weekday"] = json!(weekday(&slot.starts_at, lang));
    value["times"] = json!(format!("{}–{}", slot.starts_at.format("%H:%M"), slot.ends_at.format("%H:%M")));
    if let Some(bookings) = &slot.bookings {
        value["bookings"] = bookings.iter().map(|b| booking_view(b, lang)).collect();
    }
    value
}

fn booking_view(booking: &Booking, lang: Lang) -> Value {
    let mut value = serde_json::to_value(booking).unwrap_or(Value::Null);
    value["date"] = json!(booking.starts_at.format("%Y-%m-%d").to_string());
    value["weekday"] = json!(weekday(&booking.starts_at, lang));
    value["times"] = json!(format!("{}–{}", booking.starts_at.format("%H:%M"), booking.ends_at.format("%H:%M")));
    value["status_label"] = json!(lang.pick(booking.status.zh(), booking.status.en()));
    value
}

fn periods(lang: Lang) -> Value {
    Period::ALL.iter().map(|p| json!({"value": p.as_str(), "label": lang.pick(p.zh(), p.en())})).collect()
}

/// Whether the user's organization could book a base of someone else's.
fn may_book_at_all(user: &CurrentUser, posting: &Posting) -> bool {
    let side = user.organization.as_ref().and_then(|o| Side::of(o.kind));
    side.is_some() && !posting.owned_by(user) && posting.status == PostingStatus::Published
}

/// The slots panel of a training base's page; `None` for postings of other kinds. A failure to
/// load the slots leaves the rest of the page standing, with a notice instead of the panel.
pub async fn panel(state: &AppState, user: &CurrentUser, posting: &Posting, lang: Lang) -> Option<Value> {
    if !chanjiao_domain::booking::takes_bookings(posting.posting.kind) {
        return None;
    }
    let slots = match booking::list(&state.db, user, posting.id, state.clock.now_local()).await {
        Ok(slots) => slots,
        Err(error) => {
            error.log();
            return Some(json!({"failed": true}));
        }
    };
    let views: Vec<Value> = slots.iter().map(|s| slot_view(s, lang)).collect();
    Some(json!({
        "failed": false,
        "owner": posting.owned_by(user),
        "open": posting.status == PostingStatus::Published,
        "can_book": may_book_at_all(user, posting),
        "slots": views,
        "bookable": slots.iter().any(|s| s.remaining > 0),
        "periods": periods(lang),
        "today": state.clock.today().to_string(),
    }))
}

#[derive(Debug, Default, Deserialize, serde::Serialize)]
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

/// `POST /postings/{id}/slots`: publishes slots, then shows them in the calendar.
pub async fn publish(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    PageForm(form): PageForm<SlotForm>,
) -> Response {
    match booking::publish(&state.db, &user, id, &form.input(), state.clock.now_local()).await {
        Ok(slots) => {
            let month = slots.first().map(|s| s.starts_at.format("%Y-%m").to_string()).unwrap_or_default();
            Redirect::to(&format!("/postings/{id}/calendar?month={month}")).into_response()
        }
        Err(error @ (ApiError::Validation(_) | ApiError::Conflict { .. } | ApiError::Booking(_))) => {
            let posting = match postings::get(&state.db, &user, id).await {
                Ok(posting) => posting,
                Err(e) => return page.error(&state, e).into_response(),
            };
            page.render_with_status(
                &state,
                error.status_code(),
                "slot_form.html",
                context! {
                    posting => Serde(&posting),
                    form => Serde(&form),
                    periods => Serde(periods(page.lang)),
                    field_errors => Serde(error.field_errors()),
                    error_title => error.title(page.lang == Lang::Zh),
                },
            )
        }
        Err(error) => page.error(&state, error).into_response(),
    }
}

#[derive(Debug, Default, Deserialize, serde::Serialize)]
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
) -> Response {
    let posting = match postings::get(&state.db, user, id).await {
        Ok(posting) => posting,
        Err(e) => return page.error(state, e).into_response(),
    };
    let slots = match booking::list(&state.db, user, id, state.clock.now_local()).await {
        Ok(slots) => slots,
        Err(e) => return page.error(state, e).into_response(),
    };
    let views: Vec<Value> = slots.iter().map(|s| slot_view(s, page.lang)).collect();
    let status = error.as_ref().map(ApiError::status_code).unwrap_or(StatusCode::OK);
    page.render_with_status(
        state,
        status,
        "booking_form.html",
        context! {
            posting => Serde(&posting),
            bookable => slots.iter().any(|s| s.remaining > 0),
            slots => Serde(views),
            form => Serde(form),
            field_errors => Serde(error.as_ref().map(ApiError::field_errors).unwrap_or_default()),
            error_title => error.map(|e| e.title(page.lang == Lang::Zh)),
        },
    )
}

/// `GET /postings/{id}/book?slot=…`.
pub async fn book_page(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    Query(form): Query<BookForm>,
) -> Response {
    book_form(&state, &page, &user, id, &form, None).await
}

/// `POST /postings/{id}/book`: books, then shows the user's bookings.
pub async fn book(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    PageForm(form): PageForm<BookForm>,
) -> Response {
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
        Ok(made) => Redirect::to(&format!("/bookings?booked={}", made.id)).into_response(),
        Err(error @ (ApiError::Validation(_) | ApiError::Booking(_))) => {
            book_form(&state, &page, &user, id, &form, Some(error)).await
        }
        Err(error) => page.error(&state, error).into_response(),
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
    Path(id): Path<i64>,
    Query(query): Query<MonthQuery>,
) -> Response {
    match booking::month(&state.db, &user, id, query.month.as_deref(), state.clock.today()).await {
        Ok(calendar) => {
            let slots: Vec<Value> = calendar.slots.iter().map(|s| slot_view(s, page.lang)).collect();
            let month_label = if page.lang == Lang::Zh {
                calendar.month.format("%Y年%-m月").to_string()
            } else {
                calendar.month.format("%B %Y").to_string()
            };
            page.render(
                &state,
                "booking_calendar.html",
                context! {
                    posting => Serde(&calendar.posting),
                    month_label,
                    previous => calendar.previous.format("%Y-%m").to_string(),
                    next => calendar.next.format("%Y-%m").to_string(),
                    slots => Serde(slots),
                    periods => Serde(periods(page.lang)),
                    open => !calendar.posting.status.is_terminal(),
                },
            )
        }
        Err(error) => page.error(&state, error).into_response(),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CapacityForm {
    capacity: String,
}

/// `POST /slots/{id}/capacity`, from the calendar.
pub async fn set_capacity(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    PageForm(form): PageForm<CapacityForm>,
) -> Response {
    match booking::set_capacity(&state.db, &user, id, number(&form.capacity).as_ref(), state.clock.now()).await {
        Ok(slot) => back_to_calendar(&slot),
        Err(error) => page.error(&state, error).into_response(),
    }
}

fn back_to_calendar(slot: &Slot) -> Response {
    let month = slot.starts_at.format("%Y-%m");
    Redirect::to(&format!("/postings/{}/calendar?month={month}", slot.posting_id)).into_response()
}

/// `POST /slots/{id}/delete`, from the calendar.
pub async fn delete_slot(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    PageForm(form): PageForm<NextForm>,
) -> Response {
    match booking::delete(&state.db, &user, id, state.clock.now()).await {
        Ok(()) => Redirect::to(&safe_next(form.next.as_deref())).into_response(),
        Err(error) => page.error(&state, error).into_response(),
    }
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
    Query(query): Query<BookedQuery>,
) -> Response {
    match booking::mine(&state.db, &user).await {
        Ok(bookings) => {
            let now = state.clock.now_local();
            let items: Vec<Value> = bookings
                .iter()
                .map(|b| {
                    let mut view = booking_view(b, page.lang);
                    let upcoming = b.starts_at.naive_local() > now;
                    view["cancellable"] =
                        json!(upcoming && b.status == chanjiao_domain::booking::BookingStatus::Confirmed);
                    view
                })
                .collect();
            page.render(&state, "bookings_mine.html", context! { items => Serde(items), booked => query.booked })
        }
        Err(error) => page.error(&state, error).into_response(),
    }
}

/// `POST /bookings/{id}/cancel`, from "my bookings" or the owner's calendar.
pub async fn cancel(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    PageForm(form): PageForm<NextForm>,
) -> Response {
    match booking::cancel(&state.db, &user, id, state.clock.now_local()).await {
        Ok(_) => {
            let next = form.next.as_deref().map(|n| safe_next(Some(n))).unwrap_or_else(|| "/bookings".to_owned());
            Redirect::to(&next).into_response()
        }
        Err(error) => page.error(&state, error).into_response(),
    }
}
