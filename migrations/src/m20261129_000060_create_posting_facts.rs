use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

use crate::m20261129_000005_create_postings::Postings;
use crate::one_of;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// What the city statistics count, one row per counted posting and grouping: a posting of a
/// demand kind (job, apprenticeship, order class) or of supply (program offering) that is not a
/// draft and states a quantity, once under its district, once under each program class (专业类,
/// the first four digits of its program codes) and once under each industry cluster it names.
///
/// The statistics group by class and cluster; on a million postings, joining postings to their
/// codes for every dashboard view takes seconds, so the posting service rewrites a posting's rows
/// in the same transaction as every write that can change them (services::statistics::facts).
/// The owner and status are copied too, so the drill-down counts what a viewer may not see without
/// joining the postings.
#[derive(DeriveIden)]
enum PostingFacts {
    Table,
    PostingId,
    OrganizationId,
    Status,
    Dimension,
    Code,
    District,
    CreatedYear,
    Measure,
    Quantity,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PostingFacts::Table)
                    .col(big_integer(PostingFacts::PostingId))
                    .col(big_integer(PostingFacts::OrganizationId))
                    .col(string_len(PostingFacts::Status, 16))
                    .col(
                        string_len(PostingFacts::Dimension, 16)
                            .check(one_of(PostingFacts::Dimension, &["district", "class", "cluster"])),
                    )
                    .col(string_len(PostingFacts::Code, 32))
                    .col(string_len(PostingFacts::District, 6))
                    .col(integer(PostingFacts::CreatedYear))
                    .col(
                        string_len(PostingFacts::Measure, 8)
                            .check(one_of(PostingFacts::Measure, &["demand", "supply"])),
                    )
                    .col(big_integer(PostingFacts::Quantity))
                    .primary_key(
                        Index::create()
                            .col(PostingFacts::PostingId)
                            .col(PostingFacts::Dimension)
                            .col(PostingFacts::Code),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_posting_facts_posting")
                            .from(PostingFacts::Table, PostingFacts::PostingId)
                            .to(Postings::Table, Postings::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // The dashboard's cells: one grouping, optionally one district and year, covering the
        // measure and quantity so PostgreSQL answers from the index alone (chosen by EXPLAIN on
        // a million postings, docs/benchmarks.md).
        crate::create_index(
            manager,
            "idx_posting_facts_cells",
            PostingFacts::Table,
            vec![
                PostingFacts::Dimension,
                PostingFacts::District,
                PostingFacts::CreatedYear,
                PostingFacts::Code,
                PostingFacts::Measure,
                PostingFacts::Quantity,
            ],
        )
        .await?;
        // The drill-down: the postings behind one number, newest first.
        crate::create_index(
            manager,
            "idx_posting_facts_drill",
            PostingFacts::Table,
            vec![PostingFacts::Dimension, PostingFacts::Code, PostingFacts::Measure, PostingFacts::PostingId],
        )
        .await?;
        let db = manager.get_connection();
        db.execute_unprepared(&backfill(db.get_database_backend())).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(PostingFacts::Table).to_owned()).await
    }
}

/// The rows of every posting already stored, as the service would write them.
fn backfill(backend: DbBackend) -> String {
    let year = match backend {
        DbBackend::Postgres => "CAST(extract(year FROM p.created_at AT TIME ZONE 'UTC') AS INTEGER)",
        _ => "CAST(substr(p.created_at, 1, 4) AS INTEGER)",
    };
    let counted = "p.kind IN ('job', 'apprenticeship', 'order_class', 'program_offering') \
        AND p.status <> 'draft' AND p.quantity IS NOT NULL";
    let columns = format!(
        "substr(p.region_code, 1, 6), {year}, \
         CASE WHEN p.kind = 'program_offering' THEN 'supply' ELSE 'demand' END, p.quantity"
    );
    format!(
        "INSERT INTO posting_facts (posting_id, organization_id, status, dimension, code, district, created_year, \
           measure, quantity) \
         SELECT p.id, p.organization_id, p.status, 'district', substr(p.region_code, 1, 6), {columns} FROM postings p WHERE {counted} \
         UNION ALL SELECT DISTINCT p.id, p.organization_id, p.status, 'class', substr(c.code, 1, 4), {columns} FROM postings p \
           JOIN posting_codes c ON c.posting_id = p.id AND c.code_type = 'program' WHERE {counted} \
         UNION ALL SELECT p.id, p.organization_id, p.status, 'cluster', c.code, {columns} FROM postings p \
           JOIN posting_codes c ON c.posting_id = p.id AND c.code_type = 'cluster' WHERE {counted}"
    )
}
