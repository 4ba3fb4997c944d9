//! Proposals in the database: making one from a pair of postings, answering, withdrawing, the
//! clock's reminders and expiry, and listing them for each side.
//!
//! Every change is one transaction: the proposal row (updated only if it is still in the state
//! the rules were checked against, so two answers racing cannot both win), an event row, the
//! audit log, and on acceptance the project.

use chanjiao_domain::Invalid;
use chanjiao_domain::Text;
use chanjiao_domain::access::Power;
use chanjiao_domain::brokering::proposal::decline_note;
use chanjiao_domain::brokering::{
    DeclineReason, EventKind, ProposalAction, ProposalError, ProposalSide, ProposalState, ProposalStatus, Terms,
    TermsInput,
};
use chanjiao_domain::posting::{PostingStatus, compatible};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Deserialize;
use serde_json::json;

use super::views::{self, ProposalView};
use crate::auth::CurrentUser;
use crate::db::CorruptValue;
use crate::db::Stored;
use crate::entities::{proposal_events, proposals};
use crate::error::ApiError;
use crate::services::paging::Paging;
use crate::services::{audit, postings};

/// A new proposal: the proposer's posting, the counterpart's, and the terms.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct NewProposal {
    pub from_posting_id: i64,
    pub to_posting_id: i64,
    #[serde(flatten)]
    pub terms: TermsInput,
}

/// An answer or withdrawal.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct Answer {
    /// accept, decline, counter or withdraw.
    #[schema(pattern = "^(accept|decline|counter|withdraw)$")]
    pub action: String,
    /// Required to decline: one of the [`DeclineReason`]s.
    #[schema(value_type = Option<chanjiao_domain::brokering::DeclineReason>)]
    pub reason: Option<String>,
    /// Declining: an optional note.
    #[schema(max_length = 500)]
    pub note: String,
    /// For counter: the new terms.
    #[serde(flatten)]
    pub terms: TermsInput,
}

pub(crate) fn refused(error: ProposalError) -> ApiError {
    ApiError::Refused { field: "status", code: error.code(), en: error.to_string(), zh: error.zh() }
}

fn state_of(row: &proposals::Model) -> Result<ProposalState, ApiError> {
    let round = u32::try_from(row.round)
        .map_err(|_| CorruptValue::new(format!("proposals.round (id {})", row.id), "u32", row.round.to_string()))?;
    Ok(ProposalState {
        status: *row.status,
        awaiting: *row.awaiting,
        deadline: row.deadline,
        round,
        reminded: row.reminded,
    })
}

/// Which side `user` is on, if any.
pub(crate) fn side_of(row: &proposals::Model, user: &CurrentUser) -> Option<ProposalSide> {
    match user.organization_id() {
        Some(org) if org == row.proposer_org_id => Some(ProposalSide::Proposer),
        Some(org) if org == row.recipient_org_id => Some(ProposalSide::Recipient),
        _ => None,
    }
}

/// Whether `user` may see the proposal: its two sides (an intermediary acting for one arrives
/// as that side), an intermediary holding a grant from either, and the city's authorities and
/// platform administrators.
pub(crate) async fn visible(
    db: &impl ConnectionTrait,
    row: &proposals::Model,
    user: &CurrentUser,
) -> Result<bool, ApiError> {
    views::may_see(db, user, &[row.proposer_org_id, row.recipient_org_id]).await
}

fn event(
    proposal_id: i64,
    at: DateTime<Utc>,
    action: EventKind,
    side: Option<ProposalSide>,
    user: Option<&CurrentUser>,
) -> proposal_events::ActiveModel {
    proposal_events::ActiveModel {
        proposal_id: Set(proposal_id),
        at: Set(at),
        action: Set(Stored(action)),
        side: Set(side.map(Stored)),
        actor_user_id: Set(user.and_then(|u| u.user_id)),
        on_behalf_of: Set(user.and_then(|u| u.intermediary.as_ref()).map(|o| o.id)),
        ..Default::default()
    }
}

fn with_terms(mut event: proposal_events::ActiveModel, terms: &Terms) -> proposal_events::ActiveModel {
    event.message = Set(Some(terms.message.clone()));
    event.quantity = Set(terms.quantity.map(i64::from));
    event.starts_on = Set(terms.window.starts_on());
    event.ends_on = Set(terms.window.ends_on());
    event
}

