//! Spreadsheets end to end: the template, all-or-nothing imports with a row-by-row report,
//! export → import round trips in both formats, bad uploads, a 10,000-row import, and the page.

use std::time::Instant;

use reqwest::multipart::{Form, Part};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::e2e::support::{DEMO_PASSWORD, TestApp, problem_fields, spawn_app};

async fn upload(app: &TestApp, token: &str, name: &str, bytes: Vec<u8>) -> reqwest::Response {
    let form = Form::new().part("file", Part::bytes(bytes).file_name(name.to_owned()));
    app.api.post(app.url("/api/v1/postings/import")).bearer_auth(token).multipart(form).send().await.unwrap()
}

async fn download(app: &TestApp, token: &str, path: &str) -> Vec<u8> {
    let response = app.api.get(app.url(path)).bearer_auth(token).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.bytes().await.unwrap().to_vec()
}

async fn total(app: &TestApp, token: &str, query: &str) -> i64 {
    let body: Value = app.get_json(&format!("/api/v1/postings?{query}"), Some(token)).await.json().await.unwrap();
    body["total"].as_i64().unwrap()
}

const HEADER: &str = "类型,标题,描述,技能,地区代码,开始日期,结束日期,数量,学历层次,专业代码,产业集群,状态\n";

#[tokio::test]
async fn the_template_downloads_in_both_formats() {
    let app = spawn_app().await;
    let token = app.demo_login("enterprise@demo.local").await;
    let xlsx = app.api.get(app.url("/api/v1/postings/template?format=xlsx")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(xlsx.headers()["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    assert!(xlsx.headers()["content-disposition"].to_str().unwrap().contains("attachment"));
    assert!(xlsx.bytes().await.unwrap().starts_with(b"PK"));
    let csv = download(&app, &token, "/api/v1/postings/template?format=csv").await;
    let text = String::from_utf8(csv).unwrap();
    assert!(text.trim_start_matches('\u{feff}').starts_with("类型"));
    let bad = app.api.get(app.url("/api/v1/postings/template?format=doc")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(problem_fields(bad).await, ["format"]);
}

#[tokio::test]
async fn one_bad_row_rejects_the_whole_file_with_its_row_and_column_named() {
    let app = spawn_app().await;
    let token = app.demo_login("enterprise@demo.local").await;
    let mut csv = String::from(HEADER);
    csv.push_str("job,数控车工,负责数控车床操作,数控编程、CNC,330603,2026-12-01,2099-06-30,12,gaozhi_zhuanke,460103,hq_equipment,发布\n");
    csv.push_str("岗位需求,钳工,,钳工,330603,,,3,,,metalwork,草稿\n");
    csv.push_str("job,焊工,,焊接,330603,,,-4,,999999,hq_equipment,发布\n");
    let response = upload(&app, &token, "需求.csv", csv.into_bytes()).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = response.json().await.unwrap();
    assert!(body["detail_zh"].as_str().unwrap().contains("整个文件未导入"));
    let errors = body["errors"].as_array().unwrap();
    assert!(errors.iter().all(|e| e["row"] == 4), "{body}");
    let columns: Vec<&str> = errors.iter().map(|e| e["column"].as_str().unwrap()).collect();
    assert!(columns.contains(&"数量") && columns.contains(&"专业代码"), "{columns:?}");
    assert_eq!(total(&app, &token, "kind=job").await, 0);
    assert_eq!(total(&app, &token, "kind=job&status=draft").await, 0);
}

#[tokio::test]
async fn a_valid_file_imports_drafts_and_published_postings() {
    let app = spawn_app().await;
    let token = app.demo_login("enterprise@demo.local").await;
    let mut csv = String::from(HEADER);
    csv.push_str("job,数控车工,负责数控车床操作,数控编程、CNC,330603,2026-12-01,2099-06-30,12,gaozhi_zhuanke,460103,hq_equipment,发布\n");
    csv.push_str("岗位需求,钳工,,钳工,330603,,,3,,,metalwork,草稿\n");
    let response = upload(&app, &token, "需求.csv", csv.into_bytes()).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body, json!({"created": 2, "published": 1}));
    assert_eq!(total(&app, &token, "kind=job").await, 1);
    assert_eq!(total(&app, &token, "kind=job&status=draft").await, 1);
}

#[tokio::test]
async fn bad_uploads_get_clear_answers() {
    let app = spawn_app().await;
    let token = app.demo_login("enterprise@demo.local").await;
    let pdf = upload(&app, &token, "report.pdf", b"%PDF-1.7\n\x00\x01\x02binary".to_vec()).await;
    assert_eq!(pdf.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let empty = app
        .api
        .post(app.url("/api/v1/postings/import"))
        .bearer_auth(&token)
        .multipart(Form::new().text("note", "no file"))
        .send()
        .await
        .unwrap();
    assert_eq!(problem_fields(empty).await, ["file"]);
    let huge = upload(&app, &token, "huge.csv", vec![b'a'; 17 * 1024 * 1024]).await;
    assert_eq!(huge.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let typo =
        upload(&app, &token, "typo.csv", "类型,标题,地区代码,数两\njob,钳工,330603,3\n".as_bytes().to_vec()).await;
    assert_eq!(typo.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = typo.json().await.unwrap();
    assert!(body["detail"].as_str().unwrap().contains("数两"), "{body}");
    let broker = app.demo_login("broker@demo.local").await;
    let not_a_poster = upload(&app, &broker, "x.csv", HEADER.as_bytes().to_vec()).await;
    assert_eq!(not_a_poster.status(), StatusCode::FORBIDDEN);
}

async fn create(app: &TestApp, token: &str, body: Value) {
    let response = app.post_json("/api/v1/postings", &body, Some(token)).await;
    assert_eq!(response.status(), StatusCode::CREATED, "{:?}", response.text().await);
}

/// The fields that make a posting what it is, without ids, owners and timestamps.
fn essence(posting: &Value) -> Value {
    let mut p = posting.clone();
    for key in ["id", "organization_id", "created_at", "updated_at", "published_at"] {
        p.as_object_mut().unwrap().remove(key);
    }
    p
}

#[tokio::test]
async fn export_then_import_gives_the_same_postings_in_both_formats() {
    let app = spawn_app().await;
    let school = app.demo_login("school@demo.local").await;
    let org = app.my_org_id(&school).await;
    create(&app, &school, json!({"publish": true, "kind": "program_offering", "title": "数控技术专业 2027届",
        "description": "三年制，含企业实践半年。\n=SUM(A1) 不是公式", "region": "330602", "program_codes": ["460103"],
        "quantity": 45, "annual_enrolment": 50, "skills": ["数控编程", "CAD/CAM"], "industry_clusters": ["hq_equipment"]})).await;
    create(&app, &school, json!({"publish": true, "kind": "shared_training_base", "title": "工业机器人实训中心",
        "region": "330602001", "quantity": 40, "equipment": ["ABB 机器人 ×6", "PLC 实训台, 20 套"],
        "open_periods": ["周一至周五 8:30-17:00"], "amount_yuan": 120, "starts_on": "2026-12-01", "ends_on": "2099-12-31"})).await;
    create(
        &app,
        &school,
        json!({"publish": true, "kind": "teaching_need", "title": "兼职教师：染整工艺",
        "region": "330602", "quantity": 2, "industry_clusters": ["dyeing"], "certificates": ["染整工（高级）"]}),
    )
    .await;
    let listing: Value =
        app.get_json(&format!("/api/v1/postings?organization={org}"), Some(&school)).await.json().await.unwrap();
    let by_title = |items: &Value| {
        let mut items: Vec<Value> = items.as_array().unwrap().iter().map(essence).collect();
        items.sort_by_key(|p| p["title"].as_str().unwrap().to_owned());
        items
    };
    let original = by_title(&listing["items"]);
    assert_eq!(original.len(), 3);

    for format in ["csv", "xlsx"] {
        let bytes =
            download(&app, &school, &format!("/api/v1/postings/export?format={format}&organization={org}")).await;
        let response = upload(&app, &school, &format!("export.{format}"), bytes).await;
        assert_eq!(response.status(), StatusCode::CREATED, "{format}: {:?}", response.text().await);
        let listing: Value = app
            .get_json(&format!("/api/v1/postings?organization={org}&limit=3"), Some(&school))
            .await
            .json()
            .await
            .unwrap();
        let reimported = by_title(&listing["items"]);
        assert_eq!(reimported, original, "{format} round trip");
    }
}

#[tokio::test]
async fn ten_thousand_rows_import_in_one_go() {
    let app = spawn_app().await;
    let token = app.demo_login("enterprise@demo.local").await;
    let mut csv = String::from(HEADER);
    for i in 0..10_000 {
        csv.push_str(&format!(
            "job,数控车工 第{i}批,负责数控车床操作与保养,数控编程、CNC,330603,2026-12-01,2099-06-30,{},gaozhi_zhuanke,460103,hq_equipment,发布\n",
            1 + i % 50
        ));
    }
    let started = Instant::now();
    let response = upload(&app, &token, "big.csv", csv.into_bytes()).await;
    eprintln!("10,000-row import took {:?}", started.elapsed());
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(total(&app, &token, "kind=job").await, 10_000);
}

async fn signed_in(app: &TestApp, email: &str) -> (Client, String) {
    let browser = app.browser();
    let csrf = app.csrf_token(&browser, "/login").await;
    browser
        .post(app.url("/login"))
        .form(&[("email", email), ("password", DEMO_PASSWORD), ("_csrf", &csrf)])
        .send()
        .await
        .unwrap();
    (browser, csrf)
}

#[tokio::test]
async fn the_import_page_shows_the_report_or_the_result() {
    let app = spawn_app().await;
    let (browser, csrf) = signed_in(&app, "enterprise@demo.local").await;
    let page = browser.get(app.url("/postings/import")).send().await.unwrap().text().await.unwrap();
    // (The link comes from the downloads macro, which escapes its slashes: `&#x2f;postings&#x2f;template`.)
    assert!(page.contains("template?format=xlsx") && page.contains("enctype=\"multipart/form-data\""));

    let post = |csv: String, with_token: bool| {
        let browser = browser.clone();
        let url =
            if with_token { app.url(&format!("/postings/import?_csrf={csrf}")) } else { app.url("/postings/import") };
        async move {
            let form = Form::new().part("file", Part::bytes(csv.into_bytes()).file_name("x.csv"));
            browser.post(url).multipart(form).send().await.unwrap()
        }
    };
    let forged = post(format!("{HEADER}job,钳工,,,330603,,,3,,,,草稿\n"), false).await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);

    let bad = post(format!("{HEADER}job,钳工,,,330603,,,0,,,,草稿\n"), true).await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = bad.text().await.unwrap();
    assert!(html.contains("<td>2</td><td>数量</td>"), "the report names row 2, column 数量");

    let good = post(format!("{HEADER}job,钳工,,,330603,,,3,,,,草稿\n"), true).await;
    assert_eq!(good.status(), StatusCode::CREATED);
    assert!(good.text().await.unwrap().contains("导入成功"));
}

#[tokio::test]
async fn rows_that_cannot_be_published_are_reported_before_anything_is_written() {
    let app = spawn_app().await;
    let registration = json!({"kind": "enterprise", "name": "待审核纺织有限公司", "region": "330603",
        "credit_code": "91330602MA2D3X7Q1D", "admin_email": "new@textile.cn", "admin_password": "a-long-password"});
    assert_eq!(app.post_json("/api/v1/organizations", &registration, None).await.status(), StatusCode::CREATED);
    let unverified = app.login("new@textile.cn", "a-long-password").await;
    let csv = format!("{HEADER}job,挡车工,,,330603,,,3,,,,草稿\njob,染色工,,,330603,,,3,,,,发布\n");
    let response = upload(&app, &unverified, "x.csv", csv.into_bytes()).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["errors"][0]["row"], 3);
    assert_eq!(body["errors"][0]["column"], "状态");
    assert_eq!(total(&app, &unverified, "status=draft").await, 0, "not even the draft row is stored");

    let verified = app.demo_login("enterprise@demo.local").await;
    let past = format!("{HEADER}job,挡车工,,,330603,2020-01-01,2020-02-01,3,,,,发布\n");
    let response = upload(&app, &verified, "x.csv", past.into_bytes()).await;
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["errors"][0]["code"], "end_date_passed");
}
