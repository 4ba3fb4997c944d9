//! Cooperation projects in the database: created when a proposal is accepted, moved through
//! agreed → active → completed (or cancelled) by their participants, with outcomes recorded at
//! completion and editable after (retention is known only months later). Completing a project
//! counts the people placed against both postings' quantities.

use chanjiao_domain::Text;
use chanjiao_domain::access::Power;
use chanjiao_domain::brokering::{Outcomes, OutcomesInput, ProjectAction, ProjectStatus, ProjectType};
use chanjiao_domain::posting::PostingKind;
use chanjiao_domain::{Invalid, Invalids};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde::Deserialize;
use serde_json::json;

use super::views::{self, ProjectView};
use crate::auth::CurrentUser;
use crate::db::Stored;
use crate::entities::{assessments, delegations, postings as posting_rows, projects, proposals};
use crate::error::ApiError;
use crate::services::paging::Paging;
use crate::services::{audit, postings};

/// Makes the project of an accepted proposal, inside the caller's transaction.
pub(crate) async fn create_from(
    txn: &impl ConnectionTrait,
    user: &CurrentUser,
    proposal: &proposals::Model,
    now: DateTime<Utc>,
) -> Result<projects::Model, ApiError> {
    let kinds = posting_rows::Entity::find()
        .filter(posting_rows::Column::Id.is_in([proposal.proposer_posting_id, proposal.recipient_posting_id]))
        .all(txn)
        .await?;
    let kind_of = |id: i64| -> Result<(PostingKind, String), ApiError> {
        let row = kinds.iter().find(|r| r.id == id).ok_or(ApiError::NotFound)?;
        let kind = *row.kind;
        Ok((kind, row.title.clone()))
    };
    let (a, a_title) = kind_of(proposal.proposer_posting_id)?;
    let (b, b_title) = kind_of(proposal.recipient_posting_id)?;
    let project_type = ProjectType::for_kinds(a, b)
        .ok_or_else(|| ApiError::Internal(format!("proposal {} pairs incompatible kinds", proposal.id)))?;
    let title: String = format!("{}：{a_title} × {b_title}", project_type.zh()).chars().take(300).collect();
    // The broker is the intermediary that made the proposal, or that accepted it.
    let broker = proposal.on_behalf_of.or_else(|| user.intermediary.as_ref().map(|o| o.id));
    let row = projects::ActiveModel {
        proposal_id: Set(proposal.id),
        project_type: Set(Stored(project_type)),
        status: Set(Stored(ProjectStatus::Agreed)),
        title: Set(title),
        proposer_org_id: Set(proposal.proposer_org_id),
        recipient_org_id: Set(proposal.recipient_org_id),
        proposer_posting_id: Set(proposal.proposer_posting_id),
        recipient_posting_id: Set(proposal.recipient_posting_id),
        broker_org_id: Set(broker),
        quantity: Set(proposal.quantity),
        starts_on: Set(proposal.starts_on),
        ends_on: Set(proposal.ends_on),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    audit::record(txn, Some(user), now, "project", row.id, "create", json!({ "proposal_id": proposal.id })).await?;
    Ok(row)
}

/// Whether `user` may see the project: its participants, its broker, intermediaries acting
/// for or holding a grant from a participant, assessors appointed to it, and those who
/// oversee everything.
async fn visible(db: &impl ConnectionTrait, user: &CurrentUser, row: &projects::Model) -> Result<bool, ApiError> {
    let mut parties = vec![row.proposer_org_id, row.recipient_org_id];
    parties.extend(row.broker_org_id);
    if views::may_see(db, user, &parties).await? {
        return Ok(true);
    }
    let Some(org) = user.organization_id() else { return Ok(false) };
    Ok(assessments::Entity::find()
        .filter(assessments::Column::ProjectId.eq(row.id))
        .filter(assessments::Column::AssessorOrgId.eq(org))
        .one(db)
        .await?
        .is_some())
}

pub async fn get(db: &DatabaseConnection, user: &CurrentUser, id: i64) -> Result<ProjectView, ApiError> {
    let row = projects::Entity::find_by_id(id).one(db).await?.ok_or(ApiError::NotFound)?;
    if !visible(db, user, &row).await? {
        return Err(ApiError::NotFound);
    }
    views::projects(db, user, vec![row]).await?.pop().ok_or(ApiError::NotFound)
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    pub status: Option<String>,
}

/// A page of the projects `user` may see, newest first: everything for those who oversee,
/// otherwise the organization's own, those it brokered, and those of its clients (for
/// intermediaries); and the cursor of the next page.
pub async fn list(
    db: &DatabaseConnection,
    user: &CurrentUser,
    query: &ListQuery,
    paging: Paging,
) -> Result<(Vec<ProjectView>, Option<String>), ApiError> {
    let mut select = projects::Entity::find()
        .filter(paging.condition(projects::Column::Id, projects::Column::UpdatedAt))
        .order_by_desc(projects::Column::Id)
        .limit(paging.fetch());
    if let Some(status) = query.status.as_deref().filter(|s| !s.is_empty()) {
        let status: ProjectStatus = status.parse().map_err(|e| ApiError::Validation(Invalids::single("status", e)))?;
        select = select.filter(projects::Column::Status.eq(status.as_str()));
    }
    if !user.may(Power::OverseeCity) {
        let org = user.organization_id().ok_or(ApiError::Forbidden)?;
        let mut orgs = vec![org];
        if let Some(home) = user.home_organization().filter(|h| h.id != org || user.intermediary.is_none()) {
            let clients: Vec<i64> = delegations::Entity::find()
                .filter(delegations::Column::IntermediaryId.eq(home.id))
                .filter(delegations::Column::RevokedAt.is_null())
                .all(db)
                .await?
                .into_iter()
                .map(|d| d.organization_id)
                .collect();
            orgs.extend(clients);
        }
        select = select.filter(
            Condition::any()
                .add(projects::Column::ProposerOrgId.is_in(orgs.clone()))
                .add(projects::Column::RecipientOrgId.is_in(orgs))
                .add(projects::Column::BrokerOrgId.eq(org)),
        );
    }
    let (rows, next) = paging.cut(select.all(db).await?, |row| row.id);
    Ok((views::projects(db, user, rows).await?, next))
}

/// A participant's action on a project; completing records outcomes.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ProjectUpdate {
    /// start, complete or cancel; absent to only record outcomes of a completed project.
    #[schema(value_type = Option<chanjiao_domain::brokering::ProjectAction>)]
    pub action: Option<String>,
    #[serde(flatten)]
    pub outcomes: OutcomesInput,
}

