//! Hostile files against the spreadsheet readers, with the memory they take measured: a counting
//! global allocator records the peak of live heap bytes while a file is read, and every case must
//! stay under [`BUDGET`] and end in rows or a clean error — never a panic, never an abort.
//!
//! cargo-fuzz needs a nightly compiler, so this is the fuzz harness: proptest over arbitrary and
//! mutated bytes, and over generated hostile-but-valid workbooks, with fixed case counts so that
//! it runs in about a minute. A separate test binary because the allocator is process-wide; the
//! tests take one lock so that their measurements do not mix.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{Cursor, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};

use chanjiao_api::limits::{self, Bound, OverLimit};
use chanjiao_api::sheets::{self, SheetError, SheetFormat};
use chanjiao_domain::posting::Side;
use proptest::prelude::*;

/// The most heap one file's reading may hold at once.
const BUDGET: usize = 64 * 1024 * 1024;

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = LIVE.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every call is passed to the system allocator unchanged; only sizes are counted.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            // Counted as if the old block lived until the new one was filled, as it may.
            grew(new_size);
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn exclusive() -> MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Runs `read` and returns its result and the most heap it held beyond what was live before.
fn measured<T>(read: impl FnOnce() -> T) -> (T, usize) {
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let result = read();
    (result, PEAK.load(Ordering::Relaxed).saturating_sub(before))
}

/// Every reader of an upload, on one file: postings as `.xlsx` and as CSV, and round preferences.
/// Returns the postings reading's result, and asserts the memory of all three.
fn read_all(bytes: &[u8], format: SheetFormat) -> Result<usize, SheetError> {
    let (result, peak) = measured(|| sheets::import(bytes, format, Side::Enterprise, &mut |_, _| {}).map(|r| r.len()));
    if peak > 4 << 20 {
        // Run with --nocapture to see what the larger cases take (docs/security/files.md).
        eprintln!("{} KiB held reading {} bytes as {format:?}: {:?}", peak >> 10, bytes.len(), result.as_ref().err());
    }
    assert!(peak < BUDGET, "reading postings held {} MiB", peak >> 20);
    if format == SheetFormat::Xlsx {
        let (_, peak) = measured(|| sheets::rounds::read_preferences(bytes).map(|r| r.len()));
        assert!(peak < BUDGET, "reading preferences held {} MiB", peak >> 20);
    }
    result
}

fn bound_of(result: Result<usize, SheetError>) -> Bound {
    match result {
        Err(SheetError::TooLarge(OverLimit { bound, .. })) => bound,
        other => panic!("expected a bound, got {other:?}"),
    }
}

// --- Workbooks built by hand, to say what no spreadsheet program would write. ---

const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const RELS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

