use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261129_000001_create_organizations::Organizations;
use crate::m20261129_000002_create_users::Users;
use crate::m20261129_000030_create_training_slots::TrainingSlots;
use crate::one_of;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Places booked in a training slot by an organization. A cancelled booking stays (with
/// `cancelled_at`) but no longer counts in its slot's `booked`. Deleting a slot, which is only
/// allowed while nothing is booked in it, takes its cancelled bookings with it; the audit log
/// keeps their history.
#[derive(DeriveIden)]
enum SlotBookings {
    Table,
    Id,
    SlotId,
    OrganizationId,
    BookedBy,
    Headcount,
    Purpose,
    Contact,
    Status,
    CreatedAt,
    CancelledAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use SlotBookings::{
            BookedBy, CancelledAt, Contact, CreatedAt, Headcount, Id, OrganizationId, Purpose, SlotId, Status,
        };
        manager
            .create_table(
                Table::create()
                    .table(SlotBookings::Table)
                    .col(big_pk_auto(Id))
                    .col(big_integer(SlotId))
                    .col(big_integer(OrganizationId))
                    .col(big_integer_null(BookedBy))
                    .col(integer(Headcount))
                    .col(text(Purpose))
                    .col(string_len_null(Contact, 200))
                    .col(string_len(Status, 16).check(one_of(Status, &["confirmed", "cancelled"])))
                    .col(timestamp_with_time_zone(CreatedAt))
                    .col(timestamp_with_time_zone_null(CancelledAt))
                    .check(("ck_slot_bookings_headcount", Expr::col(Headcount).gt(0)))
                    // A cancelled booking says when; a confirmed one has not been cancelled.
                    .check((
                        "ck_slot_bookings_cancelled_at",
                        Expr::col(Status)
                            .eq("confirmed")
                            .and(Expr::col(CancelledAt).is_null())
                            .or(Expr::col(Status).eq("cancelled").and(Expr::col(CancelledAt).is_not_null())),
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_slot_bookings_slot")
                            .from(SlotBookings::Table, SlotId)
                            .to(TrainingSlots::Table, TrainingSlots::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_slot_bookings_organization")
                            .from(SlotBookings::Table, OrganizationId)
                            .to(Organizations::Table, Organizations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_slot_bookings_booked_by")
                            .from(SlotBookings::Table, BookedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        crate::create_index(manager, "idx_slot_bookings_slot", SlotBookings::Table, vec![SlotId, Status]).await?;
        crate::create_index(
            manager,
            "idx_slot_bookings_organization",
            SlotBookings::Table,
            vec![OrganizationId, CreatedAt],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(SlotBookings::Table).to_owned()).await
    }
}
