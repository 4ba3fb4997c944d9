//! Third-party assessment: an authority appoints assessors (intermediaries or authorities that
//! took no part) to completed projects; an assessor sees only the projects it is appointed to
//! and scores them on the published criteria. Submitted scores are each organization's track
//! record in matching.

use chanjiao_domain::Text;
use chanjiao_domain::access::Power;
use std::collections::HashMap;

use chanjiao_domain::brokering::{AssessmentInput, ProjectStatus, Scores};
use chanjiao_domain::{Invalid, OrgKind, Verification};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::auth::CurrentUser;
use crate::entities::{assessments, projects};
use crate::error::ApiError;
use crate::services::{audit, organizations};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Assessment {
    pub id: i64,
    pub project_id: i64,
    pub project_title: String,
    pub assessor_org_id: i64,
    pub assessor_name: String,
    pub appointed_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    /// The score per criterion, once submitted.
    #[schema(value_type = Option<Object>)]
    pub scores: Option<serde_json::Value>,
    pub mean: Option<f64>,
    pub comment: Option<String>,
    pub evidence: Vec<String>,
}

async fn view(db: &impl ConnectionTrait, row: assessments::Model) -> Result<Assessment, ApiError> {
    let project = projects::Entity::find_by_id(row.project_id).one(db).await?.ok_or(ApiError::NotFound)?;
    let assessor = organizations::get(db, row.assessor_org_id).await?;
    Ok(Assessment {
        id: row.id,
        project_id: row.project_id,
        project_title: project.title,
        assessor_org_id: row.assessor_org_id,
        assessor_name: assessor.name,
        appointed_at: row.appointed_at,
        submitted_at: row.submitted_at,
        scores: row.scores.as_deref().and_then(|s| serde_json::from_str(s).ok()),
        mean: row.mean,
        comment: row.comment,
        evidence: row.evidence.as_deref().unwrap_or_default().lines().map(str::to_owned).collect(),
    })
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct Appointment {
    pub assessor_org_id: i64,
}

/// An authority appoints an assessor to a completed project.
pub async fn appoint(
    db: &sea_orm::DatabaseConnection,
    user: &CurrentUser,
    project_id: i64,
    request: Appointment,
    now: DateTime<Utc>,
) -> Result<Assessment, ApiError> {
    user.require(Power::AppointAssessors)?;
    let project = projects::Entity::find_by_id(project_id).one(db).await?.ok_or(ApiError::NotFound)?;
    if project.status != ProjectStatus::Completed {
        return Err(ApiError::invalid(
            "project_id",
            Invalid::NotAllowed(Text::new("a project that is not completed", "尚未完成的项目")),
        ));
    }
    let assessor = organizations::get(db, request.assessor_org_id).await.map_err(|_| {
        ApiError::invalid("assessor_org_id", Invalid::NotAllowed(Text::new("no such organization", "没有该机构")))
    })?;
    if !assessor.holds(Power::AssessProjects) {
        return Err(ApiError::invalid(
            "assessor_org_id",
            Invalid::NotAllowed(Text::new(
                "not a verified intermediary or authority",
                "不是已认证的产教融合服务组织或主管部门",
            )),
        ));
    }
    // An assessor must be third party: neither side nor the broker.
    if [Some(project.proposer_org_id), Some(project.recipient_org_id), project.broker_org_id]
        .contains(&Some(assessor.id))
    {
        return Err(ApiError::invalid(
            "assessor_org_id",
            Invalid::NotAllowed(Text::new("a party to the project", "本项目的合作方")),
        ));
    }
    let existing = assessments::Entity::find()
        .filter(assessments::Column::ProjectId.eq(project_id))
        .filter(assessments::Column::AssessorOrgId.eq(assessor.id))
        .one(db)
        .await?;
    if existing.is_some() {
        return Err(ApiError::Conflict {
            field: "assessor_org_id",
            invalid: Invalid::NotAllowed(Text::new("already appointed", "已指派")),
        });
    }
    let txn = sea_orm::TransactionTrait::begin(db).await?;
    let row = assessments::ActiveModel {
        project_id: Set(project_id),
        assessor_org_id: Set(assessor.id),
        appointed_by: Set(user.user_id),
        appointed_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(&txn, Some(user), now, "assessment", row.id, "appoint", json!({ "project_id": project_id })).await?;
    super::notices::assessment_assigned(&txn, assessor.id, &project, now).await?;
    txn.commit().await?;
    view(db, row).await
}

/// The assessor submits its scores, once.
pub async fn submit(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    id: i64,
    input: AssessmentInput,
    now: DateTime<Utc>,
) -> Result<Assessment, ApiError> {
    let row = assessments::Entity::find_by_id(id).one(db).await?.ok_or(ApiError::NotFound)?;
    if user.organization_id() != Some(row.assessor_org_id) || user.intermediary.is_some() {
        return Err(ApiError::NotFound);
    }
    // An assessor whose organization lost its standing since the appointment may not score.
    user.require(Power::AssessProjects)?;
    if row.submitted_at.is_some() {
        return Err(ApiError::Conflict {
            field: "id",
            invalid: Invalid::NotAllowed(Text::new("already submitted", "已提交")),
        });
    }
    let scores = Scores::parse(&input)?;
    let by_criterion: serde_json::Map<String, serde_json::Value> =
        scores.scores.iter().map(|(c, s)| (c.as_str().to_owned(), json!(s))).collect();
    let mut active: assessments::ActiveModel = row.into();
    active.submitted_by = Set(user.user_id);
    active.submitted_at = Set(Some(now));
    active.scores = Set(Some(serde_json::Value::Object(by_criterion.clone()).to_string()));
    active.mean = Set(Some(scores.mean()));
    active.comment = Set(Some(scores.comment.clone()).filter(|c| !c.is_empty()));
    active.evidence = Set(Some(scores.evidence.join("\n")).filter(|e| !e.is_empty()));
    let row = active.update(db).await?;
    audit::record(db, Some(user), now, "assessment", row.id, "submit", json!({ "scores": by_criterion })).await?;
    view(db, row).await
}

/// Appointments of `user`'s organization (assessors), or all (those who oversee), newest first.
pub async fn list(db: &impl ConnectionTrait, user: &CurrentUser) -> Result<Vec<Assessment>, ApiError> {
    let mut select = assessments::Entity::find().order_by_desc(assessments::Column::Id);
    if !user.may(Power::OverseeCity) {
        let org = user.organization_id().ok_or(ApiError::Forbidden)?;
        select = select.filter(assessments::Column::AssessorOrgId.eq(org));
    }
    let mut out = Vec::new();
    for row in select.all(db).await? {
        out.push(view(db, row).await?);
    }
    Ok(out)
}

/// Assessments of one project, for those who may see it.
pub async fn of_project(db: &impl ConnectionTrait, project_id: i64) -> Result<Vec<Assessment>, ApiError> {
    let rows = assessments::Entity::find()
        .filter(assessments::Column::ProjectId.eq(project_id))
        .order_by_asc(assessments::Column::Id)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push(view(db, row).await?);
    }
    Ok(out)
}

/// Each organization's track record: the mean of its submitted assessments (1–5) over the
/// projects it took part in, and how many there are.
pub async fn track_records(
    db: &impl ConnectionTrait,
    organization_ids: &[i64],
) -> Result<HashMap<i64, (f64, u32)>, ApiError> {
    if organization_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let involved = projects::Entity::find()
        .filter(projects::Column::Status.eq(ProjectStatus::Completed.as_str()))
        .filter(
            sea_orm::Condition::any()
                .add(projects::Column::ProposerOrgId.is_in(organization_ids.iter().copied()))
                .add(projects::Column::RecipientOrgId.is_in(organization_ids.iter().copied())),
        )
        .all(db)
        .await?;
    if involved.is_empty() {
        return Ok(HashMap::new());
    }
    let scores = assessments::Entity::find()
        .filter(assessments::Column::ProjectId.is_in(involved.iter().map(|p| p.id)))
        .filter(assessments::Column::Mean.is_not_null())
        .all(db)
        .await?;
    let mut sums: HashMap<i64, (f64, u32)> = HashMap::new();
    for score in scores {
        let Some(mean) = score.mean else { continue };
        let Some(project) = involved.iter().find(|p| p.id == score.project_id) else { continue };
        for org in [project.proposer_org_id, project.recipient_org_id] {
            if organization_ids.contains(&org) {
                let entry = sums.entry(org).or_default();
                entry.0 += mean;
                entry.1 += 1;
            }
        }
    }
    Ok(sums.into_iter().map(|(org, (sum, n))| (org, (sum / f64::from(n), n))).collect())
}

/// An organization an authority may appoint as assessor.
#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    pub id: i64,
    pub name: String,
}

/// Organizations an authority may appoint: verified intermediaries and authorities.
pub async fn candidates(db: &impl ConnectionTrait) -> Result<Vec<Candidate>, ApiError> {
    use crate::entities::organizations as orgs;
    let rows = orgs::Entity::find()
        .filter(orgs::Column::Kind.is_in([OrgKind::Intermediary.as_str(), OrgKind::Authority.as_str()]))
        .filter(orgs::Column::Verification.eq(Verification::Verified.as_str()))
        .order_by_asc(orgs::Column::Id)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|o| Candidate { id: o.id, name: o.name }).collect())
}