fn zip_of(members: &[(&str, &[u8])], method: zip::CompressionMethod) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(method);
    for (name, bytes) in members {
        writer.start_file(*name, options).unwrap();
        writer.write_all(bytes).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

/// A workbook of one sheet named 岗位与资源 with `sheet_data` (the rows) under `dimension`, and
/// shared strings if given.
fn workbook(dimension: Option<&str>, sheet_data: &str, shared: Option<&str>) -> Vec<u8> {
    let package = format!(
        r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
    );
    let book = format!(
        r#"<?xml version="1.0"?><workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets><sheet name="岗位与资源" sheetId="1" r:id="rId1"/></sheets></workbook>"#
    );
    let book_rels = format!(
        r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#
    );
    let dimension = dimension.map(|d| format!(r#"<dimension ref="{d}"/>"#)).unwrap_or_default();
    let sheet = format!(
        r#"<?xml version="1.0"?><worksheet xmlns="{MAIN}">{dimension}<sheetData>{sheet_data}</sheetData></worksheet>"#
    );
    let mut members: Vec<(&str, &[u8])> = vec![
        ("_rels/.rels", package.as_bytes()),
        ("xl/workbook.xml", book.as_bytes()),
        ("xl/_rels/workbook.xml.rels", book_rels.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
    ];
    if let Some(shared) = shared {
        members.push(("xl/sharedStrings.xml", shared.as_bytes()));
    }
    zip_of(&members, zip::CompressionMethod::Deflated)
}

fn inline(reference: &str, text: &str) -> String {
    format!(r#"<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

const HEADER_ROW: &str = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>类型</t></is></c><c r="B1" t="inlineStr"><is><t>标题</t></is></c><c r="C1" t="inlineStr"><is><t>地区代码</t></is></c></row>"#;

fn rust_xlsx(cells: &[(u32, u16, &str)]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(sheets::SHEET_NAME).unwrap();
    for (row, col, text) in cells {
        sheet.write_string(*row, *col, *text).unwrap();
    }
    book.save_to_buffer().unwrap()
}

/// Changes the uncompressed size every header of an archive declares, as a zip bomb would.
fn lie_about_sizes(mut zip: Vec<u8>, declared: u32) -> Vec<u8> {
    let mut at = 0;
    while at + 4 <= zip.len() {
        let offset = match &zip[at..at + 4] {
            b"PK\x03\x04" => Some(22),
            b"PK\x01\x02" => Some(24),
            _ => None,
        };
        if let Some(offset) = offset
            && at + offset + 4 <= zip.len()
        {
            zip[at + offset..at + offset + 4].copy_from_slice(&declared.to_le_bytes());
        }
        at += 1;
    }
    zip
}

#[test]
fn a_workbook_declaring_the_whole_sheet_is_refused_by_its_dimension() {
    let _one = exclusive();
    let far_corner = rust_xlsx(&[(0, 0, "类型"), (1_048_575, 16_383, "x")]);
    assert!(far_corner.len() < 10_000, "the attack is a small file");
    let result = read_all(&far_corner, SheetFormat::Xlsx);
    let Err(SheetError::TooLarge(limit)) = result else { panic!("{result:?}") };
    assert_eq!(limit.to_string(), "the sheet declares 1,048,576 rows; at most 20,001 are read");

    let z_million = rust_xlsx(&[(0, 0, "类型"), (999_999, 25, "x")]);
    assert_eq!(bound_of(read_all(&z_million, SheetFormat::Xlsx)), Bound::DeclaredRows);
    let wide = rust_xlsx(&[(0, 0, "类型"), (1, 5_000, "x")]);
    assert_eq!(bound_of(read_all(&wide, SheetFormat::Xlsx)), Bound::DeclaredColumns);
}

#[test]
fn cells_beyond_the_bounds_are_refused_when_no_dimension_is_declared() {
    let _one = exclusive();
    let far = workbook(None, &format!("{HEADER_ROW}<row r=\"1000000\">{}</row>", inline("Z1000000", "x")), None);
    assert_eq!(bound_of(read_all(&far, SheetFormat::Xlsx)), Bound::CellRow);
    let right = workbook(None, &format!("{HEADER_ROW}<row r=\"2\">{}</row>", inline("GJH2", "x")), None);
    assert_eq!(bound_of(read_all(&right, SheetFormat::Xlsx)), Bound::CellColumn);
    // A dimension that lies small does not let a far cell through either.
    let lying = workbook(Some("A1:C2"), &format!("{HEADER_ROW}<row>{}</row>", inline("XFD1048576", "x")), None);
    assert_eq!(bound_of(read_all(&lying, SheetFormat::Xlsx)), Bound::CellRow);
}

#[test]
fn shared_strings_are_bounded_in_count_length_and_repetition() {
    let _one = exclusive();
    let sst = |count: &str, items: &str| format!(r#"<sst xmlns="{MAIN}" uniqueCount="{count}">{items}</sst>"#);
    let declared = workbook(None, HEADER_ROW, Some(&sst("4000000000", "<si><t>x</t></si>")));
    assert_eq!(bound_of(read_all(&declared, SheetFormat::Xlsx)), Bound::SharedStrings);

    let many = "<si><t/></si>".repeat(limits::MAX_SHARED_STRINGS + 1);
    let listed = workbook(None, HEADER_ROW, Some(&sst("1", &many)));
    assert_eq!(bound_of(read_all(&listed, SheetFormat::Xlsx)), Bound::SharedStrings);

    let huge = format!("<si><t>{}</t></si>", "长".repeat(2 * 1024 * 1024));
    let row = r#"<row r="2"><c r="A2" t="s"><v>0</v></c></row>"#;
    let long = workbook(None, &format!("{HEADER_ROW}{row}"), Some(&sst("1", &huge)));
    assert_eq!(bound_of(read_all(&long, SheetFormat::Xlsx)), Bound::CellChars);

    // One string of 30,000 characters, used by every cell of 20,000 rows.
    let big = format!("<si><t>{}</t></si>", "x".repeat(30_000));
    let rows: String = (2..=20_001).map(|r| format!(r#"<row r="{r}"><c r="B{r}" t="s"><v>0</v></c></row>"#)).collect();
    let repeated = workbook(None, &format!("{HEADER_ROW}{rows}"), Some(&sst("1", &big)));
    assert_eq!(bound_of(read_all(&repeated, SheetFormat::Xlsx)), Bound::TextBytes);
}

#[test]
fn zip_bombs_are_refused_whatever_their_headers_say() {
    let _one = exclusive();
    let zeros = vec![b' '; 100 * 1024 * 1024];
    let sheet = [&b"<worksheet><sheetData>"[..], &zeros[..], b"</sheetData></worksheet>"].concat();
    let honest = zip_of(
        &[("_rels/.rels", b"<Relationships/>"), ("xl/worksheets/sheet1.xml", &sheet)],
        zip::CompressionMethod::Deflated,
    );
    drop((zeros, sheet));
    assert!(honest.len() < 1024 * 1024);
    assert_eq!(bound_of(read_all(&honest, SheetFormat::Xlsx)), Bound::MemberBytes);
    let lying = lie_about_sizes(honest, 1024);
    let result = read_all(&lying, SheetFormat::Xlsx);
    assert!(matches!(result, Err(SheetError::TooLarge(_) | SheetError::Unreadable(_))), "{result:?}");

    let parts: Vec<(String, Vec<u8>)> = (0..200).map(|i| (format!("part{i}.xml"), b"<x/>".to_vec())).collect();
    let members: Vec<(&str, &[u8])> = parts.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
    let crowded = zip_of(&members, zip::CompressionMethod::Stored);
    assert_eq!(bound_of(read_all(&crowded, SheetFormat::Xlsx)), Bound::ZipMembers);
}

#[test]
fn full_rows_past_the_cell_budget_and_odd_sheets_end_cleanly() {
    let _one = exclusive();
    let cells: String = (0..32).map(|c| format!("<c><v>{c}</v></c>")).collect();
    let rows: String = (2..=20_001).map(|r| format!(r#"<row r="{r}">{cells}</row>"#)).collect();
    let full = workbook(None, &format!("{HEADER_ROW}{rows}"), None);
    assert_eq!(bound_of(read_all(&full, SheetFormat::Xlsx)), Bound::Cells);

    // The same row, over and over: one row's cells, rewritten.
    let same: String = (0..100_000).map(|_| format!(r#"<row r="2">{}</row>"#, inline("A2", "job"))).collect();
    let repeated = workbook(None, &format!("{HEADER_ROW}{same}"), None);
    assert!(read_all(&repeated, SheetFormat::Xlsx).is_err(), "a header-and-kind-only row is not a posting");

    let empty = workbook(None, "", None);
    assert!(matches!(read_all(&empty, SheetFormat::Xlsx), Err(SheetError::Empty)));
    let missing = zip_of(
        &[
            ("_rels/.rels", format!(r#"<Relationships xmlns="x"><Relationship Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#).as_bytes()),
            ("xl/workbook.xml", format!(r#"<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets><sheet name="a" sheetId="1" r:id="rId1"/></sheets></workbook>"#).as_bytes()),
        ],
        zip::CompressionMethod::Deflated,
    );
    assert!(matches!(read_all(&missing, SheetFormat::Xlsx), Err(SheetError::Unreadable(_) | SheetError::Empty)));
}

#[test]
fn csv_records_are_bounded_in_fields_and_length() {
    let _one = exclusive();
    let megabyte_field = format!("类型,标题,地区代码\njob,\"{}\",330602\n", "x".repeat(1024 * 1024 + 1));
    assert_eq!(bound_of(read_all(megabyte_field.as_bytes(), SheetFormat::Csv)), Bound::RecordBytes);
    let long_cell = format!("类型,标题,地区代码\njob,{},330602\n", "长".repeat(limits::MAX_CELL_CHARS + 1));
    assert_eq!(bound_of(read_all(long_cell.as_bytes(), SheetFormat::Csv)), Bound::CellChars);
    let commas = format!("类型,标题,地区代码\njob,焊工,330602{}\n", ",".repeat(8 * 1024 * 1024));
    assert_eq!(bound_of(read_all(commas.as_bytes(), SheetFormat::Csv)), Bound::CellColumn);
    let quoted_commas = format!("类型,标题\njob,\"{}\"\n", ",".repeat(500_000));
    assert!(read_all(quoted_commas.as_bytes(), SheetFormat::Csv).is_err(), "commas in a quoted cell are text");

    // A UTF-8 byte-order mark before GBK text, and GBK text after UTF-8: clean refusals.
    let (gbk, _, _) = encoding_rs::GBK.encode("类型,标题,地区代码\njob,焊工,330602\n");
    let bom_then_gbk = [&b"\xEF\xBB\xBF"[..], &gbk].concat();
    assert!(matches!(read_all(&bom_then_gbk, SheetFormat::Csv), Err(SheetError::Unreadable(_))));
    let mixed = ["类型,标题,地区代码\n".as_bytes(), &gbk].concat();
    assert!(read_all(&mixed, SheetFormat::Csv).is_err());
}

#[test]
fn the_largest_allowed_import_fits_the_budget() {
    let _one = exclusive();
    let mut csv = String::from("类型,标题,描述,地区代码,数量\n");
    for i in 0..limits::MAX_ROWS {
        csv.push_str(&format!("job,数控车工 {i},负责数控车床编程与操作，两班倒，提供住宿。,330603,3\n"));
    }
    assert_eq!(read_all(csv.as_bytes(), SheetFormat::Csv).unwrap(), limits::MAX_ROWS);
}

fn template_bytes() -> Vec<u8> {
    static TEMPLATE: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    TEMPLATE.get_or_init(|| sheets::template(SheetFormat::Xlsx, Side::Enterprise)).clone()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_end_in_rows_or_a_clean_error(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let _one = exclusive();
        let _ = read_all(&bytes, SheetFormat::Xlsx);
        let _ = read_all(&bytes, SheetFormat::Csv);
        if let Ok(format) = SheetFormat::detect(None, None, &bytes) {
            let _ = read_all(&bytes, format);
        }
    }

    #[test]
    fn a_damaged_workbook_ends_in_rows_or_a_clean_error(
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..16),
    ) {
        let _one = exclusive();
        let mut bytes = template_bytes();
        for (at, byte) in flips {
            let at = at.index(bytes.len());
            bytes[at] = byte;
        }
        let _ = read_all(&bytes, SheetFormat::Xlsx);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn generated_hostile_workbooks_stay_within_the_budget(
        cells in proptest::collection::vec((0u32..1_048_576, 0u16..16_384, 0usize..32_767), 1..6),
    ) {
        let _one = exclusive();
        let texts: Vec<String> = cells.iter().map(|(_, _, len)| "字".repeat(*len)).collect();
        let mut written: Vec<(u32, u16, &str)> = vec![(0, 0, "类型")];
        written.extend(cells.iter().zip(&texts).map(|((r, c, _), t)| (*r, *c, t.as_str())));
        let bytes = rust_xlsx(&written);
        let result = read_all(&bytes, SheetFormat::Xlsx);
        prop_assert!(!matches!(result, Err(SheetError::Write(_))));
    }
}
