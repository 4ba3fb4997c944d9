use chanjiao_domain::rounds::RankingRule;
use sea_orm::entity::prelude::*;

use crate::db::Stored;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "round_places")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub round_id: i64,
    pub posting_id: i64,
    /// The enterprise that owns the posting.
    pub organization_id: i64,
    pub capacity: i32,
    /// `RankingRule`.
    pub ranking_rule: Stored<RankingRule>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
