//! The school annual quality report and the city report on hand-made fixtures: the figures in
//! the JSON, on the printable page and in the `.xlsx` (opened with calamine); who may see them;
//! the district filter; bad parameters.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use chanjiao_domain::posting::PostingKind;
use chrono::{Datelike, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::e2e::brokering::api::{apprenticeship, program_offer, publish};
use crate::e2e::statistics::indicators::{SCHOOL, completed_project, json_of, teacher_need, teacher_post};
use crate::e2e::support::{TestApp, page_text, problem_fields, signed_in, spawn_app};

/// The row of section `key` whose first cell is `label`.
fn row<'a>(report: &'a Value, key: &str, label: &str) -> &'a Value {
    let section = report["sections"].as_array().unwrap().iter().find(|s| s["key"] == key).unwrap();
    section["rows"].as_array().unwrap().iter().find(|r| r[0] == label).unwrap_or_else(|| panic!("{key}: {label}"))
}

fn rows<'a>(report: &'a Value, key: &str) -> &'a Vec<Value> {
    report["sections"].as_array().unwrap().iter().find(|s| s["key"] == key).unwrap()["rows"].as_array().unwrap()
}

/// A workbook downloaded by a signed-in browser: its file name and sheets.
async fn workbook(browser: &reqwest::Client, app: &TestApp, path: &str) -> (String, Xlsx<Cursor<Vec<u8>>>) {
    let response = browser.get(app.url(path)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    let disposition = response.headers()["content-disposition"].to_str().unwrap().to_owned();
    let bytes = response.bytes().await.unwrap().to_vec();
    (disposition, Xlsx::new(Cursor::new(bytes)).expect("an .xlsx workbook"))
}

/// The value beside `label` (first column) in column `col` of a sheet.
fn sheet_value(book: &mut Xlsx<Cursor<Vec<u8>>>, sheet: &str, label: &str, col: usize) -> Data {
    let range = book.worksheet_range(sheet).unwrap_or_else(|e| panic!("{sheet}: {e}"));
    let row = range.rows().find(|r| r[0] == Data::String(label.to_owned())).unwrap_or_else(|| panic!("{label}"));
    row[col].clone()
}

fn job_without_codes() -> Value {
    json!({"kind": "job", "title": "普工", "region": "330603", "quantity": 5,
        "description": "车间普工，不限专业。", "ends_on": "2099-06-30"})
}

fn logistics_job() -> Value {
    json!({"kind": "job", "title": "仓储物流专员", "region": "330603", "quantity": 5, "program_codes": ["530701"],
        "education_level": "gaozhi_zhuanke", "description": "负责仓储与配送。", "ends_on": "2099-06-30"})
}

#[tokio::test]
async fn the_school_report_counts_programs_placements_and_relevance_and_only_the_school_and_city_see_it() {
    let app = spawn_app().await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let school = app.demo_login("school@demo.local").await;
    let school_org = app.my_org_id(&school).await;
    let year = Utc::now().year();
    let offer = publish(&app, &school, program_offer()).await;
    let mut second = program_offer();
    second["program_codes"] = json!(["530701"]);
    second["quantity"] = json!(25);
    publish(&app, &school, second).await;
    // 对口: the same program. 不对口: a logistics job filled from the NC program. Unjudged: no codes.
    let need = publish(&app, &enterprise, apprenticeship(10)).await;
    completed_project(&app, &enterprise, &school, need, offer, json!({"placed": 6, "hired": 5, "certificates": 4}))
        .await;
    let job = publish(&app, &enterprise, logistics_job()).await;
    completed_project(&app, &enterprise, &school, job, offer, json!({"placed": 2})).await;
    let job = publish(&app, &enterprise, job_without_codes()).await;
    completed_project(&app, &enterprise, &school, job, offer, json!({"placed": 3})).await;
    let post = publish(&app, &enterprise, teacher_post()).await;
    let practice = publish(&app, &school, teacher_need()).await;
    completed_project(&app, &enterprise, &school, post, practice, json!({"placed": 2, "practice_hours": 80})).await;

    let path = format!("/api/v1/statistics/reports/school/{school_org}?year={year}");
    let report = json_of(app.get_json(&path, Some(&school)).await, StatusCode::OK).await;
    let value = |label: &str| row(&report, "overview", label)[2].clone();
    assert_eq!(value("开设专业数"), 2.0);
    assert_eq!(value("毕业生数"), 65.0);
    assert_eq!(value("安置学生数"), 11.0, "students only, not the teachers");
    assert_eq!((value("对口安置人数"), value("可判断对口的安置人数")), (json!(6.0), json!(8.0)));
    assert_eq!(value("专业对口率"), 75.0);
    assert_eq!(value("录用人数"), 5.0);
    assert_eq!(value("6个月留任率"), Value::Null, "not reported: no data");
    assert_eq!(value("1+X等证书数"), 4.0);
    assert_eq!((value("教师企业实践人次"), value("教师企业实践时长")), (json!(2.0), json!(80.0)));
    let verdicts: Vec<&str> = rows(&report, "placements").iter().map(|r| r[6].as_str().unwrap()).collect();
    assert_eq!(verdicts, ["对口", "不对口", "无法判断"]);
    let apprenticeships = row(&report, "projects", "学徒制培养");
    assert_eq!((apprenticeships[3].as_f64(), apprenticeships[5].as_f64()), (Some(1.0), Some(1.0)), "completed, total");
    // Without a year: last year's report, in which nothing happened.
    let last = json_of(
        app.get_json(&format!("/api/v1/statistics/reports/school/{school_org}"), Some(&school)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(last["filter"]["year"], year - 1);
    assert_eq!(row(&last, "overview", "安置学生数")[2], Value::Null);

    // The city sees it; the enterprise and another school do not.
    let city = app.demo_login("city@demo.local").await;
    assert_eq!(app.get_json(&path, Some(&city)).await.status(), StatusCode::OK);
    assert_eq!(app.get_json(&path, Some(&enterprise)).await.status(), StatusCode::NOT_FOUND);
    let enterprise_org = app.my_org_id(&enterprise).await;
    let not_a_school = format!("/api/v1/statistics/reports/school/{enterprise_org}");
    assert_eq!(app.get_json(&not_a_school, Some(&city)).await.status(), StatusCode::NOT_FOUND);

    // The printable page and the workbook.
    let (browser, _) = signed_in(&app, "school@demo.local").await;
    let page = page_text(&browser, &app, &format!("/statistics/reports/school/{school_org}?year={year}")).await;
    assert!(page.contains("年度质量报告") && page.contains("专业对口率") && page.contains("class=\"no-print\""));
    assert!(page.contains("<td>75</td>") || page.contains("<td>75.0</td>"), "the rate is on the page");
    let (disposition, mut book) =
        workbook(&browser, &app, &format!("/statistics/reports/school/{school_org}.xlsx?year={year}")).await;
    let name = chanjiao_api::web::url_encode(&format!("年度质量报告_{SCHOOL}_{year}.xlsx"));
    assert!(disposition.contains(&format!("filename*=UTF-8''{name}")), "{disposition}");
    assert_eq!(
        book.sheet_names(),
        ["封面", "主要指标", "开设专业与毕业生", "学生安置与专业对口", "合作项目（按类型和状态）", "教师企业实践"]
    );
    assert_eq!(sheet_value(&mut book, "主要指标", "安置学生数", 2), Data::Float(11.0), "a number, not text");
    assert_eq!(sheet_value(&mut book, "主要指标", "6个月留任率", 2), Data::String("无数据".into()));
    assert_eq!(sheet_value(&mut book, "封面", "年份", 1), Data::Float(f64::from(year)));
    let (browser, _) = signed_in(&app, "enterprise@demo.local").await;
    let refused = browser.get(app.url(&format!("/statistics/reports/school/{school_org}.xlsx"))).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_city_report_is_for_authorities_and_follows_the_district_filter() {
    let app = spawn_app().await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let school = app.demo_login("school@demo.local").await;
    let city = app.demo_login("city@demo.local").await;
    let year = Utc::now().year();
    let offer = publish(&app, &school, program_offer()).await;
    let need = publish(&app, &enterprise, apprenticeship(10)).await;
    completed_project(&app, &enterprise, &school, need, offer, json!({"placed": 8, "hired": 6, "retained_6m": 3}))
        .await;

    let report = json_of(
        app.get_json(&format!("/api/v1/statistics/reports/city?year={year}"), Some(&city)).await,
        StatusCode::OK,
    )
    .await;
    let keys: Vec<&str> = report["sections"].as_array().unwrap().iter().map(|s| s["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["postings", "projects", "outcomes", "league", "targets", "supply_demand"]);
    // Supply and demand: the apprenticeship's 10 against the program's 40 graduates, 8 placed.
    let total = row(&report, "supply_demand", "合计");
    assert_eq!((total[1].as_f64(), total[2].as_f64(), total[3].as_f64()), (Some(10.0), Some(40.0), Some(8.0)));
    assert_eq!(total[4].as_f64(), Some(-30.0), "gap = demand − supply");
    let apprenticeships = row(&report, "postings", PostingKind::Apprenticeship.zh());
    assert_eq!((apprenticeships[2].as_f64(), apprenticeships[3].as_f64()), (Some(1.0), Some(10.0)));
    assert_eq!(row(&report, "outcomes", "安置学生数")[1], 8.0);
    assert_eq!(row(&report, "outcomes", "6个月留任率")[1], 50.0);
    let leaders = rows(&report, "league");
    let school_leader = leaders.iter().find(|r| r[0] == "学校").unwrap();
    assert_eq!((school_leader[2].as_str(), school_leader[3].as_f64()), (Some(SCHOOL), Some(8.0)));

    // 上虞区 has neither party: nothing counted. 柯桥区 has the enterprise and its posting.
    let shangyu = json_of(
        app.get_json(&format!("/api/v1/statistics/reports/city?year={year}&district=330604"), Some(&city)).await,
        StatusCode::OK,
    )
    .await;
    assert!(rows(&shangyu, "postings").is_empty());
    assert_eq!(row(&shangyu, "outcomes", "安置学生数")[1], Value::Null);
    let keqiao =
        json_of(app.get_json("/api/v1/statistics/reports/city?district=330603", Some(&city)).await, StatusCode::OK)
            .await;
    assert_eq!(row(&keqiao, "postings", PostingKind::Apprenticeship.zh())[2], 1.0);
    assert!(
        rows(&keqiao, "postings").iter().all(|r| r[0] != PostingKind::ProgramOffering.zh()),
        "the offer is in 越城区"
    );
    assert_eq!(row(&keqiao, "outcomes", "安置学生数")[1], 8.0);
    let keqiao_total = row(&keqiao, "supply_demand", "合计");
    assert_eq!(
        (keqiao_total[1].as_f64(), keqiao_total[2].as_f64()),
        (Some(10.0), Some(0.0)),
        "the program is in 越城区"
    );

    let (browser, _) = signed_in(&app, "city@demo.local").await;
    let page = page_text(&browser, &app, &format!("/statistics/reports/city?district=330603&year={year}")).await;
    assert!(page.contains("柯桥区") && page.contains("安置、录用与留任"));
    let (disposition, mut book) =
        workbook(&browser, &app, &format!("/statistics/reports/city.xlsx?district=330603&year={year}")).await;
    assert!(disposition.contains("filename*=UTF-8''"), "{disposition}");
    assert_eq!(book.sheet_names()[0], "封面");
    assert_eq!(sheet_value(&mut book, "封面", "区划代码", 1), Data::String("330603".into()));
    assert_eq!(sheet_value(&mut book, "封面", "区县", 1), Data::String("柯桥区".into()));
    assert_eq!(sheet_value(&mut book, "安置、录用与留任", "安置学生数", 1), Data::Float(8.0));
    assert_eq!(sheet_value(&mut book, "安置、录用与留任", "指标", 1), Data::String("数值".into()), "a header row");
    let league = book.worksheet_range("成效排行前列单位（按安置人数）").unwrap();
    // In 柯桥区 the enterprise leads; the school (越城区) is not there.
    let leader = league.rows().find(|r| r[0] == Data::String("企业".into())).unwrap();
    assert_eq!(
        (leader[2].clone(), leader[3].clone()),
        (Data::String("绍兴精工数控机床有限公司".into()), Data::Float(8.0))
    );
    assert!(league.rows().all(|r| r[0] != Data::String("学校".into())));

    // Nobody else gets it.
    let refused = app.get_json("/api/v1/statistics/reports/city", Some(&enterprise)).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.get_json("/api/v1/statistics/reports/city", Some(&school)).await.status(), StatusCode::FORBIDDEN);
    let (browser, _) = signed_in(&app, "enterprise@demo.local").await;
    for path in ["/statistics/reports/city", "/statistics/reports/city.xlsx"] {
        assert_eq!(browser.get(app.url(path)).send().await.unwrap().status(), StatusCode::FORBIDDEN, "{path}");
    }
    let index = page_text(&browser, &app, "/statistics/reports").await;
    assert!(!index.contains("/statistics/reports/city"), "no link to it either");
}

#[tokio::test]
async fn bad_report_parameters_are_named() {
    let app = spawn_app().await;
    let city = app.demo_login("city@demo.local").await;
    let bad = app.get_json("/api/v1/statistics/reports/city?district=110101&year=abc", Some(&city)).await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem_fields(bad).await, ["district", "year"]);
    let school = app.demo_login("school@demo.local").await;
    let school_org = app.my_org_id(&school).await;
    let bad = app.get_json(&format!("/api/v1/statistics/reports/school/{school_org}?year=1900"), Some(&school)).await;
    assert_eq!(problem_fields(bad).await, ["year"]);
    assert_eq!(app.get_json("/api/v1/statistics/reports/city", None).await.status(), StatusCode::UNAUTHORIZED);
    // The tab lists the city report and the schools for the city, only its own report for a school.
    let (browser, _) = signed_in(&app, "city@demo.local").await;
    let index = page_text(&browser, &app, "/statistics/reports?district=330603").await;
    assert!(index.contains("/statistics/reports/city?district=330603") && index.contains("柯桥区职业教育中心"));
    assert!(!index.contains(SCHOOL), "越城区's school is not in 柯桥区");
    let (browser, _) = signed_in(&app, "school@demo.local").await;
    let index = page_text(&browser, &app, "/statistics/reports").await;
    assert!(
        index.contains(&format!("/statistics/reports/school/{school_org}")) && !index.contains("柯桥区职业教育中心")
    );
}
