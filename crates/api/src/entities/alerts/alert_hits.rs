use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "alert_hits")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub subscription_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub organization_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub posting_id: i64,
    /// When the posting was published, as RFC 3339 text: republishing is news again.
    #[sea_orm(primary_key, auto_increment = false)]
    pub publication: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
