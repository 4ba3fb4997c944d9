use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261129_000001_create_organizations::Organizations;
use crate::m20261129_000002_create_users::Users;
use crate::m20261129_000005_create_postings::Postings;
use crate::one_of;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// What organizations want to hear about: saved searches (a search page's query string),
/// new matches of one of their postings above a score, and webhooks for chosen topics. Any of
/// them may carry a webhook URL with the secret its deliveries are signed with.
#[derive(DeriveIden)]
pub(crate) enum Subscriptions {
    Table,
    Id,
    OrganizationId,
    Kind,
    Name,
    Query,
    PostingId,
    MinScore,
    Topics,
    WebhookUrl,
    WebhookSecret,
    CreatedBy,
    CreatedAt,
}

/// Saved searches an organization (typically an intermediary) shares with others, who see
/// them read-only and are told of their new results too.
#[derive(DeriveIden)]
enum SubscriptionShares {
    Table,
    SubscriptionId,
    OrganizationId,
}

/// Which publications of which postings a subscription has already told an organization
/// about, so edits of a published posting do not notify again (republishing does).
#[derive(DeriveIden)]
enum AlertHits {
    Table,
    SubscriptionId,
    OrganizationId,
    PostingId,
    Publication,
}

/// How far the alert processor has read the posting outbox: one row, advanced in the same
/// transaction as the notices it produced, so a restart neither repeats nor skips.
#[derive(DeriveIden)]
enum AlertCursor {
    Table,
    Id,
    LastSeq,
}

#[derive(DeriveIden)]
enum PostingOutbox {
    Table,
    Seq,
}

fn cascade(
    name: &str,
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
) -> ForeignKeyCreateStatement {
    ForeignKey::create().name(name).from(from.0, from.1).to(to.0, to.1).on_delete(ForeignKeyAction::Cascade).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Subscriptions::Table)
                    .col(big_pk_auto(Subscriptions::Id))
                    .col(big_integer(Subscriptions::OrganizationId))
                    .col(
                        string_len(Subscriptions::Kind, 16)
                            .check(one_of(Subscriptions::Kind, &["saved_search", "new_match", "webhook"])),
                    )
                    .col(string_len(Subscriptions::Name, 200))
                    .col(text_null(Subscriptions::Query))
                    .col(big_integer_null(Subscriptions::PostingId))
                    .col(double_null(Subscriptions::MinScore))
                    .col(text_null(Subscriptions::Topics))
                    .col(string_len_null(Subscriptions::WebhookUrl, 2000))
                    .col(string_len_null(Subscriptions::WebhookSecret, 128))
                    .col(big_integer_null(Subscriptions::CreatedBy))
                    .col(timestamp_with_time_zone(Subscriptions::CreatedAt))
                    .check(
                        Expr::col(Subscriptions::Kind)
                            .ne("new_match")
                            .or(Expr::col(Subscriptions::PostingId).is_not_null()),
                    )
                    .foreign_key(&mut cascade(
                        "fk_subscriptions_organization",
                        (Subscriptions::Table, Subscriptions::OrganizationId),
                        (Organizations::Table, Organizations::Id),
                    ))
                    .foreign_key(&mut cascade(
                        "fk_subscriptions_posting",
                        (Subscriptions::Table, Subscriptions::PostingId),
                        (Postings::Table, Postings::Id),
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_subscriptions_created_by")
                            .from(Subscriptions::Table, Subscriptions::CreatedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        crate::create_index(
            manager,
            "idx_subscriptions_organization",
            Subscriptions::Table,
            vec![Subscriptions::OrganizationId, Subscriptions::Kind],
        )
        .await?;
        crate::create_index(manager, "idx_subscriptions_kind", Subscriptions::Table, vec![Subscriptions::Kind]).await?;
        manager
            .create_table(
                Table::create()
                    .table(SubscriptionShares::Table)
                    .col(big_integer(SubscriptionShares::SubscriptionId))
                    .col(big_integer(SubscriptionShares::OrganizationId))
                    .primary_key(
                        Index::create().col(SubscriptionShares::SubscriptionId).col(SubscriptionShares::OrganizationId),
                    )
                    .foreign_key(&mut cascade(
                        "fk_subscription_shares_subscription",
                        (SubscriptionShares::Table, SubscriptionShares::SubscriptionId),
                        (Subscriptions::Table, Subscriptions::Id),
                    ))
                    .foreign_key(&mut cascade(
                        "fk_subscription_shares_organization",
                        (SubscriptionShares::Table, SubscriptionShares::OrganizationId),
                        (Organizations::Table, Organizations::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        crate::create_index(
            manager,
            "idx_subscription_shares_organization",
            SubscriptionShares::Table,
            vec![SubscriptionShares::OrganizationId],
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(AlertHits::Table)
                    .col(big_integer(AlertHits::SubscriptionId))
                    .col(big_integer(AlertHits::OrganizationId))
                    .col(big_integer(AlertHits::PostingId))
                    .col(string_len(AlertHits::Publication, 40))
                    .primary_key(
                        Index::create()
                            .col(AlertHits::SubscriptionId)
                            .col(AlertHits::OrganizationId)
                            .col(AlertHits::PostingId)
                            .col(AlertHits::Publication),
                    )
                    .foreign_key(&mut cascade(
                        "fk_alert_hits_subscription",
                        (AlertHits::Table, AlertHits::SubscriptionId),
                        (Subscriptions::Table, Subscriptions::Id),
                    ))
                    .foreign_key(&mut cascade(
                        "fk_alert_hits_posting",
                        (AlertHits::Table, AlertHits::PostingId),
                        (Postings::Table, Postings::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AlertCursor::Table)
                    .col(integer(AlertCursor::Id).primary_key())
                    .col(big_integer(AlertCursor::LastSeq))
                    .to_owned(),
            )
            .await?;
        // Start at the outbox's end: postings published before alerts existed are not news.
        let start = Query::select()
            .expr(Expr::val(1))
            .expr(Func::coalesce([Expr::col(PostingOutbox::Seq).max(), Expr::val(0)]))
            .from(PostingOutbox::Table)
            .to_owned();
        let insert = Query::insert()
            .into_table(AlertCursor::Table)
            .columns([AlertCursor::Id, AlertCursor::LastSeq])
            .select_from(start)
            .map_err(|e| DbErr::Migration(e.to_string()))?
            .to_owned();
        manager.exec_stmt(insert).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            AlertCursor::Table.into_iden(),
            AlertHits::Table.into_iden(),
            SubscriptionShares::Table.into_iden(),
            Subscriptions::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
