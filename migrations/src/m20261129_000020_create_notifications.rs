use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261129_000001_create_organizations::Organizations;
use crate::m20261129_000002_create_users::Users;
use crate::one_of;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The in-app inbox: one row per notice to an organization, which all its members see, and
/// which of them have read it (read state is per user, so one colleague reading a notice does
/// not hide it from the others).
#[derive(DeriveIden)]
pub(crate) enum Notifications {
    Table,
    Id,
    OrganizationId,
    Topic,
    TitleZh,
    TitleEn,
    Link,
    Data,
    CreatedAt,
}

#[derive(DeriveIden)]
enum NotificationReads {
    Table,
    NotificationId,
    UserId,
    ReadAt,
}

pub(crate) const TOPICS: &[&str] = &[
    "saved_search",
    "new_match",
    "proposal_received",
    "proposal_answered",
    "proposal_reminder",
    "proposal_expired",
    "project_updated",
    "assessment_assigned",
    "booking_changed",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Notifications::Table)
                    .col(big_pk_auto(Notifications::Id))
                    .col(big_integer(Notifications::OrganizationId))
                    .col(string_len(Notifications::Topic, 32).check(one_of(Notifications::Topic, TOPICS)))
                    .col(string_len(Notifications::TitleZh, 300))
                    .col(string_len(Notifications::TitleEn, 300))
                    .col(string_len(Notifications::Link, 500))
                    .col(text(Notifications::Data))
                    .col(timestamp_with_time_zone(Notifications::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_notifications_organization")
                            .from(Notifications::Table, Notifications::OrganizationId)
                            .to(Organizations::Table, Organizations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        crate::create_index(
            manager,
            "idx_notifications_organization",
            Notifications::Table,
            vec![Notifications::OrganizationId, Notifications::Id],
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(NotificationReads::Table)
                    .col(big_integer(NotificationReads::NotificationId))
                    .col(big_integer(NotificationReads::UserId))
                    .col(timestamp_with_time_zone(NotificationReads::ReadAt))
                    .primary_key(Index::create().col(NotificationReads::NotificationId).col(NotificationReads::UserId))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_notification_reads_notification")
                            .from(NotificationReads::Table, NotificationReads::NotificationId)
                            .to(Notifications::Table, Notifications::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_notification_reads_user")
                            .from(NotificationReads::Table, NotificationReads::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        crate::create_index(
            manager,
            "idx_notification_reads_user",
            NotificationReads::Table,
            vec![NotificationReads::UserId, NotificationReads::NotificationId],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(NotificationReads::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Notifications::Table).to_owned()).await
    }
}
