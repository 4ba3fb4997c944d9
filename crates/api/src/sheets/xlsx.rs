//! Reading an `.xlsx` workbook within bounds: the archive is checked member by member before
//! calamine opens it, and the sheet is read cell by cell, never as a dense range sized by what
//! the file declares.
//!
//! Why not `worksheet_range`: it allocates the rectangle the sheet's `<dimension>` (or its
//! farthest cell) spans, so a 5 KB file with cells at A1 and XFD1048576 asks for 17 billion
//! cells. And why check the archive first: calamine reads shared strings and styles when it
//! opens a workbook, trusting the zip's sizes and the `uniqueCount` the file declares.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use calamine::{DataRef, Reader, Xlsx};
use chrono::NaiveDate;

use super::read::{Cell, Table};
use super::{SHEET_NAME, SheetError};
use crate::limits::{
    Bound, MAX_CELL_CHARS, MAX_CELLS, MAX_COLUMNS, MAX_MEMBER_BYTES, MAX_SHARED_STRINGS, MAX_SHEET_ROWS,
    MAX_TEXT_BYTES, MAX_UNCOMPRESSED_BYTES, MAX_ZIP_MEMBERS, OverLimit,
};

fn over(bound: Bound, value: impl TryInto<u64>, max: impl TryInto<u64>) -> SheetError {
    SheetError::TooLarge(OverLimit::new(bound, value, max))
}

fn unreadable(e: impl std::fmt::Display) -> SheetError {
    SheetError::Unreadable(format!("not a valid .xlsx workbook: {e}"))
}

/// Reads the postings (or preferences) sheet of a workbook. A panic inside the readers on a
/// malformed file (calamine's cell-reference arithmetic overflows on absurd references) is a
/// broken file, not a broken server: the reading is pure, so nothing is left half-done.
pub(super) fn read(bytes: &[u8]) -> Result<Table, SheetError> {
    std::panic::catch_unwind(|| read_checked(bytes))
        .unwrap_or_else(|_| Err(SheetError::Unreadable("the workbook is malformed".into())))
}

fn read_checked(bytes: &[u8]) -> Result<Table, SheetError> {
    check_end_of_directory(bytes)?;
    check_archive(bytes)?;
    let mut book = Xlsx::new(Cursor::new(bytes)).map_err(unreadable)?;
    let names = book.sheet_names();
    let name = names.iter().find(|n| n.trim() == SHEET_NAME).or(names.first()).ok_or(SheetError::Empty)?.clone();
    let mut reader = book.worksheet_cells_reader(&name).map_err(unreadable)?;
    let declared = reader.dimensions();
    let (last_row, last_col) = (u64::from(declared.end.0) + 1, u64::from(declared.end.1) + 1);
    if last_row > MAX_SHEET_ROWS as u64 {
        return Err(over(Bound::DeclaredRows, last_row, MAX_SHEET_ROWS));
    }
    if last_col > MAX_COLUMNS as u64 {
        return Err(over(Bound::DeclaredColumns, last_col, MAX_COLUMNS));
    }
    let mut rows: BTreeMap<u32, Vec<Cell>> = BTreeMap::new();
    let mut budget = Budget::default();
    while let Some(cell) = reader.next_cell().map_err(unreadable)? {
        let (row, col) = cell.get_position();
        let value = cell.get_value();
        if matches!(value, DataRef::Empty) {
            continue;
        }
        if u64::from(row) >= MAX_SHEET_ROWS as u64 {
            return Err(over(Bound::CellRow, u64::from(row) + 1, MAX_SHEET_ROWS));
        }
        if u64::from(col) >= MAX_COLUMNS as u64 {
            return Err(over(Bound::CellColumn, u64::from(col) + 1, MAX_COLUMNS));
        }
        let cells = rows.entry(row).or_default();
        let col = col as usize;
        if cells.len() <= col {
            budget.positions(col + 1 - cells.len())?;
            cells.resize(col + 1, Cell::Empty);
        }
        cells[col] = cell_of(value, &mut budget)?;
    }
    Table::from_rows(rows.into_iter().map(|(row, cells)| Ok((row as usize + 1, cells))))
}

/// What the cells kept so far cost: positions (empty cells between values included) and text.
#[derive(Default)]
pub(super) struct Budget {
    positions: usize,
    text: usize,
}

impl Budget {
    pub(super) fn positions(&mut self, added: usize) -> Result<(), SheetError> {
        self.positions += added;
        if self.positions > MAX_CELLS {
            return Err(over(Bound::Cells, MAX_CELLS, MAX_CELLS));
        }
        Ok(())
    }

    /// Checks one cell's text before it is copied.
    pub(super) fn text(&mut self, text: &str) -> Result<(), SheetError> {
        // Characters are at most bytes: only a long text needs counting.
        if text.len() > MAX_CELL_CHARS {
            let chars = text.chars().count();
            if chars > MAX_CELL_CHARS {
                return Err(over(Bound::CellChars, chars, MAX_CELL_CHARS));
            }
        }
        self.text += text.len();
        if self.text > MAX_TEXT_BYTES {
            return Err(over(Bound::TextBytes, MAX_TEXT_BYTES, MAX_TEXT_BYTES));
        }
        Ok(())
    }
}

