//! The login throttle's counters: an attempt is *reserved* — counted as a failure — before its
//! password is checked, and released again if it succeeds.
//!
//! Three counters are kept per attempt (see [`ThrottleScope`]): the strict one for the account
//! from this client, and looser ones for the account from anywhere and for this client across
//! accounts. Each is a row read, judged by the domain's [`Throttle`], then advanced by a
//! compare-and-set on its `revision` inside one transaction for all three. If another attempt
//! advanced a counter in between, nothing is written and the attempt is judged again, so no
//! interleaving of parallel attempts (on one node or many sharing a database) lets more through
//! than the rule allows. A compare-and-set was chosen over an in-process lock because it holds
//! across server processes, and over one `UPSERT … RETURNING` because the growing waits are
//! computed in the domain, not in SQL that would have to read the same on SQLite and PostgreSQL.

use chanjiao_domain::throttle::{Throttle, ThrottleScope, Verdict};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, TryInsertResult,
};

use crate::config::Config;
use crate::db::Stored;
use crate::entities::login_throttles::{self, Column};
use crate::error::ApiError;

/// How often a reservation that lost a race is judged again before the attempt is refused.
const RACE_RETRIES: usize = 16;

/// The three throttles, from the configuration.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub account_client: Throttle,
    pub account: Throttle,
    pub client: Throttle,
}

impl Policy {
    pub fn from_config(config: &Config) -> Self {
        let forget_after_secs = u64::try_from(config.login_window_minutes.max(1)).unwrap_or(1).saturating_mul(60);
        let max_delay_secs = config.abuse.login_max_delay_secs;
        let throttle = |free| Throttle { free, max_delay_secs, forget_after_secs };
        Policy {
            account_client: throttle(config.login_max_failures),
            account: throttle(config.abuse.login_account_max_failures),
            client: throttle(config.abuse.login_client_max_failures),
        }
    }

    fn of(&self, scope: ThrottleScope) -> Throttle {
        match scope {
            ThrottleScope::AccountClient => self.account_client,
            ThrottleScope::Account => self.account,
            ThrottleScope::Client => self.client,
        }
    }
}

/// The counters one attempt touches: `(scope, email, client)`, "" meaning any.
fn keys<'a>(email: &'a str, client: &'a str) -> [(ThrottleScope, &'a str, &'a str); 3] {
    [
        (ThrottleScope::AccountClient, email, client),
        (ThrottleScope::Account, email, ""),
        (ThrottleScope::Client, "", client),
    ]
}

fn key_condition(keys: &[(ThrottleScope, &str, &str)]) -> Condition {
    keys.iter().fold(Condition::any(), |any, (scope, email, client)| {
        any.add(
            Condition::all()
                .add(Column::Scope.eq(scope.as_str()))
                .add(Column::Email.eq(*email))
                .add(Column::Client.eq(*client)),
        )
    })
}

/// Counts an attempt of `email` from `client` before its password is checked. `Ok(Err(secs))`
/// means the attempt must not go ahead and may be retried in `secs` seconds.
pub async fn reserve(
    db: &DatabaseConnection,
    policy: &Policy,
    email: &str,
    client: &str,
    now: DateTime<Utc>,
) -> Result<Result<(), u64>, ApiError> {
    let keys = keys(email, client);
    for _ in 0..RACE_RETRIES {
        let rows = login_throttles::Entity::find().filter(key_condition(&keys)).all(db).await?;
        let mut plan = Vec::with_capacity(keys.len());
        let mut wait = 0;
        for (scope, email, client) in keys {
            let row = rows.iter().find(|r| r.scope == scope && r.email == email && r.client == client);
            let stored = row.map(|r| (u32::try_from(r.failures).unwrap_or(0), (now - r.last_failure_at).num_seconds()));
            match policy.of(scope).check(stored) {
                Verdict::Go { counted } => plan.push((scope, email, client, row, counted)),
                Verdict::Wait { secs } => wait = wait.max(secs),
            }
        }
        if wait > 0 {
            return Ok(Err(wait));
        }
        let txn = crate::db::begin_write(db).await?;
        let mut won = true;
        for (scope, email, client, row, counted) in plan {
            let failures = i32::try_from(counted.saturating_add(1)).unwrap_or(i32::MAX);
            won = match row {
                Some(row) => {
                    let result = login_throttles::Entity::update_many()
                        .col_expr(Column::Failures, Expr::value(failures))
                        .col_expr(Column::LastFailureAt, Expr::value(now))
                        .col_expr(Column::Revision, Expr::value(row.revision + 1))
                        .filter(Column::Id.eq(row.id))
                        .filter(Column::Revision.eq(row.revision))
                        .exec(&txn)
                        .await?;
                    result.rows_affected == 1
                }
                None => {
                    let fresh = login_throttles::ActiveModel {
                        scope: Set(Stored(scope)),
                        email: Set(email.to_owned()),
                        client: Set(client.to_owned()),
                        failures: Set(failures),
                        last_failure_at: Set(now),
                        revision: Set(0),
                        ..Default::default()
                    };
                    let inserted = login_throttles::Entity::insert(fresh)
                        .on_conflict_do_nothing_on([Column::Scope, Column::Email, Column::Client])
                        .exec(&txn)
                        .await?;
                    matches!(inserted, TryInsertResult::Inserted(_))
                }
            };
            if !won {
                break;
            }
        }
        if won {
            txn.commit().await?;
            return Ok(Ok(()));
        }
        txn.rollback().await?;
    }
    // So many parallel attempts on one key that this one never got its turn: it waits too.
    Ok(Err(1))
}

/// After a successful sign-in: the account's failures from this client are forgiven, and the
/// attempt no longer counts against the looser counters.
pub async fn release(db: &DatabaseConnection, email: &str, client: &str) -> Result<(), ApiError> {
    use sea_orm::sea_query::ExprTrait;
    let [strict, account, by_client] = keys(email, client);
    login_throttles::Entity::delete_many().filter(key_condition(&[strict])).exec(db).await?;
    login_throttles::Entity::update_many()
        .col_expr(Column::Failures, Expr::col(Column::Failures).sub(1))
        .col_expr(Column::Revision, Expr::col(Column::Revision).add(1))
        .filter(key_condition(&[account, by_client]))
        .filter(Column::Failures.gt(0))
        .exec(db)
        .await?;
    Ok(())
}

/// Deletes counters that have been quiet for longer than `window`; they would count as zero.
pub async fn prune(db: &DatabaseConnection, window: Duration, now: DateTime<Utc>) -> Result<u64, ApiError> {
    let result = login_throttles::Entity::delete_many().filter(Column::LastFailureAt.lt(now - window)).exec(db).await?;
    Ok(result.rows_affected)
}
