//! Writing postings to `.xlsx` and `.csv`: the export of a listing, and the cell values and
//! sheet layout the template shares with it.
//!
//! Exports read back as the same postings. Text that a spreadsheet would take for a formula
//! (beginning with `=`, `+`, `-` or `@`) is written as a string cell in `.xlsx` and behind an
//! apostrophe in `.csv`, which the importer takes off again. CSV is UTF-8 with a byte-order mark,
//! so that Excel opens Chinese text correctly.

use chanjiao_domain::{NewPosting, Yuan};
use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{ExcelDateTime, Format, FormatBorder, Workbook, Worksheet, XlsxError};

use super::columns::{COLUMNS, Column, Field};
use super::{ExportRow, SHEET_NAME, SheetError, SheetFormat};

/// A value to write into a cell.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Value {
    Blank,
    Text(String),
    Integer(i64),
    Money(Yuan),
    Date(NaiveDate),
}

/// How list items are joined in one cell; the importer splits on it.
const LIST_SEPARATOR: &str = "、";

/// The value of one column for a posting. The status is `status` (exports write the posting's,
/// the template 草稿 or 发布).
pub(super) fn value(field: Field, posting: &NewPosting, id: Option<i64>, organization: &str, status: &str) -> Value {
    let text = |s: &str| if s.is_empty() { Value::Blank } else { Value::Text(s.to_owned()) };
    let list = |items: Vec<&str>| text(&items.join(LIST_SEPARATOR));
    let strings = |items: &[String]| list(items.iter().map(String::as_str).collect());
    let date = |d: Option<NaiveDate>| d.map_or(Value::Blank, Value::Date);
    let integer = |n: Option<u32>| n.map_or(Value::Blank, |n| Value::Integer(n.into()));
    match field {
        Field::Id => id.map_or(Value::Blank, Value::Integer),
        Field::Organization => text(organization),
        Field::Kind => text(posting.kind.zh()),
        Field::Title => text(posting.title.as_str()),
        Field::Description => text(posting.description.as_str()),
        Field::Skills => strings(&posting.skills),
        Field::Region => text(posting.region.as_str()),
        Field::RegionName => text(&posting.region.full_name()),
        Field::StartsOn => date(posting.window.starts_on()),
        Field::EndsOn => date(posting.window.ends_on()),
        Field::Quantity => integer(posting.quantity.map(|q| q.get())),
        Field::EducationLevel => posting.education_level.map_or(Value::Blank, |l| text(l.zh())),
        Field::ProgramCodes => list(posting.program_codes.iter().map(|c| c.as_str()).collect()),
        Field::OccupationCodes => list(posting.occupation_codes.iter().map(|c| c.as_str()).collect()),
        Field::IndustryClusters => {
            list(posting.industry_clusters.iter().map(|c| c.cluster().name_zh.as_str()).collect())
        }
        Field::Certificates => strings(&posting.certificates),
        Field::AmountYuan => posting.amount.map_or(Value::Blank, Value::Money),
        Field::ApprenticeshipType => posting.apprenticeship_type.map_or(Value::Blank, |t| text(t.zh())),
        Field::AnnualEnrolment => integer(posting.annual_enrolment.map(|e| e.get())),
        // Equipment and open periods are one item per line: an item may contain a comma.
        Field::Equipment => text(&posting.equipment.join("\n")),
        Field::OpenPeriods => text(&posting.open_periods.join("\n")),
        Field::Status => text(status),
    }
}

/// Exports postings with every column, the platform's id, owner and status included.
pub fn export(rows: &[ExportRow], format: SheetFormat) -> Result<Vec<u8>, SheetError> {
    let columns: Vec<&Column> = COLUMNS.iter().collect();
    let headers: Vec<String> = columns.iter().map(|c| c.zh.to_owned()).collect();
    let values = rows.iter().map(|row| {
        let status = row.status.zh();
        columns.iter().map(|c| value(c.field, &row.posting, Some(row.id), &row.organization, status)).collect()
    });
    match format {
        SheetFormat::Csv => csv_bytes(&headers, values),
        SheetFormat::Xlsx => {
            let mut book = Workbook::new();
            let sheet = book.add_worksheet();
            write_sheet(sheet, &columns, &headers, values).map_err(write_error)?;
            let last_col = columns.len().saturating_sub(1) as u16;
            sheet.autofilter(0, 0, rows.len() as u32, last_col).map_err(write_error)?;
            book.save_to_buffer().map_err(write_error)
        }
    }
}

