use chanjiao_domain::alerts::Topic;
use sea_orm::entity::prelude::*;

use crate::db::Stored;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "notifications")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organization_id: i64,
    pub topic: Stored<Topic>,
    pub title_zh: String,
    pub title_en: String,
    pub link: String,
    /// JSON text.
    pub data: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
