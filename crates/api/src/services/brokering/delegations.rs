//! Delegation: an organization lets an intermediary post and propose on its behalf.
//!
//! The organization's administrator grants and revokes; a member of the intermediary then acts
//! *as* the client for one request (the `X-On-Behalf-Of` header on the API, the acting switch in
//! the workspace on pages). Acting replaces the request's organization with the client's and
//! keeps the intermediary beside it, so every service works unchanged and the audit log records
//! the intermediary as actor on the client's behalf. The grant is checked on every request, so a
//! revocation takes effect at once.
//!
//! One active grant per (client, intermediary) pair: the database's partial unique index
//! decides between concurrent grants, and the loser gets the same 409 as a repeated grant.
//! Revoking ends what the grant allowed, in the same transaction: the subscriptions the
//! intermediary set up for the client are disabled (see [`crate::services::alerts::delegated`]).

use chanjiao_domain::Text;
use chanjiao_domain::access::Power;
use chanjiao_domain::{Invalid, OrgKind, Role, Verification};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder,
};
use serde::Serialize;
use serde_json::json;

use crate::auth::CurrentUser;
use crate::entities::delegations;
use crate::error::ApiError;
use crate::services::alerts::delegated::{self, Ended};
use crate::services::{audit, organizations};

/// A grant, as both sides see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Delegation {
    pub id: i64,
    pub organization_id: i64,
    pub organization_name: String,
    pub intermediary_id: i64,
    pub intermediary_name: String,
    pub granted_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub active: bool,
}

async fn view(db: &impl ConnectionTrait, row: delegations::Model) -> Result<Delegation, ApiError> {
    let client = organizations::get(db, row.organization_id).await?;
    let intermediary = organizations::get(db, row.intermediary_id).await?;
    Ok(Delegation {
        id: row.id,
        organization_id: client.id,
        organization_name: client.name,
        intermediary_id: intermediary.id,
        intermediary_name: intermediary.name,
        granted_at: row.granted_at,
        revoked_at: row.revoked_at,
        active: row.revoked_at.is_none(),
    })
}

async fn active(
    db: &impl ConnectionTrait,
    organization_id: i64,
    intermediary_id: i64,
) -> Result<Option<delegations::Model>, ApiError> {
    Ok(delegations::Entity::find()
        .filter(delegations::Column::OrganizationId.eq(organization_id))
        .filter(delegations::Column::IntermediaryId.eq(intermediary_id))
        .filter(delegations::Column::RevokedAt.is_null())
        .one(db)
        .await?)
}

/// The organization's administrator grants `intermediary_id` the right to act for it.
pub async fn grant(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    intermediary_id: i64,
    now: DateTime<Utc>,
) -> Result<Delegation, ApiError> {
    user.require(Power::GrantDelegations)?;
    let organization_id = user.organization_id().ok_or(ApiError::Forbidden)?;
    let intermediary = organizations::get(db, intermediary_id).await.map_err(|_| {
        ApiError::invalid("intermediary_id", Invalid::NotAllowed(Text::new("no such organization", "没有该机构")))
    })?;
    if !intermediary.holds(Power::BrokerForClients) {
        return Err(ApiError::invalid(
            "intermediary_id",
            Invalid::NotAllowed(Text::new("not a verified intermediary", "不是已认证的产教融合服务组织")),
        ));
    }
    if active(db, organization_id, intermediary_id).await?.is_some() {
        return Err(already_delegated());
    }
    let row = delegations::ActiveModel {
        organization_id: Set(organization_id),
        intermediary_id: Set(intermediary_id),
        granted_by: Set(user.user_id),
        granted_at: Set(now),
        ..Default::default()
    }
    // A concurrent duplicate grant is refused by uq_delegations_active_pair, which
    // crate::db::constraints maps to the same 409 as a repeated grant.
    .insert(db)
    .await?;
    audit::record(db, Some(user), now, "delegation", row.id, "grant", json!({ "intermediary_id": intermediary_id }))
        .await?;
    view(db, row).await
}

fn already_delegated() -> ApiError {
    ApiError::Conflict {
        field: "intermediary_id",
        invalid: Invalid::NotAllowed(Text::new("already delegated", "已委托")),
    }
}

fn already_revoked() -> ApiError {
    ApiError::Conflict { field: "id", invalid: Invalid::NotAllowed(Text::new("already revoked", "已撤销")) }
}

/// A revoked grant and what its revocation switched off.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Revocation {
    #[serde(flatten)]
    pub delegation: Delegation,
    #[serde(flatten)]
    pub ended: Ended,
}

