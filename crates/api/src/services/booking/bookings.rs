//! Bookings: a school or an enterprise books places in a slot of another organization's base,
//! lists its bookings, and cancels them; the base's owners may cancel them too.

use chanjiao_domain::access::Power;
use chanjiao_domain::booking::{BookingInput, BookingStatus, NewBooking, Refusal, rules};
use chrono::{DateTime, NaiveDateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
};
use serde_json::json;

use super::{Booking, describe, slot_row, state_of};
use crate::auth::CurrentUser;
use crate::db::Stored;
use crate::entities::{postings as posting_rows, slot_bookings, training_slots};
use crate::error::ApiError;
use crate::services::{audit, postings};

/// The organization a booking is made for: a verified school or enterprise. Intermediaries and
/// authorities book nothing of their own (as they post nothing of their own).
fn booker(user: &CurrentUser) -> Result<i64, ApiError> {
    user.require(Power::BookTrainingBases)?;
    user.organization_id().ok_or(ApiError::Forbidden)
}

/// Books `input.headcount` places in a slot. Input problems (422) come before state (409): a
/// malformed request is reported as such even when the slot is full.
pub async fn book(
    db: &DatabaseConnection,
    user: &CurrentUser,
    slot_id: i64,
    input: &BookingInput,
    now: NaiveDateTime,
) -> Result<Booking, ApiError> {
    let organization_id = booker(user)?;
    let slot = slot_row(db, slot_id).await?;
    let base = postings::get(db, user, slot.posting_id).await?;
    let request = NewBooking::parse(input)?;
    let own = base.organization_id == organization_id;
    rules::may_book(base.posting.kind, base.status, own, &state_of(&slot), request.headcount, now)
        .map_err(ApiError::Booking)?;

    let headcount = request.headcount.get() as i32;
    let txn = crate::db::begin_write(db).await?;
    // The claim comes first in the transaction (see the module docs of `booking`): it either
    // takes the places atomically or matches no row.
    let claimed = training_slots::Entity::update_many()
        .col_expr(training_slots::Column::Booked, Expr::col(training_slots::Column::Booked).add(headcount))
        .filter(training_slots::Column::Id.eq(slot_id))
        .filter(
            Expr::col(training_slots::Column::Booked).add(headcount).lte(Expr::col(training_slots::Column::Capacity)),
        )
        .exec(&txn)
        .await?;
    if claimed.rows_affected == 0 {
        txn.rollback().await?;
        // Someone else took the places (or the slot was deleted) since we read it.
        let remaining = state_of(&slot_row(db, slot_id).await?).remaining();
        return Err(ApiError::Booking(Refusal::SlotFull { requested: headcount as u32, remaining }));
    }
    let row = slot_bookings::ActiveModel {
        slot_id: Set(slot_id),
        organization_id: Set(organization_id),
        booked_by: Set(user.user_id),
        headcount: Set(headcount),
        purpose: Set(request.purpose.as_str().to_owned()),
        contact: Set(request.contact.as_ref().map(|c| c.as_str().to_owned())),
        status: Set(Stored(BookingStatus::Confirmed)),
        created_at: Set(crate::clock::from_local(now)),
        cancelled_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let changes = json!({
        "slot_id": slot_id, "posting_id": slot.posting_id, "headcount": headcount,
        "purpose": request.purpose.as_str(), "status": "confirmed",
    });
    audit::record(&txn, Some(user), crate::clock::from_local(now), "slot_booking", row.id, "book", changes).await?;
    let when = crate::clock::to_local(slot.starts_at).format("%Y-%m-%d %H:%M");
    booking_notice(
        &txn,
        base.organization_id,
        format!("{} 预约了 {} 的 {headcount} 个名额：{}", booker_name(user), when, base.posting.title.as_str()),
        format!("{} booked {headcount} places on {when}: {}", booker_name(user), base.posting.title.as_str()),
        slot.posting_id,
        crate::clock::from_local(now),
    )
    .await?;
    txn.commit().await?;
    describe(db, vec![row]).await?.pop().ok_or(ApiError::NotFound)
}

/// Cancels a booking and frees its places. The booking organization and the base's owners may;
/// for anyone else the booking does not exist.
pub async fn cancel(
    db: &DatabaseConnection,
    user: &CurrentUser,
    booking_id: i64,
    now: NaiveDateTime,
) -> Result<Booking, ApiError> {
    let row = slot_bookings::Entity::find_by_id(booking_id).one(db).await?.ok_or(ApiError::NotFound)?;
    let slot = slot_row(db, row.slot_id).await?;
    let mine = user.organization_id() == Some(row.organization_id);
    if !mine {
        let base = postings::get(db, user, slot.posting_id).await?;
        if !base.owned_by(user) && !user.is_platform_admin() {
            return Err(ApiError::NotFound);
        }
    }
    let status: BookingStatus = *row.status;
    rules::may_cancel(status, &state_of(&slot), now).map_err(ApiError::Booking)?;

    let txn = crate::db::begin_write(db).await?;
    // Flipping the status conditionally first means two cancellations of one booking cannot both
    // release its places.
    let flipped = slot_bookings::Entity::update_many()
        .col_expr(slot_bookings::Column::Status, Expr::value(BookingStatus::Cancelled.as_str()))
        .col_expr(slot_bookings::Column::CancelledAt, Expr::value(crate::clock::from_local(now)))
        .filter(slot_bookings::Column::Id.eq(booking_id))
        .filter(slot_bookings::Column::Status.eq(BookingStatus::Confirmed.as_str()))
        .exec(&txn)
        .await?;
    if flipped.rows_affected == 0 {
        txn.rollback().await?;
        return Err(ApiError::Booking(Refusal::AlreadyCancelled));
    }
    let released = training_slots::Entity::update_many()
        .col_expr(training_slots::Column::Booked, Expr::col(training_slots::Column::Booked).sub(row.headcount))
        .filter(training_slots::Column::Id.eq(row.slot_id))
        .filter(training_slots::Column::Booked.gte(row.headcount))
        .exec(&txn)
        .await?;
    if released.rows_affected == 0 {
        // The slot holds fewer places than this confirmed booking: the counts disagree, which
        // only a bug can cause. Change nothing and say so.
        txn.rollback().await?;
        return Err(ApiError::Internal(format!("slot {} holds fewer places than booking {booking_id}", row.slot_id)));
    }
    let changes = json!({ "status": ["confirmed", "cancelled"], "headcount": row.headcount, "slot_id": row.slot_id });
    audit::record(&txn, Some(user), crate::clock::from_local(now), "slot_booking", booking_id, "cancel", changes)
        .await?;
    // The other party hears of it: the base's owner when the booker cancels, the booker when the
    // owner does.
    let owner = posting_rows::Entity::find_by_id(slot.posting_id).one(&txn).await?.map(|p| p.organization_id);
    let other = if mine { owner } else { Some(row.organization_id) };
    if let Some(other) = other {
        let when = crate::clock::to_local(slot.starts_at).format("%Y-%m-%d %H:%M");
        booking_notice(
            &txn,
            other,
            format!("{when} 的 {} 个实训名额预约已取消", row.headcount),
            format!("A booking of {} places on {when} was cancelled", row.headcount),
            slot.posting_id,
            crate::clock::from_local(now),
        )
        .await?;
    }
    txn.commit().await?;
    let row = slot_bookings::Entity::find_by_id(booking_id).one(db).await?.ok_or(ApiError::NotFound)?;
    describe(db, vec![row]).await?.pop().ok_or(ApiError::NotFound)
}

/// The bookings of the user's organization, latest made first.
pub async fn mine(db: &DatabaseConnection, user: &CurrentUser) -> Result<Vec<Booking>, ApiError> {
    let Some(organization_id) = user.organization_id() else {
        return Ok(Vec::new());
    };
    let rows = slot_bookings::Entity::find()
        .filter(slot_bookings::Column::OrganizationId.eq(organization_id))
        .order_by_desc(slot_bookings::Column::Id)
        .all(db)
        .await?;
    describe(db, rows).await
}

fn booker_name(user: &CurrentUser) -> String {
    user.organization.as_ref().map(|o| o.name.clone()).unwrap_or_default()
}

async fn booking_notice(
    txn: &impl sea_orm::ConnectionTrait,
    organization_id: i64,
    title_zh: String,
    title_en: String,
    posting_id: i64,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    crate::services::alerts::notify(
        txn,
        crate::services::alerts::Notice {
            organization_id,
            topic: crate::services::alerts::Topic::BookingChanged,
            title_zh,
            title_en,
            link: format!("/postings/{posting_id}/calendar"),
            data: json!({ "posting_id": posting_id }),
        },
        now,
    )
    .await
}