fn cell_of(data: &DataRef<'_>, budget: &mut Budget) -> Result<Cell, SheetError> {
    let mut text = |text: &str| budget.text(text).map(|()| Cell::text(text));
    Ok(match data {
        DataRef::Empty => Cell::Empty,
        DataRef::String(s) => text(s)?,
        DataRef::SharedString(s) => text(s)?,
        DataRef::Int(n) => Cell::Int(*n),
        DataRef::Float(f) => Cell::Float(*f),
        DataRef::Bool(b) => Cell::Bool(*b),
        DataRef::DateTime(datetime) if datetime.is_datetime() => {
            let (year, month, day, ..) = datetime.to_ymd_hms_milli();
            match NaiveDate::from_ymd_opt(year.into(), month.into(), day.into()) {
                Some(date) => Cell::Date(date, datetime.as_f64()),
                None => Cell::Float(datetime.as_f64()),
            }
        }
        DataRef::DateTime(duration) => Cell::Float(duration.as_f64()),
        DataRef::DateTimeIso(iso) => {
            budget.text(iso)?;
            let day = iso.get(..10).and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
            day.map_or_else(|| Cell::text(iso), |date| Cell::Date(date, f64::NAN))
        }
        DataRef::DurationIso(iso) => text(iso)?,
        DataRef::Error(error) => Cell::Error(error.to_string()),
    })
}

const END_OF_DIRECTORY: &[u8] = b"PK\x05\x06";
const ZIP64_LOCATOR: &[u8] = b"PK\x06\x07";
/// An end-of-directory record is 22 bytes and may be followed by a comment of up to 64 KiB.
const END_SEARCH: usize = 22 + 0xFFFF;

/// The zip reader sizes its tables by the entry count the end-of-directory record declares, so
/// that count is checked before the archive is opened. Workbooks of 16 MiB never need zip64.
fn check_end_of_directory(bytes: &[u8]) -> Result<(), SheetError> {
    let start = bytes.len().saturating_sub(END_SEARCH);
    for (at, _) in bytes[start..].windows(4).enumerate().filter(|(_, w)| *w == END_OF_DIRECTORY) {
        let at = start + at;
        // A zip64 locator sits 20 bytes before the end-of-directory record it extends.
        if at >= 20 && bytes[at - 20..].starts_with(ZIP64_LOCATOR) {
            return Err(SheetError::Unreadable("zip64 archives are not read".into()));
        }
        let field = |offset: usize| bytes.get(at + offset..at + offset + 2).map(|b| u16::from_le_bytes([b[0], b[1]]));
        let entries = field(8).unwrap_or(0).max(field(10).unwrap_or(0));
        if usize::from(entries) > MAX_ZIP_MEMBERS {
            return Err(over(Bound::ZipMembers, entries, MAX_ZIP_MEMBERS));
        }
    }
    Ok(())
}

/// Every member: its declared size, then its actual size, inflated through a limited reader
/// into nothing (so a header that lies gains nothing); the shared strings are counted as well.
fn check_archive(bytes: &[u8]) -> Result<(), SheetError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(unreadable)?;
    if archive.len() > MAX_ZIP_MEMBERS {
        return Err(over(Bound::ZipMembers, archive.len(), MAX_ZIP_MEMBERS));
    }
    let mut total = 0u64;
    for index in 0..archive.len() {
        let member = archive.by_index(index).map_err(unreadable)?;
        if member.size() > MAX_MEMBER_BYTES {
            return Err(over(Bound::MemberBytes, member.size(), MAX_MEMBER_BYTES));
        }
        let name = member.name().map_err(unreadable)?.replace('\\', "/").to_ascii_lowercase();
        let mut limited = member.take(MAX_MEMBER_BYTES + 1);
        let size = if name.ends_with("sharedstrings.xml") {
            count_shared_strings(&mut limited)?
        } else {
            std::io::copy(&mut limited, &mut std::io::sink()).map_err(unreadable)?
        };
        if size > MAX_MEMBER_BYTES {
            return Err(over(Bound::MemberBytes, size, MAX_MEMBER_BYTES));
        }
        total += size;
        if total > MAX_UNCOMPRESSED_BYTES {
            return Err(over(Bound::UncompressedBytes, total, MAX_UNCOMPRESSED_BYTES));
        }
    }
    Ok(())
}

/// Counts the `<si>` items of a shared-strings part and checks the `uniqueCount` it declares
/// (calamine reserves that many strings up front). Returns the bytes read.
fn count_shared_strings(part: &mut impl Read) -> Result<u64, SheetError> {
    use quick_xml::events::Event;
    let mut counted = CountingReader { inner: part, read: 0 };
    let mut xml = quick_xml::Reader::from_reader(std::io::BufReader::new(&mut counted));
    // As calamine reads it, so that a file it reads is not refused here for its XML's style.
    xml.config_mut().check_end_names = false;
    xml.config_mut().check_comments = false;
    let mut buf = Vec::new();
    let mut strings = 0usize;
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) => match e.local_name().as_ref() {
                "sst" => {
                    for attr in e.attributes().flatten() {
                        if attr.key.local_name().as_ref() != "uniqueCount" {
                            continue;
                        }
                        let declared = attr.value.trim().parse::<u64>().ok();
                        if declared.is_none_or(|n| n > MAX_SHARED_STRINGS as u64) {
                            let shown = declared.unwrap_or(u64::MAX);
                            return Err(over(Bound::SharedStrings, shown, MAX_SHARED_STRINGS));
                        }
                    }
                }
                "si" => {
                    strings += 1;
                    if strings > MAX_SHARED_STRINGS {
                        return Err(over(Bound::SharedStrings, strings, MAX_SHARED_STRINGS));
                    }
                }
                _ => {}
            },
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => return Err(unreadable(e)),
        }
    }
    drop(xml);
    // Whatever follows the XML's end still counts toward the member's size.
    std::io::copy(&mut counted, &mut std::io::sink()).map_err(unreadable)?;
    Ok(counted.read)
}

struct CountingReader<R> {
    inner: R,
    read: u64,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        Ok(n)
    }
}
