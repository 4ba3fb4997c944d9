use chanjiao_domain::allocation::Mechanism;
use chanjiao_domain::rounds::Phase;
use sea_orm::entity::prelude::*;

use crate::db::Stored;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rounds")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    pub organizer_org_id: i64,
    pub parent_round_id: Option<i64>,
    /// `Phase`.
    pub phase: Stored<Phase>,
    /// `Mechanism`.
    pub mechanism: Stored<Mechanism>,
    pub seed: i64,
    pub preference_deadline: DateTimeUtc,
    pub response_deadline: Option<DateTimeUtc>,
    /// The aggregate report of the last run, as JSON.
    pub report: Option<String>,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub run_at: Option<DateTimeUtc>,
    pub published_at: Option<DateTimeUtc>,
    pub closed_at: Option<DateTimeUtc>,
    pub personal_data_deleted_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
