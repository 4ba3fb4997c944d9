//! Importing postings from a spreadsheet, all or nothing, with progress that a page can poll
//! on any node ([`progress`]); and exporting a listing.

use chanjiao_domain::Text;
use chanjiao_domain::access::Power;
use std::time::Instant;

use chanjiao_domain::Invalid;
use chanjiao_domain::posting::Side;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::DatabaseConnection;
use serde::Serialize;

mod progress;

pub use progress::{ImportProgress, OwnerKind, Phase, Progress, prune};

use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::services::postings::{self, ListQuery, write};
use crate::sheets::{self, ExportRow, ImportReport, ImportRow, RowProblem, SheetError, SheetFormat};

/// What an import created.
/// How many postings an import stored, and how many of them it published.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Imported {
    pub created: usize,
    pub published: usize,
}

fn side_of(user: &CurrentUser) -> Result<Side, ApiError> {
    user.organization.as_ref().and_then(|o| Side::of(o.kind)).ok_or(ApiError::Forbidden)
}

/// Refuses a caller who may not import postings, before their upload is read.
pub fn may_import(user: &CurrentUser) -> Result<(), ApiError> {
    side_of(user).map(|_| ())
}

/// Checks every row, then stores them all in one transaction, or nothing.
pub async fn import(
    db: &DatabaseConnection,
    user: &CurrentUser,
    upload: Upload,
    progress: &ImportProgress,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Imported, ApiError> {
    let side = side_of(user)?;
    let progress_token = match upload.progress_token.as_deref() {
        Some(token) if !progress.follow(user.principal(), token).await => {
            return Err(ApiError::invalid(
                "progress",
                Invalid::NotAllowed(Text::new(
                    "a token from POST /api/v1/imports",
                    "由 POST /api/v1/imports 取得的令牌",
                )),
            ));
        }
        token => token.map(str::to_owned),
    };
    let token = progress_token.clone();
    let reporter = progress.clone();
    let started = Instant::now();
    let rows = tokio::task::spawn_blocking(move || {
        let format = SheetFormat::detect(upload.file_name.as_deref(), upload.content_type.as_deref(), &upload.bytes)?;
        let mut report =
            |done: usize, total: usize| reporter.set(token.as_deref(), Progress { phase: Phase::Reading, done, total });
        sheets::import(&upload.bytes, format, side, &mut report)
    })
    .await
    .map_err(|e| ApiError::Internal(format!("import task failed: {e}")))?;
    let token = progress_token.as_deref();
    let rows = rows.map_err(|e| {
        progress.set(token, Progress { phase: Phase::Failed, done: 0, total: 0 });
        ApiError::Sheet(e)
    })?;
    publishable(user, &rows, today).map_err(|e| {
        progress.set(token, Progress { phase: Phase::Failed, done: 0, total: 0 });
        ApiError::Sheet(e)
    })?;
    let checked = started.elapsed();
    let total = rows.len();
    let published = rows.iter().filter(|r| r.publish).count();
    let items: Vec<_> = rows.iter().map(|r| (&r.posting, r.publish)).collect();
    let txn = crate::db::begin_write(db).await?;
    let mut report = |done: usize| progress.set(token, Progress { phase: Phase::Saving, done, total });
    write::insert_many(&txn, user, &items, today, &mut report, now).await?;
    txn.commit().await?;
    progress.set(token, Progress { phase: Phase::Done, done: total, total });
    let saved = started.elapsed() - checked;
    tracing::info!(
        rows = total,
        check_ms = checked.as_millis() as u64,
        save_ms = saved.as_millis() as u64,
        "import done"
    );
    Ok(Imported { created: total, published })
}

/// Rows asking to be published must be publishable now: the organization verified and the end
/// date not past. Checked before anything is written, and reported by row like other problems.
fn publishable(user: &CurrentUser, rows: &[ImportRow], today: NaiveDate) -> Result<(), SheetError> {
    let verified = user.may(Power::PublishPostings);
    let mut problems = Vec::new();
    for row in rows.iter().filter(|r| r.publish) {
        let (column, field, code, reason, reason_zh) = if !verified {
            (
                "状态",
                "status",
                "not_verified",
                "the organization is not verified yet, so rows cannot be published",
                "机构尚未通过审核，不能直接发布，请将状态改为草稿",
            )
        } else if row.posting.window.is_over(today) {
            (
                "结束日期",
                "ends_on",
                "end_date_passed",
                "the end date has passed, so the row cannot be published",
                "结束日期已过，不能发布",
            )
        } else {
            continue;
        };
        problems.push(RowProblem {
            row: row.row,
            column: column.to_owned(),
            field: field.to_owned(),
            code,
            reason: reason.to_owned(),
            reason_zh: reason_zh.to_owned(),
        });
    }
    if problems.is_empty() {
        return Ok(());
    }
    let rows_with_problems = problems.len();
    let more_problems = problems.len().saturating_sub(sheets::MAX_PROBLEMS);
    problems.truncate(sheets::MAX_PROBLEMS);
    Err(SheetError::Rows(ImportReport { rows_checked: rows.len(), rows_with_problems, problems, more_problems }))
}

/// An uploaded file.
pub struct Upload {
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
    /// A token the server issued to the caller, to poll the import's progress under.
    pub progress_token: Option<String>,
}

/// The most postings one export holds.
pub const MAX_EXPORT: u64 = 50_000;

/// A listing as a spreadsheet file.
pub async fn export(
    db: &DatabaseConnection,
    user: &CurrentUser,
    query: &ListQuery,
    format: SheetFormat,
    today: NaiveDate,
) -> Result<Vec<u8>, ApiError> {
    let all = postings::list_all(db, user, query, today, MAX_EXPORT).await?;
    let rows: Vec<ExportRow> = all
        .into_iter()
        .map(|p| ExportRow { id: p.id, organization: p.organization_name, status: p.status, posting: p.posting })
        .collect();
    tokio::task::spawn_blocking(move || sheets::export(&rows, format))
        .await
        .map_err(|e| ApiError::Internal(format!("export task failed: {e}")))?
        .map_err(ApiError::Sheet)
}
