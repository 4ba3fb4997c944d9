//! Tables of the alerts: the inbox, subscriptions, the alert processor's cursor and dedupe
//! record, and the webhook outbox with its attempt log. Persistence types only; the domain
//! enums (`Topic`, `SubscriptionKind`, `DeliveryState`) are stored as their text.

pub mod alert_cursor;
pub mod alert_hits;
pub mod notification_reads;
pub mod notifications;
pub mod subscription_shares;
pub mod subscriptions;
pub mod webhook_attempts;
pub mod webhook_deliveries;
