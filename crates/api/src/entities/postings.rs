use chanjiao_domain::{PostingKind, PostingStatus, SchoolLevel, Side};
use sea_orm::entity::prelude::*;

use crate::db::Stored;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "postings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organization_id: i64,
    pub side: Stored<Side>,
    pub kind: Stored<PostingKind>,
    pub status: Stored<PostingStatus>,
    pub title: String,
    pub region_code: String,
    pub starts_on: Option<Date>,
    pub ends_on: Option<Date>,
    pub quantity: Option<i64>,
    pub education_level: Option<Stored<SchoolLevel>>,
    /// The posting as `PostingInput` JSON; parsed again on every read.
    pub details: String,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub published_at: Option<DateTimeUtc>,
    /// People placed through completed projects, against `quantity`.
    pub placed: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
