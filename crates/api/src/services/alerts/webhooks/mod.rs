//! Webhooks: the persistent delivery outbox (rows written by [`super::inbox::notify`]), the
//! worker that sends them ([`worker`]), their signatures ([`signature`]), the address policy
//! ([`guard`]), and the delivery log each subscription's owners can read.

pub mod guard;
pub mod signature;
pub mod worker;

use chanjiao_domain::alerts::DeliveryState;
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;

use crate::auth::CurrentUser;
use crate::entities::alerts::{webhook_attempts, webhook_deliveries};
use crate::error::ApiError;
use crate::services::paging::Paging;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Delivery {
    /// Also the `X-Chanjiao-Delivery` header.
    pub id: i64,
    #[schema(value_type = chanjiao_domain::alerts::Topic)]
    pub topic: String,
    pub state: DeliveryState,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    #[schema(required = true)]
    pub last_error: Option<String>,
    #[schema(required = true)]
    pub response_status: Option<i32>,
    pub created_at: DateTime<Utc>,
    #[schema(required = true)]
    pub delivered_at: Option<DateTime<Utc>>,
    pub attempt_log: Vec<Attempt>,
}

/// One attempt. Without `finished_at` it was cut short: the process stopped while sending.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Attempt {
    pub number: i32,
    pub started_at: DateTime<Utc>,
    #[schema(required = true)]
    pub finished_at: Option<DateTime<Utc>>,
    #[schema(required = true)]
    pub response_status: Option<i32>,
    #[schema(required = true)]
    pub error: Option<String>,
}

/// A page of the delivery log of a subscription the user's organization owns, newest first,
/// and the cursor of the next page.
pub async fn log(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    subscription_id: i64,
    paging: Paging,
) -> Result<(Vec<Delivery>, Option<String>), ApiError> {
    super::subscriptions::get_owned(db, user, subscription_id).await?;
    let rows = webhook_deliveries::Entity::find()
        .filter(webhook_deliveries::Column::SubscriptionId.eq(subscription_id))
        .filter(paging.condition(webhook_deliveries::Column::Id, webhook_deliveries::Column::CreatedAt))
        .order_by_desc(webhook_deliveries::Column::Id)
        .limit(paging.fetch())
        .all(db)
        .await?;
    let (rows, next) = paging.cut(rows, |row| row.id);
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let attempts = webhook_attempts::Entity::find()
        .filter(webhook_attempts::Column::DeliveryId.is_in(ids))
        .order_by_asc(webhook_attempts::Column::Number)
        .all(db)
        .await?;
    let deliveries = rows
        .into_iter()
        .map(|row| {
            let state = *row.state;
            let attempt_log = attempts
                .iter()
                .filter(|a| a.delivery_id == row.id)
                .map(|a| Attempt {
                    number: a.number,
                    started_at: a.started_at,
                    finished_at: a.finished_at,
                    response_status: a.response_status,
                    error: a.error.clone(),
                })
                .collect();
            Ok(Delivery {
                id: row.id,
                topic: row.topic.as_str().to_owned(),
                state,
                attempts: row.attempts,
                next_attempt_at: row.next_attempt_at,
                last_error: row.last_error,
                response_status: row.response_status,
                created_at: row.created_at,
                delivered_at: row.delivered_at,
                attempt_log,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    Ok((deliveries, next))
}
