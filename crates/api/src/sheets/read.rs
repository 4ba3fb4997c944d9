//! Reading file bytes into a table of cells: telling `.xlsx` from `.csv`, decoding the encodings
//! Chinese Excel saves CSV in, and turning Excel's cells (serial dates included) into [`Cell`]s.
//!
//! The first non-empty row is the header; empty rows are dropped; every kept row carries the row
//! number users see in their spreadsheet.

use std::borrow::Cow;

use chrono::NaiveDate;

use super::xlsx::Budget;
use super::{MAX_ROWS, SheetError, SheetFormat};
use crate::limits::{Bound, MAX_COLUMNS, MAX_RECORD_BYTES, OverLimit};

/// One cell as read, before it is interpreted for its column.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Cell {
    Empty,
    Text(String),
    Int(i64),
    Float(f64),
    /// An Excel date cell: the day and the serial number it was stored as.
    Date(NaiveDate, f64),
    Bool(bool),
    /// An Excel error value such as `#REF!`.
    Error(String),
}

impl Cell {
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(text) => text.trim().is_empty(),
            _ => false,
        }
    }

    pub(super) fn text(text: &str) -> Cell {
        if text.trim().is_empty() { Cell::Empty } else { Cell::Text(text.to_owned()) }
    }
}

/// One non-empty data row.
#[derive(Debug)]
pub(super) struct Row {
    /// The row number users see; the first row of the sheet is 1.
    pub number: usize,
    pub cells: Vec<Cell>,
}

/// A sheet: its header row and its non-empty data rows.
#[derive(Debug)]
pub(super) struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Row>,
}

impl Table {
    /// Whether any data row has a value in the column at `index`.
    pub fn column_has_data(&self, index: usize) -> bool {
        self.rows.iter().any(|row| row.cells.get(index).is_some_and(|c| !c.is_blank()))
    }

    /// Builds the table from rows in sheet order, numbered from 1. Rejects a file without data
    /// rows and one with more than [`MAX_ROWS`] of them.
    pub(super) fn from_rows(
        rows: impl Iterator<Item = Result<(usize, Vec<Cell>), SheetError>>,
    ) -> Result<Table, SheetError> {
        let mut header = None;
        let mut data = Vec::new();
        for row in rows {
            let (number, cells) = row?;
            if cells.iter().all(Cell::is_blank) {
                continue;
            }
            if header.is_none() {
                header = Some(cells.iter().map(header_text).collect());
                continue;
            }
            if data.len() == MAX_ROWS {
                return Err(SheetError::TooManyRows { max: MAX_ROWS });
            }
            data.push(Row { number, cells });
        }
        match header {
            Some(header) if !data.is_empty() => Ok(Table { header, rows: data }),
            _ => Err(SheetError::Empty),
        }
    }
}

fn header_text(cell: &Cell) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Text(text) | Cell::Error(text) => text.clone(),
        Cell::Int(n) => n.to_string(),
        Cell::Float(f) => f.to_string(),
        Cell::Date(date, _) => date.to_string(),
        Cell::Bool(b) => b.to_string(),
    }
}

