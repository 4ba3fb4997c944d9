//! Demonstration slots and bookings for training bases: every published demo base gets a
//! morning and an afternoon slot in each of the next four weeks, and the demo school and
//! enterprise have booked places at each other's sides, so "my bookings" and the owners'
//! calendars have something to show. Added once, like the postings.

use std::collections::HashMap;

use chanjiao_domain::booking::{BookingStatus, Period};
use chanjiao_domain::posting::{PostingKind, PostingStatus, Side};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};
use serde_json::json;

use chanjiao_api::clock;
use chanjiao_api::db::Stored;
use chanjiao_api::entities::{postings, slot_bookings, training_slots};
use chanjiao_api::error::ApiError;
use chanjiao_api::services::audit;

/// How many demo bases get slots; the rest keep an empty calendar.
const BASES: usize = 24;
const WEEKS: i64 = 4;

/// Adds slots to the demo's published training bases unless they have some already. Returns how
/// many slots were added.
pub async fn seed(
    db: &impl ConnectionTrait,
    org_ids: &HashMap<usize, (i64, Side)>,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<usize, ApiError> {
    let ids: Vec<i64> = org_ids.values().map(|(id, _)| *id).collect();
    let kinds = [PostingKind::TrainingBaseHosted.as_str(), PostingKind::SharedTrainingBase.as_str()];
    let bases = postings::Entity::find()
        .filter(postings::Column::OrganizationId.is_in(ids))
        .filter(postings::Column::Kind.is_in(kinds))
        .filter(postings::Column::Status.eq(PostingStatus::Published.as_str()))
        .order_by_asc(postings::Column::Id)
        .all(db)
        .await?;
    let base_ids: Vec<i64> = bases.iter().map(|b| b.id).collect();
    let existing =
        training_slots::Entity::find().filter(training_slots::Column::PostingId.is_in(base_ids)).count(db).await?;
    if existing > 0 {
        return Ok(0);
    }
    let next_tuesday = (1..=7).map(|d| today + Duration::days(d)).find(|d| d.weekday() == Weekday::Tue);
    let Some(first_day) = next_tuesday else { return Ok(0) };
    let account_org = |email: &str| {
        let index = super::CATALOGUE_ACCOUNTS.iter().find(|(_, e, _)| *e == email).map(|(i, _, _)| i)?;
        org_ids.get(index).map(|(id, _)| *id)
    };
    let (enterprise, school) = (account_org("enterprise@demo.local"), account_org("school@demo.local"));
    // Each demo account books at the first base of the other side that is not its own.
    let mut bookers: Vec<(i64, i64)> = Vec::new();
    for (booker, kind) in [(school, PostingKind::TrainingBaseHosted), (enterprise, PostingKind::SharedTrainingBase)] {
        let target = bases.iter().find(|b| b.kind == kind && Some(b.organization_id) != booker);
        if let (Some(booker), Some(base)) = (booker, target) {
            bookers.push((base.id, booker));
        }
    }
    // The bases booked at come first, so they are among those that get slots.
    let mut bases = bases;
    bases.sort_by_key(|b| !bookers.iter().any(|(id, _)| *id == b.id));
    let mut added = 0;
    for base in bases.iter().take(BASES) {
        let capacity = base.quantity.unwrap_or(20).clamp(5, 40) as i32;
        for week in 0..WEEKS {
            for (offset, period) in [(0, Period::Morning), (2, Period::Afternoon)] {
                let day = first_day + Duration::days(week * 7 + offset);
                let Some((start, end)) = period.hours() else { continue };
                let slot = training_slots::ActiveModel {
                    posting_id: Set(base.id),
                    starts_at: Set(clock::from_local(day.and_time(start))),
                    ends_at: Set(clock::from_local(day.and_time(end))),
                    capacity: Set(capacity),
                    booked: Set(0),
                    created_at: Set(now),
                    ..Default::default()
                }
                .insert(db)
                .await?;
                added += 1;
                let booker = bookers.iter().find(|(b, _)| *b == base.id).map(|(_, org)| *org);
                if let (Some(organization_id), true) = (booker, week < 2 && offset == 0) {
                    book(db, &slot, organization_id, capacity / 2, now).await?;
                }
            }
        }
    }
    Ok(added)
}

/// A demo booking, made by nobody in particular (the system), with its places claimed.
async fn book(
    db: &impl ConnectionTrait,
    slot: &training_slots::Model,
    organization_id: i64,
    headcount: i32,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let mut claimed: training_slots::ActiveModel = slot.clone().into();
    claimed.booked = Set(headcount);
    claimed.update(db).await?;
    let row = slot_bookings::ActiveModel {
        slot_id: Set(slot.id),
        organization_id: Set(organization_id),
        booked_by: Set(None),
        headcount: Set(headcount),
        purpose: Set("专业课程实训（演示数据）".to_owned()),
        contact: Set(None),
        status: Set(Stored(BookingStatus::Confirmed)),
        created_at: Set(now),
        cancelled_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let changes =
        json!({"slot_id": slot.id, "posting_id": slot.posting_id, "headcount": headcount, "status": "confirmed"});
    audit::record(db, None, now, "slot_booking", row.id, "book", changes).await?;
    Ok(())
}
