//! Account hygiene: changing a password (which ends every other session), logging out
//! everywhere, platform administrators disabling and re-enabling users, and the sweep that
//! prunes expired sessions and old login failures.

use std::time::Duration;

use chanjiao_api::entities::{login_failures, sessions};
use chrono::Utc;
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ActiveValue::Set};
use serde_json::{Value, json};

use crate::e2e::booking::api::scalar;
use crate::e2e::support::{DEMO_PASSWORD, TestApp, problem_fields, signed_in, spawn_app, spawn_app_with};

async fn me(app: &TestApp, token: &str) -> StatusCode {
    app.get_json("/api/v1/me", Some(token)).await.status()
}

async fn login_status(app: &TestApp, email: &str, password: &str) -> StatusCode {
    app.post_json("/api/v1/auth/login", &json!({"email": email, "password": password}), None).await.status()
}

#[tokio::test]
async fn changing_the_password_needs_the_current_one_and_ends_every_other_session() {
    let app = spawn_app().await;
    let here = app.demo_login("school@demo.local").await;
    let elsewhere = app.demo_login("school@demo.local").await;
    let change = |current: &str, new: &str| json!({"current_password": current, "new_password": new});

    let wrong = app.post_json("/api/v1/me/password", &change("not-the-password", "a-new-long-pass"), Some(&here)).await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem_fields(wrong).await, ["current_password"]);
    let short = app.post_json("/api/v1/me/password", &change(DEMO_PASSWORD, "short"), Some(&here)).await;
    assert_eq!(short.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem_fields(short).await, ["new_password"]);
    assert_eq!(me(&app, &elsewhere).await, StatusCode::OK, "refused changes end nothing");
    let anonymous = app.post_json("/api/v1/me/password", &change(DEMO_PASSWORD, "a-new-long-pass"), None).await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);

    let changed = app.post_json("/api/v1/me/password", &change(DEMO_PASSWORD, "a-new-long-pass"), Some(&here)).await;
    assert_eq!(changed.status(), StatusCode::NO_CONTENT);
    assert_eq!(me(&app, &here).await, StatusCode::OK, "the session that changed it goes on");
    assert_eq!(me(&app, &elsewhere).await, StatusCode::UNAUTHORIZED, "every other session ends");
    assert_eq!(login_status(&app, "school@demo.local", DEMO_PASSWORD).await, StatusCode::UNAUTHORIZED);
    assert_eq!(login_status(&app, "school@demo.local", "a-new-long-pass").await, StatusCode::OK);
}

#[tokio::test]
async fn logging_out_everywhere_ends_every_session_of_the_user_only() {
    let app = spawn_app().await;
    let (first, second) = (app.demo_login("broker@demo.local").await, app.demo_login("broker@demo.local").await);
    let someone_else = app.demo_login("school@demo.local").await;
    let response = app.post_json("/api/v1/auth/logout-everywhere", &json!({}), Some(&first)).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(me(&app, &first).await, StatusCode::UNAUTHORIZED);
    assert_eq!(me(&app, &second).await, StatusCode::UNAUTHORIZED);
    assert_eq!(me(&app, &someone_else).await, StatusCode::OK);
}

