use chanjiao_domain::SchoolLevel;
use sea_orm::entity::prelude::*;

use crate::db::Stored;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "program_occupations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub program_code: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub occupation_code: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub level: Stored<SchoolLevel>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
