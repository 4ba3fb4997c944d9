use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "round_results")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub student_id: i64,
    pub place_id: Option<i64>,
    pub choice: Option<i32>,
    pub explanation_zh: String,
    pub explanation_en: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
