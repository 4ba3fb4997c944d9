use chanjiao_domain::alerts::SubscriptionKind;
use sea_orm::entity::prelude::*;

use crate::db::Stored;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "subscriptions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organization_id: i64,
    pub kind: Stored<SubscriptionKind>,
    pub name: String,
    /// For saved searches: the search page's query string.
    pub query: Option<String>,
    pub posting_id: Option<i64>,
    pub min_score: Option<f64>,
    /// For webhook subscriptions: topic names, comma-separated.
    pub topics: Option<String>,
    pub webhook_url: Option<String>,
    pub webhook_secret: Option<String>,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    /// The intermediary whose member set the subscription up acting for the organization, if
    /// one did: revoking that grant disables it.
    pub created_by_intermediary_id: Option<i64>,
    /// When it was switched off (its grant was revoked); a disabled subscription produces no
    /// notices and no webhook deliveries.
    pub disabled_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
