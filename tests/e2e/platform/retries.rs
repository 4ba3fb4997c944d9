//! Safe retries and concurrent edits for integrators (docs/integration.md): `Idempotency-Key`
//! on creating requests, `ETag`/`If-None-Match` on reads, `If-Match` and 412 on writes, and
//! paging through every list with `cursor` and `updated_since`.

use chanjiao_api::entities::idempotency_keys;
use chanjiao_api::services::alerts::{Notice, Topic, notify};
use reqwest::StatusCode;
use sea_orm::{EntityTrait, TransactionTrait};
use serde_json::{Value, json};

use crate::e2e::support::{TestApp, problem_fields, spawn_app};

fn job(title: &str) -> Value {
    json!({
        "kind": "job", "title": title, "description": "负责数控车床编程与操作。", "region": "330603",
        "quantity": 3, "starts_on": "2026-12-01", "ends_on": "2099-06-30", "publish": true
    })
}

async fn create_with_key(app: &TestApp, token: &str, key: &str, body: &Value) -> reqwest::Response {
    let request = app.api.post(app.url("/api/v1/postings")).bearer_auth(token).header("Idempotency-Key", key);
    request.json(body).send().await.unwrap()
}

async fn count_titled(app: &TestApp, token: &str, title: &str) -> usize {
    let list: Value = app.get_json("/api/v1/postings?limit=100", Some(token)).await.json().await.unwrap();
    list["items"].as_array().unwrap().iter().filter(|p| p["title"] == title).count()
}

#[tokio::test]
async fn a_retried_create_with_the_same_key_creates_once_and_answers_the_same() {
    let app = spawn_app().await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let key = uuid::Uuid::new_v4().to_string();
    let first = create_with_key(&app, &enterprise, &key, &job("模具钳工")).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let first: Value = first.json().await.unwrap();

    let retry = create_with_key(&app, &enterprise, &key, &job("模具钳工")).await;
    assert_eq!(retry.status(), StatusCode::CREATED, "the original answer again");
    assert_eq!(retry.headers()["idempotent-replayed"], "true");
    assert_eq!(retry.json::<Value>().await.unwrap(), first);
    assert_eq!(count_titled(&app, &enterprise, "模具钳工").await, 1, "created once");

    // Another request under the same key is refused, naming the header, and changes nothing.
    let other = create_with_key(&app, &enterprise, &key, &job("模具钳工二")).await;
    assert_eq!(other.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem_fields(other).await, ["Idempotency-Key"]);
    assert_eq!(count_titled(&app, &enterprise, "模具钳工二").await, 0);

    // Keys belong to their caller: the same key from another organization is a new request.
    let school = app.demo_login("school@demo.local").await;
    let program = json!({"kind": "program_offering", "title": "数控技术专业 2027届毕业生", "region": "330602",
        "program_codes": ["460103"], "quantity": 45, "annual_enrolment": 50});
    let theirs = create_with_key(&app, &school, &key, &program).await;
    assert_eq!(theirs.status(), StatusCode::CREATED, "{:?}", theirs.text().await);

    for bad in ["", &"k".repeat(300), "spaces are not allowed"] {
        let refused = create_with_key(&app, &enterprise, bad, &job("车工")).await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad:?}");
        assert_eq!(problem_fields(refused).await, ["Idempotency-Key"]);
    }
}

