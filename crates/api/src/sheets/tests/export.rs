//! Exports: they import again to the same postings, and formula-like text stays text.

use calamine::{Data, Reader, Xlsx};
use chanjiao_domain::{PostingStatus, Side};

use super::{import_all, rows_of, sample_postings};
use crate::sheets::{ExportRow, SheetFormat, export};

fn export_rows(side: Side) -> Vec<ExportRow> {
    let statuses = [PostingStatus::Published, PostingStatus::Draft, PostingStatus::Paused, PostingStatus::Closed];
    sample_postings(side)
        .into_iter()
        .zip(statuses.into_iter().cycle())
        .enumerate()
        .map(|(i, (posting, status))| ExportRow {
            id: 100 + i as i64,
            organization: "=绍兴某某精密机械有限公司".into(),
            status,
            posting,
        })
        .collect()
}

#[test]
fn an_export_imports_again_to_the_same_postings() {
    for side in [Side::Enterprise, Side::School] {
        let rows = export_rows(side);
        for format in [SheetFormat::Xlsx, SheetFormat::Csv] {
            let bytes = export(&rows, format).unwrap();
            assert_eq!(SheetFormat::detect(Some(&format!("导出.{}", format.extension())), None, &bytes), Ok(format));
            let imported = rows_of(import_all(&bytes, format, side));
            assert_eq!(imported.len(), rows.len(), "{side} {format:?}");
            for (original, back) in rows.iter().zip(&imported) {
                assert_eq!(back.posting, original.posting, "{side} {format:?}");
                assert_eq!(back.publish, original.status == PostingStatus::Published);
            }
        }
    }
}

#[test]
fn csv_exports_are_utf8_with_a_bom_and_escape_formulas() {
    let bytes = export(&export_rows(Side::Enterprise), SheetFormat::Csv).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "Excel needs the BOM to read UTF-8");
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    let header = text.lines().next().unwrap();
    assert!(header.starts_with("编号,机构,类型,标题,描述,"), "{header}");
    assert!(text.contains("\"'=HYPERLINK(\"\"http://evil\"\",\"\"点我\"\")\""), "{text}");
    assert!(text.contains(",'-20℃ 冷链物流学徒,"));
    assert!(text.contains(",'@印染废水处理工艺研发,"));
    assert!(text.contains(",'+智能制造实训基地,"));
    assert!(text.contains(",'=绍兴某某精密机械有限公司,"));
    assert!(text.contains("已发布") && text.contains("已暂停"));
    assert!(text.contains("数控编程、CAD/CAM、C/C++"));
    assert!(!text.lines().any(|line| line.split(',').any(|cell| cell.starts_with('='))));
}

#[test]
fn xlsx_exports_write_formula_like_text_as_strings() {
    let bytes = export(&export_rows(Side::Enterprise), SheetFormat::Xlsx).unwrap();
    let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(book.sheet_names(), ["岗位与资源"]);
    let formulas = book.worksheet_formula("岗位与资源").unwrap();
    assert!(formulas.cells().all(|(_, _, f)| f.is_empty()), "no cell is a formula");
    let sheet = book.worksheet_range("岗位与资源").unwrap();
    let title = |row: u32| sheet.get_value((row, 3)).cloned();
    assert_eq!(title(1), Some(Data::String("=HYPERLINK(\"http://evil\",\"点我\")".into())));
    assert_eq!(title(2), Some(Data::String("-20℃ 冷链物流学徒".into())));
    assert_eq!(sheet.get_value((1, 0)), Some(&Data::Float(100.0)));
    assert_eq!(sheet.get_value((1, 7)), Some(&Data::String("绍兴市柯桥区".into())));
    assert!(matches!(sheet.get_value((1, 8)), Some(Data::DateTime(_))), "dates are date cells");
}
