//! Organizations: reading profiles and members, the verification queue, and edits by the
//! organization's own administrators.
//!
//! A verified organization's name and region are part of what an administrator verified: a
//! change to either is held as a request, and the organization keeps its approved identity (and
//! its powers) until an administrator approves the change in the same queue as registrations.
//! Nobody can trade on a verified standing under another name.

use chanjiao_domain::Text;
use chanjiao_domain::access::{self, Caller, Power, Standing};
use chanjiao_domain::{Invalid, Invalids, OrgKind, OrgName, RegionCode, Role, SchoolLevel, Verification};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder,
};
use serde::Serialize;

use crate::auth::CurrentUser;
use crate::db::Stored;
use crate::entities::{organizations, users};
use crate::error::ApiError;

/// An organization's public profile.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Organization {
    pub id: i64,
    pub kind: OrgKind,
    pub name: String,
    pub region: String,
    pub region_name: String,
    /// Enterprises: the unified social credit code.
    #[schema(required = true)]
    pub credit_code: Option<String>,
    /// Schools: their level.
    #[schema(required = true)]
    pub level: Option<SchoolLevel>,
    pub verification: Verification,
    pub created_at: DateTime<Utc>,
    /// A change of name or region awaiting an administrator's approval.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requested_change: Option<RequestedChange>,
}

/// What a verified organization asked to change; each field only if it differs.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RequestedChange {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region_name: Option<String>,
}

impl Organization {
    /// What the access policy grants an organization of this kind and standing, for checks on
    /// an organization other than the caller's (an assessor to appoint, an intermediary to
    /// delegate to, the intermediary behind a delegate).
    pub fn require(&self, power: Power) -> Result<(), ApiError> {
        let caller = Caller {
            role: Role::OrgAdmin,
            organization: Some(Standing { kind: self.kind, verification: self.verification }),
            acting_for_client: false,
            api_key: false,
        };
        access::decide(&caller, power).map_err(|refusal| ApiError::NotPermitted { power, refusal })
    }

    pub fn holds(&self, power: Power) -> bool {
        self.require(power).is_ok()
    }

    /// What anyone may know of an organization: the identity an administrator verified, without
    /// a requested change (a name not yet approved is not the organization's name). Members,
    /// e-mail addresses and contact persons are not part of a profile at all.
    ///
    /// The unified social credit code stays public: Chinese law publishes every enterprise's
    /// code (国家企业信用信息公示系统), so it reveals nothing new, and it is how a visitor checks
    /// that a verified organization is the company it says it is.
    pub fn public(self) -> Organization {
        Organization { requested_change: None, ..self }
    }
}

impl TryFrom<organizations::Model> for Organization {
    type Error = ApiError;

    fn try_from(row: organizations::Model) -> Result<Self, ApiError> {
        let region = row.region_code.into_inner();
        let requested_region = row.requested_region_code.map(Stored::into_inner);
        let requested_change = (row.requested_name.is_some() || requested_region.is_some()).then(|| RequestedChange {
            name: row.requested_name.clone(),
            region_name: requested_region.as_ref().map(RegionCode::full_name),
            region: requested_region.as_ref().map(|r| r.as_str().to_owned()),
        });
        Ok(Organization {
            id: row.id,
            kind: *row.kind,
            name: row.name,
            region_name: region.full_name(),
            region: region.as_str().to_owned(),
            credit_code: row.credit_code,
            level: row.school_level.map(Stored::into_inner),
            verification: *row.verification,
            created_at: row.created_at,
            requested_change,
        })
    }
}

/// A member as their organization sees them. An intermediary acting for the organization sees
/// the list without e-mail addresses: a grant to act is not a licence to contact its people.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Member {
    pub id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    pub role: Role,
    pub created_at: DateTime<Utc>,
    /// When a platform administrator disabled the member, if one did.
    #[schema(required = true)]
    pub disabled_at: Option<DateTime<Utc>>,
}

