//! Designations (认定) in the database: recorded and revoked by those who oversee the city
//! (authority users and platform administrators), with evidence, in one transaction with their
//! audit event. A revoked designation is kept, with who revoked it, when and why.
//!
//! Who sees what: overseers list every designation; any other organization lists only its own
//! designations, and sees the rest only as counts on the dashboard. (Provincial designations are
//! published by the province, but the platform's rule is that no other organization's name
//! appears next to figures on a statistics page, and that rule is simpler to keep without
//! exceptions.)

use chanjiao_domain::Text;
use chanjiao_domain::access::Power;
use chanjiao_domain::region::RegionCode;
use chanjiao_domain::statistics::designation::{DesignationInput, Designee, NewDesignation, district_of};
use chanjiao_domain::statistics::targets::DesignationType;
use chanjiao_domain::{Invalid, Verification, text};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::auth::CurrentUser;
use crate::db::Stored;
use crate::entities::{designations, organizations};
use crate::error::ApiError;
use crate::services::audit;
use crate::services::statistics::filter::Filter;

/// The city whose counties are the districts of designations.
pub const CITY: &str = chanjiao_domain::region::SHAOXING;

/// One designation as listed.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = Designation)]
pub struct DesignationView {
    pub id: i64,
    pub designation_type: DesignationType,
    pub type_zh: &'static str,
    pub type_en: &'static str,
    pub organization_id: Option<i64>,
    pub organization_name: String,
    pub district: String,
    pub district_name: String,
    pub year: i32,
    pub issuing_body: String,
    pub document_number: Option<String>,
    pub evidence_url: Option<String>,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoke_reason: Option<String>,
    pub active: bool,
}

fn view(row: designations::Model) -> Result<DesignationView, ApiError> {
    let kind = *row.designation_type;
    let district_name = RegionCode::parse(&row.region_code).map(|c| c.name().to_owned()).unwrap_or_default();
    Ok(DesignationView {
        id: row.id,
        designation_type: kind,
        type_zh: kind.zh(),
        type_en: kind.en(),
        organization_id: row.organization_id,
        organization_name: row.organization_name,
        district: row.region_code,
        district_name,
        year: row.year,
        issuing_body: row.issuing_body,
        document_number: row.document_number,
        evidence_url: row.evidence_url,
        note: row.note,
        created_at: row.created_at,
        active: row.revoked_at.is_none(),
        revoked_at: row.revoked_at,
        revoke_reason: row.revoke_reason,
    })
}

/// Designations `user` may see within the filter (by district and designated year), newest
/// year first, revoked ones included.
pub async fn list(
    db: &DatabaseConnection,
    user: &CurrentUser,
    filter: &Filter,
) -> Result<Vec<DesignationView>, ApiError> {
    let mut select =
        designations::Entity::find().order_by_desc(designations::Column::Year).order_by_desc(designations::Column::Id);
    if !user.may(Power::OverseeCity) {
        let Some(org) = user.organization_id() else { return Ok(Vec::new()) };
        select = select.filter(designations::Column::OrganizationId.eq(org));
    }
    if let Some(district) = filter.region_prefix() {
        select = select.filter(designations::Column::RegionCode.eq(district));
    }
    if let Some(year) = filter.year {
        select = select.filter(designations::Column::Year.eq(year));
    }
    select.all(db).await?.into_iter().map(view).collect()
}

