use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "subscription_shares")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub subscription_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub organization_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