/// Proposes cooperation on a pair of postings: the proposer's own published posting and a
/// published counterpart of a compatible kind from another organization.
pub async fn create(
    db: &DatabaseConnection,
    user: &CurrentUser,
    request: NewProposal,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<ProposalView, ApiError> {
    user.require(Power::Propose)?;
    let org = user.organization.as_ref().ok_or(ApiError::Forbidden)?;
    let from = postings::get(db, user, request.from_posting_id).await.map_err(|e| match e {
        ApiError::NotFound => {
            ApiError::invalid("from_posting_id", Invalid::NotAllowed(Text::new("no such posting", "没有该发布")))
        }
        other => other,
    })?;
    if !from.owned_by(user) {
        return Err(ApiError::invalid(
            "from_posting_id",
            Invalid::NotAllowed(Text::new("a posting of another organization", "其他机构的发布")),
        ));
    }
    let to = postings::get(db, user, request.to_posting_id).await.map_err(|e| match e {
        ApiError::NotFound => {
            ApiError::invalid("to_posting_id", Invalid::NotAllowed(Text::new("no such posting", "没有该发布")))
        }
        other => other,
    })?;
    if to.organization_id == org.id {
        return Err(ApiError::invalid(
            "to_posting_id",
            Invalid::NotAllowed(Text::new("your own posting", "本机构自己的发布")),
        ));
    }
    if !compatible(from.posting.kind, to.posting.kind) {
        return Err(ApiError::invalid(
            "to_posting_id",
            Invalid::NotAllowed(Text::new("a kind that does not fit yours", "与本方发布类型不匹配的类型")),
        ));
    }
    for (field, posting) in [("from_posting_id", &from), ("to_posting_id", &to)] {
        if posting.status != PostingStatus::Published {
            return Err(ApiError::invalid(
                field,
                Invalid::NotAllowed(Text::new("a posting that is not published", "未发布的需求")),
            ));
        }
    }
    let terms = Terms::parse(&request.terms, today)?;
    let txn = crate::db::begin_write(db).await?;
    let pending = proposals::Entity::find()
        .filter(proposals::Column::Status.eq(ProposalStatus::Open.as_str()))
        .filter(
            Condition::any()
                .add(
                    Condition::all()
                        .add(proposals::Column::ProposerPostingId.eq(from.id))
                        .add(proposals::Column::RecipientPostingId.eq(to.id)),
                )
                .add(
                    Condition::all()
                        .add(proposals::Column::ProposerPostingId.eq(to.id))
                        .add(proposals::Column::RecipientPostingId.eq(from.id)),
                ),
        )
        .count(&txn)
        .await?;
    if pending > 0 {
        return Err(ApiError::Conflict {
            field: "to_posting_id",
            invalid: Invalid::NotAllowed(Text::new(
                "an open proposal on these postings already exists",
                "这两条发布之间已有进行中的对接提议",
            )),
        });
    }
    let state = ProposalState::new(&terms, now);
    let row = proposals::ActiveModel {
        proposer_org_id: Set(org.id),
        recipient_org_id: Set(to.organization_id),
        proposer_posting_id: Set(from.id),
        recipient_posting_id: Set(to.id),
        status: Set(Stored(state.status)),
        awaiting: Set(Stored(state.awaiting)),
        round: Set(state.round as i32),
        deadline: Set(state.deadline),
        reminded: Set(false),
        message: Set(terms.message.clone()),
        quantity: Set(terms.quantity.map(i64::from)),
        starts_on: Set(terms.window.starts_on()),
        ends_on: Set(terms.window.ends_on()),
        created_by: Set(user.user_id),
        on_behalf_of: Set(user.intermediary.as_ref().map(|o| o.id)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    with_terms(event(row.id, now, EventKind::Propose, Some(ProposalSide::Proposer), Some(user)), &terms)
        .insert(&txn)
        .await?;
    audit::record(&txn, Some(user), now, "proposal", row.id, "propose", json!({ "to_posting_id": to.id })).await?;
    super::notices::proposal_received(&txn, &row, now).await?;
    txn.commit().await?;
    views::proposal(db, user, row, false, now).await
}

/// Answers (accept, decline, counter) or withdraws a proposal as `user`'s side.
pub async fn answer(
    db: &DatabaseConnection,
    user: &CurrentUser,
    id: i64,
    answer: Answer,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<ProposalView, ApiError> {
    let row = proposals::Entity::find_by_id(id).one(db).await?.ok_or(ApiError::NotFound)?;
    if !visible(db, &row, user).await? {
        return Err(ApiError::NotFound);
    }
    let side = side_of(&row, user).ok_or(ApiError::Forbidden)?;
    let mut terms = None;
    let mut decline = None;
    let action = match answer.action.trim() {
        "accept" => ProposalAction::Accept,
        "withdraw" => ProposalAction::Withdraw,
        "decline" => {
            let reason: DeclineReason = answer
                .reason
                .as_deref()
                .unwrap_or_default()
                .parse()
                .map_err(|e| ApiError::Validation(chanjiao_domain::Invalids::single("reason", e)))?;
            decline = Some((reason, decline_note(&answer.note)?));
            ProposalAction::Decline { reason }
        }
        "counter" => {
            let parsed = Terms::parse(&answer.terms, today)?;
            let days = parsed.respond_within_days;
            terms = Some(parsed);
            ProposalAction::Counter { respond_within_days: days }
        }
        _ => {
            return Err(ApiError::invalid(
                "action",
                Invalid::Format(Text::new(
                    "one of accept, decline, counter, withdraw",
                    "accept、decline、counter、withdraw 之一",
                )),
            ));
        }
    };
    let before = state_of(&row)?;
    let after = before.apply(Some(side), &action, now).map_err(refused)?;
    let txn = crate::db::begin_write(db).await?;
    let mut update = proposals::Entity::update_many()
        .col_expr(proposals::Column::Status, Expr::value(after.status.as_str()))
        .col_expr(proposals::Column::Awaiting, Expr::value(after.awaiting.as_str()))
        .col_expr(proposals::Column::Round, Expr::value(after.round as i32))
        .col_expr(proposals::Column::Deadline, Expr::value(after.deadline))
        .col_expr(proposals::Column::Reminded, Expr::value(after.reminded))
        .col_expr(proposals::Column::UpdatedAt, Expr::value(now));
    if let Some(terms) = &terms {
        update = update
            .col_expr(proposals::Column::Message, Expr::value(terms.message.clone()))
            .col_expr(proposals::Column::Quantity, Expr::value(terms.quantity.map(i64::from)))
            .col_expr(proposals::Column::StartsOn, Expr::value(terms.window.starts_on()))
            .col_expr(proposals::Column::EndsOn, Expr::value(terms.window.ends_on()));
    }
    if let Some((reason, note)) = &decline {
        update = update
            .col_expr(proposals::Column::DeclineReason, Expr::value(reason.as_str()))
            .col_expr(proposals::Column::DeclineNote, Expr::value(note.clone()));
    }
    // Only if nobody else moved it since it was read.
    let result = update
        .filter(proposals::Column::Id.eq(row.id))
        .filter(proposals::Column::Status.eq(before.status.as_str()))
        .filter(proposals::Column::Round.eq(before.round as i32))
        .exec(&txn)
        .await?;
    if result.rows_affected != 1 {
        return Err(ApiError::Conflict {
            field: "status",
            invalid: Invalid::NotAllowed(Text::new("changed meanwhile; reload", "已被他人修改，请刷新后重试")),
        });
    }
    let mut record = event(row.id, now, action.kind(), Some(side), Some(user));
    if let Some(terms) = &terms {
        record = with_terms(record, terms);
    }
    if let Some((reason, note)) = &decline {
        record.note = Set(Some(match note {
            Some(note) => format!("{}: {note}", reason.as_str()),
            None => reason.as_str().to_owned(),
        }));
    }
    record.insert(&txn).await?;
    audit::record(&txn, Some(user), now, "proposal", row.id, action.name(), json!({ "status": after.status.as_str() }))
        .await?;
    super::notices::proposal_answered(&txn, &row, side, &action, now).await?;
    if after.status == ProposalStatus::Accepted {
        let accepted = proposals::Entity::find_by_id(row.id).one(&txn).await?.ok_or(ApiError::NotFound)?;
        super::projects::create_from(&txn, user, &accepted, now).await?;
    }
    txn.commit().await?;
    let row = proposals::Entity::find_by_id(id).one(db).await?.ok_or(ApiError::NotFound)?;
    views::proposal(db, user, row, true, now).await
}

/// Sends due reminders and expires unanswered proposals as of `now`; returns how many changed.
pub async fn sweep(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<usize, ApiError> {
    let horizon = now + chanjiao_domain::brokering::proposal::REMINDER_LEAD;
    let due = proposals::Entity::find()
        .filter(proposals::Column::Status.eq(ProposalStatus::Open.as_str()))
        .filter(proposals::Column::Deadline.lte(horizon))
        .order_by_asc(proposals::Column::Deadline)
        .limit(1_000)
        .all(db)
        .await?;
    let mut changed = 0;
    for row in due {
        let before = state_of(&row)?;
        let Some(action) = before.due(now) else { continue };
        let after = before.apply(None, &action, now).map_err(refused)?;
        let txn = crate::db::begin_write(db).await?;
        let result = proposals::Entity::update_many()
            .col_expr(proposals::Column::Status, Expr::value(after.status.as_str()))
            .col_expr(proposals::Column::Reminded, Expr::value(after.reminded))
            .col_expr(proposals::Column::UpdatedAt, Expr::value(now))
            .filter(proposals::Column::Id.eq(row.id))
            .filter(proposals::Column::Status.eq(before.status.as_str()))
            .filter(proposals::Column::Round.eq(before.round as i32))
            .filter(proposals::Column::Reminded.eq(before.reminded))
            .exec(&txn)
            .await?;
        if result.rows_affected != 1 {
            continue;
        }
        event(row.id, now, action.kind(), Some(before.awaiting), None).insert(&txn).await?;
        audit::record(&txn, None, now, "proposal", row.id, action.name(), json!({ "status": after.status.as_str() }))
            .await?;
        super::notices::proposal_due(&txn, &row, before.awaiting, &action, now).await?;
        txn.commit().await?;
        changed += 1;
    }
    Ok(changed)
}

/// Which proposals to list.
#[derive(Debug, Clone, Copy, Default, Deserialize, serde::Serialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Mailbox {
    /// Sent and received.
    #[default]
    All,
    Received,
    Sent,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    #[serde(rename = "box")]
    pub mailbox: Mailbox,
    pub status: Option<String>,
}

/// A page of the proposals of `user`'s organization (authorities and administrators: all),
/// newest first, and the cursor of the next page.
pub async fn list(
    db: &DatabaseConnection,
    user: &CurrentUser,
    query: &ListQuery,
    paging: Paging,
    now: DateTime<Utc>,
) -> Result<(Vec<ProposalView>, Option<String>), ApiError> {
    let mut select = proposals::Entity::find()
        .filter(paging.condition(proposals::Column::Id, proposals::Column::UpdatedAt))
        .order_by_desc(proposals::Column::Id)
        .limit(paging.fetch());
    if let Some(status) = query.status.as_deref().filter(|s| !s.is_empty()) {
        let status: ProposalStatus =
            status.parse().map_err(|e| ApiError::Validation(chanjiao_domain::Invalids::single("status", e)))?;
        select = select.filter(proposals::Column::Status.eq(status.as_str()));
    }
    match (user.organization_id(), user.may(Power::OverseeCity), query.mailbox) {
        // The city's authorities and administrators see every proposal unless they ask for
        // their own mailbox.
        (_, true, Mailbox::All) | (None, true, _) => {}
        (Some(org), _, mailbox) => {
            select = match mailbox {
                Mailbox::Received => select.filter(proposals::Column::RecipientOrgId.eq(org)),
                Mailbox::Sent => select.filter(proposals::Column::ProposerOrgId.eq(org)),
                Mailbox::All => select.filter(
                    Condition::any()
                        .add(proposals::Column::RecipientOrgId.eq(org))
                        .add(proposals::Column::ProposerOrgId.eq(org)),
                ),
            };
        }
        (None, false, _) => return Err(ApiError::Forbidden),
    }
    let (rows, next) = paging.cut(select.all(db).await?, |row| row.id);
    Ok((views::proposals(db, user, rows, now).await?, next))
}

/// One proposal with its history.
pub async fn get(
    db: &DatabaseConnection,
    user: &CurrentUser,
    id: i64,
    now: DateTime<Utc>,
) -> Result<ProposalView, ApiError> {
    let row = proposals::Entity::find_by_id(id).one(db).await?.ok_or(ApiError::NotFound)?;
    if !visible(db, &row, user).await? {
        return Err(ApiError::NotFound);
    }
    views::proposal(db, user, row, true, now).await
}
