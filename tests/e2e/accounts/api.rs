//! Signing in and out through the API, brute-force protection, and the health probes.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::e2e::support::{DEMO_PASSWORD, spawn_app};

const DEMO_ACCOUNTS: [(&str, &str); 5] = [
    ("enterprise@demo.local", "enterprise"),
    ("school@demo.local", "school"),
    ("broker@demo.local", "intermediary"),
    ("city@demo.local", "authority"),
    ("admin@demo.local", ""),
];

#[tokio::test]
async fn health_and_readiness_probes_answer_ok() {
    let app = spawn_app().await;
    let health = app.get_json("/healthz", None).await;
    assert_eq!(health.status(), StatusCode::OK);
    let ready = app.get_json("/readyz", None).await;
    assert_eq!(ready.status(), StatusCode::OK);
    let body: Value = ready.json().await.unwrap();
    assert_eq!(body["database"], "ok");
    assert_eq!(body["index"], "ok");
}

#[tokio::test]
async fn every_demo_account_logs_in_and_sees_its_own_organization() {
    let app = spawn_app().await;
    for (email, kind) in DEMO_ACCOUNTS {
        let token = app.demo_login(email).await;
        let me: Value = app.get_json("/api/v1/me", Some(&token)).await.json().await.unwrap();
        assert_eq!(me["email"], email);
        if kind.is_empty() {
            assert_eq!(me["role"], "platform_admin");
            assert!(me["organization"].is_null());
        } else {
            assert_eq!(me["role"], "org_admin");
            assert_eq!(me["organization"]["kind"], kind);
            assert_eq!(me["organization"]["verification"], "verified");
        }
    }
}

#[tokio::test]
async fn login_sets_an_http_only_same_site_session_cookie() {
    let app = spawn_app().await;
    let response = app
        .post_json("/api/v1/auth/login", &json!({"email": "Enterprise@Demo.Local", "password": DEMO_PASSWORD}), None)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = response.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("chanjiao_session="), "{cookie}");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
}

#[tokio::test]
async fn a_wrong_password_gets_401_and_nothing_else() {
    let app = spawn_app().await;
    for email in ["enterprise@demo.local", "nobody@demo.local"] {
        let response =
            app.post_json("/api/v1/auth/login", &json!({"email": email, "password": "wrong-password"}), None).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert!(response.headers().get("set-cookie").is_none());
        let body: Value = response.json().await.unwrap();
        assert!(body.get("token").is_none());
        // The same answer whether or not the account exists.
        assert_eq!(body["title"], "E-mail or password is wrong");
    }
}

#[tokio::test]
async fn repeated_failures_make_this_client_wait_for_the_account_even_with_the_right_password() {
    let app = spawn_app().await;
    let wrong = json!({"email": "school@demo.local", "password": "not-the-password"});
    for _ in 0..5 {
        assert_eq!(app.post_json("/api/v1/auth/login", &wrong, None).await.status(), StatusCode::UNAUTHORIZED);
    }
    let right = json!({"email": "school@demo.local", "password": DEMO_PASSWORD});
    let locked = app.post_json("/api/v1/auth/login", &right, None).await;
    assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);
    // A short first wait that grows with further failures, not a flat 15-minute lock
    // (tests/e2e/security/abuse.rs covers the growth and other clients).
    let retry_after: u64 = locked.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=2).contains(&retry_after), "{retry_after}");
    // Other accounts are unaffected.
    app.demo_login("enterprise@demo.local").await;
}

#[tokio::test]
async fn a_successful_login_clears_earlier_failures() {
    let app = spawn_app().await;
    let wrong = json!({"email": "broker@demo.local", "password": "not-the-password"});
    for _ in 0..4 {
        app.post_json("/api/v1/auth/login", &wrong, None).await;
    }
    app.demo_login("broker@demo.local").await;
    for _ in 0..4 {
        app.post_json("/api/v1/auth/login", &wrong, None).await;
    }
    app.demo_login("broker@demo.local").await;
}

#[tokio::test]
async fn logout_revokes_the_token() {
    let app = spawn_app().await;
    let token = app.demo_login("city@demo.local").await;
    assert_eq!(app.get_json("/api/v1/me", Some(&token)).await.status(), StatusCode::OK);
    let out = app.post_json("/api/v1/auth/logout", &json!({}), Some(&token)).await;
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    let after = app.get_json("/api/v1/me", Some(&token)).await;
    assert_eq!(after.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(after.headers()["content-type"], "application/problem+json");
}

#[tokio::test]
async fn the_api_needs_a_token_and_rejects_forged_ones() {
    let app = spawn_app().await;
    assert_eq!(app.get_json("/api/v1/me", None).await.status(), StatusCode::UNAUTHORIZED);
    let forged = "0".repeat(64);
    assert_eq!(app.get_json("/api/v1/me", Some(&forged)).await.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_session_cookie_does_not_authorise_state_changing_api_calls() {
    let app = spawn_app().await;
    let token = app.demo_login("enterprise@demo.local").await;
    let org_id = app.my_org_id(&token).await;
    let cookie = format!("chanjiao_session={token}");
    // Reading with the cookie is fine…
    let read = app.api.get(app.url("/api/v1/me")).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(read.status(), StatusCode::OK);
    // …but a cross-site form could send the cookie, so writes need the bearer header.
    let write = app
        .api
        .patch(app.url(&format!("/api/v1/organizations/{org_id}")))
        .header("cookie", &cookie)
        .json(&json!({"name": "被伪造的名称"}))
        .send()
        .await
        .unwrap();
    assert_eq!(write.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn malformed_and_mistyped_bodies_get_clear_4xx_answers() {
    let app = spawn_app().await;
    let not_json = app
        .api
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "application/json")
        .body("{\"email\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status(), StatusCode::BAD_REQUEST);
    assert_eq!(not_json.headers()["content-type"], "application/problem+json");
    let wrong_type = app.api.post(app.url("/api/v1/auth/login")).body("email=a").send().await.unwrap();
    assert_eq!(wrong_type.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
}
