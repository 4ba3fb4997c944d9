use chanjiao_domain::throttle::ThrottleScope;
use sea_orm::entity::prelude::*;

use crate::db::Stored;

/// A throttle counter; `scope` holds a [`chanjiao_domain::throttle::ThrottleScope`], and an
/// empty `email` or `client` means "any".
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "login_throttles")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub scope: Stored<ThrottleScope>,
    pub email: String,
    pub client: String,
    pub failures: i32,
    pub last_failure_at: DateTimeUtc,
    pub revision: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
