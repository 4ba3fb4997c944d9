use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "round_rankings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub place_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub student_id: i64,
    pub rank: Option<i32>,
    pub interview_score: Option<i32>,
    pub unacceptable: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
