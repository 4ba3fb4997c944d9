//! Reading files: encodings, Excel's dates and numbers, headers, row limits and speed.

use std::time::Instant;

use calamine::{Data, Reader, Xlsx};
use chanjiao_domain::{PostingKind, SchoolLevel, Side};
use chrono::NaiveDate;

use super::{W, cnc_program, import_all, rows_of, s, xlsx};
use crate::sheets::{MAX_ROWS, SheetError, SheetFormat, import, template};

fn day(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

#[test]
fn a_gbk_encoded_csv_from_chinese_excel_imports() {
    let text = "类型,标题,地区代码,数量,学历层次,产业集群,技能\r\n\
                岗位需求,印染工艺员,330603,5,中职,印染,打样、配色；染整\r\n\
                学徒岗位,黄酒酿造学徒,330602,3,,黄酒,\r\n";
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(text);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&gbk).is_err(), "the bytes really are GBK");
    assert_eq!(SheetFormat::detect(Some("岗位.csv"), Some("text/csv"), &gbk), Ok(SheetFormat::Csv));
    let err = import_all(&gbk, SheetFormat::Csv, Side::Enterprise).unwrap_err();
    // The apprenticeship lacks its type: the GBK text was read well enough to tell.
    let SheetError::Rows(report) = err else { panic!("{err:?}") };
    assert_eq!(report.problems.len(), 1);
    assert_eq!((report.problems[0].row, report.problems[0].field.as_str()), (3, "apprenticeship_type"));
    assert_eq!(report.problems[0].column, "学徒制类型");

    let fixed = text.replace("学徒岗位,", "岗位需求,");
    let (gbk, _, _) = encoding_rs::GBK.encode(&fixed);
    let rows = rows_of(import_all(&gbk, SheetFormat::Csv, Side::Enterprise));
    assert_eq!(rows[0].posting.title.as_str(), "印染工艺员");
    assert_eq!(rows[0].posting.skills, ["打样", "配色", "染整"]);
    assert_eq!(rows[0].posting.education_level, Some(SchoolLevel::Zhongzhi));
    assert_eq!(rows[0].posting.industry_clusters[0].as_str(), "dyeing");
    assert_eq!(rows[1].posting.title.as_str(), "黄酒酿造学徒");
}

#[test]
fn utf8_csv_with_a_bom_and_english_headers_imports() {
    let text = "\u{feff}kind,title,region,quantity,starts_on,ends_on,status\n\
                job,Welder,330604,2,2027/9/1,2027年12月31日,published\n";
    let rows = rows_of(import_all(text.as_bytes(), SheetFormat::Csv, Side::Enterprise));
    assert_eq!(rows.len(), 1);
    assert!(rows[0].publish);
    assert_eq!(rows[0].posting.window.starts_on(), day(2027, 9, 1));
    assert_eq!(rows[0].posting.window.ends_on(), day(2027, 12, 31));
}

#[test]
fn excel_dates_and_numeric_codes_read_as_typed() {
    let serial_of_2028_06_30 = (NaiveDate::from_ymd_opt(2028, 6, 30).unwrap()
        - NaiveDate::from_ymd_opt(1899, 12, 30).unwrap())
    .num_days() as f64;
    let program: f64 = cnc_program().parse().unwrap();
    let rows = vec![
        ["类型", "标题", "地区代码", "开始日期", "结束日期", "数量", "专业代码", "职业代码", "金额（元）", "学历层次"]
            .map(s)
            .to_vec(),
        vec![
            s("岗位需求"),
            s("数控车工"),
            W::N(330603.0),
            W::Date(2027, 9, 1),
            W::N(serial_of_2028_06_30),
            W::N(12.0),
            W::N(program),
            W::N(6180101.0),
            W::N(6500.5),
            s("高职专科"),
        ],
        vec![
            s("job"),
            s("软件开发工程师"),
            s("330602"),
            s("2027年9月1日"),
            W::N(20280630.0),
            s("3"),
            W::N(80901.0),
            s("2-02-10-03"),
            s("￥8,000元"),
            s("普通本科"),
        ],
    ];
    let imported = rows_of(import_all(&xlsx(&rows), SheetFormat::Xlsx, Side::Enterprise));
    let [first, second] = [&imported[0].posting, &imported[1].posting];
    assert_eq!(first.region.as_str(), "330603");
    assert_eq!(first.window.starts_on(), day(2027, 9, 1));
    assert_eq!(first.window.ends_on(), day(2028, 6, 30));
    assert_eq!(first.quantity.map(|q| q.get()), Some(12));
    assert_eq!(first.program_codes[0].as_str(), cnc_program());
    assert_eq!(first.occupation_codes[0].as_str(), "6-18-01-01");
    assert_eq!(first.amount.map(|a| a.fen()), Some(650_050));
    assert_eq!(second.window.starts_on(), day(2027, 9, 1));
    assert_eq!(second.window.ends_on(), day(2028, 6, 30));
    assert_eq!(second.program_codes[0].as_str(), "080901", "the leading zero Excel dropped is back");
    assert_eq!(second.amount.map(|a| a.fen()), Some(800_000));
    assert_eq!(second.education_level, Some(SchoolLevel::PutongBenke));

    let school = vec![
        ["类型*", "标题*", "地区代码*", "数量", "专业代码", "年招生数"].map(s).to_vec(),
        vec![s("专业人才供给"), s("临床医学专业"), W::N(330602.0), W::N(80.0), s("520101K"), W::N(90.0)],
    ];
    let imported = rows_of(import_all(&xlsx(&school), SheetFormat::Xlsx, Side::School));
    assert_eq!(imported[0].posting.program_codes[0].as_str(), "520101K");
    assert_eq!(imported[0].posting.education_level, Some(SchoolLevel::GaozhiZhuanke));
    assert_eq!(imported[0].posting.annual_enrolment.map(|e| e.get()), Some(90));
}

