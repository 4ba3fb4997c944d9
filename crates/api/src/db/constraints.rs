//! Unique constraints by name: which field a violation is the user's to fix, and why.
//!
//! Every unique index and unique constraint of the schema is declared here once, with the name
//! the database knows it by, its table and columns, and — where a request can run into it — the
//! form or API field it concerns. A violation is resolved to its declaration by name on
//! PostgreSQL (sqlx reports the constraint), and by table and columns on SQLite (which reports
//! only "UNIQUE constraint failed: table.a, table.b"). Matching on message text elsewhere is
//! what this replaces.
//!
//! [`ApiError`]'s conversion from a database error asks [`conflict`], so a service that lets a
//! unique violation through with `?` answers 409 naming the field; a violation of an index
//! declared without a field (a race the services already prevent, a key the server generates),
//! or of one not declared at all, is logged with the constraint's name and is a 500.
//!
//! Names: the migrations name their indexes (`uq_…`, `ux_…`); a constraint a migration left
//! unnamed (`.unique_key()` on a column, an unnamed unique index in `CREATE TABLE`, a primary
//! key) carries PostgreSQL's default name, `<table>_<columns>_key` or `<table>_pkey`.

use chanjiao_domain::Text;
use sea_orm::sqlx::error::DatabaseError;
use sea_orm::{DbErr, RuntimeErr};

use chanjiao_domain::Invalid;

use crate::error::ApiError;

/// One unique index or constraint of the schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unique {
    pub name: &'static str,
    pub table: &'static str,
    pub columns: &'static [&'static str],
    /// The field a user fixes and the reason shown, for a violation a request can cause.
    pub conflict: Option<(&'static str, Text)>,
}

const fn unique(name: &'static str, table: &'static str, columns: &'static [&'static str]) -> Unique {
    Unique { name, table, columns, conflict: None }
}

const fn user_facing(
    name: &'static str,
    table: &'static str,
    columns: &'static [&'static str],
    field: &'static str,
    reason: Text,
) -> Unique {
    Unique { name, table, columns, conflict: Some((field, reason)) }
}

/// Every unique constraint beyond the single-column `id` primary keys.
pub const UNIQUE: &[Unique] = &[
    user_facing(
        "uq_api_keys_organization_name",
        "api_keys",
        &["organization_id", "name"],
        "name",
        Text::new("a key of this organization already has this name", "本机构已有同名密钥"),
    ),
    unique("api_keys_public_id_key", "api_keys", &["public_id"]),
    unique("api_key_scopes_pkey", "api_key_scopes", &["api_key_id", "scope"]),
    // Registration and account creation check first; these decide races.
    user_facing("users_email_key", "users", &["email"], "email", Text::new("already registered", "已被注册")),
    user_facing(
        "organizations_credit_code_key",
        "organizations",
        &["credit_code"],
        "credit_code",
        Text::new("already registered", "已被注册"),
    ),
    user_facing(
        "uq_school_reports_school_year",
        "school_reports",
        &["organization_id", "year"],
        "year",
        Text::new("already registered", "已被注册"),
    ),
    user_facing(
        "ux_round_students_pseudonym",
        "round_students",
        &["round_id", "school_id", "pseudonym"],
        "pseudonym",
        Text::new("already registered", "已被注册"),
    ),
    user_facing(
        "uq_training_slots_posting_time",
        "training_slots",
        &["posting_id", "starts_at", "ends_at"],
        "date",
        Text::new("a slot at the same time already exists", "同一时间已有时段"),
    ),
    // Partial: only grants not yet revoked.
    user_facing(
        "uq_delegations_active_pair",
        "delegations",
        &["organization_id", "intermediary_id"],
        "intermediary_id",
        Text::new("already delegated", "已委托"),
    ),
    // Guarded by the services before writing; a violation is a bug, not the user's to fix.
    unique("sessions_token_hash_key", "sessions", &["token_hash"]),
    unique("projects_proposal_id_key", "projects", &["proposal_id"]),
    unique("assessments_project_id_assessor_org_id_key", "assessments", &["project_id", "assessor_org_id"]),
    unique("ux_round_places_posting", "round_places", &["round_id", "posting_id"]),
    unique("ux_round_preferences_rank", "round_preferences", &["student_id", "rank"]),
    unique("uq_plan_targets_city_period_target", "plan_targets", &["city_code", "first_year", "target_id"]),
    unique("uq_login_throttles_key", "login_throttles", &["scope", "email", "client"]),
    unique("posting_codes_pkey", "posting_codes", &["posting_id", "code_type", "code"]),
    unique("program_occupations_pkey", "program_occupations", &["program_code", "occupation_code", "level"]),
    unique("notification_reads_pkey", "notification_reads", &["notification_id", "user_id"]),
    unique("subscription_shares_pkey", "subscription_shares", &["subscription_id", "organization_id"]),
    unique("alert_hits_pkey", "alert_hits", &["subscription_id", "organization_id", "posting_id", "publication"]),
    unique("round_preferences_pkey", "round_preferences", &["student_id", "place_id"]),
    unique("round_rankings_pkey", "round_rankings", &["place_id", "student_id"]),
    unique("round_results_pkey", "round_results", &["student_id"]),
    unique("posting_facts_pkey", "posting_facts", &["posting_id", "dimension", "code"]),
];

