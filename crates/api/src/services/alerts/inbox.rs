//! The inbox: notices to an organization that every member sees, each with its own read
//! state, and [`notify`], through which every service sends one.

use chanjiao_domain::alerts::DeliveryState;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{OnConflict, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde::Serialize;
use serde_json::{Value, json};

pub use chanjiao_domain::alerts::Topic;

use crate::auth::CurrentUser;
use crate::db::Stored;
use crate::entities::alerts::{notification_reads, notifications, subscriptions, webhook_deliveries};
use crate::error::ApiError;
use crate::services::paging::Paging;

/// Something to tell an organization. `link` is a path on this site (such as
/// `/postings/12`); `data` is what a webhook receiver needs to act without calling back.
#[derive(Debug, Clone)]
pub struct Notice {
    pub organization_id: i64,
    pub topic: Topic,
    pub title_zh: String,
    pub title_en: String,
    pub link: String,
    pub data: Value,
}

/// Writes the notice to the organization's inbox and enqueues a webhook delivery for each of
/// its subscriptions that wants it: topic webhooks that chose the topic, and the subscription
/// named by `data.subscription_id` when it has a webhook. Call it with the transaction of the
/// change the notice is about.
pub async fn notify(db: &impl ConnectionTrait, notice: Notice, now: DateTime<Utc>) -> Result<(), ApiError> {
    let row = notifications::ActiveModel {
        organization_id: Set(notice.organization_id),
        topic: Set(Stored(notice.topic)),
        title_zh: Set(clip(&notice.title_zh, 300)),
        title_en: Set(clip(&notice.title_en, 300)),
        link: Set(clip(&notice.link, 500)),
        data: Set(notice.data.to_string()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let hooks = subscriptions::Entity::find()
        .filter(subscriptions::Column::OrganizationId.eq(notice.organization_id))
        .filter(subscriptions::Column::WebhookUrl.is_not_null())
        .filter(subscriptions::Column::DisabledAt.is_null())
        .all(db)
        .await?;
    let body = json!({
        "notification_id": row.id,
        "organization_id": row.organization_id,
        "topic": notice.topic,
        "title_zh": row.title_zh,
        "title_en": row.title_en,
        "link": row.link,
        "data": notice.data,
        "created_at": row.created_at,
    })
    .to_string();
    let deliveries: Vec<webhook_deliveries::ActiveModel> = hooks
        .iter()
        .filter(|hook| super::subscriptions::wants(hook, notice.topic, &notice.data))
        .map(|hook| webhook_deliveries::ActiveModel {
            subscription_id: Set(hook.id),
            notification_id: Set(Some(row.id)),
            topic: Set(Stored(notice.topic)),
            body: Set(body.clone()),
            state: Set(Stored(DeliveryState::Pending)),
            attempts: Set(0),
            next_attempt_at: Set(now),
            created_at: Set(now),
            ..Default::default()
        })
        .collect();
    if !deliveries.is_empty() {
        webhook_deliveries::Entity::insert_many(deliveries).exec_without_returning(db).await?;
    }
    Ok(())
}

/// At most `max` characters, so a long posting title cannot make a notice fail to insert.
fn clip(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// A notice as its reader sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct InboxItem {
    pub id: i64,
    pub topic: Topic,
    /// The topic, and the title, in the reader's language.
    pub topic_label: &'static str,
    pub title: String,
    pub title_zh: String,
    pub title_en: String,
    pub link: String,
    pub data: Value,
    pub created_at: DateTime<Utc>,
    pub read: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Inbox {
    pub items: Vec<InboxItem>,
    pub unread: u64,
    /// Pass as `cursor` for the next page; null on the last.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

fn unread_filter(organization_id: i64, user_id: i64) -> sea_orm::Condition {
    let read_by_user = Query::select()
        .column(notification_reads::Column::NotificationId)
        .from(notification_reads::Entity)
        .and_where(notification_reads::Column::UserId.eq(user_id))
        .to_owned();
    sea_orm::Condition::all()
        .add(notifications::Column::OrganizationId.eq(organization_id))
        .add(notifications::Column::Id.not_in_subquery(read_by_user))
}

/// How many notices `user` has not read; platform administrators have no inbox.
pub async fn unread_count(db: &impl ConnectionTrait, user: &CurrentUser) -> Result<u64, ApiError> {
    let Some(org) = user.organization_id() else { return Ok(0) };
    Ok(notifications::Entity::find().filter(unread_filter(org, user.person()?)).count(db).await?)
}

/// The newest notices of the user's organization, or only the unread ones.
pub async fn list(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    unread_only: bool,
    lang: &str,
    paging: Paging,
) -> Result<Inbox, ApiError> {
    let Some(org) = user.organization_id() else {
        return Ok(Inbox { items: Vec::new(), unread: 0, next_cursor: None });
    };
    let mut query = notifications::Entity::find()
        .filter(notifications::Column::OrganizationId.eq(org))
        .filter(paging.condition(notifications::Column::Id, notifications::Column::CreatedAt));
    if unread_only {
        query = query.filter(unread_filter(org, user.person()?));
    }
    let rows = query.order_by_desc(notifications::Column::Id).limit(paging.fetch()).all(db).await?;
    let (rows, next_cursor) = paging.cut(rows, |row| row.id);
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let read: std::collections::HashSet<i64> = notification_reads::Entity::find()
        .filter(notification_reads::Column::UserId.eq(user.person()?))
        .filter(notification_reads::Column::NotificationId.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.notification_id)
        .collect();
    let items = rows
        .into_iter()
        .map(|row| {
            let topic: Topic = *row.topic;
            Ok(InboxItem {
                id: row.id,
                topic,
                topic_label: if lang == "en" { topic.en() } else { topic.zh() },
                title: if lang == "en" { row.title_en.clone() } else { row.title_zh.clone() },
                title_zh: row.title_zh,
                title_en: row.title_en,
                link: row.link,
                data: serde_json::from_str(&row.data).unwrap_or(Value::Null),
                created_at: row.created_at,
                read: read.contains(&row.id),
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    Ok(Inbox { items, unread: unread_count(db, user).await?, next_cursor })
}

/// Marks one notice read for `user`; notices of other organizations do not exist for them.
pub async fn mark_read(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    id: i64,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let notice = notifications::Entity::find_by_id(id).one(db).await?.ok_or(ApiError::NotFound)?;
    if user.organization_id() != Some(notice.organization_id) {
        return Err(ApiError::NotFound);
    }
    insert_reads(db, user.person()?, vec![id], now).await
}

/// Marks every notice of the user's organization read for them.
pub async fn mark_all_read(db: &impl ConnectionTrait, user: &CurrentUser, now: DateTime<Utc>) -> Result<(), ApiError> {
    let Some(org) = user.organization_id() else { return Ok(()) };
    let ids: Vec<i64> = notifications::Entity::find()
        .select_only()
        .column(notifications::Column::Id)
        .filter(unread_filter(org, user.person()?))
        .into_tuple()
        .all(db)
        .await?;
    insert_reads(db, user.person()?, ids, now).await
}

/// Read marks, ignoring those already there (marking twice is not an error).
async fn insert_reads(
    db: &impl ConnectionTrait,
    user_id: i64,
    ids: Vec<i64>,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    for chunk in ids.chunks(500) {
        let rows = chunk.iter().map(|id| notification_reads::ActiveModel {
            notification_id: Set(*id),
            user_id: Set(user_id),
            read_at: Set(now),
        });
        notification_reads::Entity::insert_many(rows)
            .on_conflict(
                OnConflict::columns([notification_reads::Column::NotificationId, notification_reads::Column::UserId])
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}
