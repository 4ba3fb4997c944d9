use sea_orm::entity::prelude::*;

use crate::db::Stored;
use crate::jobs::Job;

/// A periodic job's claim on the cluster: due when `due_at` has passed, last claimed by
/// `holder` (a node id), and what its runs came to (see [`crate::jobs`]).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "periodic_jobs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub name: Stored<Job>,
    pub due_at: DateTimeUtc,
    pub holder: Option<String>,
    pub runs: i64,
    pub last_started_at: Option<DateTimeUtc>,
    pub last_finished_at: Option<DateTimeUtc>,
    pub last_error: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
