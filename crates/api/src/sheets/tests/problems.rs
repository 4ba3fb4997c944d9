//! All-or-nothing imports: bad rows are reported by row, column and reason, and nothing imports.

use chanjiao_domain::Side;

use super::{W, cnc_program, import_all, s, xlsx};
use crate::sheets::{ImportReport, MAX_PROBLEMS, SheetError, SheetFormat};

fn report_of(result: Result<Vec<crate::sheets::ImportRow>, SheetError>) -> ImportReport {
    match result {
        Err(SheetError::Rows(report)) => report,
        other => panic!("expected a row report, got {other:?}"),
    }
}

fn summary(report: &ImportReport) -> Vec<(usize, &str, &str, &str)> {
    report.problems.iter().map(|p| (p.row, p.column.as_str(), p.field.as_str(), p.code)).collect()
}

#[test]
fn three_bad_rows_of_fifty_are_reported_exactly_and_nothing_imports() {
    let header = ["类型*", "标题*", "地区代码*", "数量", "专业代码", "开始日期", "结束日期"].map(s).to_vec();
    let good = |i: usize| {
        vec![
            s("岗位需求"),
            W::S(format!("装配钳工 {i}")),
            W::N(330604.0),
            W::N(3.0),
            W::S(cnc_program()),
            W::Date(2027, 3, 1),
            W::Date(2027, 6, 30),
        ]
    };
    let mut rows = vec![header];
    rows.extend((0..50).map(good));
    // Sheet rows 11, 26 and 41 (data rows 10, 25 and 40; the header is row 1).
    rows[10][2] = s("110101");
    rows[25][4] = W::S(format!("{}、999999", cnc_program()));
    rows[40][1] = W::Blank;
    rows[40][6] = W::Date(2027, 2, 1);

    let report = report_of(import_all(&xlsx(&rows), SheetFormat::Xlsx, Side::Enterprise));
    assert_eq!(report.rows_checked, 50);
    assert_eq!(report.rows_with_problems, 3);
    assert_eq!(report.more_problems, 0);
    assert_eq!(
        summary(&report),
        [
            (11, "地区代码*", "region", "unknown_region"),
            (26, "专业代码", "program_codes[1]", "unknown_program"),
            (41, "标题*", "title", "required"),
            (41, "结束日期", "ends_on", "not_allowed"),
        ]
    );
    let program = &report.problems[1];
    assert_eq!(program.reason, "item 2: 999999 is not a program of the current national catalogues");
    assert!(program.reason_zh.starts_with("第 2 项：未知的专业代码 999999"), "{}", program.reason_zh);
    assert_eq!(report.problems[2].reason_zh, "必填");
    assert_eq!(report.problems[3].reason_zh, "不允许：结束日期早于开始日期");
    let err = SheetError::Rows(report);
    assert_eq!(err.to_string(), "3 of 50 rows have problems, nothing was imported");
    assert!(err.zh().contains("共 50 行中有 3 行存在问题"));
}

#[test]
fn labels_that_are_no_value_are_reported_against_their_column_once() {
    let text = "类型,标题,地区代码,数量,学历层次,状态,学徒制类型\n\
                岗位,焊工,330602,1,高中,上线,学徒\n\
                专业人才供给,数控专业,330602,1,,,\n";
    let report = report_of(import_all(text.as_bytes(), SheetFormat::Csv, Side::Enterprise));
    assert_eq!(
        summary(&report),
        [
            (2, "类型", "kind", "format"),
            (2, "学历层次", "education_level", "format"),
            (2, "状态", "status", "format"),
            (2, "学徒制类型", "apprenticeship_type", "format"),
            (3, "类型", "kind", "not_allowed"),
            (3, "专业代码", "program_codes", "required"),
        ]
    );
    assert!(
        report.problems[0].reason_zh.contains("须为：岗位需求、学徒岗位、订单班"),
        "{}",
        report.problems[0].reason_zh
    );
    assert!(report.problems[0].reason.contains("job (岗位需求)"));
    assert_eq!(report.problems[4].reason_zh, "不允许：该类发布只能由学校发布");
}

#[test]
fn a_field_the_kind_needs_is_reported_even_without_its_column() {
    let text = "类型,标题,地区代码\n岗位需求,焊工,330602\n";
    let report = report_of(import_all(text.as_bytes(), SheetFormat::Csv, Side::Enterprise));
    assert_eq!(summary(&report), [(2, "数量", "quantity", "required")]);
    assert_eq!(report.problems[0].reason_zh, "必填（文件中没有“数量”列）");
}

#[test]
fn reports_list_at_most_five_hundred_problems_and_count_the_rest() {
    let mut text = String::from("类型,标题,地区代码,数量\n");
    for _ in 0..300 {
        text.push_str("job,,330602,0\n");
    }
    let report = report_of(import_all(text.as_bytes(), SheetFormat::Csv, Side::Enterprise));
    assert_eq!(report.rows_with_problems, 300);
    assert_eq!(report.problems.len(), MAX_PROBLEMS);
    assert_eq!(report.more_problems, 600 - MAX_PROBLEMS);
    assert_eq!(report.problems.last().map(|p| p.row), Some(251));
}

#[test]
fn text_limits_and_control_characters_are_row_problems_not_failures() {
    let long = "长".repeat(81);
    let text = format!(
        "类型,标题,描述,地区代码,数量,技能\njob,{long},\"<script>alert(1)</script>\",330602,-3,\"焊接\u{7}\"\n"
    );
    let report = report_of(import_all(text.as_bytes(), SheetFormat::Csv, Side::Enterprise));
    assert_eq!(
        summary(&report),
        [
            (2, "标题", "title", "too_long"),
            (2, "数量", "quantity", "out_of_range"),
            (2, "技能", "skills[0]", "control_characters")
        ]
    );
}
