use chanjiao_domain::booking::BookingStatus;
use sea_orm::entity::prelude::*;

use crate::db::Stored;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "slot_bookings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub slot_id: i64,
    pub organization_id: i64,
    pub booked_by: Option<i64>,
    pub headcount: i32,
    pub purpose: String,
    pub contact: Option<String>,
    /// `confirmed` or `cancelled` (`BookingStatus`).
    pub status: Stored<BookingStatus>,
    pub created_at: DateTimeUtc,
    pub cancelled_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
