//! Slots: listed for everyone who can see the base, published, resized and deleted by its
//! owners.

use chanjiao_domain::booking::{Capacity, NewSlot, SlotInput, rules};
use chanjiao_domain::posting::NumberInput;
use chanjiao_domain::{Invalid, Invalids};
use chrono::{DateTime, NaiveDateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
};
use serde_json::json;

use super::{Slot, describe, slot_row, state_of};
use crate::auth::CurrentUser;
use crate::clock;
use crate::entities::{slot_bookings, training_slots};
use crate::error::ApiError;
use crate::services::{audit, postings};

/// Whether `user` manages the base's calendar and sees who booked.
fn manages(posting: &postings::Posting, user: &CurrentUser) -> bool {
    posting.owned_by(user) || user.is_platform_admin()
}

/// Attaches the confirmed bookings of each slot (for the base's owners).
pub(super) async fn with_bookings(db: &impl ConnectionTrait, slots: &mut [Slot]) -> Result<(), ApiError> {
    let ids: Vec<i64> = slots.iter().map(|s| s.id).collect();
    let rows = slot_bookings::Entity::find()
        .filter(slot_bookings::Column::SlotId.is_in(ids))
        .filter(slot_bookings::Column::Status.eq("confirmed"))
        .order_by_asc(slot_bookings::Column::Id)
        .all(db)
        .await?;
    let bookings = describe(db, rows).await?;
    for slot in slots.iter_mut() {
        slot.bookings = Some(bookings.iter().filter(|b| b.slot_id == slot.id).cloned().collect());
    }
    Ok(())
}

/// The slots of a base that have not ended yet, earliest first. Owners also see the bookings.
pub async fn list(
    db: &DatabaseConnection,
    user: &CurrentUser,
    posting_id: i64,
    now: NaiveDateTime,
) -> Result<Vec<Slot>, ApiError> {
    let posting = postings::get(db, user, posting_id).await?;
    let rows = training_slots::Entity::find()
        .filter(training_slots::Column::PostingId.eq(posting_id))
        .filter(training_slots::Column::EndsAt.gt(clock::from_local(now)))
        .order_by_asc(training_slots::Column::StartsAt)
        .all(db)
        .await?;
    let mut slots: Vec<Slot> = rows.iter().map(Slot::from_row).collect();
    if manages(&posting, user) {
        with_bookings(db, &mut slots).await?;
    }
    Ok(slots)
}

/// Publishes a slot, or several for a weekly recurrence, on a base `user`'s organization owns.
/// All or nothing: a clash with an existing slot stores none of them.
pub async fn publish(
    db: &DatabaseConnection,
    user: &CurrentUser,
    posting_id: i64,
    input: &SlotInput,
    now: NaiveDateTime,
) -> Result<Vec<Slot>, ApiError> {
    let posting = postings::get_owned(db, user, posting_id).await?;
    rules::may_add_slots(posting.posting.kind, posting.status).map_err(ApiError::Booking)?;
    let parsed = NewSlot::parse_all(input, now)?;
    let created_at = crate::clock::from_local(now);
    let models: Vec<training_slots::ActiveModel> = parsed
        .iter()
        .map(|slot| training_slots::ActiveModel {
            posting_id: Set(posting_id),
            starts_at: Set(clock::from_local(slot.starts)),
            ends_at: Set(clock::from_local(slot.ends)),
            capacity: Set(slot.capacity.get() as i32),
            booked: Set(0),
            created_at: Set(created_at),
            ..Default::default()
        })
        .collect();
    let txn = crate::db::begin_write(db).await?;
    // A clash with an existing slot is uq_training_slots_posting_time: 409 on the date field
    // (crate::db::constraints).
    let rows = training_slots::Entity::insert_many(models).exec_with_returning(&txn).await?;
    for row in &rows {
        let changes = json!({
            "posting_id": posting_id,
            "starts_at": clock::to_local(row.starts_at),
            "ends_at": clock::to_local(row.ends_at),
            "capacity": row.capacity,
        });
        audit::record(&txn, Some(user), crate::clock::from_local(now), "training_slot", row.id, "create", changes)
            .await?;
    }
    txn.commit().await?;
    let mut slots: Vec<Slot> = rows.iter().map(Slot::from_row).collect();
    slots.sort_by_key(|s| s.starts_at);
    Ok(slots)
}

/// A slot and its base, for one of the base's owners: 404 if they cannot see the base, 403 if it
/// is not theirs.
async fn owned_slot(
    db: &DatabaseConnection,
    user: &CurrentUser,
    slot_id: i64,
) -> Result<training_slots::Model, ApiError> {
    let row = slot_row(db, slot_id).await?;
    postings::get_owned(db, user, row.posting_id).await?;
    Ok(row)
}

/// Changes a slot's capacity, never below the places already booked.
pub async fn set_capacity(
    db: &DatabaseConnection,
    user: &CurrentUser,
    slot_id: i64,
    capacity: Option<&NumberInput>,
    now: DateTime<Utc>,
) -> Result<Slot, ApiError> {
    let row = owned_slot(db, user, slot_id).await?;
    let capacity = match capacity {
        Some(raw) if !raw.is_blank() => Capacity::parse(raw),
        _ => Err(Invalid::Required),
    }
    .map_err(|invalid| Invalids::single("capacity", invalid))?
    .get();
    rules::may_set_capacity(&state_of(&row), capacity).map_err(ApiError::Booking)?;
    let txn = crate::db::begin_write(db).await?;
    // Conditional, like a booking: a booking that lands between the check above and this update
    // makes it match no row instead of leaving booked > capacity.
    let updated = training_slots::Entity::update_many()
        .col_expr(training_slots::Column::Capacity, Expr::value(capacity as i32))
        .filter(training_slots::Column::Id.eq(slot_id))
        .filter(training_slots::Column::Booked.lte(capacity as i32))
        .exec(&txn)
        .await?;
    if updated.rows_affected == 0 {
        txn.rollback().await?;
        let now = slot_row(db, slot_id).await?;
        return Err(ApiError::Booking(chanjiao_domain::booking::Refusal::CapacityBelowBooked {
            booked: super::count(now.booked),
        }));
    }
    let changes = json!({ "capacity": [row.capacity, capacity] });
    audit::record(&txn, Some(user), now, "training_slot", slot_id, "update", changes).await?;
    let row = slot_row(&txn, slot_id).await?;
    txn.commit().await?;
    Ok(Slot::from_row(&row))
}

/// Deletes a slot in which no places are booked (its cancelled bookings go with it).
pub async fn delete(
    db: &DatabaseConnection,
    user: &CurrentUser,
    slot_id: i64,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let row = owned_slot(db, user, slot_id).await?;
    rules::may_delete(&state_of(&row)).map_err(ApiError::Booking)?;
    let txn = crate::db::begin_write(db).await?;
    let deleted = training_slots::Entity::delete_many()
        .filter(training_slots::Column::Id.eq(slot_id))
        .filter(training_slots::Column::Booked.eq(0))
        .exec(&txn)
        .await?;
    if deleted.rows_affected == 0 {
        txn.rollback().await?;
        let now = slot_row(db, slot_id).await?;
        return Err(ApiError::Booking(chanjiao_domain::booking::Refusal::SlotHasBookings {
            booked: super::count(now.booked),
        }));
    }
    let changes = json!({
        "posting_id": row.posting_id,
        "starts_at": clock::to_local(row.starts_at),
        "capacity": row.capacity,
    });
    audit::record(&txn, Some(user), now, "training_slot", slot_id, "delete", changes).await?;
    txn.commit().await?;
    Ok(())
}
