//! Subscriptions: saved searches, "new match for my posting", and topic webhooks.
//!
//! Members of an organization create and delete its subscriptions. A saved search may be
//! shared with the organization's clients (organizations that delegated to it, see
//! [`delegations`]): they see it read-only and are told of its new results in their own inbox;
//! its webhook stays the owner's. A
//! webhook URL is checked against the address policy when the subscription is made, and its
//! secret is shown once, in the answer to the creation.

use chanjiao_domain::Text;
use std::collections::HashMap;

use chanjiao_domain::alerts::{SubscriptionKind, Topic};
use chanjiao_domain::{Invalid, Invalids};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::webhooks::guard;
use crate::auth::CurrentUser;
use crate::config::AlertsConfig;
use crate::db::Stored;
use crate::entities::alerts::{subscription_shares, subscriptions};
use crate::entities::organizations;
use crate::error::ApiError;
use crate::services::brokering::delegations;
use crate::services::search::{self, SearchQuery};

/// Why a saved search cannot be shared with an organization.
pub const NOT_A_CLIENT: Text =
    Text::new("only clients that have delegated to your organization", "只能共享给已委托本机构的客户");

/// The score a new-match subscription asks for when it does not say.
pub const DEFAULT_MIN_SCORE: f64 = 0.6;

/// A subscription as the API and pages receive it; which fields count depends on `kind`.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct NewSubscription {
    #[schema(value_type = SubscriptionKind, required = true)]
    pub kind: String,
    pub name: String,
    /// Saved search: the search page's query string, such as `q=数控&kind=job`.
    pub query: String,
    /// Saved search: organizations to share it with.
    pub shared_with: Vec<i64>,
    /// New match: one of the organization's postings, and the lowest score worth telling.
    pub posting_id: Option<i64>,
    pub min_score: Option<f64>,
    /// Webhook: the topics it wants.
    #[schema(value_type = Vec<chanjiao_domain::alerts::Topic>)]
    pub topics: Vec<String>,
    pub webhook_url: Option<String>,
}

/// A subscription as its owners (and, read-only, those it is shared with) see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Subscription {
    pub id: i64,
    pub kind: SubscriptionKind,
    pub name: String,
    pub organization_id: i64,
    pub organization_name: String,
    /// Shared with the viewer by another organization: they can look, not change.
    pub read_only: bool,
    #[schema(required = true)]
    pub query: Option<String>,
    #[schema(required = true)]
    pub posting_id: Option<i64>,
    #[schema(required = true)]
    pub min_score: Option<f64>,
    pub topics: Vec<Topic>,
    #[schema(required = true)]
    pub webhook_url: Option<String>,
    pub shared_with: Vec<SharedWith>,
    pub created_at: DateTime<Utc>,
    /// When it was switched off because the delegation of the intermediary that set it up was
    /// revoked; a disabled subscription sends nothing.
    #[schema(required = true)]
    pub disabled_at: Option<DateTime<Utc>>,
    /// Only in the answer to the creation: the secret webhook deliveries are signed with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webhook_secret: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SharedWith {
    pub id: i64,
    pub name: String,
}

/// Whether a subscription's webhook wants a notice: a topic webhook wants its topics; a saved
/// search or new-match subscription wants the notices it produced itself.
pub fn wants(row: &subscriptions::Model, topic: Topic, data: &Value) -> bool {
    match *row.kind {
        SubscriptionKind::Webhook => topics_of(row).contains(&topic),
        _ => data.get("subscription_id").and_then(Value::as_i64) == Some(row.id),
    }
}

fn topics_of(row: &subscriptions::Model) -> Vec<Topic> {
    row.topics.as_deref().unwrap_or("").split(',').filter_map(|t| t.parse().ok()).collect()
}

/// The stored form of a saved search: the query string without paging, re-encoded, so the
/// link on the subscriptions page and the alert evaluate the same filters.
fn normalise_query(raw: &str) -> Result<(String, SearchQuery), Invalids> {
    let raw = raw.trim().trim_start_matches('?');
    let mut query: SearchQuery = serde_urlencoded::from_str(raw).map_err(|_| {
        Invalids::single("query", Invalid::Format(Text::new("a search query string", "检索条件字符串")))
    })?;
    query.cursor = None;
    query.limit = None;
    query.sort = None;
    search::request(&query).map_err(|mut errors| {
        for e in &mut errors.0 {
            e.field = "query".to_owned();
        }
        errors
    })?;
    let pairs: Vec<(&str, &str)> = [
        ("q", Some(query.q.as_str())),
        ("kind", query.kind.as_deref()),
        ("side", query.side.as_deref()),
        ("region", query.region.as_deref()),
        ("cluster", query.cluster.as_deref()),
        ("level", query.level.as_deref()),
        ("program_class", query.program_class.as_deref()),
        ("organization", query.organization.as_deref()),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.map(str::trim).filter(|v| !v.is_empty()).map(|v| (k, v)))
    .collect();
    let text = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    Ok((text, query))
}

