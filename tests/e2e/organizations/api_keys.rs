//! API keys (docs/integration.md#api-keys): shown once and stored as a digest, scopes that open
//! their routes and nothing else, revocation and rotation taking effect at once, writes audited
//! as the key (never a person), per-key rate limits, and the management page.

use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

use crate::e2e::support::{TestApp, page_text, signed_in, spawn_app, spawn_app_with};

/// Creates a key for the organization of `admin` and returns (its id, its secret).
async fn create_key(app: &TestApp, admin: &str, name: &str, scopes: &[&str]) -> (i64, String) {
    let org = app.my_org_id(admin).await;
    let response = app
        .post_json(
            &format!("/api/v1/organizations/{org}/api-keys"),
            &json!({"name": name, "scopes": scopes}),
            Some(admin),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let body: Value = response.json().await.unwrap();
    (body["id"].as_i64().unwrap(), body["secret"].as_str().unwrap().to_owned())
}

fn draft(title: &str) -> Value {
    json!({
        "kind": "job", "title": title, "description": "负责数控车床编程与操作。",
        "region": "330603", "quantity": 2, "ends_on": "2099-06-30"
    })
}

/// The problem's `errors[0]` code and the detail, for a refused request.
async fn refusal(response: reqwest::Response) -> (StatusCode, String, String) {
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    (status, body["errors"][0]["code"].as_str().unwrap_or_default().to_owned(), body["detail"].to_string())
}

#[tokio::test]
async fn a_key_is_shown_once_listed_without_its_secret_and_stored_only_as_a_digest() {
    let app = spawn_app().await;
    let admin = app.demo_login("enterprise@demo.local").await;
    let (id, secret) = create_key(&app, &admin, "CRM 同步", &["read", "postings:write"]).await;
    assert!(secret.starts_with("cjk_") && secret.len() == 4 + 12 + 1 + 64, "{secret}");
    let org = app.my_org_id(&admin).await;
    let listed = app.get_json(&format!("/api/v1/organizations/{org}/api-keys"), Some(&admin)).await;
    let text = listed.text().await.unwrap();
    assert!(!text.contains(&secret[17..]), "the list never shows the secret");
    let keys: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(keys[0]["id"], id);
    assert_eq!(keys[0]["name"], "CRM 同步");
    assert_eq!(keys[0]["scopes"], json!(["read", "postings:write"]));
    assert_eq!(keys[0]["prefix"], secret[..16]);
    assert_eq!(keys[0]["created_by"], "enterprise@demo.local");
    assert!(keys[0]["last_used_at"].is_null());
    // The database holds the public id and a digest, nothing that is the secret.
    let row = app
        .db
        .query_one_raw(Statement::from_string(
            app.db.get_database_backend(),
            format!("SELECT * FROM api_keys WHERE id = {id}"),
        ))
        .await
        .unwrap()
        .unwrap();
    let digest: String = row.try_get("", "secret_digest").unwrap();
    assert_eq!(digest.len(), 64);
    assert!(!secret.contains(&digest) && !digest.contains(&secret[17..]));
    // Using it records when, to the minute, without a write per request.
    assert_eq!(app.get_json("/api/v1/postings", Some(&secret)).await.status(), StatusCode::OK);
    let keys: Value =
        app.get_json(&format!("/api/v1/organizations/{org}/api-keys"), Some(&admin)).await.json().await.unwrap();
    assert!(keys[0]["last_used_at"].is_string(), "{keys}");
}

#[tokio::test]
async fn each_scope_opens_its_routes_and_refuses_the_others_naming_the_scope() {
    let app = spawn_app().await;
    let admin = app.demo_login("enterprise@demo.local").await;
    let (_, read) = create_key(&app, &admin, "reader", &["read"]).await;
    let (_, write) = create_key(&app, &admin, "writer", &["postings:write"]).await;
    let (_, propose) = create_key(&app, &admin, "proposer", &["proposals:write"]).await;

    assert_eq!(app.get_json("/api/v1/postings", Some(&read)).await.status(), StatusCode::OK);
    let (status, code, detail) =
        refusal(app.post_json("/api/v1/postings", &draft("数控车工"), Some(&read)).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::FORBIDDEN, "missing_scope"));
    assert!(detail.contains("postings:write"), "{detail}");

    let created = app.post_json("/api/v1/postings", &draft("数控车工"), Some(&write)).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let id = created.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let patched = app.api.patch(app.url(&format!("/api/v1/postings/{id}"))).bearer_auth(&write);
    assert_eq!(patched.json(&json!({"quantity": 3})).send().await.unwrap().status(), StatusCode::OK);
    let published = app.post_json(&format!("/api/v1/postings/{id}/publish"), &json!({}), Some(&write)).await;
    assert_eq!(published.status(), StatusCode::OK);
    let (status, code, detail) = refusal(app.get_json("/api/v1/postings", Some(&write)).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::FORBIDDEN, "missing_scope"));
    assert!(detail.contains("read"), "{detail}");

    // proposals:write reaches the proposal rules (here: a body naming no postings), not a 403.
    let proposal = app.post_json("/api/v1/proposals", &json!({}), Some(&propose)).await;
    assert_ne!(proposal.status(), StatusCode::FORBIDDEN);
    let (status, code, _) = refusal(app.post_json("/api/v1/postings", &draft("x"), Some(&propose)).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::FORBIDDEN, "missing_scope"));
}

