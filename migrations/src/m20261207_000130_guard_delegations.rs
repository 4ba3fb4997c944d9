use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Subscriptions {
    Table,
    CreatedByIntermediaryId,
    DisabledAt,
}

/// One active grant per (client, intermediary) pair, enforced by the database so that two
/// concurrent grants cannot both succeed; and, on subscriptions, which intermediary set one up
/// on a client's behalf and when it was disabled, so revoking the grant can switch off exactly
/// what the delegate made.
///
/// Grants that are already duplicated (the race this closes) keep the oldest active one; the
/// others are marked revoked at the moment they were granted. Subscriptions made before this
/// migration are attributed from their creator: a creator whose own organization is not the
/// subscription's was acting for a client.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(
            "UPDATE delegations SET revoked_at = granted_at \
             WHERE revoked_at IS NULL AND EXISTS (SELECT 1 FROM delegations older \
               WHERE older.organization_id = delegations.organization_id \
               AND older.intermediary_id = delegations.intermediary_id \
               AND older.revoked_at IS NULL AND older.id < delegations.id)",
        )
        .await?;
        db.execute_unprepared(
            "CREATE UNIQUE INDEX uq_delegations_active_pair ON delegations (organization_id, intermediary_id) \
             WHERE revoked_at IS NULL",
        )
        .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Subscriptions::Table)
                    .add_column(big_integer_null(Subscriptions::CreatedByIntermediaryId))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Subscriptions::Table)
                    .add_column(timestamp_with_time_zone_null(Subscriptions::DisabledAt))
                    .to_owned(),
            )
            .await?;
        db.execute_unprepared(
            "UPDATE subscriptions SET created_by_intermediary_id = \
               (SELECT users.organization_id FROM users WHERE users.id = subscriptions.created_by) \
             WHERE EXISTS (SELECT 1 FROM users WHERE users.id = subscriptions.created_by \
               AND users.organization_id IS NOT NULL \
               AND users.organization_id <> subscriptions.organization_id)",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Subscriptions::DisabledAt, Subscriptions::CreatedByIntermediaryId] {
            manager.alter_table(Table::alter().table(Subscriptions::Table).drop_column(column).to_owned()).await?;
        }
        manager.get_connection().execute_unprepared("DROP INDEX uq_delegations_active_pair").await?;
        Ok(())
    }
}
