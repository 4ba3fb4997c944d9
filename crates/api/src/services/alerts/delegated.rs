//! What an intermediary set up for a client, and switching it off when the client revokes the
//! grant: subscriptions its members created while acting for the client (webhooks, saved
//! searches, new-match alerts) are disabled, their queued webhook deliveries are given up, and
//! the intermediary's own saved searches stop being shared with the client. The revocation
//! calls [`disable_for_grant`] inside its own transaction, so the grant ends and everything it
//! allowed ends with it, or neither does.

use chanjiao_domain::alerts::{DeliveryState, SubscriptionKind};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use crate::entities::alerts::{subscription_shares, subscriptions, webhook_deliveries as deliveries};
use crate::error::ApiError;

/// Why a queued delivery of a disabled subscription was not sent, as its log shows it.
pub const GRANT_REVOKED: &str = "not sent: the delegation that set up the subscription was revoked";

/// A subscription switched off by a revocation.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DisabledSubscription {
    pub id: i64,
    pub kind: SubscriptionKind,
    pub name: String,
}

/// Everything a revocation switched off.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct Ended {
    /// The client's subscriptions the intermediary created, now disabled (oldest first).
    pub disabled_subscriptions: Vec<DisabledSubscription>,
    /// Their webhook deliveries that were waiting to be sent and now never will be.
    pub cancelled_deliveries: u64,
    /// The intermediary's saved searches that were shared with the client and no longer are.
    pub unshared_subscriptions: u64,
}

/// Disables what `intermediary_id` set up for `client_id`. Call it in the revocation's
/// transaction.
pub async fn disable_for_grant(
    txn: &impl ConnectionTrait,
    client_id: i64,
    intermediary_id: i64,
    now: DateTime<Utc>,
) -> Result<Ended, ApiError> {
    let rows = subscriptions::Entity::find()
        .filter(subscriptions::Column::OrganizationId.eq(client_id))
        .filter(subscriptions::Column::CreatedByIntermediaryId.eq(intermediary_id))
        .filter(subscriptions::Column::DisabledAt.is_null())
        .order_by_asc(subscriptions::Column::Id)
        .all(txn)
        .await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut ended = Ended::default();
    if !ids.is_empty() {
        subscriptions::Entity::update_many()
            .col_expr(subscriptions::Column::DisabledAt, Expr::value(now))
            .filter(subscriptions::Column::Id.is_in(ids.clone()))
            .exec(txn)
            .await?;
        // Only deliveries no worker holds: one leased now is being sent, and finishes.
        ended.cancelled_deliveries = deliveries::Entity::update_many()
            .col_expr(deliveries::Column::State, Expr::value(DeliveryState::Failed.as_str()))
            .col_expr(deliveries::Column::LastError, Expr::value(GRANT_REVOKED))
            .filter(deliveries::Column::SubscriptionId.is_in(ids))
            .filter(deliveries::Column::State.eq(DeliveryState::Pending.as_str()))
            .filter(
                sea_orm::Condition::any()
                    .add(deliveries::Column::LeasedUntil.is_null())
                    .add(deliveries::Column::LeasedUntil.lt(now)),
            )
            .exec(txn)
            .await?
            .rows_affected;
    }
    for row in rows {
        let kind = *row.kind;
        ended.disabled_subscriptions.push(DisabledSubscription { id: row.id, kind, name: row.name });
    }
    let intermediarys_own: Vec<i64> = subscriptions::Entity::find()
        .filter(subscriptions::Column::OrganizationId.eq(intermediary_id))
        .all(txn)
        .await?
        .into_iter()
        .map(|s| s.id)
        .collect();
    if !intermediarys_own.is_empty() {
        ended.unshared_subscriptions = subscription_shares::Entity::delete_many()
            .filter(subscription_shares::Column::OrganizationId.eq(client_id))
            .filter(subscription_shares::Column::SubscriptionId.is_in(intermediarys_own))
            .exec(txn)
            .await?
            .rows_affected;
    }
    Ok(ended)
}
