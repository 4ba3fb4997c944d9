use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Who changed what, when. Append-only. `actor_user_id` is empty for the system (the expiry
/// sweep); `changes` is JSON `{field: [before, after]}`.
#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    Id,
    At,
    ActorUserId,
    ActorOrganizationId,
    OnBehalfOf,
    Entity,
    EntityId,
    Action,
    Changes,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AuditEvents::Table)
                    .col(big_pk_auto(AuditEvents::Id))
                    .col(timestamp_with_time_zone(AuditEvents::At))
                    .col(big_integer_null(AuditEvents::ActorUserId))
                    .col(big_integer_null(AuditEvents::ActorOrganizationId))
                    .col(big_integer_null(AuditEvents::OnBehalfOf))
                    .col(string_len(AuditEvents::Entity, 32))
                    .col(big_integer(AuditEvents::EntityId))
                    .col(string_len(AuditEvents::Action, 32))
                    .col(text(AuditEvents::Changes))
                    .to_owned(),
            )
            .await?;
        crate::create_index(
            manager,
            "idx_audit_events_entity",
            AuditEvents::Table,
            vec![AuditEvents::Entity, AuditEvents::EntityId],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(AuditEvents::Table).to_owned()).await
    }
}
