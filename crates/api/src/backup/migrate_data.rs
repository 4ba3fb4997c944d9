//! `chanjiao migrate-data`: copies every row of a SQLite database into a fresh PostgreSQL one.
//!
//! Nothing here names a table. The tables come from the source's `sqlite_master`, their order
//! from its foreign keys (parents before children), their columns' types from the target's
//! `information_schema.columns`; so a new migration's table is copied with no change here. The
//! copy reads the source inside one read transaction (a consistent snapshot, even if a server
//! were still writing) a page of rows at a time by `rowid` (bounded memory), writes the target
//! in one transaction, resets every serial or identity sequence past the largest id, and checks
//! each table's row count before committing: the target ends up either complete or untouched.

use std::collections::{BTreeMap, BTreeSet};

use sea_orm::{
    ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend, Statement, TransactionTrait, Value,
};

use super::convert::{SourceValue, TargetType, convert};
use super::{Backend, BackupError};

/// The migration ledger: each side keeps its own, written by its own migrations.
const LEDGER: &str = "seaql_migrations";
/// Tables whose rows the migrations themselves insert (the alert worker's cursor row), so a
/// freshly migrated target already has them: they are not "data in the way", and the source's
/// rows replace them.
const SEEDED_BY_MIGRATIONS: &[&str] = &["alert_cursor"];
/// Parameters in one INSERT stay well under PostgreSQL's limit of 65,535.
const MAX_PARAMETERS: usize = 30_000;
const MAX_ROWS_PER_BATCH: usize = 500;

/// One table copied, and how many rows it has on both sides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableCopied {
    pub table: String,
    pub rows: i64,
}

fn quote(identifier: &str) -> String {
    format!("\"{}\"", identifier.replace('"', "\"\""))
}

fn sqlite(sql: impl Into<String>) -> Statement {
    Statement::from_string(DbBackend::Sqlite, sql)
}

fn postgres(sql: impl Into<String>) -> Statement {
    Statement::from_string(DbBackend::Postgres, sql)
}

/// Copies the SQLite database at `from` into the PostgreSQL database at `to`, which must hold no
/// rows. Both are first brought to this version's schema. `progress` hears of each table as it
/// is finished.
pub async fn migrate_data(
    from: &str,
    to: &str,
    mut progress: impl FnMut(&TableCopied),
) -> Result<Vec<TableCopied>, BackupError> {
    if Backend::of_url(from) != Some(Backend::Sqlite) || Backend::of_url(to) != Some(Backend::Postgres) {
        return Err(BackupError::WrongDirection);
    }
    let source = Database::connect(from).await?;
    crate::db::migrate(&source).await?;
    let target = Database::connect(to).await?;
    crate::db::migrate(&target).await?;

    let columns = target_columns(&target).await?;
    refuse_rows_in(&target, columns.keys()).await?;

    let snapshot = source.begin().await?;
    let tables = in_foreign_key_order(&snapshot).await?;
    let writing = target.begin().await?;
    // Timestamps SQLite wrote without a zone are UTC.
    writing.execute_unprepared("SET LOCAL TimeZone = 'UTC'").await?;
    for table in SEEDED_BY_MIGRATIONS {
        if columns.contains_key(*table) {
            writing.execute_unprepared(&format!("DELETE FROM {}", quote(table))).await?;
        }
    }
    let mut copied = Vec::with_capacity(tables.len());
    for table in &tables {
        let target_columns = columns.get(table).ok_or_else(|| BackupError::MissingTable(table.clone()))?;
        let rows = copy_table(&snapshot, &writing, table, target_columns).await?;
        let done = TableCopied { table: table.clone(), rows };
        progress(&done);
        copied.push(done);
    }
    reset_sequences(&writing).await?;
    for done in &copied {
        let source_rows = count(&snapshot, DbBackend::Sqlite, &done.table).await?;
        let target_rows = count(&writing, DbBackend::Postgres, &done.table).await?;
        if source_rows != target_rows || target_rows != done.rows {
            return Err(BackupError::CountMismatch { table: done.table.clone(), source_rows, target_rows });
        }
    }
    writing.commit().await?;
    snapshot.rollback().await.ok();
    source.close().await.ok();
    target.close().await.ok();
    Ok(copied)
}

