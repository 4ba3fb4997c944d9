//! The audit log: who changed what and when, appended in the same transaction as the change.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::auth::CurrentUser;
use crate::entities::audit_events;
use crate::error::ApiError;

/// One recorded change, as shown to the owners of the entity.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    /// The acting user's e-mail, `API key <name>` when an organization's API key acted, or
    /// `None` for the system (such as the expiry sweep).
    #[schema(required = true)]
    pub actor: Option<String>,
    /// The API key that acted, when one did (no user acted then).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor_api_key: Option<KeyActor>,
    /// The acting user's organization (an intermediary, when it acted for a client).
    #[schema(required = true)]
    pub actor_organization_id: Option<i64>,
    /// The client an intermediary acted for.
    #[schema(required = true)]
    pub on_behalf_of: Option<i64>,
    pub action: String,
    pub changes: Changes,
}

/// An API key named in the audit trail. Pages render it as "API key <name>" / "API 密钥 <name>".
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct KeyActor {
    pub id: i64,
    pub name: String,
}

/// What an event changed: each field with its value before and after, `{"field": [old, new]}`.
/// Fields are the posting's own, so their values are whatever the posting stores; a page shows
/// which fields changed ([`Changes::fields`]), the API the whole record.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
#[serde(transparent)]
#[schema(value_type = Object)]
pub struct Changes(Map<String, Value>);

impl Changes {
    /// The changed fields' names, in order.
    pub fn fields(&self) -> Vec<&str> {
        self.0.keys().map(String::as_str).collect()
    }
}

/// Appends an event at `at` (the caller's "now", from the application's clock). `actor` is
/// `None` when the system acts on its own.
pub async fn record(
    db: &impl ConnectionTrait,
    actor: Option<&CurrentUser>,
    at: DateTime<Utc>,
    entity: &str,
    entity_id: i64,
    action: &str,
    changes: Value,
) -> Result<(), ApiError> {
    event(actor, at, entity, entity_id, action, changes).insert(db).await?;
    Ok(())
}

/// An event row, for callers that insert many at once.
pub fn event(
    actor: Option<&CurrentUser>,
    at: DateTime<Utc>,
    entity: &str,
    entity_id: i64,
    action: &str,
    changes: Value,
) -> audit_events::ActiveModel {
    audit_events::ActiveModel {
        at: Set(at),
        // A key acts as its organization: the row names the key and no user.
        actor_user_id: Set(actor.and_then(|u| u.user_id)),
        actor_api_key_id: Set(actor.and_then(|u| u.api_key.as_ref()).map(|k| k.id)),
        // An intermediary acting for a client is the actor, on the client's behalf.
        actor_organization_id: Set(actor.and_then(|u| u.home_organization()).map(|o| o.id)),
        on_behalf_of: Set(actor.filter(|u| u.intermediary.is_some()).and_then(CurrentUser::organization_id)),
        entity: Set(entity.to_owned()),
        entity_id: Set(entity_id),
        action: Set(action.to_owned()),
        changes: Set(changes.to_string()),
        ..Default::default()
    }
}

/// The fields that differ between two JSON objects, as `{field: [before, after]}`.
pub fn diff(before: &Value, after: &Value) -> Value {
    let empty = Map::new();
    let before = before.as_object().unwrap_or(&empty);
    let after = after.as_object().unwrap_or(&empty);
    let mut changes = Map::new();
    for key in before.keys().chain(after.keys()) {
        let (old, new) = (before.get(key).unwrap_or(&Value::Null), after.get(key).unwrap_or(&Value::Null));
        if old != new && !changes.contains_key(key) {
            changes.insert(key.clone(), Value::Array(vec![old.clone(), new.clone()]));
        }
    }
    Value::Object(changes)
}

pub async fn for_entity(db: &impl ConnectionTrait, entity: &str, entity_id: i64) -> Result<Vec<AuditEntry>, ApiError> {
    use crate::entities::users;
    let events = audit_events::Entity::find()
        .filter(audit_events::Column::Entity.eq(entity))
        .filter(audit_events::Column::EntityId.eq(entity_id))
        .order_by_asc(audit_events::Column::Id)
        .all(db)
        .await?;
    let user_ids: Vec<i64> = events.iter().filter_map(|e| e.actor_user_id).collect();
    let emails: std::collections::HashMap<i64, String> = users::Entity::find()
        .filter(users::Column::Id.is_in(user_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.email))
        .collect();
    let keys = crate::services::api_keys::names(db, events.iter().filter_map(|e| e.actor_api_key_id).collect()).await?;
    Ok(events
        .into_iter()
        .map(|e| {
            let key = e.actor_api_key_id.map(|id| KeyActor { id, name: keys.get(&id).cloned().unwrap_or_default() });
            AuditEntry {
                at: e.at,
                actor: match &key {
                    Some(key) => Some(format!("API key {}", key.name)),
                    None => e.actor_user_id.and_then(|id| emails.get(&id).cloned()),
                },
                actor_api_key: key,
                actor_organization_id: e.actor_organization_id,
                on_behalf_of: e.on_behalf_of,
                action: e.action,
                changes: Changes(serde_json::from_str(&e.changes).unwrap_or_default()),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn diff_lists_only_changed_fields() {
        let before = json!({"title": "数控车工", "quantity": 10, "region": "330603"});
        let after = json!({"title": "数控车工", "quantity": 12, "region": "330602", "skills": ["CNC"]});
        assert_eq!(
            super::diff(&before, &after),
            json!({"quantity": [10, 12], "region": ["330603", "330602"], "skills": [null, ["CNC"]]})
        );
    }
}
