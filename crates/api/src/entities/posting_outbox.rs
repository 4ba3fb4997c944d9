use chanjiao_domain::posting::PostingChange;
use sea_orm::entity::prelude::*;

use crate::db::Stored;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "posting_outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub seq: i64,
    pub posting_id: i64,
    pub op: String,
    pub created_at: DateTimeUtc,
    /// What the write did; rows from before the change feed have none (read as `updated`).
    pub change: Option<Stored<PostingChange>>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
