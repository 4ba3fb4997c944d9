use chanjiao_domain::statistics::targets::DesignationType;
use sea_orm::entity::prelude::*;

use crate::db::Stored;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "designations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub designation_type: Stored<DesignationType>,
    pub organization_id: Option<i64>,
    pub organization_name: String,
    pub region_code: String,
    pub year: i32,
    pub issuing_body: String,
    pub document_number: Option<String>,
    pub evidence_url: Option<String>,
    pub note: Option<String>,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub revoked_by: Option<i64>,
    pub revoked_at: Option<DateTimeUtc>,
    pub revoke_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
