use sea_orm::entity::prelude::*;

use crate::db::Stored;
use crate::services::imports::{OwnerKind, Phase};

/// An import's progress under the SHA-256 of its token, owned by a user or an API key (see
/// [`crate::services::imports`]).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "import_progress")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub token_hash: String,
    pub owner_kind: Stored<OwnerKind>,
    pub owner_id: i64,
    pub phase: Stored<Phase>,
    pub done: i64,
    pub total: i64,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