/// The organization's administrator revokes a grant; acting for it stops at once, and what the
/// intermediary set up for the organization is disabled in the same transaction.
pub async fn revoke(
    db: &DatabaseConnection,
    user: &CurrentUser,
    id: i64,
    now: DateTime<Utc>,
) -> Result<Revocation, ApiError> {
    let row = delegations::Entity::find_by_id(id).one(db).await?.ok_or(ApiError::NotFound)?;
    if user.intermediary.is_some() || !user.may_administer(row.organization_id) {
        return Err(if user.may_read_private(row.organization_id) { ApiError::Forbidden } else { ApiError::NotFound });
    }
    if row.revoked_at.is_some() {
        return Err(already_revoked());
    }
    let txn = crate::db::begin_write(db).await?;
    // Compare-and-set, the transaction's first write: of two concurrent revocations one wins.
    let revoked = delegations::Entity::update_many()
        .col_expr(delegations::Column::RevokedBy, Expr::value(user.user_id))
        .col_expr(delegations::Column::RevokedAt, Expr::value(now))
        .filter(delegations::Column::Id.eq(id))
        .filter(delegations::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    if revoked.rows_affected != 1 {
        txn.rollback().await?;
        return Err(already_revoked());
    }
    let ended = delegated::disable_for_grant(&txn, row.organization_id, row.intermediary_id, now).await?;
    let disabled: Vec<i64> = ended.disabled_subscriptions.iter().map(|s| s.id).collect();
    let changes = json!({ "intermediary_id": row.intermediary_id, "disabled_subscriptions": disabled,
                          "cancelled_deliveries": ended.cancelled_deliveries,
                          "unshared_subscriptions": ended.unshared_subscriptions });
    audit::record(&txn, Some(user), now, "delegation", id, "revoke", changes).await?;
    let row = delegations::Entity::find_by_id(id).one(&txn).await?.ok_or(ApiError::NotFound)?;
    txn.commit().await?;
    Ok(Revocation { delegation: view(db, row).await?, ended })
}

/// Whether `intermediary_id` holds an active grant from `client_id`; on `txn`, so a write that
/// depends on the grant sees a revocation that committed before it.
pub async fn is_active(txn: &impl ConnectionTrait, client_id: i64, intermediary_id: i64) -> Result<bool, ApiError> {
    Ok(active(txn, client_id, intermediary_id).await?.is_some())
}

/// Grants an organization gave (for its members) or an intermediary holds (for its members),
/// newest first, revoked ones included.
pub async fn list(db: &impl ConnectionTrait, user: &CurrentUser) -> Result<Vec<Delegation>, ApiError> {
    let org = user.home_organization().ok_or(ApiError::Forbidden)?;
    let column = if org.kind == OrgKind::Intermediary {
        delegations::Column::IntermediaryId
    } else {
        delegations::Column::OrganizationId
    };
    let rows =
        delegations::Entity::find().filter(column.eq(org.id)).order_by_desc(delegations::Column::Id).all(db).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push(view(db, row).await?);
    }
    Ok(out)
}

/// The clients an intermediary may currently act for.
pub async fn clients(db: &impl ConnectionTrait, intermediary_id: i64) -> Result<Vec<Delegation>, ApiError> {
    let rows = delegations::Entity::find()
        .filter(delegations::Column::IntermediaryId.eq(intermediary_id))
        .filter(delegations::Column::RevokedAt.is_null())
        .order_by_asc(delegations::Column::OrganizationId)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push(view(db, row).await?);
    }
    Ok(out)
}

/// `user` acting for `client_id`: allowed to a member of an intermediary holding an active
/// grant from that client. The acting user is an ordinary member of the client, never its
/// administrator.
pub async fn act_for(db: &impl ConnectionTrait, user: CurrentUser, client_id: i64) -> Result<CurrentUser, ApiError> {
    let home = user.organization.clone().ok_or(ApiError::Forbidden)?;
    if home.id == client_id {
        return Ok(user);
    }
    if user.intermediary.is_some() || home.kind != OrgKind::Intermediary {
        return Err(ApiError::Forbidden);
    }
    // A grant lends the client's powers only while the intermediary itself is in good standing:
    // rejecting an intermediary ends its acting for every client at once.
    home.require(Power::BrokerForClients)?;
    if active(db, client_id, home.id).await?.is_none() {
        return Err(ApiError::Forbidden);
    }
    let client = organizations::get(db, client_id).await?;
    Ok(CurrentUser { organization: Some(client), intermediary: Some(home), role: Role::Member, ..user })
}

/// Whether `user` (perhaps acting for someone already) may switch to acting for `client_id`:
/// judged from their own organization, as a fresh request would be.
pub async fn may_act_for(db: &impl ConnectionTrait, user: &CurrentUser, client_id: i64) -> Result<(), ApiError> {
    let own = CurrentUser { organization: user.home_organization().cloned(), intermediary: None, ..user.clone() };
    act_for(db, own, client_id).await.map(|_| ())
}

/// Verified intermediaries an organization may delegate to, by id and name.
pub async fn intermediaries(db: &impl ConnectionTrait) -> Result<Vec<(i64, String)>, ApiError> {
    use crate::entities::organizations as orgs;
    Ok(orgs::Entity::find()
        .filter(orgs::Column::Kind.eq(OrgKind::Intermediary.as_str()))
        .filter(orgs::Column::Verification.eq(Verification::Verified.as_str()))
        .order_by_asc(orgs::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect())
}