#[test]
fn unknown_missing_and_repeated_headers_reject_the_file() {
    let csv = |text: &str| import_all(text.as_bytes(), SheetFormat::Csv, Side::Enterprise).unwrap_err();
    assert_eq!(csv("类型,标提,地区代码\njob,焊工,330602\n"), SheetError::UnknownColumns(vec!["标提".into()]));
    assert_eq!(csv("类型,地区代码,数量\njob,330602,1\n"), SheetError::MissingColumns(vec!["标题".into()]));
    assert_eq!(
        csv("数量,描述\n1,x\n"),
        SheetError::MissingColumns(vec!["类型".into(), "标题".into(), "地区代码".into()])
    );
    assert_eq!(
        csv("类型,标题,title,地区代码\njob,焊工,焊工,330602\n"),
        SheetError::DuplicateColumns(vec!["标题、title".into()])
    );
    assert_eq!(
        csv("类型,标题,,地区代码\njob,焊工,多出来的,330602\n"),
        SheetError::UnknownColumns(vec!["C列（无表头）".into()])
    );
    // A blank column with nothing in it is fine, and so are the hints and markers on headers.
    let ok = "类型*,标题（必填）,,地区代码(6位),金额（元）,人数\njob,焊工,,330602,,2\n";
    assert_eq!(rows_of(import_all(ok.as_bytes(), SheetFormat::Csv, Side::Enterprise)).len(), 1);
    let err = SheetError::UnknownColumns(vec!["标提".into()]);
    assert!(err.zh().contains("标提") && err.to_string() == "unknown columns: 标提");
}

#[test]
fn empty_files_and_rows_are_handled() {
    let csv = |text: &str| import_all(text.as_bytes(), SheetFormat::Csv, Side::Enterprise);
    assert_eq!(csv("").unwrap_err(), SheetError::Empty);
    assert_eq!(csv("类型,标题,地区代码\n,,\n").unwrap_err(), SheetError::Empty);
    let rows = rows_of(csv("\n类型,标题,地区代码,数量\n,,,\njob,焊工,330602,1\n\n,, ,\njob,钳工,330602,2\n"));
    let numbers: Vec<usize> = rows.iter().map(|r| r.row).collect();
    assert_eq!(numbers, [4, 7], "row numbers are those Excel shows, blank rows counted");
    let sheet = vec![
        vec![W::Blank],
        ["类型", "标题", "地区代码", "数量"].map(s).to_vec(),
        vec![W::Blank, W::Blank, W::Blank, W::Blank],
        vec![s("job"), s("焊工"), s("330602"), W::N(1.0)],
    ];
    let rows = rows_of(import_all(&xlsx(&sheet), SheetFormat::Xlsx, Side::Enterprise));
    assert_eq!(rows.iter().map(|r| r.row).collect::<Vec<_>>(), [4]);
}

