use chanjiao_domain::{OrgKind, RegionCode, SchoolLevel, Verification};
use sea_orm::entity::prelude::*;

use crate::db::Stored;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organizations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: Stored<OrgKind>,
    pub name: String,
    pub region_code: Stored<RegionCode>,
    pub credit_code: Option<String>,
    pub school_level: Option<Stored<SchoolLevel>>,
    pub verification: Stored<Verification>,
    pub created_at: DateTimeUtc,
    pub verified_at: Option<DateTimeUtc>,
    /// A new name a verified organization asked for, shown nowhere as its name until a
    /// platform administrator approves it (migration m20261207_000100).
    pub requested_name: Option<String>,
    /// A new region asked for, likewise.
    pub requested_region_code: Option<Stored<RegionCode>>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
