use chanjiao_domain::brokering::proposal::{EventKind, ProposalSide};
use sea_orm::entity::prelude::*;

use crate::db::Stored;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "proposal_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub proposal_id: i64,
    pub at: DateTimeUtc,
    pub action: Stored<EventKind>,
    pub side: Option<Stored<ProposalSide>>,
    pub actor_user_id: Option<i64>,
    pub on_behalf_of: Option<i64>,
    pub message: Option<String>,
    pub quantity: Option<i64>,
    pub starts_on: Option<Date>,
    pub ends_on: Option<Date>,
    pub note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
