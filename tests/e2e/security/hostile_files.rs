//! Hostile files against the running server: small workbooks that declare or fill the far corner
//! of a sheet are refused with a 413 naming the limit, by every importer, and the server goes on
//! answering; a caller who may not import preferences is refused before the file is read; and
//! import progress is followed under tokens the server issues, which only their user can poll.

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::Value;

use crate::e2e::rounds::api::small_round;
use crate::e2e::support::{TestApp, problem_fields, signed_in, spawn_app};

/// A workbook of a header cell in A1 and one cell at (`row`, `col`), both 0-based.
fn far_cell_workbook(row: u32, col: u16) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "类型").unwrap();
    sheet.write_string(row, col, "x").unwrap();
    book.save_to_buffer().unwrap()
}

fn file_form(bytes: Vec<u8>) -> Form {
    Form::new().part("file", Part::bytes(bytes).file_name("岗位.xlsx".to_owned()))
}

async fn post_file(app: &TestApp, token: &str, path: &str, bytes: Vec<u8>) -> reqwest::Response {
    app.api.post(app.url(path)).bearer_auth(token).multipart(file_form(bytes)).send().await.unwrap()
}

/// The problem's one error, on field `file`.
async fn file_problem(response: reqwest::Response) -> Value {
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["errors"][0]["field"], "file", "{body}");
    body["errors"][0].clone()
}

#[tokio::test]
async fn huge_dimension_workbooks_are_refused_by_every_importer_and_the_server_keeps_answering() {
    let app = spawn_app().await;
    let round = small_round(&app).await;
    let (browser, csrf) = signed_in(&app, "school@demo.local").await;
    let far_corner = far_cell_workbook(1_048_575, 16_383);
    assert!(far_corner.len() < 10_000, "a small file: {} bytes", far_corner.len());
    let z_million = far_cell_workbook(999_999, 25);

    for (bytes, rows) in [(far_corner, "1,048,576"), (z_million, "1,000,000")] {
        let declared = format!("the sheet declares {rows} rows; at most 20,001 are read");
        let api = post_file(&app, &round.school, "/api/v1/postings/import", bytes.clone()).await;
        let problem = file_problem(api).await;
        assert_eq!(problem["reason"], declared.as_str());
        assert_eq!(problem["code"], "declared_rows_over_limit");

        let preferences = format!("/api/v1/rounds/{}/sheets/preferences", round.round);
        let problem = file_problem(post_file(&app, &round.school, &preferences, bytes.clone()).await).await;
        assert_eq!(problem["reason"], declared.as_str());

        let page = browser
            .post(app.url(&format!("/postings/import?_csrf={csrf}")))
            .multipart(file_form(bytes))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert!(page.text().await.unwrap().contains(&format!("工作表声明了 {rows} 行")), "the page names the limit");
    }

    assert_eq!(app.api.get(app.url("/healthz")).send().await.unwrap().status(), StatusCode::OK);
    let search = app.get_json("/api/v1/search?q=数控", Some(&round.school)).await;
    assert_eq!(search.status(), StatusCode::OK);
    let (_, students): (StatusCode, Value) = {
        let r = app.get_json(&format!("/api/v1/rounds/{}/students", round.round), Some(&round.school)).await;
        (r.status(), r.json().await.unwrap())
    };
    assert_eq!(students.as_array().map(Vec::len), Some(4), "nothing was imported");
}