/// Records a designation. Only overseers may; the district is the one given or, for an
/// organization on the platform, the county of its region.
pub async fn create(
    db: &DatabaseConnection,
    user: &CurrentUser,
    input: &DesignationInput,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<DesignationView, ApiError> {
    user.require(Power::RecordDesignations)?;
    let parsed = NewDesignation::parse(input, CITY, today.year())?;
    let (organization_id, name, district) = match &parsed.designee {
        Designee::Named(name) => (None, name.clone(), parsed.district.clone()),
        Designee::Organization(id) => {
            // Organizations awaiting review are not on the platform for anyone but themselves.
            let org = organizations::Entity::find_by_id(*id)
                .filter(organizations::Column::Verification.eq(Verification::Verified.as_str()))
                .one(db)
                .await?
                .ok_or_else(|| {
                    ApiError::invalid(
                        "organization_id",
                        Invalid::NotAllowed(Text::new("an organization on the platform", "平台上的机构")),
                    )
                })?;
            let district = parsed.district.clone().or_else(|| district_of(org.region_code.as_str(), CITY));
            (Some(org.id), org.name, district)
        }
    };
    let district = district.ok_or_else(|| ApiError::invalid("district", Invalid::Required))?;
    let txn = crate::db::begin_write(db).await?;
    let row = designations::ActiveModel {
        designation_type: Set(Stored(parsed.designation_type)),
        organization_id: Set(organization_id),
        organization_name: Set(name),
        region_code: Set(district.as_str().to_owned()),
        year: Set(parsed.year),
        issuing_body: Set(parsed.issuing_body.clone()),
        document_number: Set(parsed.document_number.clone()),
        evidence_url: Set(parsed.evidence_url.clone()),
        note: Set(parsed.note.clone()),
        created_by: Set(user.user_id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let changes = json!({
        "designation_type": row.designation_type, "organization_id": row.organization_id,
        "organization_name": row.organization_name, "district": row.region_code, "year": row.year,
        "issuing_body": row.issuing_body, "document_number": row.document_number, "evidence_url": row.evidence_url,
    });
    audit::record(&txn, Some(user), now, "designation", row.id, "create", changes).await?;
    txn.commit().await?;
    view(row)
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
#[schema(as = RevokeDesignation)]
pub struct RevokeInput {
    #[schema(min_length = 2, max_length = 500)]
    pub reason: String,
}

/// Revokes a designation with a reason: it stops counting, and stays on record.
pub async fn revoke(
    db: &DatabaseConnection,
    user: &CurrentUser,
    id: i64,
    input: &RevokeInput,
    now: DateTime<Utc>,
) -> Result<DesignationView, ApiError> {
    user.require(Power::RecordDesignations)?;
    let reason = text::clean(&input.reason, 2, 500, true).map_err(|e| ApiError::invalid("reason", e))?;
    let txn = crate::db::begin_write(db).await?;
    let row = designations::Entity::find_by_id(id).one(&txn).await?.ok_or(ApiError::NotFound)?;
    if row.revoked_at.is_some() {
        return Err(ApiError::Refused {
            field: "reason",
            code: "already_revoked",
            en: "the designation is already revoked".into(),
            zh: "该认定已撤销".into(),
        });
    }
    let mut active: designations::ActiveModel = row.into();
    active.revoked_at = Set(Some(now));
    active.revoked_by = Set(user.user_id);
    active.revoke_reason = Set(Some(reason.clone()));
    let row = active.update(&txn).await?;
    audit::record(&txn, Some(user), now, "designation", row.id, "revoke", json!({ "reason": reason })).await?;
    txn.commit().await?;
    view(row)
}

/// The verified enterprises and schools on the platform, by name, for the designation form's
/// picker (organizations awaiting review are listed to nobody but themselves).
pub async fn designees(db: &DatabaseConnection) -> Result<Vec<DesigneeOrg>, ApiError> {
    let rows = organizations::Entity::find()
        .filter(organizations::Column::Kind.is_in(["enterprise", "school"]))
        .filter(organizations::Column::Verification.eq(Verification::Verified.as_str()))
        .order_by_asc(organizations::Column::Name)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|o| DesigneeOrg { id: o.id, name: o.name, kind: *o.kind }).collect())
}

/// An organization a designation can name, with its kind (`enterprise` or `school`).
#[derive(Debug, Clone, Serialize)]
pub struct DesigneeOrg {
    pub id: i64,
    pub name: String,
    pub kind: chanjiao_domain::OrgKind,
}
