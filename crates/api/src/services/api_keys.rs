//! API keys: an organization administrator creates, lists, rotates and revokes them, and every
//! request bearing one is resolved here to its organization.
//!
//! A key string (`cjk_<public id>_<secret>`) is shown once, in the answer that creates or
//! rotates it; the database keeps the public id and the SHA-256 of the secret (256 random bits,
//! so a fast hash is enough), compared in constant time. Validity is read from the database on
//! every request, never cached, so a revocation or rotation takes effect at once on every node.
//! `last_used_at` is written at most once a minute per key by a conditional update.

use std::collections::{BTreeSet, HashMap};

use chanjiao_domain::Invalids;
use chanjiao_domain::Role;
use chanjiao_domain::access::Power;
use chanjiao_domain::api_keys::{KeyName, PresentedKey, Scope, parse_scopes};
use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::auth::{ApiKeyRef, CurrentUser};
use crate::db::Stored;
use crate::entities::{api_key_scopes, api_keys, users};
use crate::error::ApiError;
use crate::services::{audit, organizations};

/// How stale `last_used_at` may be before a request writes it again.
const LAST_USED_GRANULARITY_SECS: i64 = 60;

/// A key as its organization's administrators see it: never the secret.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ApiKey {
    pub id: i64,
    pub organization_id: i64,
    pub name: String,
    pub scopes: Vec<Scope>,
    /// The start of the key string (`cjk_<public id>`), to tell keys apart.
    #[schema(example = "cjk_3f9a0c1d2e4b")]
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    /// The administrator who created it (`None` once that user is gone).
    #[schema(required = true)]
    pub created_by: Option<String>,
    #[schema(required = true)]
    pub rotated_at: Option<DateTime<Utc>>,
    /// The last request made with it, to the minute.
    #[schema(required = true)]
    pub last_used_at: Option<DateTime<Utc>>,
    #[schema(required = true)]
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A key with its secret, in the one answer that shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IssuedKey {
    #[serde(flatten)]
    pub key: ApiKey,
    /// The whole key string, for `Authorization: Bearer …`. Shown only now: the server keeps a
    /// digest and cannot show it again.
    #[schema(example = "cjk_3f9a0c1d2e4b_9c1e…")]
    pub secret: String,
}

/// A new key as submitted by the API or the form.
#[derive(Debug, Default, Clone, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct NewKey {
    #[schema(min_length = 1, max_length = 60, required = true)]
    pub name: String,
    /// At least one of `read`, `postings:write`, `proposals:write`, `feed`.
    #[schema(value_type = Vec<Scope>, required = true)]
    pub scopes: Vec<String>,
}

/// Whether `user` may manage the keys of `organization_id`: its administrators, in person, on
/// their own organization's behalf (not a client's).
fn manager_of(user: &CurrentUser, organization_id: i64) -> Result<(), ApiError> {
    user.require(Power::ManageApiKeys)?;
    if user.intermediary.is_some() || user.organization_id() != Some(organization_id) {
        return Err(ApiError::Forbidden);
    }
    Ok(())
}

/// The keys of an organization, newest first, revoked ones included.
pub async fn list(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    organization_id: i64,
) -> Result<Vec<ApiKey>, ApiError> {
    manager_of(user, organization_id)?;
    let rows = api_keys::Entity::find()
        .filter(api_keys::Column::OrganizationId.eq(organization_id))
        .order_by_desc(api_keys::Column::Id)
        .all(db)
        .await?;
    views(db, rows).await
}

