//! Training-base booking in the database: slots published by a base's owners ([`slots`]),
//! bookings made and cancelled by schools and enterprises ([`bookings`]), and the owner's month
//! calendar ([`calendar`]).
//!
//! No slot is ever overbooked, whatever the concurrency and on either database: a booking claims
//! its places with one conditional `UPDATE training_slots SET booked = booked + n WHERE id = ? AND
//! booked + n <= capacity` as the first statement of the transaction that inserts it, and goes on
//! only if that updated a row. PostgreSQL re-evaluates the condition against the latest committed
//! row after waiting for a concurrent writer's lock; SQLite serialises writers, and because the
//! transaction writes before it reads, it never works from a stale snapshot. The CHECK
//! constraint `booked <= capacity` backs this up in the schema. Cancellations release places
//! the same way, after flipping the booking's status with a conditional update (so a booking
//! is never released twice).
//!
//! Every change appends an audit event (`training_slot` or `slot_booking`) in its transaction.

pub mod bookings;
pub mod calendar;
pub mod slots;

use std::collections::HashMap;

use chanjiao_domain::booking::{BookingStatus, SlotState};
use chrono::{DateTime, FixedOffset, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::Serialize;

use crate::clock;
use crate::entities::{postings, slot_bookings, training_slots};
use crate::error::ApiError;

pub use bookings::{book, cancel, mine};
pub use calendar::{Calendar, month};
pub use slots::{delete, list, publish, set_capacity};

/// A slot as the API and pages show it, in China's time.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Slot {
    pub id: i64,
    pub posting_id: i64,
    pub starts_at: DateTime<FixedOffset>,
    pub ends_at: DateTime<FixedOffset>,
    pub capacity: u32,
    pub booked: u32,
    pub remaining: u32,
    /// Who booked, for the base's owners only; absent for everyone else.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bookings: Option<Vec<Booking>>,
}

impl Slot {
    fn from_row(row: &training_slots::Model) -> Slot {
        let (capacity, booked) = (count(row.capacity), count(row.booked));
        Slot {
            id: row.id,
            posting_id: row.posting_id,
            starts_at: clock::to_local(row.starts_at),
            ends_at: clock::to_local(row.ends_at),
            capacity,
            booked,
            remaining: capacity.saturating_sub(booked),
            bookings: None,
        }
    }
}

/// A booking with the names a reader needs: the base, the slot's times and the booker.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Booking {
    pub id: i64,
    pub slot_id: i64,
    pub posting_id: i64,
    pub posting_title: String,
    pub starts_at: DateTime<FixedOffset>,
    pub ends_at: DateTime<FixedOffset>,
    pub organization_id: i64,
    pub organization_name: String,
    pub headcount: u32,
    pub purpose: String,
    #[schema(required = true)]
    pub contact: Option<String>,
    pub status: BookingStatus,
    pub created_at: DateTime<Utc>,
    #[schema(required = true)]
    pub cancelled_at: Option<DateTime<Utc>>,
}

/// Counts are stored as integers that CHECK constraints keep non-negative.
fn count(value: i32) -> u32 {
    u32::try_from(value).unwrap_or(0)
}

fn state_of(row: &training_slots::Model) -> SlotState {
    SlotState {
        starts: clock::to_local(row.starts_at).naive_local(),
        capacity: count(row.capacity),
        booked: count(row.booked),
    }
}

async fn slot_row(db: &impl ConnectionTrait, id: i64) -> Result<training_slots::Model, ApiError> {
    training_slots::Entity::find_by_id(id).one(db).await?.ok_or(ApiError::NotFound)
}

/// Booking rows with their slots, bases and bookers, in the order given.
async fn describe(db: &impl ConnectionTrait, rows: Vec<slot_bookings::Model>) -> Result<Vec<Booking>, ApiError> {
    let slot_ids: Vec<i64> = rows.iter().map(|r| r.slot_id).collect();
    let slots: HashMap<i64, training_slots::Model> = training_slots::Entity::find()
        .filter(training_slots::Column::Id.is_in(slot_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let posting_ids: Vec<i64> = slots.values().map(|s| s.posting_id).collect();
    let titles: HashMap<i64, String> = postings::Entity::find()
        .filter(postings::Column::Id.is_in(posting_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.title))
        .collect();
    let names = crate::services::organizations::names(db, rows.iter().map(|r| r.organization_id)).await?;
    rows.into_iter()
        .map(|row| {
            let slot = slots.get(&row.slot_id).ok_or(ApiError::Internal(format!("booking {} has no slot", row.id)))?;
            let status = *row.status;
            Ok(Booking {
                id: row.id,
                slot_id: row.slot_id,
                posting_id: slot.posting_id,
                posting_title: titles.get(&slot.posting_id).cloned().unwrap_or_default(),
                starts_at: clock::to_local(slot.starts_at),
                ends_at: clock::to_local(slot.ends_at),
                organization_id: row.organization_id,
                organization_name: names.get(&row.organization_id).cloned().unwrap_or_default(),
                headcount: count(row.headcount),
                purpose: row.purpose,
                contact: row.contact,
                status,
                created_at: row.created_at,
                cancelled_at: row.cancelled_at,
            })
        })
        .collect()
}
