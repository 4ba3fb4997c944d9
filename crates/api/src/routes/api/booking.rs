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
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::services::booking::{self, Booking, Slot};
use crate::startup::AppState;

/// `GET /postings/{id}/slots`: the slots that have not ended yet.
pub async fn list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<Slot>>, ApiError> {
    Ok(Json(booking::list(&state.db, &user, id, state.clock.now_local()).await?))
}

/// `POST /postings/{id}/slots`: one slot, or one per week for `repeat_weeks` weeks.
pub async fn publish(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<SlotInput>,
) -> Result<(StatusCode, Json<Vec<Slot>>), ApiError> {
    let slots = booking::publish(&state.db, &user, id, &input, state.clock.now_local()).await?;
    Ok((StatusCode::CREATED, Json(slots)))
}

#[derive(Debug, Deserialize)]
pub struct SlotPatch {
    pub capacity: Option<NumberInput>,
}

/// `PATCH /slots/{id}`: the capacity, never below what is booked.
pub async fn update(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    ApiJson(patch): ApiJson<SlotPatch>,
) -> Result<Json<Slot>, ApiError> {
    Ok(Json(booking::set_capacity(&state.db, &user, id, patch.capacity.as_ref(), state.clock.now()).await?))
}

/// `DELETE /slots/{id}`: only while nothing is booked.
pub async fn delete(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    booking::delete(&state.db, &user, id, state.clock.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /slots/{id}/bookings`: 201 with the booking, or 409 `slot_full`.
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
pub async fn cancel(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Booking>, ApiError> {
    Ok(Json(booking::cancel(&state.db, &user, id, state.clock.now_local()).await?))
}

/// `GET /bookings`: the bookings of the caller's organization.
pub async fn mine(State(state): State<AppState>, ApiUser(user): ApiUser) -> Result<Json<Vec<Booking>>, ApiError> {
    Ok(Json(booking::mine(&state.db, &user).await?))
}
