use chanjiao_domain::posting::CodeKind;
use sea_orm::entity::prelude::*;

use crate::db::Stored;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "posting_codes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub posting_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub code_type: Stored<CodeKind>,
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
