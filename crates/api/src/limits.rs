//! The bounds every importer reads files within, in one place, and the error that names the bound
//! a file went over.
//!
//! A file is hostile until read: a 5 KB workbook can declare a million rows, a zip member can say
//! it holds 1 KB and inflate to gigabytes, one CSV line can hold sixteen million commas. Each
//! bound here is checked *before* the memory it guards is committed, so the memory an import takes
//! is bounded by these numbers, not by what the file claims (docs/security/files.md works the
//! budget out, and `crates/api/tests/hostile_files.rs` measures it).
//!
//! Callers: the spreadsheet readers (`crate::sheets`), the upload extractor
//! (`crate::routes::uploads`), and the command-line importers of plan targets and reference data.

use std::fmt;
use std::io::Read;
use std::path::Path;

/// The largest upload accepted (request body of an import): 20,000 rows of CSV fit with room to
/// spare.
pub const MAX_UPLOAD_BYTES: usize = 16 * 1024 * 1024;

/// The most data rows a spreadsheet import holds (postings and round preferences alike).
pub const MAX_ROWS: usize = 20_000;

/// The last sheet row read: the data rows and one header row. A sheet declaring or holding a cell
/// below it is refused before any row is kept.
pub const MAX_SHEET_ROWS: usize = MAX_ROWS + 1;

/// The most columns a sheet may use. The posting sheet has 22 and the preferences sheet 24; a
/// cell further right refuses the file.
pub const MAX_COLUMNS: usize = 32;

/// The most cell positions (row widths summed, empty cells between values included) one file
/// may fill: every row of the largest import, 25 columns wide.
pub const MAX_CELLS: usize = 500_000;

/// The longest cell, in characters: Excel's own limit.
pub const MAX_CELL_CHARS: usize = 32_767;

/// The most text, in bytes of UTF-8, all the cells of one file may hold together.
pub const MAX_TEXT_BYTES: usize = 16 * 1024 * 1024;

/// The most members (files) a workbook's zip archive may hold. Excel writes about a dozen.
pub const MAX_ZIP_MEMBERS: usize = 128;

/// The most one member of a workbook may inflate to, declared or actual.
pub const MAX_MEMBER_BYTES: u64 = 24 * 1024 * 1024;

/// The most all members of a workbook may inflate to together.
pub const MAX_UNCOMPRESSED_BYTES: u64 = 64 * 1024 * 1024;

/// The most shared strings a workbook may hold (declared in `uniqueCount` or actually listed).
pub const MAX_SHARED_STRINGS: usize = 250_000;

/// The longest CSV record (one spreadsheet row), in bytes.
pub const MAX_RECORD_BYTES: usize = 1024 * 1024;

/// The largest plan-targets file (`chanjiao targets import`); the real one is 1.4 KB.
pub const MAX_TARGETS_FILE_BYTES: u64 = 1024 * 1024;

/// The most rows of a plan-targets file.
pub const MAX_TARGETS_ROWS: usize = 1_000;

/// The largest reference-data file (`chanjiao reference import`); the largest real one is 3.4 MB.
pub const MAX_REFERENCE_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// The most rows (lines) of one reference-data file; the largest real one has about 5,000.
pub const MAX_REFERENCE_ROWS: usize = 200_000;

/// Which bound a file went over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bound {
    /// The upload or file in bytes.
    FileBytes,
    ZipMembers,
    /// One zip member's declared or actual uncompressed size.
    MemberBytes,
    UncompressedBytes,
    SharedStrings,
    /// The rows a sheet's `<dimension>` declares.
    DeclaredRows,
    /// The columns a sheet's `<dimension>` declares.
    DeclaredColumns,
    /// A cell's row.
    CellRow,
    /// A cell's column, or a CSV record's fields.
    CellColumn,
    Cells,
    CellChars,
    TextBytes,
    RecordBytes,
    /// The rows (lines) of a command-line import file.
    FileRows,
}

impl Bound {
    /// A stable machine-readable code for the problem's `code`.
    pub fn code(self) -> &'static str {
        match self {
            Bound::FileBytes => "file_too_large",
            Bound::ZipMembers => "too_many_zip_members",
            Bound::MemberBytes => "zip_member_too_large",
            Bound::UncompressedBytes => "uncompressed_too_large",
            Bound::SharedStrings => "too_many_shared_strings",
            Bound::DeclaredRows => "declared_rows_over_limit",
            Bound::DeclaredColumns => "declared_columns_over_limit",
            Bound::CellRow => "row_over_limit",
            Bound::CellColumn => "column_over_limit",
            Bound::Cells => "too_many_cells",
            Bound::CellChars => "cell_too_long",
            Bound::TextBytes => "too_much_text",
            Bound::RecordBytes => "record_too_long",
            Bound::FileRows => "too_many_rows",
        }
    }
}

/// A file over a bound: which bound, the value found (or declared) and the most allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OverLimit {
    pub bound: Bound,
    pub value: u64,
    pub max: u64,
}

impl OverLimit {
    pub fn new(bound: Bound, value: impl TryInto<u64>, max: impl TryInto<u64>) -> OverLimit {
        OverLimit { bound, value: value.try_into().unwrap_or(u64::MAX), max: max.try_into().unwrap_or(u64::MAX) }
    }