pub(super) fn read(bytes: &[u8], format: SheetFormat) -> Result<Table, SheetError> {
    match format {
        SheetFormat::Xlsx => super::xlsx::read(bytes),
        SheetFormat::Csv => read_csv(bytes),
    }
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

pub(super) fn detect(
    file_name: Option<&str>,
    content_type: Option<&str>,
    bytes: &[u8],
) -> Result<SheetFormat, SheetError> {
    let extension = file_name
        .and_then(|name| name.rsplit_once('.'))
        .map(|(_, ext)| ext.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let media = content_type.map(|t| t.split(';').next().unwrap_or(t).trim().to_ascii_lowercase()).unwrap_or_default();
    let described = || match (file_name, content_type) {
        (Some(name), _) => name.to_owned(),
        (None, Some(media)) => media.to_owned(),
        (None, None) => "the upload".to_owned(),
    };
    if bytes.is_empty() {
        return Err(SheetError::Empty);
    }
    if bytes.starts_with(OLE_MAGIC) {
        return Err(SheetError::Unsupported(format!(
            "{} is a legacy Excel 97-2003 (.xls) or other OLE file; save it as .xlsx",
            described()
        )));
    }
    let non_sheet_media = ["image/", "audio/", "video/", "application/pdf", "application/msword"];
    if non_sheet_media.iter().any(|prefix| media.starts_with(prefix)) {
        return Err(SheetError::Unsupported(format!("{} is not a spreadsheet ({media})", described())));
    }
    if bytes.starts_with(ZIP_MAGIC) {
        let other_zip = ["docx", "pptx", "ods", "odt", "zip", "numbers", "et", "wps"];
        if other_zip.contains(&extension.as_str()) {
            return Err(SheetError::Unsupported(format!("{} is not an .xlsx workbook", described())));
        }
        return Ok(SheetFormat::Xlsx);
    }
    if matches!(extension.as_str(), "xlsx" | "xlsm") {
        return Err(SheetError::Unreadable(format!(
            "{} is named .{extension} but is not an Excel workbook",
            described()
        )));
    }
    match decode(bytes) {
        Ok(_) => Ok(SheetFormat::Csv),
        Err(_) => Err(SheetError::Unsupported(format!("{} is neither an .xlsx workbook nor CSV text", described()))),
    }
}

/// Decodes CSV bytes: UTF-8 with or without a byte-order mark, UTF-16 with one (Excel's "Unicode
/// text"), else GB18030, a superset of the GBK that Chinese Excel saves CSV in. Text with control
/// characters other than tabs and line breaks is taken for a binary file.
pub(super) fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, SheetError> {
    let text: Cow<'_, str> = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Cow::Borrowed(
            std::str::from_utf8(rest)
                .map_err(|_| SheetError::Unreadable("the text starts as UTF-8 but is not valid UTF-8".into()))?,
        )
    } else if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        let (text, _, malformed) = encoding_rs::UTF_16LE.decode(bytes);
        if malformed {
            return Err(SheetError::Unreadable("the text is not valid UTF-16".into()));
        }
        text
    } else if let Ok(text) = std::str::from_utf8(bytes) {
        Cow::Borrowed(text)
    } else {
        encoding_rs::GB18030
            .decode_without_bom_handling_and_without_replacement(bytes)
            .ok_or_else(|| SheetError::Unreadable("the text is neither UTF-8 nor GB18030/GBK".into()))?
    };
    // A stray control character is a row's problem; many, or a NUL, make a binary file.
    let controls = text.chars().filter(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}')).count();
    if text.contains('\0') || controls * 100 > text.len() {
        return Err(SheetError::Unreadable("the file holds binary data, not text".into()));
    }
    Ok(text)
}

fn read_csv(bytes: &[u8]) -> Result<Table, SheetError> {
    let text = decode(bytes)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let delimiter = delimiter(text);
    check_records(text.as_bytes(), delimiter)?;
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes());
    let mut budget = Budget::default();
    // Excel shows a record per row, however many lines its quoted cells span, and a blank line
    // as an empty row: a record's row is one more than the line breaks before its end, less
    // those inside the cells read so far. (The reader's own record positions skip blank lines.)
    let mut record = csv::StringRecord::new();
    let (mut counted_to, mut breaks, mut breaks_in_cells) = (0, 0, 0);
    let rows = std::iter::from_fn(|| {
        match reader.read_record(&mut record) {
            Ok(false) => return None,
            Ok(true) => {}
            Err(e) => return Some(Err(SheetError::Unreadable(format!("malformed CSV: {e}")))),
        }
        let bytes = text.as_bytes();
        let mut content_end = (reader.position().byte() as usize).min(bytes.len());
        while content_end > counted_to && matches!(bytes[content_end - 1], b'\r' | b'\n') {
            content_end -= 1;
        }
        breaks += bytes[counted_to..content_end].iter().filter(|b| **b == b'\n').count();
        counted_to = content_end;
        breaks_in_cells += record.iter().map(|field| field.matches('\n').count()).sum::<usize>();
        let number = 1 + breaks - breaks_in_cells.min(breaks);
        if record.iter().all(|field| field.trim().is_empty()) {
            return Some(Ok((number, Vec::new())));
        }
        let kept = budget.positions(record.len()).and_then(|()| record.iter().try_for_each(|f| budget.text(f)));
        Some(kept.map(|()| (number, record.iter().map(Cell::text).collect())))
    });
    Table::from_rows(rows)
}