async fn views(db: &impl ConnectionTrait, rows: Vec<api_keys::Model>) -> Result<Vec<ApiKey>, ApiError> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut scopes: HashMap<i64, Vec<Scope>> = HashMap::new();
    for row in api_key_scopes::Entity::find().filter(api_key_scopes::Column::ApiKeyId.is_in(ids)).all(db).await? {
        scopes.entry(row.api_key_id).or_default().push(*row.scope);
    }
    let creators: Vec<i64> = rows.iter().filter_map(|r| r.created_by).collect();
    let emails: HashMap<i64, String> = users::Entity::find()
        .filter(users::Column::Id.is_in(creators))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.email))
        .collect();
    Ok(rows
        .into_iter()
        .map(|row| {
            let mut key_scopes = scopes.remove(&row.id).unwrap_or_default();
            key_scopes.sort();
            ApiKey {
                id: row.id,
                organization_id: row.organization_id,
                name: row.name,
                scopes: key_scopes,
                prefix: format!("{}{}", chanjiao_domain::api_keys::PREFIX, row.public_id),
                created_at: row.created_at,
                created_by: row.created_by.and_then(|id| emails.get(&id).cloned()),
                rotated_at: row.rotated_at,
                last_used_at: row.last_used_at,
                revoked_at: row.revoked_at,
            }
        })
        .collect())
}

/// A fresh public id and secret, and the secret's digest.
fn generate() -> (String, String, String) {
    let mut id = [0u8; chanjiao_domain::api_keys::PUBLIC_ID_LEN / 2];
    let mut secret = [0u8; chanjiao_domain::api_keys::SECRET_LEN / 2];
    rand::rng().fill_bytes(&mut id);
    rand::rng().fill_bytes(&mut secret);
    let secret = hex::encode(secret);
    let digest = digest(&secret);
    (hex::encode(id), secret, digest)
}

