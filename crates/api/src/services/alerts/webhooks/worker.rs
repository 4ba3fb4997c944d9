//! The delivery worker: finds due pending deliveries, leases each (so two processes on one
//! database never send the same delivery at once, and a delivery whose sender died is sent
//! again once the lease runs out), sends it signed to the vetted address, and records the
//! attempt. Failures wait [`chanjiao_domain::alerts::backoff`] before the next attempt; after
//! the configured number of attempts the delivery is marked failed.
//!
//! Delivery is at least once: a sender that dies after the receiver answered but before the
//! outcome was recorded sends again. Receivers deduplicate by `X-Chanjiao-Delivery`.

use std::sync::Arc;
use std::time::Duration;

use chanjiao_domain::alerts::address::Refusal;
use chanjiao_domain::alerts::{DeliveryState, backoff};
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use tokio::task::JoinSet;

use super::{guard, signature};
use crate::clock::Clock;
use crate::config::AlertsConfig;
use crate::entities::alerts::{subscriptions, webhook_attempts, webhook_deliveries as deliveries};
use crate::error::ApiError;

/// Deliveries leased per round; they are sent concurrently.
const BATCH: u64 = 16;

/// What an attempt came to.
#[derive(Debug)]
enum Outcome {
    /// A 2xx answer.
    Delivered(u16),
    /// Any other answer (redirects are not followed, so 3xx too).
    Rejected(u16),
    /// No answer: connection refused, timeout, a name that no longer resolves.
    Unreachable(String),
    /// The policy refuses the URL now, or the subscription lost its webhook: no retry.
    Refused(String),
}

fn duration_ms(ms: u64) -> chrono::Duration {
    chrono::Duration::milliseconds(i64::try_from(ms).unwrap_or(i64::MAX))
}

/// Sends due deliveries until the process stops.
pub async fn run(db: DatabaseConnection, config: Arc<AlertsConfig>, clock: Clock) {
    let poll = Duration::from_millis(config.alerts_poll_ms.max(10));
    loop {
        match deliver_due(&db, &config, &clock).await {
            Ok(0) => tokio::time::sleep(poll).await,
            Ok(_) => {}
            Err(error) => {
                tracing::warn!(%error, "webhook delivery round failed; retrying");
                tokio::time::sleep(poll.max(Duration::from_secs(1))).await;
            }
        }
    }
}

/// One round: lease the due deliveries, send them, record the outcomes. Returns how many were
/// sent (or given up on).
pub async fn deliver_due(
    db: &DatabaseConnection,
    config: &Arc<AlertsConfig>,
    clock: &Clock,
) -> Result<usize, ApiError> {
    let now = clock.now();
    let due = deliveries::Entity::find()
        .filter(deliveries::Column::State.eq(DeliveryState::Pending.as_str()))
        .filter(deliveries::Column::NextAttemptAt.lte(now))
        .filter(lease_free(now))
        .order_by_asc(deliveries::Column::NextAttemptAt)
        .limit(BATCH)
        .all(db)
        .await?;
    let mut sending = JoinSet::new();
    let mut handled = 0;
    for delivery in due {
        let Some(attempt_id) = claim(db, config, &delivery, clock.now()).await? else { continue };
        handled += 1;
        let (db, config, clock) = (db.clone(), config.clone(), clock.clone());
        sending.spawn(async move {
            let outcome = send(&db, &config, &delivery, clock.now()).await;
            if let Err(error) = record(&db, &config, &delivery, attempt_id, outcome, clock.now()).await {
                // The lease runs out and the delivery is sent again: at least once.
                tracing::warn!(%error, delivery = delivery.id, "webhook outcome not recorded");
            }
        });
    }
    // Dropping the set (when the process stops) aborts the sends; their leases run out.
    while sending.join_next().await.is_some() {}
    Ok(handled)
}

fn lease_free(now: chrono::DateTime<Utc>) -> Condition {
    Condition::any().add(deliveries::Column::LeasedUntil.is_null()).add(deliveries::Column::LeasedUntil.lt(now))
}