#[tokio::test]
async fn a_key_cannot_manage_keys_change_passwords_or_use_the_pages() {
    let app = spawn_app().await;
    let admin = app.demo_login("enterprise@demo.local").await;
    let org = app.my_org_id(&admin).await;
    let (id, key) =
        create_key(&app, &admin, "everything", &["read", "postings:write", "proposals:write", "feed"]).await;
    let attempts = [
        app.post_json(
            &format!("/api/v1/organizations/{org}/api-keys"),
            &json!({"name": "n", "scopes": ["read"]}),
            Some(&key),
        )
        .await,
        app.get_json(&format!("/api/v1/organizations/{org}/api-keys"), Some(&key)).await,
        app.post_json(&format!("/api/v1/api-keys/{id}/rotate"), &json!({}), Some(&key)).await,
        app.post_json(&format!("/api/v1/api-keys/{id}/revoke"), &json!({}), Some(&key)).await,
        app.post_json(
            "/api/v1/me/password",
            &json!({"current_password": "x", "new_password": "y-long-enough"}),
            Some(&key),
        )
        .await,
        app.post_json("/api/v1/auth/logout-everywhere", &json!({}), Some(&key)).await,
        app.post_json(
            &format!("/api/v1/organizations/{org}/members"),
            &json!({"email": "a@b.cn", "password": "long-enough-1"}),
            Some(&key),
        )
        .await,
        app.get_json("/api/v1/inbox", Some(&key)).await,
    ];
    for response in attempts {
        let (status, code, _) = refusal(response).await;
        assert_eq!((status, code.as_str()), (StatusCode::FORBIDDEN, "people_only"));
    }
    // The key still works, and is not revoked by any of that; it says who it is: its organization,
    // no person.
    assert_eq!(app.get_json("/api/v1/postings", Some(&key)).await.status(), StatusCode::OK);
    let me: Value = app.get_json("/api/v1/me", Some(&key)).await.json().await.unwrap();
    assert_eq!(me["organization"]["id"], org);
    assert!(me["id"].is_null(), "{me}");
    assert_eq!(me["api_key"]["name"], "everything");
    assert_eq!(me["role"], "member");
    // A page treats a key as nobody: it asks for a sign-in.
    let page = app.api.get(app.url("/org")).bearer_auth(&key).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_revoked_key_is_refused_at_once_and_a_rotated_secret_replaces_the_old_one() {
    let app = spawn_app().await;
    let admin = app.demo_login("school@demo.local").await;
    let (id, old) = create_key(&app, &admin, "portal", &["read"]).await;
    assert_eq!(app.get_json("/api/v1/postings", Some(&old)).await.status(), StatusCode::OK);

    let rotated = app.post_json(&format!("/api/v1/api-keys/{id}/rotate"), &json!({}), Some(&admin)).await;
    assert_eq!(rotated.status(), StatusCode::OK);
    let new = rotated.json::<Value>().await.unwrap()["secret"].as_str().unwrap().to_owned();
    assert_ne!(new, old);
    assert_eq!(app.get_json("/api/v1/postings", Some(&old)).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.get_json("/api/v1/postings", Some(&new)).await.status(), StatusCode::OK);

    let revoked = app.post_json(&format!("/api/v1/api-keys/{id}/revoke"), &json!({}), Some(&admin)).await;
    assert_eq!(revoked.status(), StatusCode::OK);
    assert!(revoked.json::<Value>().await.unwrap()["revoked_at"].is_string());
    assert_eq!(app.get_json("/api/v1/postings", Some(&new)).await.status(), StatusCode::UNAUTHORIZED);
    // A revoked key stays revoked: it cannot be rotated back to life.
    let again = app.post_json(&format!("/api/v1/api-keys/{id}/rotate"), &json!({}), Some(&admin)).await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    // A made-up key of the right shape is a 401 too.
    let forged = format!("cjk_{}_{}", "0".repeat(12), "f".repeat(64));
    assert_eq!(app.get_json("/api/v1/postings", Some(&forged)).await.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_posting_created_by_a_key_is_audited_as_the_key_and_has_no_user_as_creator() {
    let app = spawn_app().await;
    let admin = app.demo_login("enterprise@demo.local").await;
    let (key_id, key) = create_key(&app, &admin, "ERP", &["read", "postings:write"]).await;
    let created = app.post_json("/api/v1/postings", &draft("数控车工（ERP 同步）"), Some(&key)).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let id = created.json::<Value>().await.unwrap()["id"].as_i64().unwrap();

    let trail: Value = app.get_json(&format!("/api/v1/postings/{id}/audit"), Some(&admin)).await.json().await.unwrap();
    assert_eq!(trail[0]["actor"], "API key ERP");
    assert_eq!(trail[0]["actor_api_key"]["id"], key_id);
    let backend = app.db.get_database_backend();
    let row = app
        .db
        .query_one_raw(Statement::from_string(backend, format!("SELECT created_by FROM postings WHERE id = {id}")))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.try_get::<Option<i64>>("", "created_by").unwrap(), None);
    let audit = format!(
        "SELECT actor_user_id, actor_api_key_id FROM audit_events WHERE entity = 'posting' AND entity_id = {id}"
    );
    let row = app.db.query_one_raw(Statement::from_string(backend, audit)).await.unwrap().unwrap();
    assert_eq!(row.try_get::<Option<i64>>("", "actor_user_id").unwrap(), None);
    assert_eq!(row.try_get::<Option<i64>>("", "actor_api_key_id").unwrap(), Some(key_id));

    // The posting's page names the key in the reader's language.
    let (browser, _) = signed_in(&app, "enterprise@demo.local").await;
    let zh = page_text(&browser, &app, &format!("/postings/{id}?lang=zh")).await;
    assert!(zh.contains("API 密钥 ERP"), "the audit trail names the key");
    let en = page_text(&browser, &app, &format!("/postings/{id}?lang=en")).await;
    assert!(en.contains("API key ERP"));
}

#[tokio::test]
async fn a_key_past_its_rate_limit_gets_429_while_another_key_and_a_session_do_not() {
    let app = spawn_app_with(|config| config.abuse.rates.api_key_per_minute = 3).await;
    let admin = app.demo_login("enterprise@demo.local").await;
    let (_, busy) = create_key(&app, &admin, "busy", &["read"]).await;
    let (_, quiet) = create_key(&app, &admin, "quiet", &["read"]).await;
    for _ in 0..3 {
        assert_eq!(app.get_json("/api/v1/postings", Some(&busy)).await.status(), StatusCode::OK);
    }
    let refused = app.get_json("/api/v1/postings", Some(&busy)).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = refused.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    assert_eq!(refused.headers()["content-type"], "application/problem+json");
    // Same client address, another key and a person's session: not affected.
    assert_eq!(app.get_json("/api/v1/postings", Some(&quiet)).await.status(), StatusCode::OK);
    for _ in 0..5 {
        assert_eq!(app.get_json("/api/v1/postings", Some(&admin)).await.status(), StatusCode::OK);
    }
}

#[tokio::test]
async fn only_administrators_of_the_organization_manage_its_keys() {
    let app = spawn_app().await;
    let admin = app.demo_login("enterprise@demo.local").await;
    let org = app.my_org_id(&admin).await;
    let member = json!({"email": "staff@jingong.cn", "password": "staff-password-1", "role": "member"});
    let added = app.post_json(&format!("/api/v1/organizations/{org}/members"), &member, Some(&admin)).await;
    assert_eq!(added.status(), StatusCode::CREATED);
    let staff = app.login("staff@jingong.cn", "staff-password-1").await;
    let body = json!({"name": "mine", "scopes": ["read"]});
    let refused = app.post_json(&format!("/api/v1/organizations/{org}/api-keys"), &body, Some(&staff)).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let (id, _) = create_key(&app, &admin, "shared", &["read"]).await;
    let rotate = app.post_json(&format!("/api/v1/api-keys/{id}/rotate"), &json!({}), Some(&staff)).await;
    assert_eq!(rotate.status(), StatusCode::FORBIDDEN);
    // Another organization's administrator neither sees nor touches them.
    let school = app.demo_login("school@demo.local").await;
    let listed = app.get_json(&format!("/api/v1/organizations/{org}/api-keys"), Some(&school)).await;
    assert_eq!(listed.status(), StatusCode::FORBIDDEN);
    let revoke = app.post_json(&format!("/api/v1/api-keys/{id}/revoke"), &json!({}), Some(&school)).await;
    assert_eq!(revoke.status(), StatusCode::NOT_FOUND);
    // Bad input is named by field; a name is unique in its organization.
    let bad = app
        .post_json(
            &format!("/api/v1/organizations/{org}/api-keys"),
            &json!({"name": "", "scopes": ["admin"]}),
            Some(&admin),
        )
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let fields = crate::e2e::support::problem_fields(bad).await;
    assert!(fields.contains(&"name".to_owned()) && fields.contains(&"scopes".to_owned()), "{fields:?}");
    let twice = app
        .post_json(
            &format!("/api/v1/organizations/{org}/api-keys"),
            &json!({"name": "shared", "scopes": ["read"]}),
            Some(&admin),
        )
        .await;
    assert_eq!(twice.status(), StatusCode::CONFLICT);
}

#[tokio::test]
async fn a_key_of_one_organization_cannot_touch_anothers_postings() {
    let app = spawn_app().await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let created = app.post_json("/api/v1/postings", &draft("数控车工"), Some(&enterprise)).await;
    let id = created.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let school = app.demo_login("school@demo.local").await;
    let (_, key) = create_key(&app, &school, "school sync", &["read", "postings:write"]).await;
    let patch = app.api.patch(app.url(&format!("/api/v1/postings/{id}"))).bearer_auth(&key);
    let status = patch.json(&json!({"title": "改名"})).send().await.unwrap().status();
    assert!(matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{status}");
    let act = app.post_json(&format!("/api/v1/postings/{id}/publish"), &json!({}), Some(&key)).await;
    assert!(matches!(act.status(), StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{}", act.status());
    // The draft stays invisible to the other organization's key.
    let read = app.get_json(&format!("/api/v1/postings/{id}"), Some(&key)).await;
    assert!(matches!(read.status(), StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{}", read.status());
}

#[tokio::test]
async fn an_intermediarys_key_acts_for_a_client_that_granted_it_and_is_recorded_so() {
    let app = spawn_app().await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let client = app.my_org_id(&enterprise).await;
    let broker = app.demo_login("broker@demo.local").await;
    let broker_org = app.my_org_id(&broker).await;
    let (key_id, key) = create_key(&app, &broker, "broker CRM", &["read", "postings:write"]).await;
    let acting = |body: Value| {
        app.api
            .post(app.url("/api/v1/postings"))
            .bearer_auth(&key)
            .header("X-On-Behalf-Of", client.to_string())
            .json(&body)
    };
    // Without a grant the key is refused, like the intermediary's members.
    assert_eq!(acting(draft("数控车工")).send().await.unwrap().status(), StatusCode::FORBIDDEN);
    let grant = app.post_json("/api/v1/delegations", &json!({"intermediary_id": broker_org}), Some(&enterprise)).await;
    assert_eq!(grant.status(), StatusCode::CREATED);
    let created = acting(draft("数控车工（代发）")).send().await.unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let posting: Value = created.json().await.unwrap();
    assert_eq!(posting["organization_id"], client);
    let trail: Value = app
        .get_json(&format!("/api/v1/postings/{}/audit", posting["id"]), Some(&enterprise))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(trail[0]["actor"], "API key broker CRM");
    assert_eq!(trail[0]["actor_api_key"]["id"], key_id);
    assert_eq!(trail[0]["actor_organization_id"], broker_org);
    assert_eq!(trail[0]["on_behalf_of"], client);
}

#[tokio::test]
async fn an_administrator_creates_rotates_and_revokes_a_key_on_the_page() {
    let app = spawn_app().await;
    let (browser, csrf) = signed_in(&app, "enterprise@demo.local").await;
    let org = page_text(&browser, &app, "/org").await;
    assert!(org.contains("href=\"/org/api-keys\""), "the organization page links to its keys");
    page_text(&browser, &app, "/org/api-keys?lang=zh").await;
    let created = browser
        .post(app.url("/org/api-keys"))
        .form(&[("name", "区门户"), ("scope_read", "on"), ("scope_feed", "on"), ("_csrf", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::OK);
    let html = created.text().await.unwrap();
    let secret = secret_on(&html);
    assert!(html.contains("只显示这一次"), "the page says the key is shown once");
    assert_eq!(app.get_json("/api/v1/postings", Some(&secret)).await.status(), StatusCode::OK);
    // The list shows it again without the secret.
    let listed = page_text(&browser, &app, "/org/api-keys").await;
    assert!(listed.contains("区门户") && !listed.contains(&secret));

    let id = key_id_on(&listed);
    let rotated =
        browser.post(app.url(&format!("/org/api-keys/{id}/rotate"))).form(&[("_csrf", &csrf)]).send().await.unwrap();
    assert_eq!(rotated.status(), StatusCode::OK);
    let new = secret_on(&rotated.text().await.unwrap());
    assert_eq!(app.get_json("/api/v1/postings", Some(&secret)).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.get_json("/api/v1/postings", Some(&new)).await.status(), StatusCode::OK);

    let revoked =
        browser.post(app.url(&format!("/org/api-keys/{id}/revoke"))).form(&[("_csrf", &csrf)]).send().await.unwrap();
    assert_eq!(revoked.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.get_json("/api/v1/postings", Some(&new)).await.status(), StatusCode::UNAUTHORIZED);
    assert!(page_text(&browser, &app, "/org/api-keys?lang=en").await.contains("revoked"));
    // Without the form token nothing happens; with no scope ticked the form names the field.
    let forged =
        browser.post(app.url("/org/api-keys")).form(&[("name", "x"), ("scope_read", "on")]).send().await.unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let empty = browser.post(app.url("/org/api-keys")).form(&[("name", "y"), ("_csrf", &csrf)]).send().await.unwrap();
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Another organization's administrator sees only its own keys.
    let (school, _) = signed_in(&app, "school@demo.local").await;
    assert!(!page_text(&school, &app, "/org/api-keys").await.contains("区门户"));
}

fn secret_on(html: &str) -> String {
    let start = html.find("cjk_").expect("the page shows the key");
    html[start..start + 4 + 12 + 1 + 64].to_owned()
}

fn key_id_on(html: &str) -> i64 {
    let start = html.find("id=\"key-").expect("a key row") + "id=\"key-".len();
    html[start..].split('"').next().unwrap().parse().unwrap()
}