/// Checks every record's field count and length with the CSV reader's own parser, before the
/// reader builds any record: one line of sixteen million commas would otherwise become sixteen
/// million fields.
fn check_records(bytes: &[u8], delimiter: u8) -> Result<(), SheetError> {
    use csv_core::ReadFieldResult;
    let over = |bound, value: usize, max: usize| SheetError::TooLarge(OverLimit::new(bound, value, max));
    let mut parser = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
    let mut scratch = [0u8; 4096];
    let (mut input, mut fields, mut record_bytes) = (bytes, 0usize, 0usize);
    loop {
        let (result, read, written) = parser.read_field(input, &mut scratch);
        input = &input[read..];
        record_bytes += written;
        if record_bytes > MAX_RECORD_BYTES {
            return Err(over(Bound::RecordBytes, record_bytes, MAX_RECORD_BYTES));
        }
        match result {
            ReadFieldResult::InputEmpty | ReadFieldResult::OutputFull => {}
            ReadFieldResult::Field { record_end } => {
                fields += 1;
                if fields > MAX_COLUMNS {
                    return Err(over(Bound::CellColumn, fields, MAX_COLUMNS));
                }
                if record_end {
                    (fields, record_bytes) = (0, 0);
                }
            }
            ReadFieldResult::End => return Ok(()),
        }
    }
}

/// Comma, unless the first line has tabs (Excel's "Unicode text") or semicolons and no comma.
fn delimiter(text: &str) -> u8 {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    if first.contains(',') {
        b','
    } else if first.contains('\t') {
        b'\t'
    } else if first.contains(';') {
        b';'
    } else {
        b','
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_utf8_with_and_without_bom_gbk_and_utf16() {
        assert_eq!(decode("类型,标题".as_bytes()).unwrap(), "类型,标题");
        assert_eq!(decode(b"\xEF\xBB\xBFkind").unwrap(), "kind");
        let (gbk, _, _) = encoding_rs::GBK.encode("类型,标题\n岗位需求,数控车工");
        assert_eq!(decode(&gbk).unwrap(), "类型,标题\n岗位需求,数控车工");
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend("类型\t标题".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode(&utf16).unwrap(), "类型\t标题");
        assert!(decode(b"\x00\x01\x02binary").is_err());
    }

    #[test]
    fn detects_formats_by_their_bytes() {
        assert_eq!(detect(Some("a.xlsx"), None, b"PK\x03\x04rest"), Ok(SheetFormat::Xlsx));
        assert_eq!(detect(None, None, "类型,标题".as_bytes()), Ok(SheetFormat::Csv));
        assert_eq!(detect(Some("岗位.txt"), Some("text/plain"), b"kind,title"), Ok(SheetFormat::Csv));
        assert!(matches!(detect(Some("old.xls"), None, OLE_MAGIC), Err(SheetError::Unsupported(_))));
        assert!(matches!(detect(Some("a.docx"), None, b"PK\x03\x04rest"), Err(SheetError::Unsupported(_))));
        assert!(matches!(detect(None, Some("application/pdf"), b"%PDF-1.7"), Err(SheetError::Unsupported(_))));
        assert!(matches!(detect(None, None, &[0x89, b'P', b'N', b'G', 0, 0, 0x1A]), Err(SheetError::Unsupported(_))));
        assert!(matches!(detect(Some("a.xlsx"), None, b"kind,title"), Err(SheetError::Unreadable(_))));
        assert_eq!(detect(None, None, b""), Err(SheetError::Empty));
    }

    #[test]
    fn csv_rows_are_numbered_as_excel_shows_them() {
        for text in ["类型,标题\n\njob,\"两行\n标题\"\njob,第三\n", "类型,标题\r\n\r\njob,\"两行\r\n标题\"\r\njob,第三"]
        {
            let table = read_csv(text.as_bytes()).unwrap();
            assert_eq!(table.header, ["类型", "标题"]);
            let numbers: Vec<usize> = table.rows.iter().map(|r| r.number).collect();
            assert_eq!(numbers, [3, 4], "{text:?}");
        }
        assert!(matches!(read_csv("类型,标题\n,\n".as_bytes()), Err(SheetError::Empty)));
    }

    #[test]
    fn picks_the_delimiter_from_the_header_line() {
        assert_eq!(delimiter("kind\ttitle\n"), b'\t');
        assert_eq!(delimiter("kind;title\n"), b';');
        assert_eq!(delimiter("kind,title;x\n"), b',');
    }
}