/// Leases a delivery and opens its attempt in the log. `None` if another worker was quicker,
/// or if the delivery has used up its attempts (the last one cut short), which marks it failed.
async fn claim(
    db: &DatabaseConnection,
    config: &AlertsConfig,
    delivery: &deliveries::Model,
    now: chrono::DateTime<Utc>,
) -> Result<Option<i64>, ApiError> {
    let exhausted = delivery.attempts >= i32::try_from(config.webhook_max_attempts).unwrap_or(i32::MAX);
    let txn = crate::db::begin_write(db).await?;
    let mut update = deliveries::Entity::update_many()
        .filter(deliveries::Column::Id.eq(delivery.id))
        .filter(deliveries::Column::State.eq(DeliveryState::Pending.as_str()))
        .filter(deliveries::Column::Attempts.eq(delivery.attempts))
        .filter(lease_free(now));
    update = if exhausted {
        update
            .col_expr(deliveries::Column::State, Expr::value(DeliveryState::Failed.as_str()))
            .col_expr(deliveries::Column::LeasedUntil, Expr::value(Option::<chrono::DateTime<Utc>>::None))
            .col_expr(deliveries::Column::LastError, Expr::value("the last attempt was cut short"))
    } else {
        let lease = chrono::Duration::seconds(i64::try_from(config.webhook_lease_secs).unwrap_or(60).max(1));
        update
            .col_expr(deliveries::Column::LeasedUntil, Expr::value(now + lease))
            .col_expr(deliveries::Column::Attempts, Expr::value(delivery.attempts + 1))
    };
    if update.exec(&txn).await?.rows_affected != 1 || exhausted {
        txn.commit().await?;
        return Ok(None);
    }
    let attempt = webhook_attempts::ActiveModel {
        delivery_id: Set(delivery.id),
        number: Set(delivery.attempts + 1),
        started_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(Some(attempt.id))
}

/// The error of a request without the URL (the log is the owner's, but the cause is enough).
fn describe(error: &reqwest::Error) -> String {
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "could not connect"
    } else {
        "request failed"
    };
    let mut text = kind.to_owned();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text.chars().take(500).collect()
}

/// A client that connects to the vetted addresses only (no lookup of its own), follows no
/// redirect (it could point anywhere), and uses no proxy (which would make its own, unvetted,
/// connection).
fn client_for(target: &guard::Target, timeout: Duration) -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls_config())
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .timeout(timeout)
        .connect_timeout(timeout)
        .resolve_to_addrs(&target.host, &target.addrs)
        .user_agent(concat!("chanjiao-webhooks/", env!("CARGO_PKG_VERSION")))
        .build()
}

/// TLS for https webhooks: rustls with the ring provider and Mozilla's root certificates, built
/// in, so no system store or download is needed, and no process-wide default is assumed.
fn tls_config() -> rustls::ClientConfig {
    let roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
    rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .expect("ring supports the default protocol versions")
        .with_root_certificates(roots)
        .with_no_client_auth()
}

