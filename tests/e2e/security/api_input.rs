//! Malformed parameters and bodies on the API get problem documents naming what is wrong, never
//! axum's plain text, and change nothing (found by schemathesis; see docs/security.md).

use reqwest::StatusCode;
use serde_json::json;

use crate::e2e::support::{problem_fields, spawn_app};

#[tokio::test]
async fn a_query_parameter_that_does_not_parse_is_a_422_naming_it() {
    let app = spawn_app().await;
    let token = app.demo_login("school@demo.local").await;
    for (path, field) in [
        ("/api/v1/postings?limit=abc", "limit"),
        ("/api/v1/reference/occupations?limit=null&limit=null", "limit"),
        ("/api/v1/inbox?unread=maybe", "unread"),
        ("/api/v1/inbox?lang=fr", "lang"),
    ] {
        let response = app.get_json(path, Some(&token)).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{path}");
        assert_eq!(response.headers()["content-type"], "application/problem+json", "{path}");
        assert_eq!(problem_fields(response).await, vec![field.to_owned()], "{path}");
    }
}

#[tokio::test]
async fn a_path_parameter_that_does_not_parse_is_a_422_naming_it() {
    let app = spawn_app().await;
    let token = app.demo_login("school@demo.local").await;
    for path in ["/api/v1/postings/abc", "/api/v1/postings/99999999999999999999999", "/api/v1/rounds/-/report"] {
        let response = app.get_json(path, Some(&token)).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{path}");
        assert_eq!(problem_fields(response).await, vec!["id".to_owned()], "{path}");
    }
}

#[tokio::test]
async fn a_body_of_the_wrong_shape_is_a_422_naming_the_field_and_stores_nothing() {
    let app = spawn_app().await;
    let token = app.demo_login("enterprise@demo.local").await;
    let before = app.get_json("/api/v1/postings?status=draft", Some(&token)).await.text().await.unwrap();
    let wrong = json!({"kind": "job", "title": "数控车工", "quantity": "many"});
    let response = app.post_json("/api/v1/postings", &wrong, Some(&token)).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(problem_fields(response).await.contains(&"quantity".to_owned()));
    let missing = app.post_json("/api/v1/match", &json!({"level": "gaozhi_zhuanke"}), Some(&token)).await;
    assert_eq!(missing.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem_fields(missing).await, vec!["text".to_owned()]);
    let after = app.get_json("/api/v1/postings?status=draft", Some(&token)).await.text().await.unwrap();
    assert_eq!(before, after, "nothing was stored");
}

#[tokio::test]
async fn an_upload_that_is_not_multipart_is_a_415_problem() {
    let app = spawn_app().await;
    let token = app.demo_login("school@demo.local").await;
    let response = app.api.post(app.url("/api/v1/postings/import")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(response.headers()["content-type"], "application/problem+json");
}

#[tokio::test]
async fn an_administrator_route_with_a_bad_id_names_it_too() {
    let app = spawn_app().await;
    let token = app.demo_login("admin@demo.local").await;
    let response = app.post_json("/api/v1/users/abc/disable", &json!({}), Some(&token)).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem_fields(response).await, vec!["id".to_owned()]);
}

/// The API's route modules take `Path` and `Query` from `routes/extract.rs`, never from axum,
/// whose rejections are plain text: a module added later cannot slip back.
#[test]
fn api_route_modules_use_the_extractors_that_name_the_parameter() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/crates/api/src/routes/api");
    let mut offenders = Vec::new();
    // Route modules may be directories (`openapi/`): every file below is read.
    let mut pending = vec![std::path::PathBuf::from(dir)];
    let mut files = Vec::new();
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(dir).expect("the API's route modules") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() { pending.push(path) } else { files.push(path) }
        }
    }
    for path in files {
        if path.file_name().is_some_and(|name| name == "extract.rs") {
            continue;
        }
        let source = std::fs::read_to_string(&path).expect("a route module");
        let axum_extractors = source
            .lines()
            .filter(|line| line.trim_start().starts_with("use axum::extract::"))
            .any(|line| line.contains("Path") || line.contains("Query") || line.contains("Multipart"));
        if axum_extractors || source.contains("axum::extract::Path<") || source.contains("axum::extract::Query<") {
            offenders.push(path.display().to_string());
        }
    }
    assert!(offenders.is_empty(), "use super::extract::{{Path, Query, ApiMultipart}} in {offenders:?}");
}