/// A unique violation, as far as the database told: the constraint's name (PostgreSQL) or its
/// table and columns (SQLite).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Violation {
    Named(String),
    Columns { table: String, columns: Vec<String> },
}

impl Violation {
    /// The unique violation inside a database error, if that is what the error is.
    pub fn of(err: &DbErr) -> Option<Violation> {
        let (DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e))) = err else {
            return None;
        };
        let sea_orm::sqlx::Error::Database(db) = &**e else { return None };
        Self::of_database_error(db.as_ref())
    }

    fn of_database_error(db: &dyn DatabaseError) -> Option<Violation> {
        // PostgreSQL's unique_violation; SQLite's SQLITE_CONSTRAINT_UNIQUE and _PRIMARYKEY.
        match db.code().as_deref() {
            Some("23505") => db.constraint().map(|name| Violation::Named(name.to_owned())),
            Some("2067" | "1555") => Self::of_sqlite_message(db.message()),
            _ => None,
        }
    }

    /// "UNIQUE constraint failed: round_students.round_id, round_students.school_id, …"
    fn of_sqlite_message(message: &str) -> Option<Violation> {
        let list = message.strip_prefix("UNIQUE constraint failed: ")?;
        let mut table = None;
        let mut columns = Vec::new();
        for qualified in list.split(", ") {
            let (t, column) = qualified.trim().split_once('.')?;
            if *table.get_or_insert(t) != t {
                return None;
            }
            columns.push(column.to_owned());
        }
        Some(Violation::Columns { table: table?.to_owned(), columns })
    }

    /// The declaration this violation is of.
    pub fn declared(&self) -> Option<&'static Unique> {
        UNIQUE.iter().find(|u| match self {
            Violation::Named(name) => u.name == name,
            Violation::Columns { table, columns } => {
                u.table == table
                    && u.columns.len() == columns.len()
                    && u.columns.iter().zip(columns).all(|(a, b)| a == b)
            }
        })
    }
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Violation::Named(name) => f.write_str(name),
            Violation::Columns { table, columns } => write!(f, "{table}({})", columns.join(", ")),
        }
    }
}

/// The 409 a unique violation means to the user, if `err` is one a request can cause; `None`
/// for any other error. A violation without a user-facing field is logged here with the
/// constraint's name, and the caller answers it as the 500 it is.
pub fn conflict(err: &DbErr) -> Option<ApiError> {
    let violation = Violation::of(err)?;
    match violation.declared() {
        Some(Unique { conflict: Some((field, reason)), .. }) => {
            Some(ApiError::Conflict { field, invalid: Invalid::NotAllowed(*reason) })
        }
        Some(declared) => {
            tracing::error!(
                constraint = declared.name,
                table = declared.table,
                "unique violation no request should cause"
            );
            None
        }
        None => {
            tracing::error!(constraint = %violation, "unique violation of an undeclared constraint");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_messages_resolve_to_the_declared_index() {
        let violation = Violation::of_sqlite_message(
            "UNIQUE constraint failed: round_students.round_id, round_students.school_id, round_students.pseudonym",
        )
        .unwrap();
        assert_eq!(violation.declared().map(|u| u.name), Some("ux_round_students_pseudonym"));
        let email = Violation::of_sqlite_message("UNIQUE constraint failed: users.email").unwrap();
        assert_eq!(
            email.declared().and_then(|u| u.conflict),
            Some(("email", Text::new("already registered", "已被注册")))
        );
        let unknown = Violation::of_sqlite_message("UNIQUE constraint failed: users.password_hash").unwrap();
        assert_eq!(unknown.declared(), None);
        assert_eq!(Violation::of_sqlite_message("NOT NULL constraint failed: users.email"), None);
    }

    #[test]
    fn postgres_names_resolve_to_the_declared_index() {
        let violation = Violation::Named("uq_delegations_active_pair".to_owned());
        assert_eq!(
            violation.declared().and_then(|u| u.conflict),
            Some(("intermediary_id", Text::new("already delegated", "已委托")))
        );
        assert_eq!(Violation::Named("nowhere_key".to_owned()).declared(), None);
    }

    #[test]
    fn every_declaration_has_a_distinct_name_and_distinct_columns() {
        for (i, a) in UNIQUE.iter().enumerate() {
            for b in &UNIQUE[i + 1..] {
                assert_ne!(a.name, b.name);
                assert!(a.table != b.table || a.columns != b.columns, "{} and {} are the same index", a.name, b.name);
            }
        }
    }
}
