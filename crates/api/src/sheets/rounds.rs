//! Allocation rounds in spreadsheets: the preferences template, importing a school's students
//! and preferences, and exporting preferences and results (`.xlsx`).
//!
//! The preferences sheet has fixed columns, in this order (Chinese headers in the template;
//! the import goes by position and ignores header text):
//! 化名编号 (pseudonym) · 专业代码 (program code) · 层次 (level: `zhongzhi`, `gaozhi_zhuanke`,
//! `gaozhi_benke`, `putong_benke`, or 中职 / 高职专科 / 职教本科 / 普通本科) · 同意 (consent: 是 / yes /
//! true / 1) · 志愿1 … 志愿20 (place ids of the round, as listed on the template's second sheet
//! 名额; ids rather than titles because two postings may share a title).
//!
//! Pure: bytes in, rows out; the service stores them all or none.

use rust_xlsxwriter::{Format, Workbook};

use super::read::{Cell, read};
use super::write::{escape_formula, write_error};
use super::{SheetError, SheetFormat};

pub const CHOICES: usize = chanjiao_domain::rounds::MAX_PREFERENCES;

/// One data row of a preferences sheet, as text, with the row number users see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreferenceRow {
    pub row: usize,
    pub pseudonym: String,
    pub program_code: String,
    pub level: String,
    pub consent: String,
    /// The non-empty choice cells, in column order, with their 1-based choice number.
    pub choices: Vec<(usize, String)>,
}

fn headers() -> Vec<String> {
    let mut headers: Vec<String> = ["化名编号", "专业代码", "层次", "同意"].iter().map(|h| (*h).to_owned()).collect();
    headers.extend((1..=CHOICES).map(|k| format!("志愿{k}")));
    headers
}

fn text(cell: &Cell) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Text(t) => t.trim().to_owned(),
        Cell::Int(i) => i.to_string(),
        Cell::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
        Cell::Float(f) => f.to_string(),
        Cell::Date(d, _) => d.to_string(),
        Cell::Bool(b) => b.to_string(),
        Cell::Error(e) => e.clone(),
    }
}

/// Reads a preferences sheet; a sheet with headers only has no rows.
pub fn read_preferences(bytes: &[u8]) -> Result<Vec<PreferenceRow>, SheetError> {
    let table = match read(bytes, SheetFormat::Xlsx) {
        Ok(table) => table,
        Err(SheetError::Empty) => return Ok(Vec::new()),
        Err(other) => return Err(other),
    };
    Ok(table
        .rows
        .iter()
        .map(|row| {
            let cell = |i: usize| row.cells.get(i).map(text).unwrap_or_default();
            PreferenceRow {
                row: row.number,
                pseudonym: cell(0),
                program_code: cell(1),
                level: cell(2),
                consent: cell(3),
                choices: (0..CHOICES).map(|k| (k + 1, cell(4 + k))).filter(|(_, c)| !c.is_empty()).collect(),
            }
        })
        .collect())
}

/// Whether a consent cell says yes.
pub fn consents(cell: &str) -> bool {
    matches!(cell.trim().to_lowercase().as_str(), "是" | "yes" | "y" | "true" | "1" | "同意")
}

/// A level cell in the API's words (Chinese names accepted).
pub fn level_of(cell: &str) -> String {
    match cell.trim() {
        "中职" => "zhongzhi",
        "高职专科" | "高职" => "gaozhi_zhuanke",
        "职教本科" => "gaozhi_benke",
        "普通本科" | "本科" => "putong_benke",
        other => other,
    }
    .to_owned()
}

fn sheet_of(book: &mut Workbook, name: &str, headers: &[String], rows: &[Vec<String>]) -> Result<(), SheetError> {
    let bold = Format::new().set_bold();
    let sheet = book.add_worksheet();
    sheet.set_name(name).map_err(write_error)?;
    for (c, header) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, header, &bold).map_err(write_error)?;
        sheet.set_column_width(c as u16, 14).map_err(write_error)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            sheet.write_string(r as u32 + 1, c as u16, escape_formula(value)).map_err(write_error)?;
        }
    }
    Ok(())
}

/// The preferences sheet (empty for the template, or a school's students) and a second sheet
/// listing the round's places: id, title, enterprise, seats.
pub fn preferences_book(rows: &[Vec<String>], places: &[Vec<String>]) -> Result<Vec<u8>, SheetError> {
    let mut book = Workbook::new();
    sheet_of(&mut book, "志愿", &headers(), rows)?;
    let place_headers: Vec<String> = ["名额编号", "名称", "企业", "名额数"].iter().map(|h| (*h).to_owned()).collect();
    sheet_of(&mut book, "名额", &place_headers, places)?;
    book.save_to_buffer().map_err(write_error)
}

/// The results sheet.
pub fn results_book(rows: &[Vec<String>]) -> Result<Vec<u8>, SheetError> {
    let headers: Vec<String> =
        ["化名编号", "专业代码", "层次", "录取名额编号", "录取名额", "企业", "志愿序号", "说明", "Explanation", "答复"]
            .iter()
            .map(|h| (*h).to_owned())
            .collect();
    let mut book = Workbook::new();
    sheet_of(&mut book, "结果", &headers, rows)?;
    book.save_to_buffer().map_err(write_error)
}
