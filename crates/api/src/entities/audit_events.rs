use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub at: DateTimeUtc,
    pub actor_user_id: Option<i64>,
    pub actor_organization_id: Option<i64>,
    pub on_behalf_of: Option<i64>,
    /// The API key that acted (then `actor_user_id` is null).
    pub actor_api_key_id: Option<i64>,
    pub entity: String,
    pub entity_id: i64,
    pub action: String,
    pub changes: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