/// The search a saved query string stands for (stored ones always parse; see `normalise_query`).
pub fn saved_search_query(stored: &str) -> Option<SearchQuery> {
    serde_urlencoded::from_str(stored).ok()
}

fn name_of(raw: &str, fallback: impl FnOnce() -> String, errors: &mut Invalids) -> String {
    let name = raw.trim();
    if name.chars().count() > 200 {
        errors.push("name", Invalid::TooLong { max: 200 });
    }
    if name.is_empty() { fallback() } else { name.to_owned() }
}

/// Creates a subscription for the user's organization. The answer carries the webhook secret,
/// which is never shown again.
pub async fn create(
    db: &DatabaseConnection,
    config: &AlertsConfig,
    user: &CurrentUser,
    input: NewSubscription,
    now: DateTime<Utc>,
) -> Result<Subscription, ApiError> {
    let org = user.organization.as_ref().ok_or(ApiError::Forbidden)?;
    let kind: SubscriptionKind = input.kind.parse().map_err(|e| ApiError::invalid("kind", e))?;
    let mut errors = Invalids::default();
    let mut row = subscriptions::ActiveModel {
        organization_id: Set(org.id),
        kind: Set(Stored(kind)),
        created_by: Set(user.user_id),
        created_at: Set(now),
        // Set up by an intermediary acting for the organization: revoking its grant disables it.
        created_by_intermediary_id: Set(user.intermediary.as_ref().map(|i| i.id)),
        ..Default::default()
    };
    let mut shares = Vec::new();
    match kind {
        SubscriptionKind::SavedSearch => {
            match normalise_query(&input.query) {
                Ok((text, query)) => {
                    let q = query.q.clone();
                    row.name = Set(name_of(&input.name, || if q.is_empty() { text.clone() } else { q }, &mut errors));
                    row.query = Set(Some(text));
                }
                Err(invalid) => errors.0.extend(invalid.0),
            }
            shares = input.shared_with.iter().copied().filter(|id| *id != org.id).collect::<Vec<_>>();
            shares.sort_unstable();
            shares.dedup();
            // Only with clients that have delegated to the organization, so nobody can fill the
            // inbox of an organization that never asked for it.
            if !shares.is_empty() {
                let clients: std::collections::HashSet<i64> =
                    delegations::clients(db, org.id).await?.into_iter().map(|d| d.organization_id).collect();
                if shares.iter().any(|id| !clients.contains(id)) {
                    errors.push("shared_with", Invalid::NotAllowed(NOT_A_CLIENT));
                }
            }
        }
        SubscriptionKind::NewMatch => {
            let min_score = input.min_score.unwrap_or(DEFAULT_MIN_SCORE);
            if !(0.0..=1.0).contains(&min_score) {
                errors.push("min_score", Invalid::OutOfRange { min: 0, max: 1 });
            }
            match input.posting_id {
                None => errors.push("posting_id", Invalid::Required),
                Some(id) => {
                    let posting = crate::services::postings::get(db, user, id).await?;
                    if !posting.owned_by(user) {
                        return Err(ApiError::Forbidden);
                    }
                    let title = posting.posting.title.as_str().to_owned();
                    row.name = Set(name_of(&input.name, || title, &mut errors));
                    row.posting_id = Set(Some(id));
                    row.min_score = Set(Some(min_score));
                }
            }
        }
        SubscriptionKind::Webhook => {
            let topics: Vec<Topic> = input.topics.iter().filter_map(|t| errors.take("topics", t.parse())).collect();
            if topics.is_empty() && errors.is_empty() {
                errors.push("topics", Invalid::Required);
            }
            row.name = Set(name_of(&input.name, || "webhook".to_owned(), &mut errors));
            row.topics = Set(Some(topics.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(",")));
            if input.webhook_url.as_deref().is_none_or(|u| u.trim().is_empty()) {
                errors.push("webhook_url", Invalid::Required);
            }
        }
    }
    let mut secret = None;
    if let Some(url) = input.webhook_url.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        match guard::vet(url, &config.webhook_allowed_hosts).await {
            Ok(target) => {
                let generated = crate::auth::token::generate();
                row.webhook_url = Set(Some(target.url.to_string()));
                row.webhook_secret = Set(Some(generated.clone()));
                secret = Some(generated);
            }
            Err(refusal) => errors.push("webhook_url", Invalid::NotAllowed(Text::new(refusal.en(), refusal.zh()))),
        }
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let txn = crate::db::begin_write(db).await?;
    // Acting for a client: the grant must still stand as this commits (a revocation that
    // committed first disabled everything it allowed, and would miss this subscription).
    if let Some(intermediary) = &user.intermediary
        && !delegations::is_active(&txn, org.id, intermediary.id).await?
    {
        return Err(ApiError::Forbidden);
    }
    let saved = row.insert(&txn).await?;
    if !shares.is_empty() {
        let rows = shares
            .iter()
            .map(|id| subscription_shares::ActiveModel { subscription_id: Set(saved.id), organization_id: Set(*id) });
        subscription_shares::Entity::insert_many(rows).exec_without_returning(&txn).await?;
    }
    crate::services::audit::record(
        &txn,
        Some(user),
        now,
        "subscription",
        saved.id,
        "create",
        serde_json::json!({"kind": saved.kind, "name": saved.name, "webhook_url": saved.webhook_url}),
    )
    .await?;
    txn.commit().await?;
    let mut view = views(db, user, vec![saved]).await?.pop().ok_or(ApiError::NotFound)?;
    view.webhook_secret = secret;
    Ok(view)
}

