//! Importing postings from a spreadsheet, all or nothing, with progress that a page can poll;
//! and exporting a listing.

use chanjiao_domain::access::Power;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chanjiao_domain::posting::Side;
use chrono::NaiveDate;
use sea_orm::{DatabaseConnection, TransactionTrait};
use serde::Serialize;

use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::services::postings::{self, ListQuery, write};
use crate::sheets::{self, ExportRow, ImportReport, ImportRow, RowProblem, SheetError, SheetFormat};

/// Where an import is, for the page's progress bar.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Progress {
    /// `reading` (checking rows), `saving`, `done` or `failed`.
    pub phase: &'static str,
    pub done: usize,
    pub total: usize,
}

/// Progress of running imports, by a token the client chose. Kept in memory for a few minutes:
/// it is a convenience for the page that started the import, which talks to this process.
#[derive(Clone, Default)]
pub struct ImportProgress {
    inner: Arc<Mutex<HashMap<String, (Progress, Instant)>>>,
}

const KEEP: Duration = Duration::from_secs(600);

impl ImportProgress {
    pub fn set(&self, token: &str, progress: Progress) {
        if token.is_empty() || token.len() > 64 {
            return;
        }
        if let Ok(mut map) = self.inner.lock() {
            map.retain(|_, (_, at)| at.elapsed() < KEEP);
            map.insert(token.to_owned(), (progress, Instant::now()));
        }
    }

    pub fn get(&self, token: &str) -> Option<Progress> {
        self.inner.lock().ok()?.get(token).map(|(p, _)| *p)
    }
}

/// What an import created.
#[derive(Debug, Clone, Serialize)]
pub struct Imported {
    pub created: usize,
    pub published: usize,
}

fn side_of(user: &CurrentUser) -> Result<Side, ApiError> {
    user.organization.as_ref().and_then(|o| Side::of(o.kind)).ok_or(ApiError::Forbidden)
}

/// Checks every row, then stores them all in one transaction, or nothing.
pub async fn import(
    db: &DatabaseConnection,
    user: &CurrentUser,
    upload: Upload,
    progress: &ImportProgress,
    today: NaiveDate,
) -> Result<Imported, ApiError> {
    let side = side_of(user)?;
    let progress_token = upload.progress_token.clone();
    let token = upload.progress_token.clone();
    let reporter = progress.clone();
    let started = Instant::now();
    let rows = tokio::task::spawn_blocking(move || {
        let format = SheetFormat::detect(upload.file_name.as_deref(), upload.content_type.as_deref(), &upload.bytes)?;
        let mut report = |done: usize, total: usize| reporter.set(&token, Progress { phase: "reading", done, total });
        sheets::import(&upload.bytes, format, side, &mut report)
    })
    .await
    .map_err(|e| ApiError::Internal(format!("import task failed: {e}")))?;
    let token = progress_token.as_str();
    let rows = rows.map_err(|e| {
        progress.set(token, Progress { phase: "failed", done: 0, total: 0 });
        ApiError::Sheet(e)
    })?;
    publishable(user, &rows, today).map_err(ApiError::Sheet)?;
    let checked = started.elapsed();
    let total = rows.len();
    let published = rows.iter().filter(|r| r.publish).count();
    let items: Vec<_> = rows.iter().map(|r| (&r.posting, r.publish)).collect();
    let txn = db.begin().await?;
    let mut report = |done: usize| progress.set(token, Progress { phase: "saving", done, total });
    write::insert_many(&txn, user, &items, today, &mut report).await?;
    txn.commit().await?;
    progress.set(token, Progress { phase: "done", done: total, total });
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
    /// The client's token for polling progress; may be empty.
    pub progress_token: String,
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
