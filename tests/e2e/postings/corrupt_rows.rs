//! A stored value the server does not recognise (written by hand, or by a newer version before a
//! downgrade) is one clear failure: the request that reads the row gets a 500 problem that says
//! nothing internal, the row is not silently left out, and the server keeps serving.

use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, DbBackend, TransactionTrait};
use serde_json::{Value, json};

use crate::e2e::support::{TestApp, spawn_app};

/// Writes `value` into `table.column` of row `id` behind the API's back, past the column's
/// CHECK constraint (SQLite: ignored on this connection for the statement; PostgreSQL: the
/// constraint, named by PostgreSQL's default `<table>_<column>_check`, is dropped first).
async fn corrupt(app: &TestApp, table: &str, column: &str, id: i64, value: &str) {
    let update = format!("UPDATE {table} SET {column} = '{value}' WHERE id = {id}");
    let txn = app.db.begin().await.unwrap();
    match app.db.get_database_backend() {
        DbBackend::Sqlite => {
            txn.execute_unprepared("PRAGMA ignore_check_constraints = ON").await.unwrap();
            txn.execute_unprepared(&update).await.unwrap();
            txn.execute_unprepared("PRAGMA ignore_check_constraints = OFF").await.unwrap();
        }
        _ => {
            let drop = format!("ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {table}_{column}_check");
            txn.execute_unprepared(&drop).await.unwrap();
            txn.execute_unprepared(&update).await.unwrap();
        }
    }
    txn.commit().await.unwrap();
}

async fn new_posting(app: &TestApp, token: &str, title: &str) -> i64 {
    let body = json!({
        "kind": "job", "title": title, "description": "负责数控车床编程与操作。",
        "region": "330603", "quantity": 2, "ends_on": "2099-06-30"
    });
    let response = app.post_json("/api/v1/postings", &body, Some(token)).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let created: Value = response.json().await.unwrap();
    created["id"].as_i64().unwrap()
}

#[tokio::test]
async fn a_posting_with_an_unknown_stored_status_is_a_clear_500_and_the_server_keeps_serving() {
    let app = spawn_app().await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let sound = new_posting(&app, &enterprise, "数控车工").await;
    let broken = new_posting(&app, &enterprise, "数控铣工").await;
    corrupt(&app, "postings", "status", broken, "archived").await;

    let response = app.get_json(&format!("/api/v1/postings/{broken}"), Some(&enterprise)).await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(response.headers()["content-type"], "application/problem+json");
    let body = response.text().await.unwrap();
    let problem: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(problem["status"], 500);
    assert_eq!(problem["title"], "Internal server error");
    assert!(!body.contains("archived"), "a 5xx body says nothing internal: {body}");

    // A list holding a corrupt row fails the same way instead of quietly leaving the row out.
    let org = app.my_org_id(&enterprise).await;
    let listed = new_posting(&app, &enterprise, "数控磨工").await;
    let publish = app.post_json(&format!("/api/v1/postings/{listed}/publish"), &json!({}), Some(&enterprise)).await;
    assert_eq!(publish.status(), StatusCode::OK);
    let list_path = format!("/api/v1/postings?organization={org}");
    assert_eq!(app.get_json(&list_path, Some(&enterprise)).await.status(), StatusCode::OK);
    corrupt(&app, "postings", "kind", listed, "unicorn").await;
    assert_eq!(app.get_json(&list_path, Some(&enterprise)).await.status(), StatusCode::INTERNAL_SERVER_ERROR);

    // Everything else is served as before.
    let fine = app.get_json(&format!("/api/v1/postings/{sound}"), Some(&enterprise)).await;
    assert_eq!(fine.status(), StatusCode::OK);
    assert_eq!(app.api.get(app.url("/healthz")).send().await.unwrap().status(), StatusCode::OK);
}