/// The subscriptions of the user's organization, then those shared with it.
pub async fn list(db: &impl ConnectionTrait, user: &CurrentUser) -> Result<Vec<Subscription>, ApiError> {
    let Some(org) = user.organization_id() else { return Ok(Vec::new()) };
    let shared: Vec<i64> = subscription_shares::Entity::find()
        .filter(subscription_shares::Column::OrganizationId.eq(org))
        .all(db)
        .await?
        .into_iter()
        .map(|s| s.subscription_id)
        .collect();
    let rows = subscriptions::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(subscriptions::Column::OrganizationId.eq(org))
                .add(subscriptions::Column::Id.is_in(shared)),
        )
        .order_by_desc(subscriptions::Column::Id)
        .all(db)
        .await?;
    let mut found = views(db, user, rows).await?;
    found.sort_by_key(|s| s.read_only);
    Ok(found)
}

/// One subscription the user's organization owns or has been shared.
pub async fn get(db: &impl ConnectionTrait, user: &CurrentUser, id: i64) -> Result<Subscription, ApiError> {
    let row = subscriptions::Entity::find_by_id(id).one(db).await?.ok_or(ApiError::NotFound)?;
    let view = views(db, user, vec![row]).await?.pop().ok_or(ApiError::NotFound)?;
    let shared_with_me = view.shared_with.iter().any(|s| Some(s.id) == user.organization_id());
    if view.read_only && !shared_with_me { Err(ApiError::NotFound) } else { Ok(view) }
}

/// A subscription the user's organization owns: 404 if it cannot see it, 403 if shared.
pub async fn get_owned(db: &impl ConnectionTrait, user: &CurrentUser, id: i64) -> Result<Subscription, ApiError> {
    let view = get(db, user, id).await?;
    if view.read_only { Err(ApiError::Forbidden) } else { Ok(view) }
}

pub async fn delete(db: &DatabaseConnection, user: &CurrentUser, id: i64, now: DateTime<Utc>) -> Result<(), ApiError> {
    let view = get_owned(db, user, id).await?;
    let txn = crate::db::begin_write(db).await?;
    subscriptions::Entity::delete_by_id(id).exec(&txn).await?;
    let changes = serde_json::json!({"kind": view.kind, "name": view.name});
    crate::services::audit::record(&txn, Some(user), now, "subscription", id, "delete", changes).await?;
    txn.commit().await?;
    Ok(())
}

/// The user's organization's new-match subscription of a posting, if any.
pub async fn for_posting(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    posting_id: i64,
) -> Result<Option<Subscription>, ApiError> {
    let Some(org) = user.organization_id() else { return Ok(None) };
    let rows = subscriptions::Entity::find()
        .filter(subscriptions::Column::OrganizationId.eq(org))
        .filter(subscriptions::Column::Kind.eq(SubscriptionKind::NewMatch.as_str()))
        .filter(subscriptions::Column::PostingId.eq(posting_id))
        .all(db)
        .await?;
    Ok(views(db, user, rows).await?.into_iter().next())
}

/// Rows as views for `user`, with owner names and shares resolved.
async fn views(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    rows: Vec<subscriptions::Model>,
) -> Result<Vec<Subscription>, ApiError> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let shares = subscription_shares::Entity::find()
        .filter(subscription_shares::Column::SubscriptionId.is_in(ids))
        .all(db)
        .await?;
    let org_ids: Vec<i64> =
        rows.iter().map(|r| r.organization_id).chain(shares.iter().map(|s| s.organization_id)).collect();
    let names: HashMap<i64, String> = organizations::Entity::find()
        .filter(organizations::Column::Id.is_in(org_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    rows.into_iter()
        .map(|row| {
            let kind: SubscriptionKind = *row.kind;
            let shared_with = shares
                .iter()
                .filter(|s| s.subscription_id == row.id)
                .map(|s| SharedWith {
                    id: s.organization_id,
                    name: names.get(&s.organization_id).cloned().unwrap_or_default(),
                })
                .collect();
            Ok(Subscription {
                id: row.id,
                kind,
                topics: topics_of(&row),
                name: row.name,
                organization_id: row.organization_id,
                organization_name: names.get(&row.organization_id).cloned().unwrap_or_default(),
                read_only: user.organization_id() != Some(row.organization_id),
                query: row.query,
                posting_id: row.posting_id,
                min_score: row.min_score,
                webhook_url: row.webhook_url,
                shared_with,
                created_at: row.created_at,
                disabled_at: row.disabled_at,
                webhook_secret: None,
            })
        })
        .collect()
}
