//! Creating, editing and moving postings through their lifecycle, and the expiry sweep.

use chanjiao_domain::Text;
use chanjiao_domain::access::Power;
use chanjiao_domain::posting::CodeKind;
use chanjiao_domain::posting::{Action, Actor, Context, NewPosting, PostingChange, PostingInput, PostingStatus, Side};
use chanjiao_domain::{Invalid, Invalids};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QuerySelect,
};
use serde_json::Value;

use super::outbox::{self, outbox_row};
use super::{Posting, from_row, with_org_names};
use crate::auth::CurrentUser;
use crate::db::Stored;
use crate::entities::{posting_codes, posting_outbox, postings};
use crate::error::ApiError;
use crate::services::audit;
use crate::services::statistics::facts;

/// What creating a posting needs besides its fields.
pub struct Create {
    pub input: PostingInput,
    /// Publish at once (the organization must be verified) instead of saving a draft.
    pub publish: bool,
}

/// The side the user's organization posts on; intermediaries and authorities post nothing of
/// their own.
fn side_of(user: &CurrentUser) -> Result<Side, ApiError> {
    let org = user.organization.as_ref().ok_or(ApiError::Forbidden)?;
    Side::of(org.kind).ok_or(ApiError::Forbidden)
}

fn require_verified(user: &CurrentUser) -> Result<(), ApiError> {
    user.require(Power::PublishPostings)
}

fn details_of(posting: &NewPosting) -> Result<Value, ApiError> {
    serde_json::to_value(posting.to_input()).map_err(|e| ApiError::Internal(format!("serialising a posting: {e}")))
}