#[tokio::test]
async fn a_preferences_upload_from_a_non_participant_is_refused_before_its_file_is_read() {
    let app = spawn_app().await;
    let round = small_round(&app).await;
    let garbage = b"PK\x03\x04 not a workbook at all".to_vec();
    let path = format!("/api/v1/rounds/{}/sheets/preferences", round.round);
    let school = post_file(&app, &round.school, &path, garbage.clone()).await;
    assert_eq!(school.status(), StatusCode::UNPROCESSABLE_ENTITY, "a participant's bad file is read, and refused");

    let enterprise = post_file(&app, &round.enterprise, &path, garbage.clone()).await;
    assert_eq!(enterprise.status(), StatusCode::FORBIDDEN, "an enterprise enters no students");
    let unknown = post_file(&app, &round.school, "/api/v1/rounds/999999/sheets/preferences", garbage.clone()).await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);

    // A draft round is its organizer's alone: a school gets 404 however broken the body.
    let (status, draft) = {
        let body = serde_json::json!({"name": "草稿轮次", "preference_deadline": "2099-06-30T17:00"});
        let r = app.post_json("/api/v1/rounds", &body, Some(&round.city)).await;
        (r.status(), r.json::<Value>().await.unwrap())
    };
    assert_eq!(status, StatusCode::CREATED, "{draft}");
    let draft_path = format!("/api/v1/rounds/{}/sheets/preferences", draft["id"]);
    let broken = app
        .api
        .post(app.url(&draft_path))
        .bearer_auth(&round.school)
        .header("content-type", "multipart/form-data; boundary=x")
        .body("--x\r\nnot even multipart")
        .send()
        .await
        .unwrap();
    assert_eq!(broken.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn import_progress_tokens_are_issued_by_the_server_and_only_their_user_can_poll_them() {
    let app = spawn_app().await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let school = app.demo_login("school@demo.local").await;
    let csv = format!(
        "类型,标题,地区代码,数量,状态\n{}",
        (0..300).map(|i| format!("job,钳工 {i},330603,3,草稿\n")).collect::<String>()
    );
    let send = |token: &str, progress: &str| {
        let form = Form::new()
            .text("progress", progress.to_owned())
            .part("file", Part::bytes(csv.clone().into_bytes()).file_name("x.csv"));
        app.api.post(app.url("/api/v1/postings/import")).bearer_auth(token).multipart(form).send()
    };

    let chosen = send(&enterprise, "tok-123").await.unwrap();
    assert_eq!(chosen.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem_fields(chosen).await, ["progress"]);

    let issued = app.post_json("/api/v1/imports", &serde_json::json!({}), Some(&enterprise)).await;
    assert_eq!(issued.status(), StatusCode::CREATED);
    let token = issued.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned();
    assert_eq!(token.len(), 32, "128 random bits in hex");
    let waiting: Value =
        app.get_json(&format!("/api/v1/imports/{token}"), Some(&enterprise)).await.json().await.unwrap();
    assert_eq!(waiting["phase"], "waiting");

    let stolen = send(&school, &token).await.unwrap();
    assert_eq!(stolen.status(), StatusCode::UNPROCESSABLE_ENTITY, "a token is its user's alone");
    assert_eq!(problem_fields(stolen).await, ["progress"]);
    let imported = send(&enterprise, &token).await.unwrap();
    assert_eq!(imported.status(), StatusCode::CREATED, "{}", imported.text().await.unwrap());
    let progress: Value =
        app.get_json(&format!("/api/v1/imports/{token}"), Some(&enterprise)).await.json().await.unwrap();
    assert_eq!(progress, serde_json::json!({"phase": "done", "done": 300, "total": 300}));
    assert_eq!(app.get_json(&format!("/api/v1/imports/{token}"), Some(&school)).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get_json(&format!("/api/v1/imports/{token}"), None).await.status(), StatusCode::UNAUTHORIZED);

    let (browser, _) = signed_in(&app, "enterprise@demo.local").await;
    let page = browser.get(app.url("/postings/import")).send().await.unwrap().text().await.unwrap();
    let issued_with_page = page.split("name=\"progress\" value=\"").nth(1).and_then(|rest| rest.get(..32)).unwrap();
    assert!(issued_with_page.chars().all(|c| c.is_ascii_hexdigit()), "the page carries a token: {issued_with_page}");
    let polled = app.get_json(&format!("/api/v1/imports/{issued_with_page}"), Some(&enterprise)).await;
    assert_eq!(polled.status(), StatusCode::OK, "the page's token is the signed-in user's");
}