pub async fn get(db: &impl ConnectionTrait, id: i64) -> Result<Organization, ApiError> {
    organizations::Entity::find_by_id(id).one(db).await?.ok_or(ApiError::NotFound)?.try_into()
}

/// An organization as `user` may see it: one awaiting review (or rejected) exists only for its
/// own members and platform administrators; for everyone else it is absent (404).
pub async fn visible(
    db: &impl ConnectionTrait,
    user: &crate::auth::CurrentUser,
    id: i64,
) -> Result<Organization, ApiError> {
    let org = get(db, id).await?;
    if org.verification == Verification::Verified
        || user.may_read_private(id)
        || user.home_organization().is_some_and(|h| h.id == id)
    {
        Ok(org)
    } else {
        Err(ApiError::NotFound)
    }
}

/// An organization as `viewer` may see it, anonymous visitors included: to them only verified
/// organizations exist (404 otherwise), and only their public profile ([`Organization::public`]).
pub async fn visible_to_viewer(
    db: &impl ConnectionTrait,
    viewer: Option<&CurrentUser>,
    id: i64,
) -> Result<Organization, ApiError> {
    match viewer {
        Some(user) => visible(db, user, id).await,
        None => {
            let org = get(db, id).await?;
            if org.verification == Verification::Verified { Ok(org.public()) } else { Err(ApiError::NotFound) }
        }
    }
}

/// The names of the organizations with these ids (an id that names nobody is simply absent),
/// for lists that show whose a row is.
pub async fn names(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> Result<std::collections::HashMap<i64, String>, ApiError> {
    Ok(organizations::Entity::find()
        .filter(organizations::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect())
}

/// The organization's members as `viewer` may see them (see [`CurrentUser::may_see_member_emails`]).
pub async fn members(
    db: &impl ConnectionTrait,
    viewer: &CurrentUser,
    organization_id: i64,
) -> Result<Vec<Member>, ApiError> {
    let emails = viewer.may_see_member_emails(organization_id);
    let rows = users::Entity::find()
        .filter(users::Column::OrganizationId.eq(organization_id))
        .order_by_asc(users::Column::Id)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|u| {
            let email = emails.then_some(u.email);
            Member { id: u.id, email, role: *u.role, created_at: u.created_at, disabled_at: u.disabled_at }
        })
        .collect())
}

/// Organizations in one verification state, oldest first (the order an admin works a queue in).
pub async fn with_verification(db: &impl ConnectionTrait, state: Verification) -> Result<Vec<Organization>, ApiError> {
    let rows = organizations::Entity::find()
        .filter(organizations::Column::Verification.eq(state.as_str()))
        .order_by_asc(organizations::Column::CreatedAt)
        .order_by_asc(organizations::Column::Id)
        .all(db)
        .await?;
    rows.into_iter().map(Organization::try_from).collect()
}

/// Verified organizations that asked to change their name or region, oldest first.
pub async fn with_requested_changes(db: &impl ConnectionTrait) -> Result<Vec<Organization>, ApiError> {
    let rows = organizations::Entity::find()
        .filter(organizations::Column::Verification.eq(Verification::Verified.as_str()))
        .filter(
            sea_orm::Condition::any()
                .add(organizations::Column::RequestedName.is_not_null())
                .add(organizations::Column::RequestedRegionCode.is_not_null()),
        )
        .order_by_asc(organizations::Column::Id)
        .all(db)
        .await?;
    rows.into_iter().map(Organization::try_from).collect()
}

