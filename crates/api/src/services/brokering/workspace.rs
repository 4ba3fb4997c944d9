//! The intermediary's workspace: a pipeline board of its clients' postings, proposals and
//! projects by stage, and case notes per client.

use chanjiao_domain::Text;
use chanjiao_domain::access::Power;
use std::collections::BTreeMap;

use chanjiao_domain::Invalid;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};

use super::delegations::{self, Delegation};
use super::views::{self, ProjectView, ProposalView};
use crate::auth::CurrentUser;
use crate::entities::{case_notes, postings as posting_rows, projects, proposals, users};
use crate::error::ApiError;
use crate::services::paging::Paging;

/// A client's posting on the board.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BoardPosting {
    pub id: i64,
    pub organization_id: i64,
    pub title: String,
    pub kind: chanjiao_domain::posting::PostingKind,
    pub status: chanjiao_domain::posting::PostingStatus,
}

/// Everything of the intermediary's clients, grouped by stage (status).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Pipeline {
    pub clients: Vec<Delegation>,
    pub postings: BTreeMap<String, Vec<BoardPosting>>,
    pub proposals: BTreeMap<String, Vec<ProposalView>>,
    pub projects: BTreeMap<String, Vec<ProjectView>>,
    /// A column holds only its [`BOARD_CAP`] most recent items; the full lists page through
    /// everything (`/postings?organization=`, `/proposals`, `/projects`).
    pub truncated: bool,
}

/// The most items a column of the board shows.
pub const BOARD_CAP: u64 = 500;

fn intermediary(user: &CurrentUser) -> Result<i64, ApiError> {
    let home = user.home_organization().ok_or(ApiError::Forbidden)?;
    home.require(Power::BrokerForClients)?;
    Ok(home.id)
}

pub async fn pipeline(db: &DatabaseConnection, user: &CurrentUser, now: DateTime<Utc>) -> Result<Pipeline, ApiError> {
    let home = intermediary(user)?;
    let clients = delegations::clients(db, home).await?;
    let ids: Vec<i64> = clients.iter().map(|c| c.organization_id).collect();
    let mut board = Pipeline {
        clients,
        postings: BTreeMap::new(),
        proposals: BTreeMap::new(),
        projects: BTreeMap::new(),
        truncated: false,
    };
    if ids.is_empty() {
        return Ok(board);
    }
    let postings = posting_rows::Entity::find()
        .filter(posting_rows::Column::OrganizationId.is_in(ids.clone()))
        .order_by_desc(posting_rows::Column::UpdatedAt)
        .limit(BOARD_CAP)
        .all(db)
        .await?;
    board.truncated |= postings.len() as u64 == BOARD_CAP;
    for p in postings {
        board.postings.entry(p.status.as_str().to_owned()).or_default().push(BoardPosting {
            id: p.id,
            organization_id: p.organization_id,
            title: p.title,
            kind: *p.kind,
            status: *p.status,
        });
    }
    let either = |a: proposals::Column, b: proposals::Column| {
        Condition::any().add(a.is_in(ids.clone())).add(b.is_in(ids.clone()))
    };
    let rows = proposals::Entity::find()
        .filter(either(proposals::Column::ProposerOrgId, proposals::Column::RecipientOrgId))
        .order_by_desc(proposals::Column::UpdatedAt)
        .limit(BOARD_CAP)
        .all(db)
        .await?;
    board.truncated |= rows.len() as u64 == BOARD_CAP;
    for view in views::proposals(db, user, rows, now).await? {
        board.proposals.entry(view.status.as_str().to_owned()).or_default().push(view);
    }
    let rows = projects::Entity::find()
        .filter(
            Condition::any()
                .add(projects::Column::ProposerOrgId.is_in(ids.clone()))
                .add(projects::Column::RecipientOrgId.is_in(ids.clone()))
                .add(projects::Column::BrokerOrgId.eq(home)),
        )
        .order_by_desc(projects::Column::Id)
        .limit(BOARD_CAP)
        .all(db)
        .await?;
    board.truncated |= rows.len() as u64 == BOARD_CAP;
    for view in views::projects(db, user, rows).await? {
        board.projects.entry(view.status.as_str().to_owned()).or_default().push(view);
    }
    Ok(board)
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CaseNote {
    pub id: i64,
    pub client_org_id: i64,
    pub author: Option<String>,
    pub subject: Option<String>,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct NewNote {
    /// A client the intermediary holds an active grant from.
    pub client_org_id: i64,
    /// What the note is about, such as `proposal:12`.
    #[schema(max_length = 64)]
    pub subject: String,
    #[schema(min_length = 1, max_length = 5000)]
    pub body: String,
}

/// Adds a note on a client the intermediary holds a grant from.
pub async fn add_note(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    note: NewNote,
    now: DateTime<Utc>,
) -> Result<CaseNote, ApiError> {
    let home = intermediary(user)?;
    if !delegations::clients(db, home).await?.iter().any(|c| c.organization_id == note.client_org_id) {
        return Err(ApiError::invalid("client_org_id", Invalid::NotAllowed(Text::new("not a client", "不是委托客户"))));
    }
    let body = chanjiao_domain::text::clean(&note.body, 1, 5_000, true)
        .map_err(|e| ApiError::Validation(chanjiao_domain::Invalids::single("body", e)))?;
    let subject = note.subject.trim();
    if subject.chars().count() > 64 {
        return Err(ApiError::invalid("subject", Invalid::TooLong { max: 64 }));
    }
    let row = case_notes::ActiveModel {
        intermediary_id: Set(home),
        client_org_id: Set(note.client_org_id),
        author_user_id: Set(user.user_id),
        subject: Set(Some(subject.to_owned()).filter(|s| !s.is_empty())),
        body: Set(body),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(CaseNote {
        id: row.id,
        client_org_id: row.client_org_id,
        author: Some(user.actor_label()),
        subject: row.subject,
        body: row.body,
        created_at: row.created_at,
    })
}

/// A page of the intermediary's notes, newest first, optionally for one client, and the cursor
/// of the next page.
pub async fn notes(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    client_org_id: Option<i64>,
    paging: Paging,
) -> Result<(Vec<CaseNote>, Option<String>), ApiError> {
    let home = intermediary(user)?;
    let mut select = case_notes::Entity::find().filter(case_notes::Column::IntermediaryId.eq(home));
    if let Some(client) = client_org_id {
        select = select.filter(case_notes::Column::ClientOrgId.eq(client));
    }
    let rows = select
        .filter(paging.condition(case_notes::Column::Id, case_notes::Column::CreatedAt))
        .order_by_desc(case_notes::Column::Id)
        .limit(paging.fetch())
        .all(db)
        .await?;
    let (rows, next) = paging.cut(rows, |row| row.id);
    let authors: std::collections::HashMap<i64, String> = users::Entity::find()
        .filter(users::Column::Id.is_in(rows.iter().filter_map(|r| r.author_user_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.email))
        .collect();
    let notes = rows
        .into_iter()
        .map(|r| CaseNote {
            id: r.id,
            client_org_id: r.client_org_id,
            author: r.author_user_id.and_then(|id| authors.get(&id).cloned()),
            subject: r.subject,
            body: r.body,
            created_at: r.created_at,
        })
        .collect();
    Ok((notes, next))
}
