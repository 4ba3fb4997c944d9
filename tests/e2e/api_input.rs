//! Malformed parameters and bodies on the API get problem documents naming what is wrong, never
//! axum's plain text, and change nothing (found by schemathesis; see docs/security.md).

use reqwest::StatusCode;
use serde_json::json;

use super::support::{problem_fields, spawn_app};

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