#[tokio::test]
async fn a_refused_request_is_not_kept_as_an_answer_when_it_was_the_servers_fault_only() {
    let app = spawn_app().await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let key = "invalid-once";
    let mut bad = job("");
    bad["title"] = json!("");
    let first = create_with_key(&app, &enterprise, key, &bad).await;
    assert_eq!(first.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let again = create_with_key(&app, &enterprise, key, &bad).await;
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(again.headers()["idempotent-replayed"], "true", "a client error is an answer, kept");
}

#[tokio::test]
async fn reads_carry_entity_tags_and_stale_writes_are_refused_with_412() {
    let app = spawn_app().await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let created: Value = app.post_json("/api/v1/postings", &job("电工"), Some(&enterprise)).await.json().await.unwrap();
    let path = format!("/api/v1/postings/{}", created["id"]);

    let read = app.get_json(&path, Some(&enterprise)).await;
    let tag = read.headers()["etag"].to_str().unwrap().to_owned();
    assert!(tag.starts_with('"') && tag.len() > 10, "{tag}");
    assert!(read.headers()["cache-control"].to_str().unwrap().contains("private"));
    let unchanged = app.api.get(app.url(&path)).bearer_auth(&enterprise).header("If-None-Match", &tag);
    let unchanged = unchanged.send().await.unwrap();
    assert_eq!(unchanged.status(), StatusCode::NOT_MODIFIED);
    assert!(unchanged.bytes().await.unwrap().is_empty());

    // Someone else edits; the first client's tag is stale now.
    let patch = |title: &str, tag: &str| {
        let request = app.api.patch(app.url(&path)).bearer_auth(&enterprise).header("If-Match", tag);
        request.json(&json!({"title": title}))
    };
    let edited = patch("电工（白班）", &tag).send().await.unwrap();
    assert_eq!(edited.status(), StatusCode::OK);
    let new_tag = edited.headers()["etag"].to_str().unwrap().to_owned();
    assert_ne!(new_tag, tag);
    let stale = patch("电工（夜班）", &tag).send().await.unwrap();
    assert_eq!(stale.status(), StatusCode::PRECONDITION_FAILED);
    assert_eq!(problem_fields(stale).await, ["If-Match"]);
    let now: Value = app.get_json(&path, Some(&enterprise)).await.json().await.unwrap();
    assert_eq!(now["title"], "电工（白班）", "the stale write changed nothing");

    // The tag a write answers with is the tag of the resource: chained edits need no read.
    let current = app.get_json(&path, Some(&enterprise)).await.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(current, new_tag);
    let close = |tag: &str| {
        let request = app.api.post(app.url(&format!("{path}/close"))).bearer_auth(&enterprise);
        request.header("If-Match", tag).json(&json!({}))
    };
    assert_eq!(close(&tag).send().await.unwrap().status(), StatusCode::PRECONDITION_FAILED);
    assert_eq!(close(&new_tag).send().await.unwrap().status(), StatusCode::OK);
    assert_eq!(close("*").send().await.unwrap().status(), StatusCode::CONFLICT, "`*` passes; the rule refuses");
}

#[tokio::test]
async fn concurrent_edits_with_the_same_tag_let_exactly_one_through() {
    let app = spawn_app().await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let created: Value =
        app.post_json("/api/v1/postings", &job("叉车司机"), Some(&enterprise)).await.json().await.unwrap();
    let path = format!("/api/v1/postings/{}", created["id"]);
    let tag = app.get_json(&path, Some(&enterprise)).await.headers()["etag"].to_str().unwrap().to_owned();
    let mut edits = tokio::task::JoinSet::new();
    for n in 0..6 {
        let request = app.api.patch(app.url(&path)).bearer_auth(&enterprise).header("If-Match", &tag);
        let request = request.json(&json!({"title": format!("叉车司机 {n}")}));
        edits.spawn(async move { request.send().await.unwrap().status() });
    }
    let statuses: Vec<StatusCode> = edits.join_all().await;
    let passed = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    assert_eq!(passed, 1, "one edit wins, the others are told the posting changed: {statuses:?}");
    assert!(statuses.iter().all(|s| *s == StatusCode::OK || *s == StatusCode::PRECONDITION_FAILED));
}

#[tokio::test]
async fn lists_page_through_everything_with_one_cursor_style() {
    let app = spawn_app().await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let org = app.my_org_id(&enterprise).await;
    let before = chrono::Utc::now() - chrono::Duration::seconds(1);
    let txn = app.db.begin().await.unwrap();
    for n in 0..7 {
        let notice = Notice {
            organization_id: org,
            topic: Topic::ProjectUpdated,
            title_zh: format!("通知 {n}"),
            title_en: format!("Notice {n}"),
            link: "/projects".into(),
            data: json!({}),
        };
        notify(&txn, notice, chrono::Utc::now()).await.unwrap();
    }
    txn.commit().await.unwrap();

    let mut titles = Vec::new();
    let mut path = "/api/v1/inbox?limit=3&lang=en".to_owned();
    loop {
        let page: Value = app.get_json(&path, Some(&enterprise)).await.json().await.unwrap();
        titles.extend(page["items"].as_array().unwrap().iter().map(|i| i["title"].as_str().unwrap().to_owned()));
        match page["next_cursor"].as_str() {
            Some(next) => path = format!("/api/v1/inbox?limit=3&lang=en&cursor={next}"),
            None => break,
        }
    }
    let expected: Vec<String> = (0..7).rev().map(|n| format!("Notice {n}")).collect();
    assert_eq!(titles, expected, "every notice once, newest first");

    // updated_since on postings: only what changed since.
    let since = urlencode(&before.to_rfc3339());
    let all: Value = app.get_json("/api/v1/postings?limit=100", Some(&enterprise)).await.json().await.unwrap();
    let changed: Value =
        app.get_json(&format!("/api/v1/postings?updated_since={since}"), Some(&enterprise)).await.json().await.unwrap();
    assert!(changed["items"].as_array().unwrap().len() < all["items"].as_array().unwrap().len().max(1));
    app.post_json("/api/v1/postings", &job("新岗位"), Some(&enterprise)).await;
    let changed: Value =
        app.get_json(&format!("/api/v1/postings?updated_since={since}"), Some(&enterprise)).await.json().await.unwrap();
    let titles: Vec<&str> = changed["items"].as_array().unwrap().iter().map(|p| p["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["新岗位"]);

    for path in ["/api/v1/inbox?cursor=x", "/api/v1/proposals?limit=0", "/api/v1/projects?updated_since=yesterday"] {
        let refused = app.get_json(path, Some(&enterprise)).await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY, "{path}");
    }
}

fn urlencode(raw: &str) -> String {
    raw.replace('+', "%2B").replace(':', "%3A")
}

#[tokio::test]
async fn a_revoked_key_or_ended_session_gets_401_not_a_stored_answer() {
    let app = spawn_app().await;
    let admin = app.demo_login("enterprise@demo.local").await;
    let org = app.my_org_id(&admin).await;
    let body = json!({"name": "crm", "scopes": ["read", "postings:write"]});
    let created: Value = app
        .post_json(&format!("/api/v1/organizations/{org}/api-keys"), &body, Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    let key = created["secret"].as_str().unwrap().to_owned();
    let first = create_with_key(&app, &key, "retry-after-revoke", &job("钣金工")).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let revoke = format!("/api/v1/api-keys/{}/revoke", created["id"]);
    assert!(app.post_json(&revoke, &json!({}), Some(&admin)).await.status().is_success());
    let retry = create_with_key(&app, &key, "retry-after-revoke", &job("钣金工")).await;
    assert_eq!(retry.status(), StatusCode::UNAUTHORIZED, "revocation takes effect at once, replays included");

    let session = app.demo_login("enterprise@demo.local").await;
    assert_eq!(create_with_key(&app, &session, "after-logout", &job("焊工")).await.status(), StatusCode::CREATED);
    assert_eq!(app.post_json("/api/v1/auth/logout", &json!({}), Some(&session)).await.status(), StatusCode::NO_CONTENT);
    let retry = create_with_key(&app, &session, "after-logout", &job("焊工")).await;
    assert_eq!(retry.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn answers_that_show_a_secret_are_never_kept_for_a_replay() {
    let app = spawn_app().await;
    let admin = app.demo_login("enterprise@demo.local").await;
    let org = app.my_org_id(&admin).await;
    let path = format!("/api/v1/organizations/{org}/api-keys");
    let send = |name: &str| {
        let request = app.api.post(app.url(&path)).bearer_auth(&admin).header("Idempotency-Key", "key-for-a-key");
        request.json(&json!({"name": name, "scopes": ["read"]})).send()
    };
    let first = send("erp").await.unwrap();
    assert_eq!(first.status(), StatusCode::CREATED);
    assert_eq!(first.headers()["cache-control"], "no-store");
    let again = send("erp").await.unwrap();
    assert!(again.headers().get("idempotent-replayed").is_none(), "the secret was not stored to be replayed");
    assert_eq!(again.status(), StatusCode::CONFLICT, "the request ran again and the name is taken");
    let kept: Vec<Vec<u8>> =
        idempotency_keys::Entity::find().all(&app.db).await.unwrap().into_iter().filter_map(|row| row.body).collect();
    let secret_prefix = b"cjk_";
    assert!(kept.iter().all(|body| !body.windows(4).any(|w| w == secret_prefix)), "no key in the table");
}

#[tokio::test]
async fn if_match_guards_every_resource_with_a_representation_not_only_postings() {
    let app = spawn_app().await;
    let admin = app.demo_login("school@demo.local").await;
    let path = format!("/api/v1/organizations/{}", app.my_org_id(&admin).await);
    let read = app.get_json(&path, Some(&admin)).await;
    let tag = read.headers()["etag"].to_str().unwrap().to_owned();
    let before: Value = read.json().await.unwrap();
    let stale = "\"0000000000000000\"";
    let refused = app.api.patch(app.url(&path)).bearer_auth(&admin).header("If-Match", stale);
    let refused = refused.json(&json!({"region": "330602"})).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::PRECONDITION_FAILED);
    let after: Value = app.get_json(&path, Some(&admin)).await.json().await.unwrap();
    assert_eq!(after, before, "nothing changed");
    let allowed = app.api.patch(app.url(&path)).bearer_auth(&admin).header("If-Match", &tag);
    assert_eq!(allowed.json(&json!({})).send().await.unwrap().status(), StatusCode::OK);
    // A resource the caller cannot read has no current version for them: 412, never a write.
    let other = format!("/api/v1/projects/{}", i64::MAX);
    let blind = app.api.patch(app.url(&other)).bearer_auth(&admin).header("If-Match", "*");
    assert_eq!(blind.json(&json!({})).send().await.unwrap().status(), StatusCode::PRECONDITION_FAILED);
}
