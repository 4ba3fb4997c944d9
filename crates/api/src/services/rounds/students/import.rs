//! A school's students and preferences from a sheet: checked whole, stored all or nothing.

use chanjiao_domain::rounds::Step;
use chanjiao_domain::{Invalid, Invalids, Text};
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use serde_json::json;

use super::{Student, StudentBody, describe, prepare, school_of, store};
use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::services::audit;
use crate::services::rounds::{check, load};

/// Refuses an import of students the caller may not make now (not a school, a round it cannot
/// see, a phase that takes no preferences), so that a refused caller's file is never read.
pub async fn may_import(
    db: &DatabaseConnection,
    user: &CurrentUser,
    round_id: i64,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let (row, _) = load(db, user, round_id).await?;
    school_of(user)?;
    check(&row, Step::EnterPreferences, now)?;
    Ok(())
}

/// Imports a school's students and preferences from a sheet, all or nothing: every row's
/// problems are reported (fields `rows[N].…` with the sheet's row number N), and nothing is
/// stored unless every row is good.
pub async fn import(
    db: &DatabaseConnection,
    user: &CurrentUser,
    round_id: i64,
    rows: Vec<crate::sheets::rounds::PreferenceRow>,
    now: DateTime<Utc>,
) -> Result<Vec<Student>, ApiError> {
    use crate::sheets::rounds::{consents, level_of};
    let (row, _) = load(db, user, round_id).await?;
    let school_id = school_of(user)?;
    if rows.is_empty() {
        return Err(ApiError::invalid("file", Invalid::Required));
    }
    let mut errors = Invalids::default();
    let mut prepared = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for sheet_row in &rows {
        let prefix = format!("rows[{}].", sheet_row.row);
        let mut preferences = Vec::new();
        for (k, cell) in &sheet_row.choices {
            match cell.parse::<i64>() {
                Ok(id) => preferences.push(id),
                Err(_) => {
                    errors.push(format!("{prefix}choice_{k}"), Invalid::Format(Text::new("a whole number", "整数")))
                }
            }
        }
        let body = StudentBody {
            pseudonym: Some(sheet_row.pseudonym.clone()),
            program_code: Some(sheet_row.program_code.clone()),
            level: Some(level_of(&sheet_row.level)),
            consent: consents(&sheet_row.consent),
            preferences,
        };
        match prepare(db, &row, school_id, &body, &prefix, now).await {
            Ok(parsed) if seen.contains(&parsed.pseudonym) => errors.push(
                format!("{prefix}pseudonym"),
                Invalid::NotAllowed(Text::new(
                    "a pseudonym already used by your school in this round",
                    "本校在本轮次已使用的化名编号",
                )),
            ),
            Ok(parsed) => {
                seen.push(parsed.pseudonym.clone());
                prepared.push((parsed, body.preferences));
            }
            Err(ApiError::Validation(found)) => errors.0.extend(found.0),
            Err(other) => return Err(other),
        }
    }
    if !errors.0.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let txn = crate::db::begin_write(db).await?;
    let mut stored = Vec::new();
    for (parsed, preferences) in prepared {
        stored.push(store(&txn, &row, school_id, parsed, &preferences, now).await?);
    }
    audit::record(&txn, Some(user), now, "round", round_id, "import_students", json!({"students": stored.len()}))
        .await?;
    txn.commit().await?;
    describe(db, stored).await
}