async fn send(
    db: &DatabaseConnection,
    config: &AlertsConfig,
    delivery: &deliveries::Model,
    now: chrono::DateTime<Utc>,
) -> Outcome {
    let subscription = match subscriptions::Entity::find_by_id(delivery.subscription_id).one(db).await {
        Ok(Some(row)) => row,
        Ok(None) => return Outcome::Refused("the subscription was deleted".into()),
        Err(error) => return Outcome::Unreachable(format!("database: {error}")),
    };
    if subscription.disabled_at.is_some() {
        return Outcome::Refused(super::super::delegated::GRANT_REVOKED.into());
    }
    let (Some(url), Some(secret)) = (subscription.webhook_url, subscription.webhook_secret) else {
        return Outcome::Refused("the subscription has no webhook".into());
    };
    // Checked again now: the name may resolve elsewhere than when the subscription was made.
    let target = match guard::vet(&url, &config.webhook_allowed_hosts).await {
        Ok(target) => target,
        Err(Refusal::Unresolvable) => return Outcome::Unreachable(Refusal::Unresolvable.en().into()),
        Err(refusal) => return Outcome::Refused(refusal.en().into()),
    };
    let client = match client_for(&target, Duration::from_secs(config.webhook_timeout_secs.max(1))) {
        Ok(client) => client,
        Err(error) => return Outcome::Unreachable(describe(&error)),
    };
    let timestamp = now.timestamp();
    let request = client
        .post(target.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header("X-Chanjiao-Signature", signature::sign(&secret, timestamp, &delivery.body))
        .header("X-Chanjiao-Timestamp", timestamp.to_string())
        .header("X-Chanjiao-Delivery", delivery.id.to_string())
        .header("X-Chanjiao-Topic", delivery.topic.as_str())
        .body(delivery.body.clone());
    match request.send().await {
        Ok(response) if response.status().is_success() => Outcome::Delivered(response.status().as_u16()),
        Ok(response) => Outcome::Rejected(response.status().as_u16()),
        Err(error) => Outcome::Unreachable(describe(&error)),
    }
}

/// Writes the attempt's outcome and the delivery's next state, and lets go of the lease.
async fn record(
    db: &DatabaseConnection,
    config: &AlertsConfig,
    delivery: &deliveries::Model,
    attempt_id: i64,
    outcome: Outcome,
    now: chrono::DateTime<Utc>,
) -> Result<(), ApiError> {
    let attempts = delivery.attempts + 1;
    let give_up = attempts >= i32::try_from(config.webhook_max_attempts).unwrap_or(i32::MAX);
    let retry_or_fail = if give_up { DeliveryState::Failed } else { DeliveryState::Pending };
    let (status, error, state) = match outcome {
        Outcome::Delivered(status) => (Some(status), None, DeliveryState::Delivered),
        Outcome::Rejected(status) => (Some(status), Some(format!("answered HTTP {status}")), retry_or_fail),
        Outcome::Unreachable(error) => (None, Some(error), retry_or_fail),
        Outcome::Refused(error) => (None, Some(error), DeliveryState::Failed),
    };
    let status = status.map(i32::from);
    let wait = backoff(
        u32::try_from(attempts).unwrap_or(u32::MAX),
        Duration::from_millis(config.webhook_retry_base_ms),
        Duration::from_millis(config.webhook_retry_max_ms),
    );
    tracing::info!(delivery = delivery.id, attempt = attempts, state = state.as_str(), status, "webhook attempt");
    if state != DeliveryState::Delivered {
        crate::telemetry::metrics::webhook_failed();
    }
    let txn = crate::db::begin_write(db).await?;
    webhook_attempts::Entity::update_many()
        .col_expr(webhook_attempts::Column::FinishedAt, Expr::value(now))
        .col_expr(webhook_attempts::Column::ResponseStatus, Expr::value(status))
        .col_expr(webhook_attempts::Column::Error, Expr::value(error.clone()))
        .filter(webhook_attempts::Column::Id.eq(attempt_id))
        .exec(&txn)
        .await?;
    let mut update = deliveries::Entity::update_many()
        .col_expr(deliveries::Column::State, Expr::value(state.as_str()))
        .col_expr(deliveries::Column::ResponseStatus, Expr::value(status))
        .col_expr(deliveries::Column::LastError, Expr::value(error))
        .col_expr(deliveries::Column::LeasedUntil, Expr::value(Option::<chrono::DateTime<Utc>>::None))
        // Only while this worker's lease stands: if it ran out and another worker took the
        // delivery, that worker records the delivery's state.
        .filter(deliveries::Column::Id.eq(delivery.id))
        .filter(deliveries::Column::Attempts.eq(attempts))
        .filter(deliveries::Column::State.eq(DeliveryState::Pending.as_str()));
    if state == DeliveryState::Pending {
        update =
            update.col_expr(deliveries::Column::NextAttemptAt, Expr::value(now + duration_ms(wait.as_millis() as u64)));
    }
    if state == DeliveryState::Delivered {
        update = update.col_expr(deliveries::Column::DeliveredAt, Expr::value(now));
    }
    update.exec(&txn).await?;
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    /// A one-shot HTTP server on 127.0.0.1 answering `status`; returns its port and the request.
    async fn answer_once(status: &'static str) -> (u16, tokio::task::JoinHandle<String>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let task = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut request = vec![0u8; 4096];
            let n = socket.read(&mut request).await.unwrap();
            let reply = format!("HTTP/1.1 {status}\r\nlocation: http://127.0.0.1:1/\r\ncontent-length: 0\r\n\r\n");
            socket.write_all(reply.as_bytes()).await.unwrap();
            String::from_utf8_lossy(&request[..n]).into_owned()
        });
        (port, task)
    }

    #[tokio::test]
    async fn the_client_connects_to_the_vetted_address_and_not_where_a_lookup_would_go() {
        let (port, request) = answer_once("204 No Content").await;
        // A name that resolves nowhere: the request can only arrive through the pinned address.
        let target = guard::Target {
            url: format!("http://hooks.example.invalid:{port}/hook").parse().unwrap(),
            host: "hooks.example.invalid".into(),
            addrs: vec![([127, 0, 0, 1], port).into()],
        };
        let client = client_for(&target, Duration::from_secs(5)).unwrap();
        let response = client.post(target.url.clone()).body("{}").send().await.unwrap();
        assert_eq!(response.status(), 204);
        assert!(request.await.unwrap().to_ascii_lowercase().contains("host: hooks.example.invalid"));
    }

    #[tokio::test]
    async fn redirects_are_not_followed() {
        let (port, _request) = answer_once("302 Found").await;
        let target = guard::Target {
            url: format!("http://127.0.0.1:{port}/hook").parse().unwrap(),
            host: "127.0.0.1".into(),
            addrs: vec![([127, 0, 0, 1], port).into()],
        };
        let response = client_for(&target, Duration::from_secs(5)).unwrap().post(target.url.clone()).send().await;
        assert_eq!(response.unwrap().status(), 302, "the 302 is the answer; its location is never asked");
    }

    /// https is spoken: to a local server that answers in plain HTTP, the client starts a TLS
    /// handshake, which fails as a connection error (retried later), never as plain text sent.
    #[tokio::test]
    async fn https_webhooks_go_over_tls() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let first_bytes = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut hello = [0u8; 3];
            socket.read_exact(&mut hello).await.unwrap();
            socket.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n").await.unwrap();
            hello
        });
        let target = guard::Target {
            url: format!("https://127.0.0.1:{port}/hook").parse().unwrap(),
            host: "127.0.0.1".into(),
            addrs: vec![([127, 0, 0, 1], port).into()],
        };
        let result = client_for(&target, Duration::from_secs(5)).unwrap().post(target.url.clone()).send().await;
        assert!(result.is_err(), "a plain-text answer is not a TLS server");
        // 0x16 0x03 …: a TLS handshake record, the ClientHello.
        assert_eq!(&first_bytes.await.unwrap()[..2], &[0x16, 0x03]);
    }
}
