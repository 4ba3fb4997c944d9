//! Delegation ends cleanly: revoking a grant disables the webhooks and saved searches the
//! intermediary set up for the client, in the same transaction, and the revoke answer says so;
//! deliveries already queued for them are never sent. One active grant per pair, however
//! concurrent the requests. Delegates never see the client's members' e-mail addresses.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use chanjiao_api::services::alerts::{Notice, Topic, notify};
use reqwest::StatusCode;
use sea_orm::TransactionTrait;
use serde_json::{Value, json};

use crate::e2e::booking::api::scalar;
use crate::e2e::support::{TestApp, problem_fields, signed_in, spawn_app, spawn_app_with};

/// A webhook receiver on 127.0.0.1 that fails the first request, answers 200 to the others, and
/// remembers every body.
async fn receiver() -> (u16, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let state = seen.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |body: Bytes| {
            let state = state.clone();
            async move {
                let mut seen = state.lock().unwrap();
                seen.push(String::from_utf8_lossy(&body).into_owned());
                if seen.len() == 1 { axum::http::StatusCode::INTERNAL_SERVER_ERROR } else { axum::http::StatusCode::OK }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (port, seen)
}

/// A notice to the client, sent the way services send them: in a transaction of its own.
async fn tell(app: &TestApp, organization_id: i64, proposal_id: i64) {
    let txn = app.db.begin().await.unwrap();
    let notice = Notice {
        organization_id,
        topic: Topic::ProposalReceived,
        title_zh: "收到合作提议".into(),
        title_en: "Proposal received".into(),
        link: "/proposals/1".into(),
        data: json!({"proposal_id": proposal_id}),
    };
    notify(&txn, notice, app.clock.now()).await.unwrap();
    txn.commit().await.unwrap();
}

struct Delegated {
    enterprise: String,
    broker: String,
    client: i64,
    grant: i64,
}

async fn delegated(app: &TestApp) -> Delegated {
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let broker = app.demo_login("broker@demo.local").await;
    let broker_org = app.my_org_id(&broker).await;
    let client = app.my_org_id(&enterprise).await;
    let grant = app.post_json("/api/v1/delegations", &json!({"intermediary_id": broker_org}), Some(&enterprise)).await;
    assert_eq!(grant.status(), StatusCode::CREATED);
    let grant = grant.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    Delegated { enterprise, broker, client, grant }
}

async fn as_delegate(app: &TestApp, d: &Delegated, path: &str, body: Value) -> reqwest::Response {
    app.api
        .post(app.url(path))
        .bearer_auth(&d.broker)
        .header("x-on-behalf-of", d.client.to_string())
        .json(&body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn revoking_a_grant_disables_what_the_delegate_set_up_for_the_client_and_says_so() {
    let (port, seen) = receiver().await;
    let app = spawn_app_with(|config| {
        config.alerts.webhook_allowed_hosts = vec!["127.0.0.1".into()];
        config.alerts.alerts_poll_ms = 50;
        // A failed attempt waits long, so a queued delivery stays queued while the test looks.
        config.alerts.webhook_retry_base_ms = 600_000;
    })
    .await;
    let d = delegated(&app).await;
    let hook = json!({"kind": "webhook", "name": "代管 ERP", "topics": ["proposal_received"],
                      "webhook_url": format!("http://127.0.0.1:{port}/hook")});
    let hook = as_delegate(&app, &d, "/api/v1/subscriptions", hook).await;
    assert_eq!(hook.status(), StatusCode::CREATED);
    let hook = hook.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let search = json!({"kind": "saved_search", "name": "数控岗位", "query": "q=数控&kind=job"});
    let search = as_delegate(&app, &d, "/api/v1/subscriptions", search).await;
    assert_eq!(search.status(), StatusCode::CREATED);
    let search = search.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    // The client's own webhook is the client's: revoking a grant leaves it alone.
    let own = json!({"kind": "webhook", "name": "自有 ERP", "topics": ["booking_changed"],
                     "webhook_url": format!("http://127.0.0.1:{port}/hook")});
    let own = app.post_json("/api/v1/subscriptions", &own, Some(&d.enterprise)).await;
    assert_eq!(own.status(), StatusCode::CREATED);
    let own = own.json::<Value>().await.unwrap()["id"].as_i64().unwrap();

    tell(&app, d.client, 1).await;
    let attempted = app.eventually(Duration::from_secs(10), || async { seen.lock().unwrap().len() == 1 }).await;
    assert!(attempted, "while the grant lasts, the delegate's webhook receives the client's notices");
    // The receiver failed that attempt, so the delivery waits, queued, for its retry.
    let waiting = format!(
        "SELECT COUNT(*) FROM webhook_deliveries WHERE subscription_id = {hook} AND state = 'pending' \
         AND attempts = 1 AND leased_until IS NULL"
    );
    assert!(app.eventually(Duration::from_secs(10), || async { scalar(&app, &waiting).await == 1 }).await);
    let revoke_path = format!("/api/v1/delegations/{}/revoke", d.grant);
    let revoke = app.post_json(&revoke_path, &json!({}), Some(&d.enterprise)).await;
    assert_eq!(revoke.status(), StatusCode::OK);
    let revoked: Value = revoke.json().await.unwrap();
    let disabled: Vec<i64> =
        revoked["disabled_subscriptions"].as_array().unwrap().iter().map(|s| s["id"].as_i64().unwrap()).collect();
    assert_eq!(disabled, [hook, search], "the answer names what was disabled: {revoked}");

    tell(&app, d.client, 3).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let bodies = seen.lock().unwrap().clone();
    assert!(
        bodies.iter().all(|b| !b.contains("\"proposal_id\":3")),
        "after the revocation the delegate's webhook hears nothing more: {bodies:?}"
    );
    let pending = scalar(
        &app,
        &format!("SELECT COUNT(*) FROM webhook_deliveries WHERE subscription_id = {hook} AND state = 'pending'"),
    )
    .await;
    assert_eq!(pending, 0, "the queued delivery of the disabled webhook will not be sent");
    assert_eq!(bodies.len(), 1, "nothing was sent after the revocation: {bodies:?}");
    let listed: Value = app.get_json("/api/v1/subscriptions", Some(&d.enterprise)).await.json().await.unwrap();
    let state_of = |id: i64| {
        listed["subscriptions"].as_array().unwrap().iter().find(|s| s["id"].as_i64() == Some(id)).unwrap()["disabled_at"].clone()
    };
    assert!(state_of(hook).is_string(), "{listed}");
    assert!(state_of(search).is_string(), "{listed}");
    assert!(state_of(own).is_null(), "the client's own subscription stays active: {listed}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_grants_make_one_active_delegation_and_the_rest_get_409_naming_the_field() {
    let app = spawn_app().await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let broker = app.demo_login("broker@demo.local").await;
    let broker_org = app.my_org_id(&broker).await;
    let mut requests = tokio::task::JoinSet::new();
    for _ in 0..12 {
        let (client, url, token) = (app.api.clone(), app.url("/api/v1/delegations"), enterprise.clone());
        requests.spawn(async move {
            client.post(url).bearer_auth(token).json(&json!({"intermediary_id": broker_org})).send().await.unwrap()
        });
    }
    let answers = requests.join_all().await;
    let mut created = 0;
    for answer in answers {
        match answer.status() {
            StatusCode::CREATED => created += 1,
            StatusCode::CONFLICT => assert_eq!(problem_fields(answer).await, ["intermediary_id"]),
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(created, 1, "exactly one grant was made");
    let active = scalar(
        &app,
        &format!("SELECT COUNT(*) FROM delegations WHERE intermediary_id = {broker_org} AND revoked_at IS NULL"),
    )
    .await;
    assert_eq!(active, 1, "one active grant per pair");
}

#[tokio::test]
async fn delegates_do_not_see_the_client_members_email_addresses() {
    let app = spawn_app().await;
    let d = delegated(&app).await;
    let members = app
        .api
        .get(app.url(&format!("/api/v1/organizations/{}/members", d.client)))
        .bearer_auth(&d.broker)
        .header("x-on-behalf-of", d.client.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(members.status(), StatusCode::OK);
    let text = members.text().await.unwrap();
    assert!(!text.contains('@'), "no e-mail address reaches the delegate: {text}");
    let own: Value = app
        .get_json(&format!("/api/v1/organizations/{}/members", d.client), Some(&d.enterprise))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(own[0]["email"], "enterprise@demo.local", "the client's own members still see them");

    // The same on the organization page, while acting for the client.
    let (browser, csrf) = signed_in(&app, "broker@demo.local").await;
    let acting = browser
        .post(app.url("/acting"))
        .form(&[("client", d.client.to_string().as_str()), ("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert!(acting.status().is_redirection(), "{}", acting.status());
    let page = browser.get(app.url("/org")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("绍兴精工数控机床有限公司"), "acting for the client");
    assert!(!page.contains("enterprise@demo.local"), "no member e-mail on the page");
}