/// Every target table's columns and their types.
async fn target_columns(
    target: &DatabaseConnection,
) -> Result<BTreeMap<String, BTreeMap<String, TargetType>>, BackupError> {
    let rows = target
        .query_all_raw(postgres(
            "SELECT table_name::text, column_name::text, data_type::text, udt_name::text \
             FROM information_schema.columns WHERE table_schema = current_schema()",
        ))
        .await?;
    let mut tables: BTreeMap<String, BTreeMap<String, TargetType>> = BTreeMap::new();
    for row in rows {
        let (table, column, data_type, udt): (String, String, String, String) =
            (row.try_get_by_index(0)?, row.try_get_by_index(1)?, row.try_get_by_index(2)?, row.try_get_by_index(3)?);
        if table != LEDGER {
            tables.entry(table).or_default().insert(column, TargetType::parse(&data_type, &udt));
        }
    }
    Ok(tables)
}

async fn count<C: ConnectionTrait>(db: &C, backend: DbBackend, table: &str) -> Result<i64, BackupError> {
    let row =
        db.query_one_raw(Statement::from_string(backend, format!("SELECT COUNT(*) FROM {}", quote(table)))).await?;
    Ok(row.map(|r| r.try_get_by_index::<i64>(0)).transpose()?.unwrap_or(0))
}

/// Refuses a target that already holds data: the copy keeps the source's ids, so it can only
/// fill an empty database, and an operator pointing --to at the wrong database must lose nothing.
async fn refuse_rows_in<'a>(
    target: &DatabaseConnection,
    tables: impl Iterator<Item = &'a String>,
) -> Result<(), BackupError> {
    for table in tables.filter(|t| !SEEDED_BY_MIGRATIONS.contains(&t.as_str())) {
        let rows = count(target, DbBackend::Postgres, table).await?;
        if rows > 0 {
            return Err(BackupError::TargetNotEmpty { table: table.clone(), rows });
        }
    }
    Ok(())
}

/// The source's tables, each after the tables its foreign keys point to. A table referring to
/// itself (a parent row in the same table) is fine: rows are copied in `rowid` order, parents
/// first as they were written.
async fn in_foreign_key_order(source: &DatabaseTransaction) -> Result<Vec<String>, BackupError> {
    let names: Vec<String> = source
        .query_all_raw(sqlite(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
             AND name <> 'seaql_migrations' ORDER BY name",
        ))
        .await?
        .iter()
        .map(|r| r.try_get_by_index(0))
        .collect::<Result<_, _>>()?;
    let mut parents: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for name in &names {
        let rows = source
            .query_all_raw(Statement::from_sql_and_values(
                DbBackend::Sqlite,
                "SELECT DISTINCT \"table\" FROM pragma_foreign_key_list(?)",
                [Value::from(name.clone())],
            ))
            .await?;
        let mut set = BTreeSet::new();
        for row in rows {
            let parent: String = row.try_get_by_index(0)?;
            if parent != *name && names.contains(&parent) {
                set.insert(parent);
            }
        }
        parents.insert(name.clone(), set);
    }
    topological(parents)
}

/// Kahn's algorithm, smallest name first among the ready, so the order is stable.
fn topological(mut parents: BTreeMap<String, BTreeSet<String>>) -> Result<Vec<String>, BackupError> {
    let mut order = Vec::with_capacity(parents.len());
    while !parents.is_empty() {
        let ready: Vec<String> = parents.iter().filter(|(_, p)| p.is_empty()).map(|(t, _)| t.clone()).collect();
        if ready.is_empty() {
            let cycle = parents.keys().cloned().collect::<Vec<_>>().join(", ");
            return Err(BackupError::ForeignKeyCycle(cycle));
        }
        for table in ready {
            parents.remove(&table);
            for waiting in parents.values_mut() {
                waiting.remove(&table);
            }
            order.push(table);
        }
    }
    Ok(order)
}

