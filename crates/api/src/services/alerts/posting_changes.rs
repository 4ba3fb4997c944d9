//! The `posting_changed` webhook topic: the change feed pushed to subscribers.
//!
//! The alert processor hands each round's outbox rows here; every enabled webhook that chose
//! the topic gets one delivery per change its organization may see, with the body a feed
//! reader would get for that change (the same cursor, change and current posting, or a
//! tombstone). Deliveries are written in the processor's round transaction, so a change is
//! pushed once per subscription however many processes tail the outbox. These changes never
//! enter the inbox.

use chanjiao_domain::alerts::{DeliveryState, SubscriptionKind, Topic};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::Serialize;

use super::subscriptions;
use crate::db::Stored;
use crate::entities::alerts::{subscriptions as subscription_rows, webhook_deliveries};
use crate::entities::posting_outbox;
use crate::error::ApiError;
use crate::services::postings::feed::{self, Audience, FeedEvent};

/// The body of a `posting_changed` delivery.
#[derive(Debug, Serialize)]
struct Body<'a> {
    topic: Topic,
    subscription_id: i64,
    organization_id: i64,
    #[serde(flatten)]
    event: &'a FeedEvent,
}

/// The deliveries of `rows` to every webhook that subscribes to posting changes.
pub async fn deliveries(
    db: &impl ConnectionTrait,
    rows: &[posting_outbox::Model],
    now: DateTime<Utc>,
) -> Result<Vec<webhook_deliveries::ActiveModel>, ApiError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let hooks: Vec<subscription_rows::Model> = subscription_rows::Entity::find()
        .filter(subscription_rows::Column::Kind.eq(SubscriptionKind::Webhook.as_str()))
        .filter(subscription_rows::Column::WebhookUrl.is_not_null())
        .filter(subscription_rows::Column::DisabledAt.is_null())
        .all(db)
        .await?
        .into_iter()
        .filter(|hook| subscriptions::wants(hook, Topic::PostingChanged, &serde_json::Value::Null))
        .collect();
    let mut deliveries = Vec::new();
    for hook in &hooks {
        for event in feed::events(db, Audience::Organization(hook.organization_id), rows).await? {
            let body = Body {
                topic: Topic::PostingChanged,
                subscription_id: hook.id,
                organization_id: hook.organization_id,
                event: &event,
            };
            let body = serde_json::to_string(&body).map_err(|e| ApiError::Internal(format!("webhook body: {e}")))?;
            deliveries.push(webhook_deliveries::ActiveModel {
                subscription_id: Set(hook.id),
                notification_id: Set(None),
                topic: Set(Stored(Topic::PostingChanged)),
                body: Set(body),
                state: Set(Stored(DeliveryState::Pending)),
                attempts: Set(0),
                next_attempt_at: Set(now),
                created_at: Set(now),
                ..Default::default()
            });
        }
    }
    Ok(deliveries)
}
