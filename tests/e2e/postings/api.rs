//! Postings through the API: validation, visibility, the lifecycle, editing with an audit trail,
//! listings with filters and pagination, and expiry.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::e2e::support::{TestApp, problem_fields, spawn_app, spawn_app_at};

fn job(title: &str) -> Value {
    json!({
        "kind": "job", "title": title, "description": "负责数控车床编程与操作，两班倒。",
        "skills": ["数控编程", "CNC"], "region": "330603", "quantity": 12,
        "education_level": "gaozhi_zhuanke", "program_codes": ["460103"], "occupation_codes": ["6-18-01-01"],
        "industry_clusters": ["hq_equipment"], "amount_yuan": 6500,
        "starts_on": "2026-12-01", "ends_on": "2099-06-30"
    })
}

async fn create(app: &TestApp, token: &str, body: Value) -> Value {
    let response = app.post_json("/api/v1/postings", &body, Some(token)).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.unwrap()
}

async fn act(app: &TestApp, token: &str, id: i64, action: &str) -> reqwest::Response {
    app.post_json(&format!("/api/v1/postings/{id}/{action}"), &json!({}), Some(token)).await
}

async fn patch(app: &TestApp, token: &str, id: i64, body: Value) -> reqwest::Response {
    app.api.patch(app.url(&format!("/api/v1/postings/{id}"))).bearer_auth(token).json(&body).send().await.unwrap()
}

#[tokio::test]
async fn a_draft_is_private_until_published() {
    let app = spawn_app().await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let school = app.demo_login("school@demo.local").await;
    let draft = create(&app, &enterprise, job("数控车工（两班倒）")).await;
    assert_eq!(draft["status"], "draft");
    assert_eq!(draft["organization_name"], "绍兴精工数控机床有限公司");
    assert_eq!(draft["region_name"], "绍兴市柯桥区");
    let id = draft["id"].as_i64().unwrap();
    let path = format!("/api/v1/postings/{id}");
    assert_eq!(app.get_json(&path, Some(&school)).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get_json(&path, Some(&enterprise)).await.status(), StatusCode::OK);

    let published: Value = act(&app, &enterprise, id, "publish").await.json().await.unwrap();
    assert_eq!(published["status"], "published");
    let seen: Value = app.get_json(&path, Some(&school)).await.json().await.unwrap();
    assert_eq!(seen["title"], "数控车工（两班倒）");
    assert_eq!(seen["program_codes"], json!(["460103"]));
}