pub async fn create(
    db: &DatabaseConnection,
    user: &CurrentUser,
    request: Create,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Posting, ApiError> {
    let posting = NewPosting::parse_for_side(&request.input, side_of(user)?)?;
    let txn = crate::db::begin_write(db).await?;
    let created = insert(&txn, user, &posting, request.publish, today, now).await?;
    txn.commit().await?;
    Ok(created)
}

/// Inserts one parsed posting with its codes, outbox entry and audit event, inside the caller's
/// transaction.
pub async fn insert(
    txn: &impl ConnectionTrait,
    user: &CurrentUser,
    posting: &NewPosting,
    publish: bool,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Posting, ApiError> {
    let org = user.organization.as_ref().ok_or(ApiError::Forbidden)?;
    let row = insert_many(txn, user, &[(posting, publish)], today, &mut |_| {}, now)
        .await?
        .pop()
        .ok_or(ApiError::NotFound)?;
    from_row(row, org.name.clone())
}

/// Inserts many postings inside the caller's transaction (imports insert thousands in one), in
/// multi-row statements: the postings, then their codes, outbox entries and audit events.
/// `progress` is told how many postings are in.
pub async fn insert_many(
    txn: &impl ConnectionTrait,
    user: &CurrentUser,
    items: &[(&NewPosting, bool)],
    today: NaiveDate,
    progress: &mut (dyn FnMut(usize) + Send),
    now: DateTime<Utc>,
) -> Result<Vec<postings::Model>, ApiError> {
    let org = user.organization.as_ref().ok_or(ApiError::Forbidden)?;
    let mut prepared = Vec::with_capacity(items.len());
    for (posting, publish) in items {
        let status = if *publish {
            require_verified(user)?;
            let context = Context { actor: Actor::User(user.role), today, ends_on: posting.window.ends_on() };
            PostingStatus::Draft.apply(Action::Publish, &context).map_err(ApiError::Transition)?
        } else {
            PostingStatus::Draft
        };
        prepared.push(row_model(org.id, posting, status, user.user_id, now)?);
    }
    let mut rows: Vec<postings::Model> = Vec::with_capacity(items.len());
    // 400 rows × 15 columns stays under SQLite's and PostgreSQL's bound-parameter limits.
    for chunk in prepared.chunks(400) {
        let models: Vec<postings::ActiveModel> = chunk.iter().map(|(model, _)| model.clone()).collect();
        let inserted = postings::Entity::insert_many(models).exec_with_returning(txn).await?;
        // RETURNING gives rows in VALUES order on both databases in practice, but neither
        // promises it; codes and audit events are keyed by the returned ids, so check.
        let in_order = inserted.len() == chunk.len()
            && inserted.iter().zip(chunk).all(|(row, (model, _))| &row.details == model.details.as_ref());
        if !in_order {
            return Err(ApiError::Internal("inserted postings came back in another order".into()));
        }
        rows.extend(inserted);
        progress(rows.len());
    }
    let mut codes = Vec::new();
    let mut outbox_rows = Vec::with_capacity(rows.len());
    let mut events = Vec::with_capacity(rows.len());
    for (row, ((posting, _), (_, details))) in rows.iter().zip(items.iter().zip(&prepared)) {
        codes.extend(code_rows(row.id, posting));
        outbox_rows.push(outbox_row(row.id, PostingChange::Created, now));
        let mut changes = details.clone();
        changes["status"] = Value::String(row.status.as_str().to_owned());
        events.push(audit::event(Some(user), now, "posting", row.id, "create", changes));
    }
    for chunk in codes.chunks(1000) {
        posting_codes::Entity::insert_many(chunk.to_vec()).exec(txn).await?;
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    facts::refresh(txn, &ids).await?;
    for chunk in outbox_rows.chunks(1000) {
        posting_outbox::Entity::insert_many(chunk.to_vec()).exec(txn).await?;
    }
    for chunk in events.chunks(500) {
        crate::entities::audit_events::Entity::insert_many(chunk.to_vec()).exec(txn).await?;
    }
    progress(items.len());
    Ok(rows)
}

/// The row for a posting (without its id: the database assigns it), and its details as stored.
pub fn row_model(
    organization_id: i64,
    posting: &NewPosting,
    status: PostingStatus,
    created_by: Option<i64>,
    at: chrono::DateTime<Utc>,
) -> Result<(postings::ActiveModel, Value), ApiError> {
    let details = details_of(posting)?;
    let model = postings::ActiveModel {
        organization_id: Set(organization_id),
        side: Set(Stored(posting.side())),
        kind: Set(Stored(posting.kind)),
        status: Set(Stored(status)),
        title: Set(posting.title.as_str().to_owned()),
        region_code: Set(posting.region.as_str().to_owned()),
        starts_on: Set(posting.window.starts_on()),
        ends_on: Set(posting.window.ends_on()),
        quantity: Set(posting.quantity.map(|q| i64::from(q.get()))),
        education_level: Set(posting.education_level.map(Stored)),
        details: Set(details.to_string()),
        created_by: Set(created_by),
        created_at: Set(at),
        updated_at: Set(at),
        published_at: Set((status != PostingStatus::Draft).then_some(at)),
        ..Default::default()
    };
    Ok((model, details))
}

/// A posting as it stood in the past, for demonstration data and migrations from other systems:
/// the status and creation time are given rather than derived. Recorded as done by the system.
pub async fn insert_historical(
    txn: &impl ConnectionTrait,
    organization_id: i64,
    posting: &NewPosting,
    status: PostingStatus,
    created_at: chrono::DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<postings::Model, ApiError> {
    let (model, details) = row_model(organization_id, posting, status, None, created_at)?;
    let row = model.insert(txn).await?;
    let codes = code_rows(row.id, posting);
    if !codes.is_empty() {
        posting_codes::Entity::insert_many(codes).exec(txn).await?;
    }
    facts::refresh(txn, &[row.id]).await?;
    outbox_row(row.id, PostingChange::Created, now).insert(txn).await?;
    let mut changes = details;
    changes["status"] = Value::String(status.as_str().to_owned());
    audit::event(None, now, "posting", row.id, "create", changes).insert(txn).await?;
    Ok(row)
}

/// The code rows (programs, occupations, clusters) of a posting.
pub fn code_rows(posting_id: i64, posting: &NewPosting) -> Vec<posting_codes::ActiveModel> {
    let codes = posting
        .program_codes
        .iter()
        .map(|c| (CodeKind::Program, c.as_str().to_owned()))
        .chain(posting.occupation_codes.iter().map(|c| (CodeKind::Occupation, c.as_str().to_owned())))
        .chain(posting.industry_clusters.iter().map(|c| (CodeKind::Cluster, c.as_str().to_owned())));
    codes
        .map(|(code_type, code)| posting_codes::ActiveModel {
            posting_id: Set(posting_id),
            code_type: Set(Stored(code_type)),
            code: Set(code),
        })
        .collect()
}

/// Replaces a posting's code rows with those it now carries.
async fn write_codes(txn: &impl ConnectionTrait, posting_id: i64, posting: &NewPosting) -> Result<(), ApiError> {
    posting_codes::Entity::delete_many().filter(posting_codes::Column::PostingId.eq(posting_id)).exec(txn).await?;
    let rows = code_rows(posting_id, posting);
    if !rows.is_empty() {
        posting_codes::Entity::insert_many(rows).exec(txn).await?;
    }
    Ok(())
}

/// The posting `user` changes, read and locked inside the write's transaction (`FOR UPDATE` on
/// PostgreSQL; SQLite's write transaction already excludes other writers), so that the version
/// checked and merged over is the one written over: 404 if they cannot see it, 403 if it is
/// not theirs.
async fn locked(txn: &impl ConnectionTrait, user: &CurrentUser, id: i64) -> Result<Posting, ApiError> {
    let row = postings::Entity::find_by_id(id).lock_exclusive().one(txn).await?.ok_or(ApiError::NotFound)?;
    let posting = with_org_names(txn, vec![row]).await?.pop().ok_or(ApiError::NotFound)?;
    if !posting.visible_to(user) {
        return Err(ApiError::NotFound);
    }
    if !posting.owned_by(user) {
        return Err(ApiError::Forbidden);
    }
    Ok(posting)
}

/// Refuses a change made against another version than the current one: `expected` is the
/// client's `If-Match`, compared with the entity tag of the posting as the API shows it.
fn check_version(current: &Posting, expected: Option<&str>) -> Result<(), ApiError> {
    let Some(expected) = expected else { return Ok(()) };
    let shown = serde_json::to_vec(current).map_err(|e| ApiError::Internal(format!("serialising a posting: {e}")))?;
    if crate::integration::conditional::matches(expected, &shown) { Ok(()) } else { Err(ApiError::PreconditionFailed) }
}

/// Applies a JSON merge of `patch` over the posting's fields. The kind cannot change.
/// `expected` is the version the client edited (`If-Match`), if it named one.
pub async fn update(
    db: &DatabaseConnection,
    user: &CurrentUser,
    id: i64,
    patch: Value,
    expected: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Posting, ApiError> {
    let Value::Object(patch) = patch else {
        return Err(ApiError::BadRequest("the body must be a JSON object".into()));
    };
    let txn = crate::db::begin_write(db).await?;
    let current = locked(&txn, user, id).await?;
    check_version(&current, expected)?;
    let before = details_of(&current.posting)?;
    let mut merged = before.clone();
    for (key, value) in patch {
        merged[key] = value;
    }
    let input: PostingInput =
        serde_json::from_value(merged).map_err(|e| ApiError::BadRequest(format!("invalid posting fields: {e}")))?;
    if input.kind.trim() != current.posting.kind.as_str() {
        return Err(Invalids::single(
            "kind",
            Invalid::NotAllowed(Text::new("the kind of a posting cannot change", "发布类型不能修改")),
        )
        .into());
    }
    let posting = NewPosting::parse_for_side(&input, current.side)?;
    let after = details_of(&posting)?;
    let changes = audit::diff(&before, &after);
    if changes.as_object().is_some_and(|c| c.is_empty()) {
        return Ok(current);
    }
    let row = postings::Entity::find_by_id(id).one(&txn).await?.ok_or(ApiError::NotFound)?;
    let mut active: postings::ActiveModel = row.into();
    active.title = Set(posting.title.as_str().to_owned());
    active.region_code = Set(posting.region.as_str().to_owned());
    active.starts_on = Set(posting.window.starts_on());
    active.ends_on = Set(posting.window.ends_on());
    active.quantity = Set(posting.quantity.map(|q| i64::from(q.get())));
    active.education_level = Set(posting.education_level.map(Stored));
    active.details = Set(after.to_string());
    active.updated_at = Set(now);
    let row = active.update(&txn).await?;
    write_codes(&txn, id, &posting).await?;
    facts::refresh(&txn, &[id]).await?;
    outbox::enqueue(&txn, id, PostingChange::Updated, now).await?;
    audit::record(&txn, Some(user), now, "posting", id, "update", changes).await?;
    txn.commit().await?;
    from_row(row, current.organization_name)
}

/// Moves a posting through its lifecycle on behalf of a member of its organization. `expected`
/// is the version the client acted on (`If-Match`), if it named one.
pub async fn transition(
    db: &DatabaseConnection,
    user: &CurrentUser,
    id: i64,
    action: Action,
    expected: Option<&str>,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Posting, ApiError> {
    let txn = crate::db::begin_write(db).await?;
    let current = locked(&txn, user, id).await?;
    check_version(&current, expected)?;
    if matches!(action, Action::Publish | Action::Resume) {
        require_verified(user)?;
    }
    let context = Context { actor: Actor::User(user.role), today, ends_on: current.posting.window.ends_on() };
    let next = current.status.apply(action, &context).map_err(ApiError::Transition)?;
    let row = set_status(&txn, id, next, PostingChange::of(action), now).await?;
    let changes = serde_json::json!({ "status": [current.status.as_str(), next.as_str()] });
    audit::record(&txn, Some(user), now, "posting", id, action.as_str(), changes).await?;
    txn.commit().await?;
    from_row(row, current.organization_name)
}

async fn set_status(
    txn: &impl ConnectionTrait,
    id: i64,
    status: PostingStatus,
    change: PostingChange,
    now: DateTime<Utc>,
) -> Result<postings::Model, ApiError> {
    let row = postings::Entity::find_by_id(id).one(txn).await?.ok_or(ApiError::NotFound)?;
    let mut active: postings::ActiveModel = row.into();
    active.status = Set(Stored(status));
    active.updated_at = Set(now);
    if status == PostingStatus::Published {
        active.published_at = Set(Some(now));
    }
    let row = active.update(txn).await?;
    // Publishing a draft makes it count in the statistics.
    facts::refresh(txn, &[id]).await?;
    outbox::enqueue(txn, id, change, now).await?;
    Ok(row)
}

/// Expires every published or paused posting whose end date has passed. Returns how many.
pub async fn expire_due(db: &DatabaseConnection, today: NaiveDate, now: DateTime<Utc>) -> Result<usize, ApiError> {
    let due = postings::Entity::find()
        .filter(postings::Column::Status.is_in([PostingStatus::Published.as_str(), PostingStatus::Paused.as_str()]))
        .filter(postings::Column::EndsOn.lt(today))
        .all(db)
        .await?;
    let mut expired = 0;
    for row in due {
        let status: PostingStatus = *row.status;
        if !status.is_due_to_expire(row.ends_on, today) {
            continue;
        }
        let txn = crate::db::begin_write(db).await?;
        set_status(&txn, row.id, PostingStatus::Expired, PostingChange::Expired, now).await?;
        let changes = serde_json::json!({ "status": [status.as_str(), "expired"] });
        audit::record(&txn, None, now, "posting", row.id, "expire", changes).await?;
        txn.commit().await?;
        expired += 1;
    }
    Ok(expired)
}

/// Counts `people` placed through a completed project against the posting's quantity, inside
/// the caller's transaction. A posting whose quantity is reached is marked filled (from
/// published or paused), which takes it out of search and matching.
pub(crate) async fn record_placements(
    txn: &impl ConnectionTrait,
    user: &CurrentUser,
    id: i64,
    people: u32,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let row = postings::Entity::find_by_id(id).one(txn).await?.ok_or(ApiError::NotFound)?;
    let placed = row.placed.saturating_add(i32::try_from(people).unwrap_or(i32::MAX));
    let status: PostingStatus = *row.status;
    let full = row.quantity.is_some_and(|quantity| i64::from(placed) >= quantity);
    let fills = full && matches!(status, PostingStatus::Published | PostingStatus::Paused);
    let mut active: postings::ActiveModel = row.into();
    active.placed = Set(placed);
    active.updated_at = Set(now);
    if fills {
        active.status = Set(Stored(PostingStatus::Filled));
    }
    active.update(txn).await?;
    let mut changes = serde_json::json!({ "placed": placed });
    if fills {
        facts::refresh(txn, &[id]).await?;
        changes["status"] = serde_json::json!([status.as_str(), PostingStatus::Filled.as_str()]);
        outbox::enqueue(txn, id, PostingChange::Filled, now).await?;
    }
    audit::record(txn, Some(user), now, "posting", id, "placements", changes).await
}