#[tokio::test]
async fn the_account_page_changes_the_password_and_logs_out_everywhere() {
    let app = spawn_app().await;
    let api_session = app.demo_login("enterprise@demo.local").await;
    let (browser, csrf) = signed_in(&app, "enterprise@demo.local").await;
    let page = browser.get(app.url("/account")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let wrong = browser
        .post(app.url("/account/password"))
        .form(&[("current_password", "nope"), ("new_password", "a-new-long-pass"), ("_csrf", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let done = browser
        .post(app.url("/account/password"))
        .form(&[("current_password", DEMO_PASSWORD), ("new_password", "a-new-long-pass"), ("_csrf", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    assert_eq!(me(&app, &api_session).await, StatusCode::UNAUTHORIZED, "the other session ended");
    assert_eq!(browser.get(app.url("/account")).send().await.unwrap().status(), StatusCode::OK, "this one did not");
    let out = browser.post(app.url("/account/logout-everywhere")).form(&[("_csrf", &csrf)]).send().await.unwrap();
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    let after = browser.get(app.url("/account")).send().await.unwrap();
    assert_eq!(after.status(), StatusCode::SEE_OTHER, "signed out: sent to the login page");
}

#[tokio::test]
async fn an_administrator_disables_a_user_who_cannot_sign_in_until_re_enabled() {
    let app = spawn_app().await;
    let admin = app.demo_login("admin@demo.local").await;
    let school = app.demo_login("school@demo.local").await;
    let users: Value = app.get_json("/api/v1/users", Some(&admin)).await.json().await.unwrap();
    let id = users["users"].as_array().unwrap().iter().find(|u| u["email"] == "school@demo.local").unwrap()["id"]
        .as_i64()
        .unwrap();
    let not_admin = app.post_json(&format!("/api/v1/users/{id}/disable"), &json!({}), Some(&school)).await;
    assert_eq!(not_admin.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.get_json("/api/v1/users", Some(&school)).await.status(), StatusCode::FORBIDDEN);

    let disabled = app.post_json(&format!("/api/v1/users/{id}/disable"), &json!({}), Some(&admin)).await;
    assert_eq!(disabled.status(), StatusCode::OK);
    assert!(disabled.json::<Value>().await.unwrap()["disabled_at"].is_string());
    assert_eq!(me(&app, &school).await, StatusCode::UNAUTHORIZED, "their sessions stop at once");
    assert_eq!(login_status(&app, "school@demo.local", DEMO_PASSWORD).await, StatusCode::UNAUTHORIZED);

    let enabled = app.post_json(&format!("/api/v1/users/{id}/enable"), &json!({}), Some(&admin)).await;
    assert_eq!(enabled.status(), StatusCode::OK);
    assert!(enabled.json::<Value>().await.unwrap()["disabled_at"].is_null());
    assert_eq!(login_status(&app, "school@demo.local", DEMO_PASSWORD).await, StatusCode::OK);

    let admin_id = users["users"].as_array().unwrap().iter().find(|u| u["email"] == "admin@demo.local").unwrap()["id"]
        .as_i64()
        .unwrap();
    let herself = app.post_json(&format!("/api/v1/users/{admin_id}/disable"), &json!({}), Some(&admin)).await;
    assert_eq!(herself.status(), StatusCode::CONFLICT, "an administrator cannot lock herself out");
    let nobody = app.post_json("/api/v1/users/999999/disable", &json!({}), Some(&admin)).await;
    assert_eq!(nobody.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_admin_page_disables_and_re_enables_a_user() {
    let app = spawn_app().await;
    let school = app.demo_login("school@demo.local").await;
    let (browser, csrf) = signed_in(&app, "admin@demo.local").await;
    let page = browser.get(app.url("/admin/users")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("school@demo.local"));
    let id = scalar(&app, "SELECT id FROM users WHERE email = 'school@demo.local'").await;
    let done = browser.post(app.url(&format!("/admin/users/{id}/disable"))).form(&[("_csrf", &csrf)]).send().await;
    assert_eq!(done.unwrap().status(), StatusCode::SEE_OTHER);
    assert_eq!(me(&app, &school).await, StatusCode::UNAUTHORIZED);
    let done = browser.post(app.url(&format!("/admin/users/{id}/enable"))).form(&[("_csrf", &csrf)]).send().await;
    assert_eq!(done.unwrap().status(), StatusCode::SEE_OTHER);
    assert_eq!(login_status(&app, "school@demo.local", DEMO_PASSWORD).await, StatusCode::OK);
    let (other, _) = signed_in(&app, "school@demo.local").await;
    assert_eq!(other.get(app.url("/admin/users")).send().await.unwrap().status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_sweep_prunes_expired_sessions_and_login_failures_older_than_the_window() {
    let app = spawn_app_with(|config| config.expiry_sweep_secs = 1).await;
    let live = app.demo_login("school@demo.local").await;
    let user = scalar(&app, "SELECT id FROM users WHERE email = 'school@demo.local'").await;
    let now = Utc::now();
    sessions::ActiveModel {
        token_hash: Set("0".repeat(64)),
        user_id: Set(user),
        created_at: Set(now - chrono::Duration::days(30)),
        expires_at: Set(now - chrono::Duration::days(1)),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    for (email, age_minutes) in [("old@demo.local", 60 * 24), ("recent@demo.local", 1)] {
        login_failures::ActiveModel {
            email: Set(email.into()),
            ip: Set("192.0.2.1".into()),
            attempted_at: Set(now - chrono::Duration::minutes(age_minutes)),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .unwrap();
    }
    let pruned = app
        .eventually(Duration::from_secs(10), || async {
            scalar(&app, &format!("SELECT COUNT(*) FROM sessions WHERE token_hash = '{}'", "0".repeat(64))).await == 0
                && scalar(&app, "SELECT COUNT(*) FROM login_failures WHERE email = 'old@demo.local'").await == 0
        })
        .await;
    assert!(pruned, "the expired session and the old failure are gone");
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM login_failures WHERE email = 'recent@demo.local'").await, 1);
    assert_eq!(me(&app, &live).await, StatusCode::OK, "live sessions stay");
}