fn digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Creates a key for `organization_id`; the answer is the only time its secret is shown.
pub async fn create(
    db: &DatabaseConnection,
    user: &CurrentUser,
    organization_id: i64,
    form: NewKey,
    now: DateTime<Utc>,
) -> Result<IssuedKey, ApiError> {
    manager_of(user, organization_id)?;
    let mut errors = Invalids::default();
    let name = errors.take("name", KeyName::parse(&form.name));
    let scopes = errors.take("scopes", parse_scopes(&form.scopes));
    let (Some(name), Some(scopes)) = (name, scopes) else { return Err(errors.into()) };
    let (public_id, secret, secret_digest) = generate();
    let txn = crate::db::begin_write(db).await?;
    let row = api_keys::ActiveModel {
        organization_id: Set(organization_id),
        name: Set(name.as_str().to_owned()),
        public_id: Set(public_id.clone()),
        secret_digest: Set(secret_digest),
        created_by: Set(user.user_id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let scope_rows =
        scopes.iter().map(|&scope| api_key_scopes::ActiveModel { api_key_id: Set(row.id), scope: Set(Stored(scope)) });
    api_key_scopes::Entity::insert_many(scope_rows).exec(&txn).await?;
    let scope_names: Vec<&str> = scopes.iter().map(|s| s.as_str()).collect();
    audit::record(
        &txn,
        Some(user),
        now,
        "api_key",
        row.id,
        "create",
        serde_json::json!({
            "name": [null, name.as_str()],
            "scopes": [null, scope_names],
        }),
    )
    .await?;
    txn.commit().await?;
    let key = views(db, vec![row]).await?.remove(0);
    Ok(IssuedKey { key, secret: PresentedKey::format(&public_id, &secret) })
}

/// The key `id` of the caller's organization (404 for anyone else's, so ids reveal nothing).
async fn own_key(db: &impl ConnectionTrait, user: &CurrentUser, id: i64) -> Result<api_keys::Model, ApiError> {
    let row = api_keys::Entity::find_by_id(id).one(db).await?.ok_or(ApiError::NotFound)?;
    user.require(Power::ManageApiKeys)?;
    if user.intermediary.is_some() || user.organization_id() != Some(row.organization_id) {
        return Err(ApiError::NotFound);
    }
    Ok(row)
}

fn revoked_refusal() -> ApiError {
    ApiError::Refused {
        field: "status",
        code: "revoked",
        en: "the key is revoked".to_owned(),
        zh: "该密钥已撤销".to_owned(),
    }
}

/// A new secret for the key; the old one stops working at once. Shown once, like a new key.
pub async fn rotate(
    db: &DatabaseConnection,
    user: &CurrentUser,
    id: i64,
    now: DateTime<Utc>,
) -> Result<IssuedKey, ApiError> {
    let row = own_key(db, user, id).await?;
    if row.revoked_at.is_some() {
        return Err(revoked_refusal());
    }
    let (public_id, secret, secret_digest) = generate();
    let txn = crate::db::begin_write(db).await?;
    let mut active: api_keys::ActiveModel = row.into();
    active.public_id = Set(public_id.clone());
    active.secret_digest = Set(secret_digest);
    active.rotated_at = Set(Some(now));
    let row = active.update(&txn).await?;
    audit::record(&txn, Some(user), now, "api_key", row.id, "rotate", serde_json::json!({})).await?;
    txn.commit().await?;
    let key = views(db, vec![row]).await?.remove(0);
    Ok(IssuedKey { key, secret: PresentedKey::format(&public_id, &secret) })
}

/// Revokes the key: its next request is refused, on every node.
pub async fn revoke(
    db: &DatabaseConnection,
    user: &CurrentUser,
    id: i64,
    now: DateTime<Utc>,
) -> Result<ApiKey, ApiError> {
    let row = own_key(db, user, id).await?;
    if row.revoked_at.is_some() {
        return Err(revoked_refusal());
    }
    let txn = crate::db::begin_write(db).await?;
    let mut active: api_keys::ActiveModel = row.into();
    active.revoked_at = Set(Some(now));
    let row = active.update(&txn).await?;
    audit::record(&txn, Some(user), now, "api_key", row.id, "revoke", serde_json::json!({})).await?;
    txn.commit().await?;
    Ok(views(db, vec![row]).await?.remove(0))
}

/// The organization behind a presented key string, as a caller with the key's scopes and a
/// member's role; `None` for anything that is not a live key.
pub async fn authenticate(
    db: &impl ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<CurrentUser>, ApiError> {
    let Some(presented) = PresentedKey::parse(token) else { return Ok(None) };
    let row = api_keys::Entity::find()
        .filter(api_keys::Column::PublicId.eq(presented.public_id))
        .filter(api_keys::Column::RevokedAt.is_null())
        .one(db)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let matches: bool = digest(presented.secret).as_bytes().ct_eq(row.secret_digest.as_bytes()).into();
    if !matches {
        return Ok(None);
    }
    let scopes: BTreeSet<Scope> = api_key_scopes::Entity::find()
        .filter(api_key_scopes::Column::ApiKeyId.eq(row.id))
        .all(db)
        .await?
        .into_iter()
        .map(|s| *s.scope)
        .collect();
    touch(db, &row, now).await?;
    let organization = organizations::get(db, row.organization_id).await?;
    Ok(Some(CurrentUser {
        user_id: None,
        email: String::new(),
        role: Role::Member,
        organization: Some(organization),
        intermediary: None,
        api_key: Some(ApiKeyRef { id: row.id, name: row.name, scopes }),
        session_digest: String::new(),
    }))
}

/// Records the use, unless one was recorded within the last minute: at most one write per key
/// and minute, and of concurrent requests only one wins the conditional update.
async fn touch(db: &impl ConnectionTrait, row: &api_keys::Model, now: DateTime<Utc>) -> Result<(), ApiError> {
    let stale = now - Duration::seconds(LAST_USED_GRANULARITY_SECS);
    if row.last_used_at.is_some_and(|at| at > stale) {
        return Ok(());
    }
    api_keys::Entity::update_many()
        .col_expr(api_keys::Column::LastUsedAt, Expr::value(now))
        .filter(api_keys::Column::Id.eq(row.id))
        .filter(
            Condition::any().add(api_keys::Column::LastUsedAt.is_null()).add(api_keys::Column::LastUsedAt.lte(stale)),
        )
        .exec(db)
        .await?;
    Ok(())
}

/// The names of keys by id, for the audit trail.
pub async fn names(db: &impl ConnectionTrait, ids: Vec<i64>) -> Result<HashMap<i64, String>, ApiError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(api_keys::Entity::find()
        .filter(api_keys::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|k| (k.id, k.name))
        .collect())
}