/// A platform administrator's decision. On a registration (or a rejected organization) it sets
/// the verification; on a verified organization with a requested change it decides the change:
/// `verified` applies it, `rejected` discards it and the organization stays as approved.
pub async fn decide(
    db: &DatabaseConnection,
    id: i64,
    decision: Verification,
    now: DateTime<Utc>,
) -> Result<Organization, ApiError> {
    if decision == Verification::Pending {
        return Err(ApiError::invalid(
            "decision",
            Invalid::Format(Text::new("one of verified, rejected", "verified、rejected 之一")),
        ));
    }
    let row = organizations::Entity::find_by_id(id).one(db).await?.ok_or(ApiError::NotFound)?;
    let deciding_a_change = row.verification == Verification::Verified
        && (row.requested_name.is_some() || row.requested_region_code.is_some());
    let (requested_name, requested_region) = (row.requested_name.clone(), row.requested_region_code.clone());
    let mut active: organizations::ActiveModel = row.into();
    if deciding_a_change {
        if decision == Verification::Verified {
            if let Some(name) = requested_name {
                active.name = Set(name);
            }
            if let Some(region) = requested_region {
                active.region_code = Set(region);
            }
        }
    } else {
        active.verification = Set(Stored(decision));
        active.verified_at = Set((decision == Verification::Verified).then_some(now));
    }
    active.requested_name = Set(None);
    active.requested_region_code = Set(None);
    save(db, active, now).await
}

/// Saves a changed organization; a new name is a change of every one of its postings (they
/// show it), recorded in the outbox in the same transaction for the index and the feed.
async fn save(
    db: &DatabaseConnection,
    active: organizations::ActiveModel,
    now: DateTime<Utc>,
) -> Result<Organization, ApiError> {
    let renamed = active.name.is_set();
    let txn = crate::db::begin_write(db).await?;
    let row = active.update(&txn).await?;
    if renamed {
        crate::services::postings::outbox::enqueue_organization(&txn, row.id, now).await?;
    }
    txn.commit().await?;
    row.try_into()
}

/// Changes to an organization's profile, each optional. The credit code and the kind are read
/// only to be refused by name: they are fixed at registration, and a change that was silently
/// ignored would look like one that was made.
#[derive(Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct ProfileChanges {
    pub name: Option<String>,
    pub region: Option<String>,
    #[serde(default)]
    #[schema(ignore)]
    pub credit_code: Option<serde_json::Value>,
    #[serde(default)]
    #[schema(ignore)]
    pub kind: Option<serde_json::Value>,
}

/// Why a credit code or kind in a profile change is refused.
pub const FIXED_AT_REGISTRATION: Text = Text::new("fixed at registration", "注册时确定，不能修改");

pub async fn update_profile(
    db: &DatabaseConnection,
    id: i64,
    changes: ProfileChanges,
    now: DateTime<Utc>,
) -> Result<Organization, ApiError> {
    let mut errors = Invalids::default();
    if changes.credit_code.is_some() {
        errors.push("credit_code", Invalid::NotAllowed(FIXED_AT_REGISTRATION));
    }
    if changes.kind.is_some() {
        errors.push("kind", Invalid::NotAllowed(FIXED_AT_REGISTRATION));
    }
    let name = changes.name.as_deref().map(OrgName::parse).and_then(|r| errors.take("name", r));
    let region = changes.region.as_deref().map(RegionCode::parse).and_then(|r| errors.take("region", r));
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let row = organizations::Entity::find_by_id(id).one(db).await?.ok_or(ApiError::NotFound)?;
    if name.is_none() && region.is_none() {
        return row.try_into();
    }
    let verified = row.verification == Verification::Verified;
    // A value equal to the approved one withdraws that part of a request.
    fn requested<T: PartialEq>(new: Option<T>, approved: &T, earlier: Option<T>) -> Option<T> {
        match new {
            Some(new) if new == *approved => None,
            Some(new) => Some(new),
            None => earlier,
        }
    }
    let requested_name = requested(name.as_ref().map(|n| n.as_str().to_owned()), &row.name, row.requested_name.clone());
    let requested_region = requested(region.clone().map(Stored), &row.region_code, row.requested_region_code.clone());
    let mut active: organizations::ActiveModel = row.into();
    if verified {
        // Held for review: the approved identity stays until an administrator approves this.
        active.requested_name = Set(requested_name);
        active.requested_region_code = Set(requested_region);
    } else {
        // Not verified yet: the review still to come sees the new values.
        if let Some(name) = name {
            active.name = Set(name.as_str().to_owned());
        }
        if let Some(region) = region {
            active.region_code = Set(Stored(region));
        }
    }
    save(db, active, now).await
}
