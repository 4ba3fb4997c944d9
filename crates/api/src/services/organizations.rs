//! Organizations: reading profiles and members, the verification queue, and edits by the
//! organization's own administrators.

use chanjiao_domain::{Invalids, OrgKind, OrgName, RegionCode, Role, SchoolLevel, Verification};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use crate::auth::CurrentUser;
use crate::entities::{organizations, users};
use crate::error::ApiError;

/// An organization's public profile.
#[derive(Debug, Clone, Serialize)]
pub struct Organization {
    pub id: i64,
    pub kind: OrgKind,
    pub name: String,
    pub region: String,
    pub region_name: String,
    pub credit_code: Option<String>,
    pub level: Option<SchoolLevel>,
    pub verification: Verification,
    pub created_at: DateTime<Utc>,
}

fn corrupt(what: &str, value: &str) -> ApiError {
    ApiError::Internal(format!("stored {what} {value:?} is not valid"))
}

impl TryFrom<organizations::Model> for Organization {
    type Error = ApiError;

    fn try_from(row: organizations::Model) -> Result<Self, ApiError> {
        let region = RegionCode::parse(&row.region_code).map_err(|_| corrupt("region", &row.region_code))?;
        let level = match row.school_level.as_deref() {
            Some(raw) => Some(raw.parse().map_err(|_| corrupt("school level", raw))?),
            None => None,
        };
        Ok(Organization {
            id: row.id,
            kind: row.kind.parse().map_err(|_| corrupt("kind", &row.kind))?,
            name: row.name,
            region_name: region.full_name(),
            region: row.region_code,
            credit_code: row.credit_code,
            level,
            verification: row.verification.parse().map_err(|_| corrupt("verification", &row.verification))?,
            created_at: row.created_at,
        })
    }
}

/// A member as their organization sees them. An intermediary acting for the organization sees
/// the list without e-mail addresses: a grant to act is not a licence to contact its people.
#[derive(Debug, Clone, Serialize)]
pub struct Member {
    pub id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    pub role: Role,
    pub created_at: DateTime<Utc>,
    /// When a platform administrator disabled the member, if one did.
    pub disabled_at: Option<DateTime<Utc>>,
}

pub async fn get(db: &impl ConnectionTrait, id: i64) -> Result<Organization, ApiError> {
    organizations::Entity::find_by_id(id).one(db).await?.ok_or(ApiError::NotFound)?.try_into()
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
    rows.into_iter()
        .map(|u| {
            let role = u.role.parse().map_err(|_| corrupt("role", &u.role))?;
            let email = emails.then_some(u.email);
            Ok(Member { id: u.id, email, role, created_at: u.created_at, disabled_at: u.disabled_at })
        })
        .collect()
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

/// A platform administrator's decision on a registration.
pub async fn decide(db: &impl ConnectionTrait, id: i64, decision: Verification) -> Result<Organization, ApiError> {
    if decision == Verification::Pending {
        return Err(ApiError::invalid("decision", chanjiao_domain::Invalid::Format("one of verified, rejected")));
    }
    let row = organizations::Entity::find_by_id(id).one(db).await?.ok_or(ApiError::NotFound)?;
    let mut active: organizations::ActiveModel = row.into();
    active.verification = Set(decision.as_str().to_owned());
    active.verified_at = Set((decision == Verification::Verified).then(Utc::now));
    active.update(db).await?.try_into()
}

/// Changes to an organization's profile, each optional.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ProfileChanges {
    pub name: Option<String>,
    pub region: Option<String>,
}

pub async fn update_profile(
    db: &impl ConnectionTrait,
    id: i64,
    changes: ProfileChanges,
) -> Result<Organization, ApiError> {
    let mut errors = Invalids::default();
    let name = changes.name.as_deref().map(OrgName::parse).and_then(|r| errors.take("name", r));
    let region = changes.region.as_deref().map(RegionCode::parse).and_then(|r| errors.take("region", r));
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let row = organizations::Entity::find_by_id(id).one(db).await?.ok_or(ApiError::NotFound)?;
    if name.is_none() && region.is_none() {
        return row.try_into();
    }
    let mut active: organizations::ActiveModel = row.into();
    if let Some(name) = name {
        active.name = Set(name.as_str().to_owned());
    }
    if let Some(region) = region {
        active.region_code = Set(region.as_str().to_owned());
    }
    active.update(db).await?.try_into()
}