/// Copies one table a page at a time; returns the rows copied.
async fn copy_table(
    source: &DatabaseTransaction,
    target: &DatabaseTransaction,
    table: &str,
    target_columns: &BTreeMap<String, TargetType>,
) -> Result<i64, BackupError> {
    let columns: Vec<String> = source
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Sqlite,
            "SELECT name FROM pragma_table_info(?) ORDER BY cid",
            [Value::from(table.to_owned())],
        ))
        .await?
        .iter()
        .map(|r| r.try_get_by_index(0))
        .collect::<Result<_, _>>()?;
    let mut types = Vec::with_capacity(columns.len());
    for column in &columns {
        let found = target_columns
            .get(column)
            .ok_or_else(|| BackupError::MissingColumn { table: table.to_owned(), column: column.clone() })?;
        types.push(found.clone());
    }
    let select_list: Vec<String> = columns.iter().map(|c| format!("typeof({0}), {0}", quote(c))).collect::<Vec<_>>();
    let select = format!(
        "SELECT rowid, {} FROM {} WHERE rowid > ? ORDER BY rowid LIMIT ?",
        select_list.join(", "),
        quote(table)
    );
    let batch = (MAX_PARAMETERS / columns.len().max(1)).clamp(1, MAX_ROWS_PER_BATCH);
    let batch_i64 = i64::try_from(batch).unwrap_or(1);
    let column_list = columns.iter().map(|c| quote(c)).collect::<Vec<_>>().join(", ");
    let mut after = i64::MIN;
    let mut copied = 0_i64;
    loop {
        let rows = source
            .query_all_raw(Statement::from_sql_and_values(
                DbBackend::Sqlite,
                select.as_str(),
                [Value::from(after), Value::from(batch_i64)],
            ))
            .await?;
        let Some(last) = rows.last() else { break };
        after = last.try_get_by_index(0)?;
        let mut values = Vec::with_capacity(rows.len() * columns.len());
        let mut tuples = Vec::with_capacity(rows.len());
        for row in &rows {
            let rowid: i64 = row.try_get_by_index(0)?;
            let mut placeholders = Vec::with_capacity(columns.len());
            for (i, (column, target_type)) in columns.iter().zip(&types).enumerate() {
                let value = SourceValue::read(row, 2 + 2 * i)?;
                let bound = convert(&value, target_type).map_err(|detail| BackupError::Unconvertible {
                    table: table.to_owned(),
                    column: column.clone(),
                    rowid,
                    detail,
                })?;
                values.push(bound);
                placeholders.push(format!("CAST(${} AS {})", values.len(), target_type.sql()));
            }
            tuples.push(format!("({})", placeholders.join(", ")));
        }
        let insert = format!("INSERT INTO {} ({column_list}) VALUES {}", quote(table), tuples.join(", "));
        target.execute_raw(Statement::from_sql_and_values(DbBackend::Postgres, insert, values)).await?;
        copied += i64::try_from(rows.len()).unwrap_or(i64::MAX);
        if rows.len() < batch {
            break;
        }
    }
    Ok(copied)
}

/// Moves every serial or identity sequence past its column's largest value, so the next row the
/// platform inserts gets a fresh id instead of colliding with a copied one.
async fn reset_sequences(target: &DatabaseTransaction) -> Result<(), BackupError> {
    let sequences = target
        .query_all_raw(postgres(
            "SELECT table_name::text, column_name::text, \
                    pg_get_serial_sequence(quote_ident(table_name), column_name)::text \
             FROM information_schema.columns WHERE table_schema = current_schema() \
               AND (column_default LIKE 'nextval(%' OR is_identity = 'YES')",
        ))
        .await?;
    for row in sequences {
        let (table, column): (String, String) = (row.try_get_by_index(0)?, row.try_get_by_index(1)?);
        let Some(sequence) = row.try_get_by_index::<Option<String>>(2)? else { continue };
        target
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                format!(
                    "SELECT setval(CAST($1 AS regclass), COALESCE((SELECT MAX({}) FROM {}), 0) + 1, false)",
                    quote(&column),
                    quote(&table)
                ),
                [Value::from(sequence)],
            ))
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(edges: &[(&str, &[&str])]) -> BTreeMap<String, BTreeSet<String>> {
        edges.iter().map(|(t, ps)| ((*t).to_owned(), ps.iter().map(|p| (*p).to_owned()).collect())).collect()
    }

    #[test]
    fn parents_are_copied_before_their_children() {
        let order = topological(graph(&[
            ("postings", &["organizations", "users"]),
            ("users", &["organizations"]),
            ("organizations", &[]),
            ("audit_events", &[]),
        ]))
        .unwrap();
        assert_eq!(order, ["audit_events", "organizations", "users", "postings"]);
    }

    #[test]
    fn a_cycle_of_foreign_keys_is_named_not_looped_on() {
        let refused = topological(graph(&[("a", &["b"]), ("b", &["a"]), ("c", &[])])).unwrap_err().to_string();
        assert!(refused.contains("a, b"), "{refused}");
    }
}
