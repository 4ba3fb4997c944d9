//! Postings in spreadsheets: importing `.xlsx` and `.csv` files, exporting listings, and the
//! downloadable template with its instructions sheet.
//!
//! This module is pure: bytes in, bytes out. It knows the sheet layout (one column per
//! [`PostingInput`](chanjiao_domain::PostingInput) field, Chinese headers, English field names
//! accepted too), how Excel and Chinese CSV files store text, numbers, dates and codes, and how
//! to report every bad row at once. It must not know about the database, HTTP or who is
//! importing: callers pass the poster's [`Side`], store the rows, and run it off the async
//! runtime (`spawn_blocking`), since a 10,000-row file takes a moment.
//!
//! - `columns`: the column table and header matching;
//! - `read`: file bytes → a table of cells (format detection, encodings, CSV);
//! - `xlsx`: a workbook → a table of cells, within [`crate::limits`] (the archive checked before
//!   it is opened, the sheet read cell by cell);
//! - `cells`: one row's cells → a `PostingInput` (labels, codes, dates, lists);
//! - `validate`: all rows → postings, or a report of every problem;
//! - `write`: export to `.xlsx` and `.csv`, escaped against formula injection;
//! - `template`: the template and its 填写说明 sheet.

mod cells;
mod columns;
mod read;
pub mod rounds;
mod template;
mod validate;
mod write;
mod xlsx;

#[cfg(test)]
mod tests;

use chanjiao_domain::{NewPosting, PostingStatus, Side};
use serde::Serialize;

pub use template::template;
pub use write::export;

/// The most data rows one file may hold (see [`crate::limits`] for every bound).
pub use crate::limits::MAX_ROWS;

/// The most problems a report lists; the rest are only counted.
pub const MAX_PROBLEMS: usize = 500;

/// The name of the sheet postings are read from and written to. An `.xlsx` file without a sheet
/// of this name is read from its first sheet.
pub const SHEET_NAME: &str = "岗位与资源";

/// The name of the template's instructions sheet.
pub const INSTRUCTIONS_SHEET_NAME: &str = "填写说明";

/// The two file formats postings are imported from and exported to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SheetFormat {
    Xlsx,
    Csv,
}

impl SheetFormat {
    /// Tells the format of an upload from its bytes: an `.xlsx` workbook is a zip file, anything
    /// that decodes as text (UTF-8, GB18030/GBK or UTF-16 with a byte-order mark) is CSV. The
    /// file name and content type only sharpen the error for files that are neither, such as a
    /// legacy `.xls`, a PDF or a Word document.
    pub fn detect(
        file_name: Option<&str>,
        content_type: Option<&str>,
        bytes: &[u8],
    ) -> Result<SheetFormat, SheetError> {
        read::detect(file_name, content_type, bytes)
    }

    /// The file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            SheetFormat::Xlsx => "xlsx",
            SheetFormat::Csv => "csv",
        }
    }

    /// The media type to serve a file of this format with.
    pub fn content_type(self) -> &'static str {
        match self {
            SheetFormat::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            SheetFormat::Csv => "text/csv; charset=utf-8",
        }
    }
}

/// One valid row of an imported file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow {
    /// The row number users see in their spreadsheet; the header is row 1 (or wherever the first
    /// non-empty row is).
    pub row: usize,
    pub posting: NewPosting,
    /// Whether the row asked to be published (状态 发布) rather than saved as a draft.
    pub publish: bool,
}

/// One problem of one row, against the column it is in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowProblem {
    /// The row number users see in their spreadsheet.
    pub row: usize,
    /// The column's header as the file writes it (`标题*`), or the template's header when the
    /// file has no such column.
    pub column: String,
    /// The API field the problem is about, with the list item when there is one
    /// (`program_codes[2]`).
    pub field: String,
    /// A stable machine-readable reason (`required`, `unknown_program`, …).
    pub code: &'static str,
    pub reason: String,
    pub reason_zh: String,
}

/// Why a file was rejected row by row: every problem, up to [`MAX_PROBLEMS`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    /// The non-empty data rows read.
    pub rows_checked: usize,
    /// How many of those rows have at least one problem.
    pub rows_with_problems: usize,
    /// The problems, in row order and, within a row, in column order.
    pub problems: Vec<RowProblem>,
    /// Problems found beyond the first [`MAX_PROBLEMS`], not listed.
    pub more_problems: usize,
}

