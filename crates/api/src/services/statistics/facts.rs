//! The statistics' fact rows (`posting_facts`, migration 000060): what each counted posting
//! contributes to the supply-and-demand figures and the outlook, once under its district, once
//! under each program class and once under each industry cluster.
//!
//! A posting counts when it is of a demand kind ([`DEMAND`]) or of supply
//! ([`PostingKind::ProgramOffering`]), is not a draft and states a quantity; it counts in the year
//! it was created (UTC), whatever its status now. The posting service calls [`refresh`] in the
//! same transaction as every write that can change those facts (insert, update, status change,
//! a posting filled by placements),
//! so the rows never disagree with the postings; [`rebuild`] recomputes them all (benchmarks,
//! repairs). Grouping these rows needs no join, which keeps the dashboard under a second on a
//! million postings (docs/benchmarks.md).
//!
//! The SQL is written once for both databases; only the year of a timestamp differs, and
//! [`Sql`] numbers placeholders as the backend wants them.

use chanjiao_domain::posting::PostingKind;
use sea_orm::{ConnectionTrait, DbBackend, Statement, Value};

use crate::error::ApiError;

/// The kinds whose quantity is demand: headcount in jobs, apprentice places and order classes.
pub const DEMAND: [PostingKind; 3] = [PostingKind::Job, PostingKind::Apprenticeship, PostingKind::OrderClass];

/// The kind whose quantity is supply: a program's graduates per year.
pub const SUPPLY: PostingKind = PostingKind::ProgramOffering;

/// A statement under construction with its bound values, placeholders numbered per backend.
pub(crate) struct Sql {
    backend: DbBackend,
    text: String,
    values: Vec<Value>,
}

impl Sql {
    pub fn new(backend: DbBackend) -> Sql {
        Sql { backend, text: String::new(), values: Vec::new() }
    }

    pub fn push(&mut self, text: &str) -> &mut Sql {
        self.text.push_str(text);
        self
    }

    /// Appends a placeholder for `value`.
    pub fn bind(&mut self, value: impl Into<Value>) -> &mut Sql {
        self.values.push(value.into());
        match self.backend {
            DbBackend::Postgres => {
                let n = self.values.len();
                self.text.push_str(&format!("${n}"));
            }
            _ => self.text.push('?'),
        }
        self
    }

    /// Appends `(?, ?, …)` for the values.
    pub fn bind_list<V: Into<Value>>(&mut self, values: impl IntoIterator<Item = V>) -> &mut Sql {
        self.push("(");
        for (i, value) in values.into_iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.bind(value);
        }
        self.push(")")
    }

    pub fn statement(&self) -> Statement {
        Statement::from_sql_and_values(self.backend, self.text.clone(), self.values.clone())
    }
}

/// The UTC calendar year of a stored timestamp column, as an integer. SQLite stores timestamps
/// as ISO text in UTC, whose first four characters are the year.
pub(crate) fn year_of(backend: DbBackend, column: &str) -> String {
    match backend {
        DbBackend::Postgres => format!("CAST(extract(year FROM {column} AT TIME ZONE 'UTC') AS INTEGER)"),
        _ => format!("CAST(substr({column}, 1, 4) AS INTEGER)"),
    }
}

/// `('job', 'apprenticeship', …)`: enum values, safe to inline.
pub(crate) fn kinds_list(kinds: &[PostingKind]) -> String {
    let quoted: Vec<String> = kinds.iter().map(|k| format!("'{}'", k.as_str())).collect();
    format!("({})", quoted.join(", "))
}

/// The fact rows of the counted postings among `ids` (all postings when `None`).
fn insert_facts(backend: DbBackend, ids: Option<&[i64]>) -> Sql {
    let all: Vec<PostingKind> = DEMAND.iter().copied().chain([SUPPLY]).collect();
    let mut sql = Sql::new(backend);
    let columns = format!(
        "substr(p.region_code, 1, 6), {}, CASE WHEN p.kind = '{}' THEN 'supply' ELSE 'demand' END, p.quantity",
        year_of(backend, "p.created_at"),
        SUPPLY.as_str()
    );
    sql.push(
        "INSERT INTO posting_facts \
         (posting_id, organization_id, status, dimension, code, district, created_year, measure, quantity) ",
    );
    let parts = [
        format!(
            "SELECT p.id, p.organization_id, p.status, 'district', substr(p.region_code, 1, 6), {columns} FROM postings p"
        ),
        // A posting naming two programs of one class counts once for the class.
        format!(
            "SELECT DISTINCT p.id, p.organization_id, p.status, 'class', substr(c.code, 1, 4), {columns} FROM postings p \
             JOIN posting_codes c ON c.posting_id = p.id AND c.code_type = 'program'"
        ),
        format!(
            "SELECT p.id, p.organization_id, p.status, 'cluster', c.code, {columns} FROM postings p \
             JOIN posting_codes c ON c.posting_id = p.id AND c.code_type = 'cluster'"
        ),
    ];
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            sql.push(" UNION ALL ");
        }
        sql.push(part);
        sql.push(&format!(" WHERE p.kind IN {} AND p.status <> 'draft' AND p.quantity IS NOT NULL", kinds_list(&all)));
        if let Some(ids) = ids {
            sql.push(" AND p.id IN ");
            sql.bind_list(ids.iter().copied());
        }
    }
    sql
}

/// Rewrites the fact rows of the postings `ids` from what is stored now, inside the caller's
/// transaction (after the posting and its codes are written).
pub(crate) async fn refresh(txn: &impl ConnectionTrait, ids: &[i64]) -> Result<(), ApiError> {
    let backend = txn.get_database_backend();
    // Three binds per id in the insert: 300 ids stay far below both databases' limits.
    for chunk in ids.chunks(300) {
        let mut delete = Sql::new(backend);
        delete.push("DELETE FROM posting_facts WHERE posting_id IN ").bind_list(chunk.iter().copied());
        txn.execute_raw(delete.statement()).await?;
        txn.execute_raw(insert_facts(backend, Some(chunk)).statement()).await?;
    }
    Ok(())
}

/// Recomputes every fact row from the postings, in one transaction.
pub async fn rebuild(db: &sea_orm::DatabaseConnection) -> Result<(), ApiError> {
    let txn = crate::db::begin_write(db).await?;
    let backend = txn.get_database_backend();
    txn.execute_raw(Statement::from_string(backend, "DELETE FROM posting_facts")).await?;
    txn.execute_raw(insert_facts(backend, None).statement()).await?;
    txn.commit().await?;
    Ok(())
}
