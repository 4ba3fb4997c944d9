//! Webhook reachability: each distinct host of the active webhook subscriptions is vetted by the
//! same address guard the delivery worker uses (so a host the worker would refuse is reported,
//! never connected to) and then TCP-connected to with a short timeout, a few hosts at a time.
//!
//! An unreachable receiver is a warning, not a failure: it is the subscriber's server that is
//! down, deliveries to it are retried, and the platform itself is fine.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};
use tokio::net::TcpStream;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::{Check, Finding};
use crate::entities::alerts::subscriptions;
use crate::services::alerts::webhooks::guard;

/// Subscriptions read; far more than any installation has, and a bound on what is held.
const MAX_SUBSCRIPTIONS: u64 = 10_000;
/// Distinct hosts checked; the rest are counted and named as not checked.
const MAX_HOSTS: usize = 100;
/// Hosts checked at once.
const PARALLEL: usize = 8;
/// How long one TCP connection may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

/// What became of one host.
enum Outcome {
    Reachable,
    Refused(&'static str),
    Unreachable(String),
}

pub(super) async fn reachability(db: &DatabaseConnection, allowed_hosts: &[String]) -> Vec<Finding> {
    let check = Check::Webhooks;
    let urls: Vec<String> = match subscriptions::Entity::find()
        .select_only()
        .column(subscriptions::Column::WebhookUrl)
        .filter(subscriptions::Column::WebhookUrl.is_not_null())
        .filter(subscriptions::Column::DisabledAt.is_null())
        .limit(MAX_SUBSCRIPTIONS)
        .into_tuple::<String>()
        .all(db)
        .await
    {
        Ok(urls) => urls,
        Err(e) => {
            return vec![Finding::warn(check, format!("subscriptions cannot be read: {e}"), "run `chanjiao migrate`")];
        }
    };
    if urls.is_empty() {
        return vec![Finding::ok(check, "no active webhook subscriptions")];
    }
    // One URL per host and port, with how many subscriptions send there.
    let mut hosts: BTreeMap<String, (String, usize)> = BTreeMap::new();
    for url in &urls {
        let key = match guard::parse(url) {
            Ok(parsed) => format!(
                "{}:{}",
                parsed.host_str().unwrap_or_default(),
                parsed.port_or_known_default().unwrap_or_default()
            ),
            Err(_) => url.clone(),
        };
        hosts.entry(key).or_insert_with(|| (url.clone(), 0)).1 += 1;
    }
    let unchecked = hosts.len().saturating_sub(MAX_HOSTS);
    let outcomes = probe_all(hosts.into_iter().take(MAX_HOSTS).collect(), allowed_hosts).await;

    let mut findings = Vec::new();
    let mut reachable = 0;
    for (host, subscriptions, outcome) in &outcomes {
        let used_by =
            if *subscriptions == 1 { "1 subscription".to_owned() } else { format!("{subscriptions} subscriptions") };
        match outcome {
            Outcome::Reachable => reachable += 1,
            Outcome::Refused(reason) => findings.push(Finding::warn(
                check,
                format!("{host} ({used_by}) is refused by the address policy: {reason}"),
                "deliveries to it fail; have its owners correct the URL, or list the host in webhook_allowed_hosts \
                 if it is an internal receiver of yours",
            )),
            Outcome::Unreachable(cause) => findings.push(Finding::warn(
                check,
                format!("{host} ({used_by}) is unreachable: {cause}"),
                "deliveries are retried; check that the receiver runs and that this server may connect out to it",
            )),
        }
    }
    if unchecked > 0 {
        findings.push(Finding::warn(
            check,
            format!("{unchecked} more hosts not checked"),
            format!("nothing to do: doctor checks the first {MAX_HOSTS} in order of name"),
        ));
    }
    findings.insert(
        0,
        Finding::ok(
            check,
            format!("{reachable} of {} hosts reachable ({} active subscriptions)", outcomes.len(), urls.len()),
        ),
    );
    findings
}

/// Probes every host, [`PARALLEL`] at a time, and returns the outcomes in host order.
async fn probe_all(hosts: Vec<(String, (String, usize))>, allowed_hosts: &[String]) -> Vec<(String, usize, Outcome)> {
    let permits = Arc::new(Semaphore::new(PARALLEL));
    let allowed: Arc<[String]> = allowed_hosts.into();
    let mut tasks = JoinSet::new();
    for (host, (url, subscriptions)) in hosts {
        let (permits, allowed) = (permits.clone(), allowed.clone());
        tasks.spawn(async move {
            // The semaphore is never closed, so acquiring fails only if it were; then go ahead.
            let _permit = permits.acquire_owned().await.ok();
            (host, subscriptions, probe(&url, &allowed).await)
        });
    }
    let mut outcomes = Vec::new();
    while let Some(done) = tasks.join_next().await {
        if let Ok(outcome) = done {
            outcomes.push(outcome);
        }
    }
    outcomes.sort_by(|a, b| a.0.cmp(&b.0));
    outcomes
}

async fn probe(url: &str, allowed_hosts: &[String]) -> Outcome {
    let target = match guard::vet(url, allowed_hosts).await {
        Ok(target) => target,
        Err(chanjiao_domain::alerts::address::Refusal::Unresolvable) => {
            return Outcome::Unreachable("the host name does not resolve".to_owned());
        }
        Err(refusal) => return Outcome::Refused(refusal.en()),
    };
    let mut last_error = String::from("no address");
    for addr in &target.addrs {
        match connect(*addr).await {
            Ok(()) => return Outcome::Reachable,
            Err(e) => last_error = format!("{addr}: {e}"),
        }
    }
    Outcome::Unreachable(last_error)
}

async fn connect(addr: SocketAddr) -> Result<(), String> {
    match tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(addr)).await {
        Ok(Ok(_stream)) => Ok(()),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err(format!("no answer in {} s", CONNECT_TIMEOUT.as_secs())),
    }
}
