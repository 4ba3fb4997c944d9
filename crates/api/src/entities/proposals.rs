use chanjiao_domain::brokering::proposal::{DeclineReason, ProposalSide, ProposalStatus};
use sea_orm::entity::prelude::*;

use crate::db::Stored;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "proposals")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub proposer_org_id: i64,
    pub recipient_org_id: i64,
    pub proposer_posting_id: i64,
    pub recipient_posting_id: i64,
    pub status: Stored<ProposalStatus>,
    pub awaiting: Stored<ProposalSide>,
    pub round: i32,
    pub deadline: DateTimeUtc,
    pub reminded: bool,
    pub message: String,
    pub quantity: Option<i64>,
    pub starts_on: Option<Date>,
    pub ends_on: Option<Date>,
    pub decline_reason: Option<Stored<DeclineReason>>,
    pub decline_note: Option<String>,
    pub created_by: Option<i64>,
    pub on_behalf_of: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
