use chanjiao_domain::SchoolLevel;
use chanjiao_domain::rounds::Response;
use sea_orm::entity::prelude::*;

use crate::db::Stored;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "round_students")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub round_id: i64,
    pub school_id: i64,
    pub pseudonym: String,
    pub program_code: String,
    /// `SchoolLevel`.
    pub level: Stored<SchoolLevel>,
    pub consent_at: DateTimeUtc,
    /// `Response`.
    pub response: Stored<Response>,
    pub responded_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
