use chanjiao_domain::brokering::{ProjectStatus, ProjectType};
use sea_orm::entity::prelude::*;

use crate::db::Stored;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "projects")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub proposal_id: i64,
    pub project_type: Stored<ProjectType>,
    pub status: Stored<ProjectStatus>,
    pub title: String,
    pub proposer_org_id: i64,
    pub recipient_org_id: i64,
    pub proposer_posting_id: i64,
    pub recipient_posting_id: i64,
    pub broker_org_id: Option<i64>,
    pub quantity: Option<i64>,
    pub starts_on: Option<Date>,
    pub ends_on: Option<Date>,
    pub placed: Option<i32>,
    pub hired: Option<i32>,
    pub retained6m: Option<i32>,
    pub retained12m: Option<i32>,
    pub certificates: Option<i32>,
    pub practice_hours: Option<i32>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub started_at: Option<DateTimeUtc>,
    pub completed_at: Option<DateTimeUtc>,
    pub cancelled_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
