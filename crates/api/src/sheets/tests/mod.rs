//! Tests of the sheets module with real files built in memory: `.xlsx` written with
//! rust_xlsxwriter and read back with calamine, CSV in UTF-8 and GBK.

mod export;
mod import;
mod problems;

use chanjiao_domain::{NewPosting, NumberInput, PostingInput, PostingKind, SchoolLevel, Side, search_programs};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

use super::{ImportRow, SheetError, SheetFormat, import};

/// A cell of a hand-built workbook.
#[derive(Debug, Clone)]
pub(super) enum W {
    Blank,
    S(String),
    N(f64),
    Date(u16, u8, u8),
}

pub(super) fn s(text: &str) -> W {
    W::S(text.to_owned())
}

/// Writes a workbook whose first sheet holds `rows` from A1 on.
pub(super) fn xlsx(rows: &[Vec<W>]) -> Vec<u8> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (r, cells) in rows.iter().enumerate() {
        for (c, cell) in cells.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            match cell {
                W::Blank => {}
                W::S(text) => {
                    sheet.write_string(r, c, text).unwrap();
                }
                W::N(n) => {
                    sheet.write_number(r, c, *n).unwrap();
                }
                W::Date(y, m, d) => {
                    sheet.write_date_with_format(r, c, ExcelDateTime::from_ymd(*y, *m, *d).unwrap(), &date).unwrap();
                }
            }
        }
    }
    book.save_to_buffer().unwrap()
}

/// Imports without watching progress.
pub(super) fn import_all(bytes: &[u8], format: SheetFormat, side: Side) -> Result<Vec<ImportRow>, SheetError> {
    import(bytes, format, side, &mut |_, _| {})
}

pub(super) fn rows_of(result: Result<Vec<ImportRow>, SheetError>) -> Vec<ImportRow> {
    result.unwrap_or_else(|e| panic!("import failed: {e}: {e:?}"))
}

fn list(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

/// A real 高职专科 program code from the embedded catalogue.
pub(super) fn cnc_program() -> String {
    let found = search_programs("数控", Some(SchoolLevel::GaozhiZhuanke), 5);
    found.first().expect("the catalogue has 数控 programs").code.as_str().to_owned()
}

/// Postings of several kinds of one side, with every field their kind takes filled in, some with
/// text that looks like a formula.
pub(super) fn sample_postings(side: Side) -> Vec<NewPosting> {
    let base = |kind: PostingKind, title: &str| PostingInput {
        kind: kind.as_str().into(),
        title: title.into(),
        description: "第一行说明。\n第二行：<b>加粗</b> & \"引号\"".into(),
        skills: list(&["数控编程", "CAD/CAM", "C/C++"]),
        region: "330603".into(),
        starts_on: Some("2027-09-01".into()),
        ends_on: Some("2028-01-31".into()),
        quantity: Some(NumberInput::Integer(12)),
        industry_clusters: list(&["hq_equipment", "ic"]),
        ..PostingInput::default()
    };
    let inputs = match side {
        Side::Enterprise => vec![
            PostingInput {
                education_level: Some("gaozhi_zhuanke".into()),
                program_codes: vec![cnc_program(), "080901".into()],
                occupation_codes: list(&["6-18-01-01"]),
                certificates: list(&["数控车铣加工（1+X）中级"]),
                amount_yuan: Some(NumberInput::Text("6500.50".into())),
                ..base(PostingKind::Job, "=HYPERLINK(\"http://evil\",\"点我\")")
            },
            PostingInput {
                apprenticeship_type: Some("modern".into()),
                amount_yuan: Some(NumberInput::Integer(2000)),
                ..base(PostingKind::Apprenticeship, "-20℃ 冷链物流学徒")
            },
            PostingInput {
                quantity: None,
                amount_yuan: Some(NumberInput::Integer(500_000)),
                starts_on: None,
                ends_on: None,
                ..base(PostingKind::RndCooperation, "@印染废水处理工艺研发")
            },
            PostingInput {
                equipment: list(&["五轴加工中心 ×4", "三坐标测量机"]),
                open_periods: list(&["周一至周五 8:30-17:00", "寒暑假"]),
                ..base(PostingKind::TrainingBaseHosted, "+智能制造实训基地")
            },
        ],
        Side::School => vec![
            PostingInput {
                program_codes: vec![cnc_program()],
                annual_enrolment: Some(NumberInput::Integer(0)),
                ..base(PostingKind::ProgramOffering, "数控技术专业毕业生")
            },
            PostingInput {
                program_codes: list(&["520101K"]),
                ..base(PostingKind::PracticePlaceNeed, "临床医学专业实习需求")
            },
            PostingInput {
                equipment: list(&["工业机器人工作站"]),
                open_periods: list(&["周末"]),
                amount_yuan: Some(NumberInput::Text("120.5".into())),
                ..base(PostingKind::SharedTrainingBase, "共享实训基地")
            },
            PostingInput {
                quantity: Some(NumberInput::Integer(40)),
                ..base(PostingKind::K12CareerBase, "中小学生职业体验：黄酒酿造")
            },
        ],
    };
    inputs
        .iter()
        .map(|input| NewPosting::parse_for_side(input, side).unwrap_or_else(|e| panic!("{}: {e}", input.title)))
        .collect()
}

#[test]
fn the_template_example_row_imports_for_both_sides_in_both_formats() {
    for side in [Side::Enterprise, Side::School] {
        for format in [SheetFormat::Xlsx, SheetFormat::Csv] {
            let bytes = super::template(format, side);
            assert_eq!(SheetFormat::detect(None, None, &bytes), Ok(format));
            let rows = rows_of(import_all(&bytes, format, side));
            assert_eq!(rows.len(), 1, "{side} {format:?}");
            assert_eq!((rows[0].row, rows[0].publish), (2, false));
            assert_eq!(rows[0].posting.side(), side);
        }
    }
}