/// Why a file cannot be imported or a listing exported. Messages are English and lowercase, as
/// errors are logged; [`SheetError::zh`] gives the message to show users.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SheetError {
    /// The bytes are of the right kind but broken: a damaged workbook, text in no known encoding.
    #[error("the file cannot be read: {0}")]
    Unreadable(String),
    /// The file is not a spreadsheet this platform reads (a legacy `.xls`, a PDF, an image …).
    #[error("unsupported file type: {0}")]
    Unsupported(String),
    #[error("the file has no data rows")]
    Empty,
    #[error("required columns are missing: {}", .0.join(", "))]
    MissingColumns(Vec<String>),
    /// Headers that name no column, so that a typo is not silently ignored.
    #[error("unknown columns: {}", .0.join(", "))]
    UnknownColumns(Vec<String>),
    /// Two headers naming the same column (`标题` and `title`).
    #[error("columns given more than once: {}", .0.join(", "))]
    DuplicateColumns(Vec<String>),
    #[error("the file has more than {max} data rows")]
    TooManyRows { max: usize },
    /// The file goes over one of the bounds of [`crate::limits`]: refused before the memory the
    /// bound guards is taken.
    #[error("the file is too large: {0}")]
    TooLarge(crate::limits::OverLimit),
    #[error("{} of {} rows have problems, nothing was imported", .0.rows_with_problems, .0.rows_checked)]
    Rows(ImportReport),
    /// Writing a workbook failed; not expected with valid postings.
    #[error("the spreadsheet cannot be written: {0}")]
    Write(String),
}

impl SheetError {
    /// A stable machine-readable code, for API clients that branch on the reason.
    pub fn code(&self) -> &'static str {
        match self {
            SheetError::Unreadable(_) => "unreadable",
            SheetError::Unsupported(_) => "unsupported_format",
            SheetError::Empty => "empty",
            SheetError::MissingColumns(_) => "missing_columns",
            SheetError::UnknownColumns(_) => "unknown_columns",
            SheetError::DuplicateColumns(_) => "duplicate_columns",
            SheetError::TooManyRows { .. } => "too_many_rows",
            SheetError::TooLarge(limit) => limit.bound.code(),
            SheetError::Rows(_) => "invalid_rows",
            SheetError::Write(_) => "write_failed",
        }
    }

    /// The message in Chinese, for the page and the API's `message_zh`.
    pub fn zh(&self) -> String {
        match self {
            SheetError::Unreadable(detail) => {
                format!("无法读取文件，请确认是有效的 .xlsx 或 .csv 文件（CSV 须为 UTF-8 或 GBK 编码）。详情：{detail}")
            }
            SheetError::Unsupported(detail) => {
                format!("不支持的文件类型，请上传 .xlsx 或 .csv 文件（旧版 .xls 请先另存为 .xlsx）。详情：{detail}")
            }
            SheetError::Empty => "文件中没有可导入的数据行".into(),
            SheetError::MissingColumns(columns) => format!("缺少必需的列：{}", columns.join("、")),
            SheetError::UnknownColumns(columns) => {
                format!("无法识别的列：{}（请使用模板中的列名，不要修改表头）", columns.join("、"))
            }
            SheetError::DuplicateColumns(columns) => format!("以下列重复出现：{}", columns.join("、")),
            SheetError::TooManyRows { max } => format!("数据行超过 {max} 行，请拆分为多个文件导入"),
            SheetError::TooLarge(limit) => format!("文件过大，未导入：{}", limit.zh()),
            SheetError::Rows(report) => format!(
                "共 {} 行中有 {} 行存在问题，整个文件未导入，请修改后重新上传",
                report.rows_checked, report.rows_with_problems
            ),
            SheetError::Write(detail) => format!("生成表格文件失败：{detail}"),
        }
    }
}

/// A stored posting as a listing exports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportRow {
    pub id: i64,
    /// The owning organization's name.
    pub organization: String,
    pub status: PostingStatus,
    pub posting: NewPosting,
}

/// Reads a file into postings of `side`'s kinds. All or nothing: any bad row rejects the file
/// with a [`SheetError::Rows`] report of every problem. Empty rows are skipped. `progress` is
/// called now and then with (rows done, rows in all).
pub fn import(
    bytes: &[u8],
    format: SheetFormat,
    side: Side,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Vec<ImportRow>, SheetError> {
    let table = read::read(bytes, format)?;
    let header = columns::Header::map(&table.header, |index| table.column_has_data(index))?;
    validate::rows(&table, &header, side, progress)
}