    /// The message in Chinese.
    pub fn zh(&self) -> String {
        let (value, max) = (grouped(self.value), grouped(self.max));
        match self.bound {
            Bound::FileBytes => format!("文件有 {value} 字节，最多 {max} 字节"),
            Bound::ZipMembers => format!("工作簿包含 {value} 个部件，最多 {max} 个"),
            Bound::MemberBytes => format!("工作簿的一个部件解压后有 {value} 字节，最多 {max} 字节"),
            Bound::UncompressedBytes => format!("工作簿解压后有 {value} 字节，最多 {max} 字节"),
            Bound::SharedStrings => format!("工作簿包含 {value} 个共享字符串，最多 {max} 个"),
            Bound::DeclaredRows => format!("工作表声明了 {value} 行，最多读取 {max} 行"),
            Bound::DeclaredColumns => format!("工作表声明了 {value} 列，最多读取 {max} 列"),
            Bound::CellRow => format!("第 {value} 行有数据，最多读取 {max} 行"),
            Bound::CellColumn => format!("第 {value} 列有数据，最多读取 {max} 列"),
            Bound::Cells => format!("文件有超过 {value} 个单元格，最多 {max} 个"),
            Bound::CellChars => format!("一个单元格有 {value} 个字符，最多 {max} 个"),
            Bound::TextBytes => format!("单元格文字共超过 {value} 字节，最多 {max} 字节"),
            Bound::RecordBytes => format!("一行有 {value} 字节，最多 {max} 字节"),
            Bound::FileRows => format!("文件有超过 {value} 行，最多 {max} 行"),
        }
    }
}

impl fmt::Display for OverLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (value, max) = (grouped(self.value), grouped(self.max));
        match self.bound {
            Bound::FileBytes => write!(f, "the file has {value} bytes; at most {max} are read"),
            Bound::ZipMembers => write!(f, "the workbook holds {value} parts; at most {max} are read"),
            Bound::MemberBytes => write!(f, "a part of the workbook inflates to {value} bytes; at most {max} are read"),
            Bound::UncompressedBytes => write!(f, "the workbook inflates to {value} bytes; at most {max} are read"),
            Bound::SharedStrings => write!(f, "the workbook holds {value} shared strings; at most {max} are read"),
            Bound::DeclaredRows => write!(f, "the sheet declares {value} rows; at most {max} are read"),
            Bound::DeclaredColumns => write!(f, "the sheet declares {value} columns; at most {max} are read"),
            Bound::CellRow => write!(f, "row {value} holds data; at most {max} rows are read"),
            Bound::CellColumn => write!(f, "column {value} holds data; at most {max} columns are read"),
            Bound::Cells => write!(f, "the file holds more than {value} cells; at most {max} are read"),
            Bound::CellChars => write!(f, "a cell holds {value} characters; at most {max} are read"),
            Bound::TextBytes => write!(f, "the cells hold more than {value} bytes of text; at most {max} are read"),
            Bound::RecordBytes => write!(f, "a row holds {value} bytes; at most {max} are read"),
            Bound::FileRows => write!(f, "the file has more than {value} rows; at most {max} are read"),
        }
    }
}

/// `1048576` → `1,048,576`.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// Why a command-line import file was not read.
#[derive(Debug, thiserror::Error)]
pub enum FileReadError {
    #[error("reading {path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{path}: {limit}")]
    OverLimit { path: String, limit: OverLimit },
    #[error("{path} is not UTF-8 text")]
    NotText { path: String },
}

/// Reads a UTF-8 file of at most `max_bytes` and `max_rows` lines, without ever holding more than
/// `max_bytes + 1` bytes (a file that grows while read cannot get past it).
pub fn read_text_file(path: &Path, max_bytes: u64, max_rows: usize) -> Result<String, FileReadError> {
    let shown = path.display().to_string();
    let io = |source| FileReadError::Io { path: shown.clone(), source };
    let file = std::fs::File::open(path).map_err(io)?;
    let declared = file.metadata().map_err(io)?.len();
    if declared > max_bytes {
        return Err(FileReadError::OverLimit {
            path: shown,
            limit: OverLimit::new(Bound::FileBytes, declared, max_bytes),
        });
    }
    let mut bytes = Vec::new();
    file.take(max_bytes + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > max_bytes {
        let limit = OverLimit::new(Bound::FileBytes, bytes.len(), max_bytes);
        return Err(FileReadError::OverLimit { path: shown, limit });
    }
    let text = String::from_utf8(bytes).map_err(|_| FileReadError::NotText { path: shown.clone() })?;
    let rows = text.lines().count();
    if rows > max_rows {
        return Err(FileReadError::OverLimit { path: shown, limit: OverLimit::new(Bound::FileRows, rows, max_rows) });
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(20_001), "20,001");
        assert_eq!(grouped(1_048_576), "1,048,576");
    }

    #[test]
    fn a_declared_dimension_over_the_limit_is_named_with_both_numbers() {
        let limit = OverLimit::new(Bound::DeclaredRows, 1_048_576u32, MAX_SHEET_ROWS);
        assert_eq!(limit.to_string(), "the sheet declares 1,048,576 rows; at most 20,001 are read");
    }

    #[test]
    fn command_line_files_are_read_within_their_size_and_row_limits() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        std::fs::write(&path, "a\nb\nc\n").unwrap();
        assert_eq!(read_text_file(&path, 100, 3).unwrap(), "a\nb\nc\n");
        assert!(matches!(
            read_text_file(&path, 100, 2),
            Err(FileReadError::OverLimit { limit: OverLimit { bound: Bound::FileRows, value: 3, max: 2 }, .. })
        ));
        assert!(matches!(
            read_text_file(&path, 5, 10),
            Err(FileReadError::OverLimit { limit: OverLimit { bound: Bound::FileBytes, value: 6, max: 5 }, .. })
        ));
    }
}