#[tokio::test]
async fn only_the_owning_organization_changes_a_posting() {
    let app = spawn_app().await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let school = app.demo_login("school@demo.local").await;
    let id = create(
        &app,
        &enterprise,
        json!({"publish": true, "kind": "job", "title": "钳工", "region": "330603", "quantity": 3}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    assert_eq!(patch(&app, &school, id, json!({"title": "被改了"})).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(act(&app, &school, id, "close").await.status(), StatusCode::FORBIDDEN);
    let audit = app.get_json(&format!("/api/v1/postings/{id}/audit"), Some(&school)).await;
    assert_eq!(audit.status(), StatusCode::FORBIDDEN);
    let unchanged: Value =
        app.get_json(&format!("/api/v1/postings/{id}"), Some(&enterprise)).await.json().await.unwrap();
    assert_eq!(unchanged["title"], "钳工");
    assert_eq!(unchanged["status"], "published");
}

#[tokio::test]
async fn bad_fields_are_each_named_and_nothing_is_stored() {
    let app = spawn_app().await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let mut body = job(&"长".repeat(81));
    body["quantity"] = json!(-5);
    body["starts_on"] = json!("2027-03-01");
    body["ends_on"] = json!("2027-01-01");
    body["program_codes"] = json!(["999999"]);
    body["description"] = json!("含有控制字符\u{0007}的描述");
    let response = app.post_json("/api/v1/postings", &body, Some(&enterprise)).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let mut fields = problem_fields(response).await;
    fields.sort();
    assert_eq!(fields, ["description", "ends_on", "program_codes[0]", "quantity", "title"]);
    let mine: Value = app.get_json("/api/v1/postings?status=draft", Some(&enterprise)).await.json().await.unwrap();
    assert_eq!(mine["total"], 0);
}

#[tokio::test]
async fn markup_is_stored_as_text() {
    let app = spawn_app().await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let posting = create(
        &app,
        &enterprise,
        json!({"kind": "job", "title": "<b>焊工</b>", "region": "330603", "quantity": 2,
        "description": "<script>alert('x')</script>"}),
    )
    .await;
    assert_eq!(posting["title"], "<b>焊工</b>");
    assert_eq!(posting["description"], "<script>alert('x')</script>");
}

#[tokio::test]
async fn each_side_posts_only_its_own_kinds_and_brokers_post_nothing_of_their_own() {
    let app = spawn_app().await;
    let school = app.demo_login("school@demo.local").await;
    let wrong_side = app.post_json("/api/v1/postings", &job("数控车工"), Some(&school)).await;
    assert_eq!(wrong_side.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem_fields(wrong_side).await, ["kind"]);
    let broker = app.demo_login("broker@demo.local").await;
    assert_eq!(
        app.post_json("/api/v1/postings", &job("数控车工"), Some(&broker)).await.status(),
        StatusCode::FORBIDDEN
    );
    let offering = json!({"kind": "program_offering", "title": "数控技术专业 2027届毕业生", "region": "330602",
        "program_codes": ["460103"], "quantity": 45, "annual_enrolment": 50});
    let created = create(&app, &school, offering).await;
    assert_eq!(created["side"], "school");
    assert_eq!(created["education_level"], "gaozhi_zhuanke");
}

#[tokio::test]
async fn an_unverified_organization_may_draft_but_not_publish() {
    let app = spawn_app().await;
    let registration = json!({"kind": "enterprise", "name": "新注册机械有限公司", "region": "330604",
        "credit_code": "91330602MA2D3X7Q1D", "admin_email": "new@co.cn", "admin_password": "a-long-password"});
    assert_eq!(app.post_json("/api/v1/organizations", &registration, None).await.status(), StatusCode::CREATED);
    let token = app.login("new@co.cn", "a-long-password").await;
    let draft = create(&app, &token, job("数控车工")).await;
    let publish = act(&app, &token, draft["id"].as_i64().unwrap(), "publish").await;
    assert_eq!(publish.status(), StatusCode::FORBIDDEN);
    let problem: Value = publish.json().await.unwrap();
    assert!(problem["detail"].as_str().unwrap().contains("not verified yet"), "{problem}");
}

#[tokio::test]
async fn the_lifecycle_allows_only_legal_moves_and_reopening_is_for_admins() {
    let app = spawn_app().await;
    let admin = app.demo_login("enterprise@demo.local").await;
    let org = app.my_org_id(&admin).await;
    app.post_json(
        &format!("/api/v1/organizations/{org}/members"),
        &json!({"email": "staff@jinggong.cn", "password": "a-long-password"}),
        Some(&admin),
    )
    .await;
    let member = app.login("staff@jinggong.cn", "a-long-password").await;

    let id = create(&app, &member, job("数控铣工")).await["id"].as_i64().unwrap();
    let illegal = act(&app, &member, id, "pause").await;
    assert_eq!(illegal.status(), StatusCode::CONFLICT);
    let body: Value = illegal.json().await.unwrap();
    assert_eq!(body["errors"][0]["code"], "transition_not_allowed");

    for (action, status) in
        [("publish", "published"), ("pause", "paused"), ("resume", "published"), ("mark_filled", "filled")]
    {
        let response: Value = act(&app, &member, id, action).await.json().await.unwrap();
        assert_eq!(response["status"], status, "after {action}");
    }
    assert_eq!(act(&app, &member, id, "reopen").await.status(), StatusCode::FORBIDDEN);
    let reopened: Value = act(&app, &admin, id, "reopen").await.json().await.unwrap();
    assert_eq!(reopened["status"], "draft");
    assert_eq!(act(&app, &admin, id, "expire").await.status(), StatusCode::NOT_FOUND);
    assert_eq!(act(&app, &admin, id, "teleport").await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn edits_are_merged_checked_and_audited() {
    let app = spawn_app().await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let id = create(&app, &enterprise, job("数控车工")).await["id"].as_i64().unwrap();
    let edited: Value =
        patch(&app, &enterprise, id, json!({"quantity": 20, "title": "数控车工（扩招）"})).await.json().await.unwrap();
    assert_eq!(edited["quantity"], 20);
    assert_eq!(edited["skills"], json!(["数控编程", "CNC"]));
    let kind_change = patch(&app, &enterprise, id, json!({"kind": "apprenticeship"})).await;
    assert_eq!(problem_fields(kind_change).await, ["kind"]);
    let bad = patch(&app, &enterprise, id, json!({"ends_on": "2026-11-01"})).await;
    assert_eq!(problem_fields(bad).await, ["ends_on"]);
    act(&app, &enterprise, id, "publish").await;

    let trail: Value =
        app.get_json(&format!("/api/v1/postings/{id}/audit"), Some(&enterprise)).await.json().await.unwrap();
    let actions: Vec<&str> = trail.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["create", "update", "publish"]);
    assert_eq!(trail[1]["actor"], "enterprise@demo.local");
    assert_eq!(trail[1]["changes"]["quantity"], json!([12, 20]));
    assert_eq!(trail[1]["changes"]["title"], json!(["数控车工", "数控车工（扩招）"]));
    assert_eq!(trail[2]["changes"]["status"], json!(["draft", "published"]));
}

#[tokio::test]
async fn listings_filter_count_and_page() {
    let app = spawn_app().await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let school = app.demo_login("school@demo.local").await;
    for i in 0..5 {
        let mut body = job(&format!("数控车工 第{i}批"));
        body["publish"] = json!(true);
        if i % 2 == 0 {
            body["region"] = json!("330603001");
            body["industry_clusters"] = json!(["metalwork"]);
        }
        create(&app, &enterprise, body).await;
    }
    create(&app, &enterprise, job("未发布的草稿")).await;
    let total = |v: &Value| v["total"].as_i64().unwrap();
    let list = |query: &str| {
        let app = &app;
        let school = school.clone();
        let query = query.to_owned();
        async move { app.get_json(&format!("/api/v1/postings?{query}"), Some(&school)).await.json::<Value>().await.unwrap() }
    };
    assert_eq!(total(&list("kind=job").await), 5);
    assert_eq!(total(&list("kind=job&region=330600").await), 5);
    assert_eq!(total(&list("kind=job&region=330603001").await), 3);
    assert_eq!(total(&list("kind=job&cluster=metalwork").await), 3);
    assert_eq!(total(&list("kind=job&cluster=金属加工").await), 3);
    assert_eq!(total(&list("kind=job&side=school").await), 0);
    assert_eq!(total(&list("kind=job&region=330681").await), 0);
    // Another organization's drafts are never listed.
    assert_eq!(total(&list("status=draft").await), 0);

    let first = list("kind=job&limit=2").await;
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    let cursor = first["next_cursor"].as_str().unwrap().to_owned();
    let second = list(&format!("kind=job&limit=2&cursor={cursor}")).await;
    let third_cursor = second["next_cursor"].as_str().unwrap().to_owned();
    let third = list(&format!("kind=job&limit=2&cursor={third_cursor}")).await;
    assert_eq!(third["items"].as_array().unwrap().len(), 1);
    assert!(third["next_cursor"].is_null());
    let titles: Vec<String> = [first, second, third]
        .iter()
        .flat_map(|p| {
            p["items"].as_array().unwrap().iter().map(|i| i["title"].as_str().unwrap().to_owned()).collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(titles, ["数控车工 第4批", "数控车工 第3批", "数控车工 第2批", "数控车工 第1批", "数控车工 第0批"]);

    let bad = app.get_json("/api/v1/postings?kind=rocket&limit=0", Some(&school)).await;
    assert_eq!(problem_fields(bad).await, ["kind", "limit"]);
}

#[tokio::test]
async fn postings_past_their_end_date_expire_and_leave_listings() {
    let app = spawn_app().await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let today = app.clock.today();
    let mut body = job("短期招聘");
    body["starts_on"] = json!(today.to_string());
    body["ends_on"] = json!(today.to_string());
    body["publish"] = json!(true);
    let id = create(&app, &enterprise, body).await["id"].as_i64().unwrap();
    let expired = chanjiao_api::services::postings::expire_due(&app.db, today, app.clock.now()).await.unwrap();
    assert_eq!(expired, 0, "the end date itself still counts");
    let expired = chanjiao_api::services::postings::expire_due(&app.db, today.succ_opt().unwrap(), app.clock.now())
        .await
        .unwrap();
    assert_eq!(expired, 1);
    let posting: Value = app.get_json(&format!("/api/v1/postings/{id}"), Some(&enterprise)).await.json().await.unwrap();
    assert_eq!(posting["status"], "expired");
    let listed: Value = app.get_json("/api/v1/postings?kind=job", Some(&enterprise)).await.json().await.unwrap();
    assert_eq!(listed["total"], 0);
    let trail: Value =
        app.get_json(&format!("/api/v1/postings/{id}/audit"), Some(&enterprise)).await.json().await.unwrap();
    assert_eq!(trail.as_array().unwrap().last().unwrap()["action"], "expire");
    assert!(trail.as_array().unwrap().last().unwrap()["actor"].is_null());
    // A posting whose end date has passed cannot be published again until the date moves.
    let reopened: Value = act(&app, &enterprise, id, "reopen").await.json().await.unwrap();
    assert_eq!(reopened["status"], "draft");
    patch(&app, &enterprise, id, json!({"starts_on": "2020-01-01", "ends_on": "2020-02-01"})).await;
    let refused = act(&app, &enterprise, id, "publish").await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["errors"][0]["code"], "end_date_passed");
}

#[tokio::test]
async fn listings_follow_the_servers_clock_past_a_postings_end_date() {
    let app = spawn_app_at("2026-06-01T02:00:00Z".parse().unwrap()).await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let mut body = job("暑期实习");
    body["starts_on"] = json!("2026-06-01");
    body["ends_on"] = json!("2026-06-02");
    body["publish"] = json!(true);
    create(&app, &enterprise, body).await;
    let listed: Value = app.get_json("/api/v1/postings?kind=job", Some(&enterprise)).await.json().await.unwrap();
    assert_eq!(listed["total"], 1);
    // 2026-06-03 10:00 in China: the end date has passed for every handler at once (and the
    // session, good for 14 days by the same clock, still holds).
    app.clock.advance(chrono::Duration::days(2));
    let listed: Value = app.get_json("/api/v1/postings?kind=job", Some(&enterprise)).await.json().await.unwrap();
    assert_eq!(listed["total"], 0);
}
