//! Alerts end to end: saved searches (and sharing them), new-match subscriptions, the inbox's
//! per-user read state, and the pages that create and show them.

use std::time::Duration;

use chanjiao_api::services::alerts::{Notice, Topic, notify};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::e2e::support::{TestApp, page_text, problem_fields, signed_in, spawn_app};

async fn publish(app: &TestApp, token: &str, body: Value) -> i64 {
    let mut body = body;
    body["publish"] = json!(true);
    let response = app.post_json("/api/v1/postings", &body, Some(token)).await;
    assert_eq!(response.status(), StatusCode::CREATED, "{body}");
    response.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

fn offering(title: &str, program: &str) -> Value {
    json!({"kind": "program_offering", "title": title, "region": "330603", "program_codes": [program], "quantity": 40})
}

async fn subscribe(app: &TestApp, token: &str, body: Value) -> reqwest::Response {
    app.post_json("/api/v1/subscriptions", &body, Some(token)).await
}

async fn inbox(app: &TestApp, token: &str, query: &str) -> Value {
    let response = app.get_json(&format!("/api/v1/inbox{query}"), Some(token)).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

/// The `data` of the inbox's notices of one topic, oldest first.
async fn notices(app: &TestApp, token: &str, topic: &str) -> Vec<Value> {
    let found = inbox(app, token, "").await;
    let mut items: Vec<Value> =
        found["items"].as_array().unwrap().iter().filter(|n| n["topic"] == topic).map(|n| n["data"].clone()).collect();
    items.reverse();
    items
}

/// Waits until `token`'s inbox has a notice of `topic` whose `data[key]` is `id`.
async fn wait_for(app: &TestApp, token: &str, topic: &str, key: &str, id: i64) -> bool {
    app.eventually(Duration::from_secs(20), || async { notices(app, token, topic).await.iter().any(|d| d[key] == id) })
        .await
}

#[tokio::test]
async fn a_saved_search_tells_its_owner_and_whom_it_is_shared_with_of_new_matching_postings_only() {
    let app = spawn_app().await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let school = app.demo_login("school@demo.local").await;
    let broker = app.demo_login("broker@demo.local").await;
    let broker_org = app.my_org_id(&broker).await;
    let enterprise_org = app.my_org_id(&enterprise).await;
    let school_org = app.my_org_id(&school).await;
    // An intermediary shares with its clients only: those that delegated to it.
    let query = |shared_with: i64| json!({"kind": "saved_search", "name": "数控人才", "query": "q=数控&cursor=o20", "shared_with": [shared_with]});
    let not_yet = subscribe(&app, &broker, query(enterprise_org)).await;
    assert_eq!(problem_fields(not_yet).await, ["shared_with"]);
    let grant = app.post_json("/api/v1/delegations", &json!({"intermediary_id": broker_org}), Some(&enterprise)).await;
    assert_eq!(grant.status(), StatusCode::CREATED);
    assert_eq!(problem_fields(subscribe(&app, &broker, query(school_org)).await).await, ["shared_with"]);
    let response = subscribe(&app, &broker, query(enterprise_org)).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let search: Value = response.json().await.unwrap();
    assert_eq!(search["query"], "q=%E6%95%B0%E6%8E%A7", "stored without paging");
    assert!(search.get("webhook_secret").is_none(), "no webhook, no secret");

    let own =
        publish(&app, &enterprise, json!({"kind": "job", "title": "数控车工", "region": "330603", "quantity": 3}))
            .await;
    let other = publish(&app, &school, offering("大数据与会计专业毕业生", "530302")).await;
    let matching = publish(&app, &school, offering("数控技术专业毕业生", "460103")).await;
    assert!(wait_for(&app, &enterprise, "saved_search", "posting_id", matching).await, "the client is told");
    let told: Vec<i64> =
        notices(&app, &enterprise, "saved_search").await.iter().map(|d| d["posting_id"].as_i64().unwrap()).collect();
    assert_eq!(told, [matching], "not of its own posting {own}, nor of the accounting one {other}");
    let told: Vec<i64> =
        notices(&app, &broker, "saved_search").await.iter().map(|d| d["posting_id"].as_i64().unwrap()).collect();
    assert_eq!(told, [own, matching], "the owner is told of its client's posting too, not of {other}");
    let item = &inbox(&app, &enterprise, "").await["items"][0];
    assert_eq!(item["link"], format!("/postings/{matching}"));
    assert!(item["title"].as_str().unwrap().contains("数控人才"), "{item}");

    // Editing a published posting is not news; a new one is.
    let edit = json!({"description": "新增五轴加工方向。"});
    let response =
        app.api.patch(app.url(&format!("/api/v1/postings/{matching}"))).bearer_auth(&school).json(&edit).send().await;
    assert_eq!(response.unwrap().status(), StatusCode::OK);
    let later = publish(&app, &school, offering("数控技术专业（五轴方向）", "460103")).await;
    assert!(wait_for(&app, &enterprise, "saved_search", "posting_id", later).await);
    let told: Vec<i64> =
        notices(&app, &enterprise, "saved_search").await.iter().map(|d| d["posting_id"].as_i64().unwrap()).collect();
    assert_eq!(told, [matching, later]);
    // Pausing and resuming is publishing again: news again.
    for action in ["pause", "resume"] {
        let response = app.post_json(&format!("/api/v1/postings/{matching}/{action}"), &json!({}), Some(&school)).await;
        assert_eq!(response.status(), StatusCode::OK, "{action}");
    }
    let republished = app
        .eventually(Duration::from_secs(20), || async {
            notices(&app, &enterprise, "saved_search").await.iter().filter(|d| d["posting_id"] == matching).count() == 2
        })
        .await;
    assert!(republished, "{:?}", notices(&app, &enterprise, "saved_search").await);

    // The client sees it, read-only.
    let listed: Value = app.get_json("/api/v1/subscriptions", Some(&enterprise)).await.json().await.unwrap();
    let shared = &listed["subscriptions"][0];
    assert_eq!(shared["id"], search["id"]);
    assert_eq!(shared["read_only"], true);
    let path = format!("/api/v1/subscriptions/{}", search["id"]);
    let delete = app.api.delete(app.url(&path)).bearer_auth(&enterprise).send().await.unwrap();
    assert_eq!(delete.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.get_json(&format!("{path}/deliveries"), Some(&enterprise)).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.get_json(&path, Some(&school)).await.status(), StatusCode::NOT_FOUND, "not shared with the school");
    let delete = app.api.delete(app.url(&path)).bearer_auth(&broker).send().await.unwrap();
    assert_eq!(delete.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn a_new_match_subscription_tells_the_owner_of_counterparts_above_its_score() {
    let app = spawn_app().await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let school = app.demo_login("school@demo.local").await;
    let apprenticeship = publish(
        &app,
        &enterprise,
        json!({"kind": "apprenticeship", "title": "数控车工现代学徒制", "region": "330603", "quantity": 12,
            "apprenticeship_type": "modern", "description": "校企联合培养数控车工，学习数控编程与车削加工。",
            "program_codes": ["460103"]}),
    )
    .await;
    let job = publish(
        &app,
        &enterprise,
        json!({"kind": "job", "title": "数控车床操作工", "region": "330603",
        "quantity": 4, "program_codes": ["460103"]}),
    )
    .await;
    let response =
        subscribe(&app, &enterprise, json!({"kind": "new_match", "posting_id": apprenticeship, "min_score": 0.3}))
            .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let unreachable =
        subscribe(&app, &enterprise, json!({"kind": "new_match", "posting_id": job, "min_score": 1.0})).await;
    assert_eq!(unreachable.status(), StatusCode::CREATED);
    // Only for one's own postings, with a score between 0 and 1.
    let theirs = subscribe(&app, &school, json!({"kind": "new_match", "posting_id": apprenticeship})).await;
    assert_eq!(theirs.status(), StatusCode::FORBIDDEN);
    let too_high =
        subscribe(&app, &enterprise, json!({"kind": "new_match", "posting_id": job, "min_score": 1.5})).await;
    assert_eq!(problem_fields(too_high).await, ["min_score"]);

    let program = publish(&app, &school, offering("数控技术专业 2027届毕业生", "460103")).await;
    assert!(wait_for(&app, &enterprise, "new_match", "match_posting_id", program).await);
    let found = notices(&app, &enterprise, "new_match").await;
    assert_eq!(found.len(), 1, "the 100% subscription is not told: {found:?}");
    assert_eq!(found[0]["posting_id"], apprenticeship);
    assert!(found[0]["score"].as_f64().unwrap() >= 0.3);
    // The school's own inbox has nothing: it subscribed to nothing.
    assert!(inbox(&app, &school, "").await["items"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn each_member_has_their_own_read_state_and_other_organizations_notices_do_not_exist() {
    let app = spawn_app().await;
    let admin = app.demo_login("enterprise@demo.local").await;
    let org = app.my_org_id(&admin).await;
    let member = json!({"email": "worker@jinggong.cn", "password": "another-password", "role": "member"});
    let added = app.post_json(&format!("/api/v1/organizations/{org}/members"), &member, Some(&admin)).await;
    assert_eq!(added.status(), StatusCode::CREATED);
    let worker = app.login("worker@jinggong.cn", "another-password").await;
    for n in 1..=2 {
        let notice = Notice {
            organization_id: org,
            topic: Topic::BookingChanged,
            title_zh: format!("实训基地预约变动 {n}"),
            title_en: format!("Booking changed {n}"),
            link: "/org".into(),
            data: json!({"n": n}),
        };
        notify(&app.db, notice, app.clock.now()).await.unwrap();
    }
    let first = inbox(&app, &admin, "").await["items"][1]["id"].as_i64().unwrap();
    assert_eq!(inbox(&app, &admin, "").await["unread"], 2);
    let read = app.post_json(&format!("/api/v1/inbox/{first}/read"), &json!({}), Some(&admin)).await;
    assert_eq!(read.json::<Value>().await.unwrap()["unread"], 1);
    assert_eq!(inbox(&app, &worker, "").await["unread"], 2, "a colleague's reading does not count");
    let unread = inbox(&app, &admin, "?unread=true").await;
    assert_eq!(unread["items"].as_array().unwrap().len(), 1);
    assert_eq!(unread["items"][0]["title"], "实训基地预约变动 2");
    let english = inbox(&app, &admin, "?lang=en").await;
    assert_eq!(english["items"][0]["title"], "Booking changed 2");
    assert_eq!(english["items"][1]["read"], true);

    let school = app.demo_login("school@demo.local").await;
    let foreign = app.post_json(&format!("/api/v1/inbox/{first}/read"), &json!({}), Some(&school)).await;
    assert_eq!(foreign.status(), StatusCode::NOT_FOUND);
    assert_eq!(inbox(&app, &school, "").await["items"].as_array().unwrap().len(), 0);

    // On the pages: the count in the navigation, and marking read from the inbox.
    let (browser, csrf) = signed_in(&app, "enterprise@demo.local").await;
    let html = page_text(&browser, &app, "/inbox").await;
    assert!(html.contains("id=\"nav-inbox\">消息 <span class=\"badge count\""), "the count is in the nav");
    assert!(html.contains("实训基地预约变动 2"));
    let response = browser.post(app.url("/inbox/read")).form(&[("_csrf", csrf.as_str())]).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(inbox(&app, &admin, "").await["unread"], 0);
    let html = page_text(&browser, &app, "/inbox").await;
    assert!(!html.contains("badge count"), "no count when all is read");
    assert_eq!(inbox(&app, &worker, "").await["unread"], 2);
}

#[tokio::test]
async fn the_search_page_saves_a_search_and_a_posting_page_turns_match_alerts_on_and_off() {
    let app = spawn_app().await;
    let (browser, csrf) = signed_in(&app, "enterprise@demo.local").await;
    let search = page_text(&browser, &app, "/search?q=数控&kind=program_offering").await;
    assert!(search.contains("name=\"alert_kind\" value=\"saved_search\""), "the save form is on the page");
    let form = [
        ("_csrf", csrf.as_str()),
        ("alert_kind", "saved_search"),
        ("q", "数控"),
        ("kind", "program_offering"),
        ("name", "数控专业"),
    ];
    let response = browser.post(app.url("/alerts")).form(&form).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let shown = page_text(&browser, &app, &location).await;
    assert!(shown.contains("数控专业") && shown.contains("program_offering"), "{shown}");
    let list = page_text(&browser, &app, "/alerts").await;
    assert!(list.contains("/search?q=%E6%95%B0%E6%8E%A7&amp;kind=program_offering"), "a link that runs it");

    let token = app.demo_login("enterprise@demo.local").await;
    let id =
        publish(&app, &token, json!({"kind": "job", "title": "数控车工", "region": "330603", "quantity": 2})).await;
    let page = page_text(&browser, &app, &format!("/postings/{id}")).await;
    assert!(page.contains("有新匹配时通知我"));
    let form = [
        ("_csrf", csrf.as_str()),
        ("alert_kind", "new_match"),
        ("posting_id", &id.to_string()),
        ("min_score", "0.7"),
        ("next", &format!("/postings/{id}")),
    ];
    let response = browser.post(app.url("/alerts")).form(&form).send().await.unwrap();
    assert_eq!(response.headers()["location"], format!("/postings/{id}"));
    let page = page_text(&browser, &app, &format!("/postings/{id}")).await;
    assert!(page.contains("已开启新匹配提醒，最低匹配度 70%"), "the toggle shows it is on");
    let listed: Value = app.get_json("/api/v1/subscriptions", Some(&token)).await.json().await.unwrap();
    let alert = listed["subscriptions"].as_array().unwrap().iter().find(|s| s["kind"] == "new_match").unwrap().clone();
    assert_eq!(alert["min_score"], 0.7);
    let off = [("_csrf", csrf.as_str()), ("next", &format!("/postings/{id}"))];
    let response = browser.post(app.url(&format!("/alerts/{}/delete", alert["id"]))).form(&off).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(page_text(&browser, &app, &format!("/postings/{id}")).await.contains("有新匹配时通知我"));

    // A refused webhook URL on the form is shown next to the field, in Chinese.
    let form = [
        ("_csrf", csrf.as_str()),
        ("alert_kind", "webhook"),
        ("topics", "new_match"),
        ("webhook_url", "http://169.254.169.254/latest/meta-data/"),
    ];
    let response = browser.post(app.url("/alerts")).form(&form).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("回调地址不能指向链路本地地址或元数据地址"));
}
