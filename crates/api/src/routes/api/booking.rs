//! Training-base booking over the API: a base's slots, publishing and changing them, booking,
//! cancelling, and the caller's bookings.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chanjiao_domain::booking::{BookingInput, SlotInput};
use chanjiao_domain::posting::NumberInput;
use serde::Deserialize;

use super::ApiJson;
use super::extract::Path;
use super::openapi::shared::NotFound;
use crate::auth::ApiUser;
use crate::error::{ApiError, Problem};
use crate::services::booking::{self, Booking, Slot};
use crate::startup::AppState;

/// `GET /postings/{id}/slots`: the slots that have not ended yet.
#[utoipa::path(
    get,
    path = "/postings/{id}/slots",
    operation_id = "listSlots",
    tag = "booking",
    summary = "Upcoming slots of a training base, with places left (owners also see who booked)",
    params(
        ("id" = i64, Path, minimum = 1, description = "The resource's id."),
    ),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "Slots, earliest first.", body = Vec<Slot>),
        (status = 404, response = NotFound),
    ),
)]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<Slot>>, ApiError> {
    Ok(Json(booking::list(&state.db, &user, id, state.clock.now_local()).await?))
}

/// `POST /postings/{id}/slots`: one slot, or one per week for `repeat_weeks` weeks.
#[utoipa::path(
    post,
    path = "/postings/{id}/slots",
    operation_id = "publishSlots",
    tag = "booking",
    summary = "Publish a slot or a weekly series (the base's organization)",
    params(
        ("id" = i64, Path, minimum = 1, description = "The resource's id."),
    ),
    request_body = SlotInput,
    security(("bearerAuth" = [])),
    responses(
        (status = 201, description = "The slots created.", body = Vec<Slot>),
        (status = 404, response = NotFound),
        (status = 409, description = "Refused by a booking rule (code `slot_full`, `started`, `not_published`, \
        `has_bookings`, `below_booked`, `already_cancelled` …).", body = Problem,
            content_type = "application/problem+json"),
    ),
)]
pub async fn publish(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<SlotInput>,
) -> Result<(StatusCode, Json<Vec<Slot>>), ApiError> {
    let slots = booking::publish(&state.db, &user, id, &input, state.clock.now_local()).await?;
    Ok((StatusCode::CREATED, Json(slots)))
}

/// A slot's new capacity.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct SlotPatch {
    /// New capacity; never below what is booked.
    #[schema(required = true)]
    pub capacity: Option<NumberInput>,
}

/// `PATCH /slots/{id}`: the capacity, never below what is booked.
#[utoipa::path(
    patch,
    path = "/slots/{id}",
    operation_id = "updateSlot",
    tag = "booking",
    summary = "Change a slot's capacity (never below what is booked)",
    params(
        ("id" = i64, Path, minimum = 1, description = "The resource's id."),
    ),
    request_body = SlotPatch,
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The slot.", body = Slot),
        (status = 404, response = NotFound),
        (status = 409, description = "Refused by a booking rule (code `slot_full`, `started`, `not_published`, \
        `has_bookings`, `below_booked`, `already_cancelled` …).", body = Problem,
            content_type = "application/problem+json"),
    ),
)]
pub async fn update(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    ApiJson(patch): ApiJson<SlotPatch>,
) -> Result<Json<Slot>, ApiError> {
    Ok(Json(booking::set_capacity(&state.db, &user, id, patch.capacity.as_ref(), state.clock.now()).await?))
}

/// `DELETE /slots/{id}`: only while nothing is booked.
#[utoipa::path(
    delete,
    path = "/slots/{id}",
    operation_id = "deleteSlot",
    tag = "booking",
    summary = "Delete a slot nobody has booked",
    params(
        ("id" = i64, Path, minimum = 1, description = "The resource's id."),
    ),
    security(("bearerAuth" = [])),
    responses(
        (status = 204, description = "Deleted."),
        (status = 404, response = NotFound),
        (status = 409, description = "Refused by a booking rule (code `slot_full`, `started`, `not_published`, \
        `has_bookings`, `below_booked`, `already_cancelled` …).", body = Problem,
            content_type = "application/problem+json"),
    ),
)]
pub async fn delete(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    booking::delete(&state.db, &user, id, state.clock.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /slots/{id}/bookings`: 201 with the booking, or 409 `slot_full`.
#[utoipa::path(
    post,
    path = "/slots/{id}/bookings",
    operation_id = "bookSlot",
    tag = "booking",
    summary = "Book places in a slot of another organization's published base; never overbooks",
    params(
        ("id" = i64, Path, minimum = 1, description = "The resource's id."),
    ),
    request_body = BookingInput,
    security(("bearerAuth" = [])),
    responses(
        (status = 201, description = "The booking.", body = Booking),
        (status = 403, description = "The base is the caller's own.", body = Problem,
            content_type = "application/problem+json"),
        (status = 404, response = NotFound),
        (status = 409, description = "Refused by a booking rule (code `slot_full`, `started`, `not_published`, \
        `has_bookings`, `below_booked`, `already_cancelled` …).", body = Problem,
            content_type = "application/problem+json"),
    ),
)]
pub async fn book(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<BookingInput>,
) -> Result<(StatusCode, Json<Booking>), ApiError> {
    let booking = booking::book(&state.db, &user, id, &input, state.clock.now_local()).await?;
    Ok((StatusCode::CREATED, Json(booking)))
}

/// `POST /bookings/{id}/cancel`.
#[utoipa::path(
    post,
    path = "/bookings/{id}/cancel",
    operation_id = "cancelBooking",
    tag = "booking",
    summary = "Cancel a booking (the booker or the base's owner); frees its places",
    params(
        ("id" = i64, Path, minimum = 1, description = "The resource's id."),
    ),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The cancelled booking.", body = Booking),
        (status = 404, response = NotFound),
        (status = 409, description = "Refused by a booking rule (code `slot_full`, `started`, `not_published`, \
        `has_bookings`, `below_booked`, `already_cancelled` …).", body = Problem,
            content_type = "application/problem+json"),
    ),
)]
pub async fn cancel(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Booking>, ApiError> {
    Ok(Json(booking::cancel(&state.db, &user, id, state.clock.now_local()).await?))
}

/// `GET /bookings`: the bookings of the caller's organization.
#[utoipa::path(
    get,
    path = "/bookings",
    operation_id = "listMyBookings",
    tag = "booking",
    summary = "The caller's organization's bookings",
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "Bookings, newest first.", body = Vec<Booking>),
    ),
)]
pub async fn mine(State(state): State<AppState>, ApiUser(user): ApiUser) -> Result<Json<Vec<Booking>>, ApiError> {
    Ok(Json(booking::mine(&state.db, &user).await?))
}
