use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261129_000005_create_postings::Postings;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The time slots a training base publishes, with how many places each has (`capacity`) and
/// how many are taken (`booked`). `booked` is kept on the slot, not summed from bookings, so a
/// booking can claim places with one conditional UPDATE; the CHECK constraints make the database
/// itself refuse an overbooked or negative count, whatever the code above it does.
#[derive(DeriveIden)]
pub(crate) enum TrainingSlots {
    Table,
    Id,
    PostingId,
    StartsAt,
    EndsAt,
    Capacity,
    Booked,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use TrainingSlots::{Booked, Capacity, CreatedAt, EndsAt, Id, PostingId, StartsAt};
        manager
            .create_table(
                Table::create()
                    .table(TrainingSlots::Table)
                    .col(big_pk_auto(Id))
                    .col(big_integer(PostingId))
                    .col(timestamp_with_time_zone(StartsAt))
                    .col(timestamp_with_time_zone(EndsAt))
                    .col(integer(Capacity))
                    .col(integer(Booked).default(0))
                    .col(timestamp_with_time_zone(CreatedAt))
                    .check(("ck_training_slots_capacity", Expr::col(Capacity).gt(0)))
                    .check(("ck_training_slots_booked_min", Expr::col(Booked).gte(0)))
                    .check(("ck_training_slots_booked_max", Expr::col(Booked).lte(Expr::col(Capacity))))
                    .check(("ck_training_slots_times", Expr::col(EndsAt).gt(Expr::col(StartsAt))))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_training_slots_posting")
                            .from(TrainingSlots::Table, PostingId)
                            .to(Postings::Table, Postings::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // One base cannot publish the same period twice; it raises the capacity instead.
        manager
            .create_index(
                Index::create()
                    .name("uq_training_slots_posting_time")
                    .table(TrainingSlots::Table)
                    .col(PostingId)
                    .col(StartsAt)
                    .col(EndsAt)
                    .unique()
                    .to_owned(),
            )
            .await?;
        crate::create_index(manager, "idx_training_slots_starts_at", TrainingSlots::Table, vec![StartsAt]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(TrainingSlots::Table).to_owned()).await
    }
}