#[test]
fn files_over_the_row_limit_are_rejected_before_any_row_is_checked() {
    let mut text = String::from("类型,标题,地区代码\n");
    for _ in 0..=MAX_ROWS {
        text.push_str("job,焊工,330602\n");
    }
    let started = Instant::now();
    let err = import_all(text.as_bytes(), SheetFormat::Csv, Side::Enterprise).unwrap_err();
    assert_eq!(err, SheetError::TooManyRows { max: MAX_ROWS });
    eprintln!("rejecting {} csv rows took {:?}", MAX_ROWS + 1, started.elapsed());
}

#[test]
fn the_template_has_its_sheets_drop_downs_and_instructions() {
    let bytes = template(SheetFormat::Xlsx, Side::School);
    let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(book.sheet_names(), ["岗位与资源", "填写说明"]);
    let sheet = book.worksheet_range("岗位与资源").unwrap();
    let header: Vec<String> = sheet.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
    assert_eq!(&header[..3], ["类型*", "标题*", "描述"]);
    assert!(header.contains(&"金额（元）".to_owned()) && header.contains(&"状态".to_owned()));
    assert_eq!(sheet.get_value((1, 0)), Some(&Data::String(PostingKind::ProgramOffering.zh().into())));
    let help = book.worksheet_range("填写说明").unwrap();
    let text: Vec<String> = help.cells().map(|(_, _, c)| c.to_string()).collect();
    for needle in ["专业人才供给", "program_offering", "高职专科", "黄酒", "huangjiu", "330603", "柯桥区", "年毕业生数"]
    {
        assert!(text.iter().any(|t| t.contains(needle)), "instructions lack {needle}");
    }
    assert!(!text.iter().any(|t| t.contains("岗位需求")), "a school's template lists school kinds only");

    let csv = template(SheetFormat::Csv, Side::Enterprise);
    assert!(csv.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8(csv).unwrap();
    assert!(text.lines().nth(1).unwrap().starts_with("岗位需求,"));
}

#[test]
fn ten_thousand_rows_import_quickly_from_xlsx_and_csv() {
    const ROWS: usize = 10_000;
    let program = cnc_program();
    let header = [
        "类型",
        "标题",
        "描述",
        "技能",
        "地区代码",
        "开始日期",
        "结束日期",
        "数量",
        "学历层次",
        "专业代码",
        "职业代码",
        "产业集群",
        "金额（元）",
        "状态",
    ];
    let row = |i: usize| {
        vec![
            s("岗位需求"),
            W::S(format!("数控车工 {i}")),
            s("负责数控车床编程与操作，两班倒。"),
            s("数控编程、CAD/CAM、机械制图"),
            W::N(330603.0),
            W::Date(2027, 9, 1),
            W::Date(2028, 6, 30),
            W::N((i % 50 + 1) as f64),
            s("高职专科"),
            W::S(program.clone()),
            s("6-18-01-01"),
            s("高端装备"),
            W::N(6500.0),
            s(if i.is_multiple_of(2) { "发布" } else { "草稿" }),
        ]
    };
    let mut sheet = vec![header.map(s).to_vec()];
    sheet.extend((0..ROWS).map(row));
    let bytes = xlsx(&sheet);

    let mut csv = header.join(",") + "\n";
    for i in 0..ROWS {
        let line = format!(
            "岗位需求,数控车工 {i},负责数控车床编程与操作，两班倒。,\"数控编程、CAD/CAM、机械制图\",330603,2027-09-01,\
             2028-06-30,{},高职专科,{program},6-18-01-01,高端装备,6500,{}\n",
            i % 50 + 1,
            if i.is_multiple_of(2) { "发布" } else { "草稿" }
        );
        csv.push_str(&line);
    }

    for (format, bytes) in [(SheetFormat::Xlsx, bytes), (SheetFormat::Csv, csv.into_bytes())] {
        let mut calls = Vec::new();
        let started = Instant::now();
        let rows = rows_of(import(&bytes, format, Side::Enterprise, &mut |done, total| calls.push((done, total))));
        eprintln!("importing {ROWS} {format:?} rows ({} bytes) took {:?}", bytes.len(), started.elapsed());
        assert_eq!(rows.len(), ROWS);
        assert_eq!(rows.iter().filter(|r| r.publish).count(), ROWS / 2);
        assert_eq!((rows[0].row, rows[ROWS - 1].row), (2, ROWS + 1));
        assert_eq!(rows[ROWS - 1].posting.title.as_str(), format!("数控车工 {}", ROWS - 1));
        assert_eq!(calls.first(), Some(&(0, ROWS)));
        assert_eq!(calls.last(), Some(&(ROWS, ROWS)));
        assert!(calls.len() > 10, "progress is reported as rows are checked");
    }
}