pub(super) fn write_error(error: XlsxError) -> SheetError {
    SheetError::Write(error.to_string())
}

/// The formats of a posting sheet.
pub(super) struct Formats {
    pub header: Format,
    pub required_header: Format,
    pub date: Format,
    pub text: Format,
}

impl Formats {
    pub fn new() -> Formats {
        let header = Format::new().set_bold().set_background_color("#DDEBF7").set_border(FormatBorder::Thin);
        Formats {
            required_header: header.clone().set_font_color("#C00000"),
            header,
            date: Format::new().set_num_format("yyyy-mm-dd"),
            text: Format::new().set_num_format("@"),
        }
    }
}

/// Writes a posting sheet: named [`SHEET_NAME`], bold frozen header, column widths, date and text
/// formats, then the rows.
pub(super) fn write_sheet(
    sheet: &mut Worksheet,
    columns: &[&Column],
    headers: &[String],
    rows: impl Iterator<Item = Vec<Value>>,
) -> Result<(), XlsxError> {
    let formats = Formats::new();
    sheet.set_name(SHEET_NAME)?;
    for (index, (column, header)) in columns.iter().zip(headers).enumerate() {
        let col = index as u16;
        sheet.set_column_width(col, column.width)?;
        // Codes stay text when typed into the template, so Excel keeps 080901's leading zero.
        if matches!(column.field, Field::Region | Field::ProgramCodes | Field::OccupationCodes) {
            sheet.set_column_format(col, &formats.text)?;
        }
        if matches!(column.field, Field::StartsOn | Field::EndsOn) {
            sheet.set_column_format(col, &formats.date)?;
        }
        let format = if column.required { &formats.required_header } else { &formats.header };
        sheet.write_string_with_format(0, col, header, format)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    for (index, values) in rows.enumerate() {
        let row = index as u32 + 1;
        for (col, value) in values.into_iter().enumerate() {
            let col = col as u16;
            match value {
                Value::Blank => {}
                // Always a string cell, never a formula, whatever the text begins with.
                Value::Text(text) => {
                    sheet.write_string(row, col, text)?;
                }
                Value::Integer(n) => {
                    sheet.write_number(row, col, n as f64)?;
                }
                Value::Money(yuan) => {
                    sheet.write_number(row, col, yuan.as_f64())?;
                }
                Value::Date(date) => {
                    sheet.write_date_with_format(row, col, excel_date(date)?, &formats.date)?;
                }
            }
        }
    }
    Ok(())
}

fn excel_date(date: NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    let (year, month, day) = (date.year(), date.month(), date.day());
    let year = u16::try_from(year).map_err(|_| XlsxError::DateTimeRangeError(format!("year {year}")))?;
    ExcelDateTime::from_ymd(year, month as u8, day as u8)
}

/// Writes CSV: UTF-8 with a byte-order mark, header then rows.
pub(super) fn csv_bytes(headers: &[String], rows: impl Iterator<Item = Vec<Value>>) -> Result<Vec<u8>, SheetError> {
    let csv_error = |e: csv::Error| SheetError::Write(e.to_string());
    let mut writer = csv::WriterBuilder::new().from_writer(b"\xEF\xBB\xBF".to_vec());
    writer.write_record(headers).map_err(csv_error)?;
    for values in rows {
        writer.write_record(values.iter().map(csv_field)).map_err(csv_error)?;
    }
    writer.into_inner().map_err(|e| SheetError::Write(e.to_string()))
}

fn csv_field(value: &Value) -> String {
    match value {
        Value::Blank => String::new(),
        Value::Text(text) => escape_formula(text),
        Value::Integer(n) => n.to_string(),
        Value::Money(yuan) => yuan.to_string(),
        Value::Date(date) => date.format("%Y-%m-%d").to_string(),
    }
}

/// Puts an apostrophe before text that Excel would otherwise run as a formula (CSV injection).
pub(super) fn escape_formula(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_like_text_is_escaped_and_the_importer_unescapes_it() {
        for text in ["=HYPERLINK(\"http://x\")", "+1", "-20℃ 冷库", "@SUM(A1)"] {
            let escaped = escape_formula(text);
            assert!(escaped.starts_with('\''), "{text}");
            assert_eq!(super::super::cells::unescape(&escaped), text);
        }
        assert_eq!(escape_formula("数控车工"), "数控车工");
    }
}
