use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261129_000020_create_notifications::{Notifications, TOPICS};
use crate::m20261129_000021_create_subscriptions::Subscriptions;
use crate::one_of;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The webhook outbox: one row per notice per subscribed webhook, written in the transaction
/// of the change that caused it. Workers lease a due pending row (`leased_until`), send it,
/// and record the outcome; a worker that dies leaves a lease that runs out, and the row is
/// sent again. The body is stored as sent, so every attempt signs the same bytes.
#[derive(DeriveIden)]
enum WebhookDeliveries {
    Table,
    Id,
    SubscriptionId,
    NotificationId,
    Topic,
    Body,
    State,
    Attempts,
    NextAttemptAt,
    LeasedUntil,
    LastError,
    ResponseStatus,
    CreatedAt,
    DeliveredAt,
}

/// Every attempt of a delivery, for the delivery log. An attempt without `finished_at` was cut
/// short (the process stopped while sending).
#[derive(DeriveIden)]
enum WebhookAttempts {
    Table,
    Id,
    DeliveryId,
    Number,
    StartedAt,
    FinishedAt,
    ResponseStatus,
    Error,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(WebhookDeliveries::Table)
                    .col(big_pk_auto(WebhookDeliveries::Id))
                    .col(big_integer(WebhookDeliveries::SubscriptionId))
                    .col(big_integer_null(WebhookDeliveries::NotificationId))
                    .col(string_len(WebhookDeliveries::Topic, 32).check(one_of(WebhookDeliveries::Topic, TOPICS)))
                    .col(text(WebhookDeliveries::Body))
                    .col(
                        string_len(WebhookDeliveries::State, 16)
                            .check(one_of(WebhookDeliveries::State, &["pending", "delivered", "failed"])),
                    )
                    .col(integer(WebhookDeliveries::Attempts).default(0))
                    .col(timestamp_with_time_zone(WebhookDeliveries::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(WebhookDeliveries::LeasedUntil))
                    .col(text_null(WebhookDeliveries::LastError))
                    .col(integer_null(WebhookDeliveries::ResponseStatus))
                    .col(timestamp_with_time_zone(WebhookDeliveries::CreatedAt))
                    .col(timestamp_with_time_zone_null(WebhookDeliveries::DeliveredAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_webhook_deliveries_subscription")
                            .from(WebhookDeliveries::Table, WebhookDeliveries::SubscriptionId)
                            .to(Subscriptions::Table, Subscriptions::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_webhook_deliveries_notification")
                            .from(WebhookDeliveries::Table, WebhookDeliveries::NotificationId)
                            .to(Notifications::Table, Notifications::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        crate::create_index(
            manager,
            "idx_webhook_deliveries_due",
            WebhookDeliveries::Table,
            vec![WebhookDeliveries::State, WebhookDeliveries::NextAttemptAt],
        )
        .await?;
        crate::create_index(
            manager,
            "idx_webhook_deliveries_subscription",
            WebhookDeliveries::Table,
            vec![WebhookDeliveries::SubscriptionId, WebhookDeliveries::Id],
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(WebhookAttempts::Table)
                    .col(big_pk_auto(WebhookAttempts::Id))
                    .col(big_integer(WebhookAttempts::DeliveryId))
                    .col(integer(WebhookAttempts::Number))
                    .col(timestamp_with_time_zone(WebhookAttempts::StartedAt))
                    .col(timestamp_with_time_zone_null(WebhookAttempts::FinishedAt))
                    .col(integer_null(WebhookAttempts::ResponseStatus))
                    .col(text_null(WebhookAttempts::Error))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_webhook_attempts_delivery")
                            .from(WebhookAttempts::Table, WebhookAttempts::DeliveryId)
                            .to(WebhookDeliveries::Table, WebhookDeliveries::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        crate::create_index(
            manager,
            "idx_webhook_attempts_delivery",
            WebhookAttempts::Table,
            vec![WebhookAttempts::DeliveryId, WebhookAttempts::Number],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(WebhookAttempts::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(WebhookDeliveries::Table).to_owned()).await
    }
}