pub async fn update(
    db: &DatabaseConnection,
    user: &CurrentUser,
    id: i64,
    request: ProjectUpdate,
    now: DateTime<Utc>,
) -> Result<ProjectView, ApiError> {
    let row = projects::Entity::find_by_id(id).one(db).await?.ok_or(ApiError::NotFound)?;
    if !visible(db, user, &row).await? {
        return Err(ApiError::NotFound);
    }
    let participant =
        user.organization_id().is_some_and(|org| org == row.proposer_org_id || org == row.recipient_org_id);
    if !participant {
        return Err(ApiError::Forbidden);
    }
    let status: ProjectStatus = *row.status;
    let action = match request.action.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
        Some(raw) => {
            Some(raw.parse::<ProjectAction>().map_err(|e| ApiError::Validation(Invalids::single("action", e)))?)
        }
        None => None,
    };
    let next = match action {
        Some(action) => status.after(action).ok_or_else(|| ApiError::Refused {
            field: "status",
            code: "not_allowed",
            en: format!("cannot {action} a project that is {status}"),
            zh: format!("项目{}，不能{}", status.zh(), action_zh(action)),
        })?,
        None => status,
    };
    let outcomes = Outcomes::parse(&request.outcomes)?;
    let recording = outcomes != Outcomes::default();
    if recording && next != ProjectStatus::Completed {
        return Err(ApiError::invalid(
            "placed",
            Invalid::NotAllowed(Text::new("outcomes before the project is completed", "项目完成前填写成效")),
        ));
    }
    if action == Some(ProjectAction::Complete) && outcomes.placed.is_none() {
        return Err(ApiError::invalid("placed", Invalid::Required));
    }
    let txn = crate::db::begin_write(db).await?;
    let mut update = projects::Entity::update_many()
        .col_expr(projects::Column::Status, Expr::value(next.as_str()))
        .col_expr(projects::Column::UpdatedAt, Expr::value(now));
    match action {
        Some(ProjectAction::Start) => update = update.col_expr(projects::Column::StartedAt, Expr::value(now)),
        Some(ProjectAction::Complete) => update = update.col_expr(projects::Column::CompletedAt, Expr::value(now)),
        Some(ProjectAction::Cancel) => update = update.col_expr(projects::Column::CancelledAt, Expr::value(now)),
        None => {}
    }
    if recording {
        let value = |v: Option<u32>| Expr::value(v.map(|v| v as i32));
        update = update
            .col_expr(projects::Column::Placed, value(outcomes.placed))
            .col_expr(projects::Column::Hired, value(outcomes.hired))
            .col_expr(projects::Column::Retained6m, value(outcomes.retained_6m))
            .col_expr(projects::Column::Retained12m, value(outcomes.retained_12m))
            .col_expr(projects::Column::Certificates, value(outcomes.certificates))
            .col_expr(projects::Column::PracticeHours, value(outcomes.practice_hours));
    }
    let result = update
        .filter(projects::Column::Id.eq(id))
        .filter(projects::Column::Status.eq(status.as_str()))
        .exec(&txn)
        .await?;
    if result.rows_affected != 1 {
        return Err(ApiError::Conflict {
            field: "status",
            invalid: Invalid::NotAllowed(Text::new("changed meanwhile; reload", "已被他人修改，请刷新后重试")),
        });
    }
    if action == Some(ProjectAction::Complete) {
        let people = outcomes.placed.unwrap_or(0);
        for posting in [row.proposer_posting_id, row.recipient_posting_id] {
            postings::record_placements(&txn, user, posting, people, now).await?;
        }
    }
    let changes = json!({
        "status": [status.as_str(), next.as_str()],
        "outcomes": if recording { serde_json::to_value(outcomes).unwrap_or_default() } else { serde_json::Value::Null },
    });
    let name = action.map_or("outcomes", ProjectAction::as_str);
    audit::record(&txn, Some(user), now, "project", id, name, changes).await?;
    let (what_zh, what_en) = match action {
        Some(ProjectAction::Start) => ("已启动", "started"),
        Some(ProjectAction::Complete) => ("已完成", "completed"),
        Some(ProjectAction::Cancel) => ("已取消", "cancelled"),
        None => ("成效已更新", "outcomes updated"),
    };
    super::notices::project_updated(&txn, &row, user.organization_id(), what_zh, what_en, now).await?;
    txn.commit().await?;
    get(db, user, id).await
}

fn action_zh(action: ProjectAction) -> &'static str {
    match action {
        ProjectAction::Start => "启动",
        ProjectAction::Complete => "完成",
        ProjectAction::Cancel => "取消",
    }
}
