use chanjiao_domain::statistics::targets::{TargetKind, TargetUnit};
use sea_orm::entity::prelude::*;

use crate::db::Stored;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "plan_targets")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub city_code: String,
    pub first_year: i32,
    pub last_year: i32,
    pub target_id: Stored<TargetKind>,
    pub position: i32,
    pub name_zh: String,
    pub name_en: String,
    pub target: f64,
    pub unit: Stored<TargetUnit>,
    pub lead_unit: String,
    pub imported_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
