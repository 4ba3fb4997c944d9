use chanjiao_domain::api_keys::Scope;
use sea_orm::entity::prelude::*;

use crate::db::Stored;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_key_scopes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub api_key_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub scope: Stored<Scope>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
