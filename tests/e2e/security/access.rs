//! The access policy as a new user meets it: verification is a gate, not a label. Registration
//! refuses authorities (only a platform administrator creates one); a pending or rejected
//! organization is refused every power with a 403 that says why, and rejection takes powers away
//! at once; a verified organization's new name waits for an administrator; other organizations'
//! unpublished postings and unverified organizations do not exist for anyone else.

use reqwest::StatusCode;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use crate::e2e::brokering::api::apprenticeship;
use crate::e2e::support::{TestApp, problem_fields, signed_in, spawn_app};

const PASSWORD: &str = "a-long-password";

/// Registers an organization through the API (pending) and signs its administrator in.
async fn register(app: &TestApp, body: Value) -> (i64, String) {
    let email = body["admin_email"].as_str().unwrap().to_owned();
    let response = app.post_json("/api/v1/organizations", &body, None).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let org: Value = response.json().await.unwrap();
    (org["id"].as_i64().unwrap(), app.login(&email, PASSWORD).await)
}

fn school(email: &str) -> Value {
    json!({"kind": "school", "name": "绍兴新设职业学校", "region": "330602", "level": "zhongzhi",
        "admin_email": email, "admin_password": PASSWORD})
}

fn intermediary(email: &str) -> Value {
    json!({"kind": "intermediary", "name": "新设产教服务中心", "region": "330602",
        "admin_email": email, "admin_password": PASSWORD})
}

fn designation() -> Value {
    json!({"designation_type": "demonstration_base", "organization_name": "自封示范基地", "district": "330602",
        "year": 2025, "issuing_body": "浙江省发展和改革委员会", "document_number": "浙发改社会〔2025〕12号"})
}

fn job() -> Value {
    json!({"kind": "job", "title": "数控车工", "description": "负责数控车床编程与操作，两班倒。",
        "region": "330603", "quantity": 3, "ends_on": "2099-06-30"})
}

fn program_offer() -> Value {
    json!({"kind": "program_offering", "title": "数控技术专业", "description": "数控技术专业，每年毕业生四十人。",
        "region": "330602", "quantity": 40, "program_codes": ["460103"], "education_level": "gaozhi_zhuanke",
        "ends_on": "2099-06-30"})
}

/// Asserts a 403 problem whose details give `reason` (in English) and `reason_zh`.
async fn refused(response: reqwest::Response, reason: &str, reason_zh: &str) {
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(response.headers()["content-type"], "application/problem+json");
    let problem: Value = response.json().await.unwrap();
    let (detail, detail_zh) = (problem["detail"].as_str().unwrap(), problem["detail_zh"].as_str().unwrap());
    assert!(detail.contains(reason), "{problem}");
    assert!(detail_zh.contains(reason_zh), "{problem}");
}

async fn decide(app: &TestApp, org: i64, decision: &str) {
    let admin = app.demo_login("admin@demo.local").await;
    let path = format!("/api/v1/organizations/{org}/verification");
    let response = app.post_json(&path, &json!({"decision": decision}), Some(&admin)).await;
    assert_eq!(response.status(), StatusCode::OK);
}

/// A proposal between the demo enterprise and school, which only they and overseers may see.
async fn a_proposal_between_others(app: &TestApp) -> i64 {
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let school = app.demo_login("school@demo.local").await;
    let offer = publish(app, &school, program_offer()).await;
    let need = publish(app, &enterprise, apprenticeship(10)).await;
    let body =
        json!({"from_posting_id": need, "to_posting_id": offer, "message": "希望合作开展现代学徒制", "quantity": 10});
    let response = app.post_json("/api/v1/proposals", &body, Some(&enterprise)).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

/// The ids of the proposals `token` is shown.
async fn proposals_seen(app: &TestApp, token: &str) -> Vec<i64> {
    let response = app.get_json("/api/v1/proposals", Some(token)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    body["proposals"].as_array().unwrap().iter().map(|p| p["id"].as_i64().unwrap()).collect()
}

async fn publish(app: &TestApp, token: &str, body: Value) -> i64 {
    let mut body = body;
    body["publish"] = json!(true);
    let response = app.post_json("/api/v1/postings", &body, Some(token)).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

#[tokio::test]
async fn registration_refuses_an_authority_and_the_register_page_no_longer_offers_one() {
    let app = spawn_app().await;
    let body = json!({"kind": "authority", "name": "自称主管部门", "region": "330600",
        "admin_email": "boss@fake.gov.cn", "admin_password": PASSWORD});
    let response = app.post_json("/api/v1/organizations", &body, None).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem_fields(response).await, ["kind"]);
    let credentials = json!({"email": "boss@fake.gov.cn", "password": PASSWORD});
    let login = app.post_json("/api/v1/auth/login", &credentials, None).await;
    assert_eq!(login.status(), StatusCode::UNAUTHORIZED, "nothing was created");

    let browser = app.browser();
    let csrf = app.csrf_token(&browser, "/register").await;
    let form = browser.get(app.url("/register")).send().await.unwrap().text().await.unwrap();
    assert!(!form.contains("value=\"authority\""), "the register page offers no authority");
    let mut fields: Vec<(&str, &str)> = vec![("name", "自称主管部门"), ("region", "330600")];
    fields.extend([("kind", "authority"), ("admin_email", "boss@fake.gov.cn"), ("admin_password", PASSWORD)]);
    fields.push(("_csrf", &csrf));
    let posted = browser.post(app.url("/register")).form(&fields).send().await.unwrap();
    assert_eq!(posted.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(posted.text().await.unwrap().contains("主管部门由平台管理员创建"));
}

#[tokio::test]
async fn an_unverified_authority_can_neither_designate_nor_read_the_city() {
    let app = spawn_app().await;
    let proposal = a_proposal_between_others(&app).await;
    assert_eq!(proposals_seen(&app, &app.demo_login("city@demo.local").await).await, [proposal]);
    // An authority that registered itself before registration refused them, still pending.
    let (id, token) = register(&app, intermediary("early@fake.gov.cn")).await;
    let sql = format!("UPDATE organizations SET kind = 'authority' WHERE id = {id}");
    app.db.execute_unprepared(&sql).await.unwrap();

    let designated = app.post_json("/api/v1/statistics/designations", &designation(), Some(&token)).await;
    refused(designated, "not verified yet", "机构尚未通过审核").await;
    assert_eq!(proposals_seen(&app, &token).await, Vec::<i64>::new(), "only its own proposals (none)");
    let reports = app.get_json("/api/v1/statistics/school-reports", Some(&token)).await;
    refused(reports, "not verified yet", "机构尚未通过审核").await;
    let league = app.get_json("/api/v1/statistics/league", Some(&token)).await;
    refused(league, "not verified yet", "机构尚未通过审核").await;
    let city = app.get_json("/api/v1/statistics/reports/city", Some(&token)).await;
    refused(city, "not verified yet", "机构尚未通过审核").await;
    let list: Value = app.get_json("/api/v1/statistics/designations", Some(&token)).await.json().await.unwrap();
    assert_eq!(list, json!([]), "nothing was designated");

    // The statistics pages agree with the API: no designation form for it.
    let browser = app.browser();
    let csrf = app.csrf_token(&browser, "/login").await;
    let form = [("email", "early@fake.gov.cn"), ("password", PASSWORD), ("_csrf", csrf.as_str())];
    browser.post(app.url("/login")).form(&form).send().await.unwrap();
    let page = browser.get(app.url("/statistics/designations")).send().await.unwrap().text().await.unwrap();
    assert!(!page.contains("name=\"document_number\""), "no designation form");
}

#[tokio::test]
async fn an_authority_created_by_a_platform_administrator_oversees_until_it_is_rejected() {
    let app = spawn_app().await;
    let proposal = a_proposal_between_others(&app).await;
    let admin = app.demo_login("admin@demo.local").await;
    let body = json!({"kind": "authority", "name": "柯桥区教育局", "region": "330603",
        "admin_email": "edu@keqiao.gov.cn", "admin_password": PASSWORD});
    let enterprise = app.demo_login("enterprise@demo.local").await;
    assert_eq!(
        app.post_json("/api/v1/admin/organizations", &body, Some(&enterprise)).await.status(),
        StatusCode::FORBIDDEN,
        "only platform administrators create organizations this way"
    );
    let created = app.post_json("/api/v1/admin/organizations", &body, Some(&admin)).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let created: Value = created.json().await.unwrap();
    assert_eq!((created["kind"].as_str(), created["verification"].as_str()), (Some("authority"), Some("verified")));
    let token = app.login("edu@keqiao.gov.cn", PASSWORD).await;

    let designated = app.post_json("/api/v1/statistics/designations", &designation(), Some(&token)).await;
    assert_eq!(designated.status(), StatusCode::CREATED);
    assert_eq!(proposals_seen(&app, &token).await, [proposal], "it oversees the city");
    assert_eq!(app.get_json("/api/v1/statistics/reports/city", Some(&token)).await.status(), StatusCode::OK);

    decide(&app, created["id"].as_i64().unwrap(), "rejected").await;
    let again = app.post_json("/api/v1/statistics/designations", &designation(), Some(&token)).await;
    refused(again, "rejected", "机构审核未通过").await;
    assert_eq!(proposals_seen(&app, &token).await, Vec::<i64>::new(), "no longer");
    refused(app.get_json("/api/v1/statistics/reports/city", Some(&token)).await, "rejected", "机构审核未通过").await;
    let id = designated.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let revoke = json!({"reason": "撤销测试"});
    let revoked = app.post_json(&format!("/api/v1/statistics/designations/{id}/revoke"), &revoke, Some(&token)).await;
    refused(revoked, "rejected", "机构审核未通过").await;
}

#[tokio::test]
async fn the_admin_page_creates_an_authority_with_the_form_token_and_others_get_a_403() {
    let app = spawn_app().await;
    let (browser, _) = signed_in(&app, "admin@demo.local").await;
    let csrf = app.csrf_token(&browser, "/admin/organizations/new").await;
    let form = [
        ("kind", "authority"),
        ("name", "越城区人力社保局"),
        ("region", "330602"),
        ("credit_code", ""),
        ("level", ""),
        ("admin_email", "hr@yuecheng.gov.cn"),
        ("admin_password", PASSWORD),
    ];
    let forged = browser.post(app.url("/admin/organizations")).form(&form).send().await.unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN, "no form token, no organization");
    let mut with_token = form.to_vec();
    with_token.push(("_csrf", &csrf));
    let created = browser.post(app.url("/admin/organizations")).form(&with_token).send().await.unwrap();
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    let token = app.login("hr@yuecheng.gov.cn", PASSWORD).await;
    let me: Value = app.get_json("/api/v1/me", Some(&token)).await.json().await.unwrap();
    assert_eq!(me["organization"]["kind"], "authority");
    assert_eq!(me["organization"]["verification"], "verified");

    let (school, _) = signed_in(&app, "school@demo.local").await;
    let page = school.get(app.url("/admin/organizations/new")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::FORBIDDEN);
    assert!(page.text().await.unwrap().contains("仅平台管理员可以进行此操作"));
}

#[tokio::test]
async fn a_pending_organization_is_refused_every_power_with_the_reason() {
    let app = spawn_app().await;
    let (_, pending_school) = register(&app, school("head@new-school.cn")).await;
    let (_, pending_broker) = register(&app, intermediary("ops@new-broker.cn")).await;
    let not_verified = |response| refused(response, "not verified yet", "机构尚未通过审核");

    let mut offer = program_offer();
    offer["publish"] = json!(true);
    not_verified(app.post_json("/api/v1/postings", &offer, Some(&pending_school)).await).await;
    let report = json!({"year": 2025, "full_time_teachers": 100, "dual_qualified_teachers": 60, "practice_days": 5});
    not_verified(app.post_json("/api/v1/statistics/school-reports", &report, Some(&pending_school)).await).await;
    let proposal = json!({"from_posting_id": 1, "to_posting_id": 2, "message": "合作"});
    not_verified(app.post_json("/api/v1/proposals", &proposal, Some(&pending_school)).await).await;
    let round = json!({"name": "自组轮次", "preference_deadline": "2099-06-30T17:00"});
    not_verified(app.post_json("/api/v1/rounds", &round, Some(&pending_broker)).await).await;
    not_verified(app.get_json("/api/v1/workspace/pipeline", Some(&pending_broker)).await).await;
    let grant = json!({"intermediary_id": app.my_org_id(&app.demo_login("broker@demo.local").await).await});
    not_verified(app.post_json("/api/v1/delegations", &grant, Some(&pending_school)).await).await;

    // What a pending organization may do: keep drafts and edit its own profile.
    let draft = app.post_json("/api/v1/postings", &program_offer(), Some(&pending_school)).await;
    assert_eq!(draft.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn a_rejected_intermediary_no_longer_acts_for_its_clients() {
    let app = spawn_app().await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let broker = app.demo_login("broker@demo.local").await;
    let (client, broker_id) = (app.my_org_id(&enterprise).await, app.my_org_id(&broker).await);
    let granted = app.post_json("/api/v1/delegations", &json!({"intermediary_id": broker_id}), Some(&enterprise)).await;
    assert_eq!(granted.status(), StatusCode::CREATED);
    let acting = |token: &str| {
        app.api.get(app.url("/api/v1/postings?status=draft")).bearer_auth(token).header("x-on-behalf-of", client)
    };
    assert_eq!(acting(&broker).send().await.unwrap().status(), StatusCode::OK);
    decide(&app, broker_id, "rejected").await;
    refused(acting(&broker).send().await.unwrap(), "rejected", "机构审核未通过").await;
}

#[tokio::test]
async fn a_new_name_for_a_verified_organization_waits_for_an_administrator() {
    let app = spawn_app().await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let school = app.demo_login("school@demo.local").await;
    let id = app.my_org_id(&enterprise).await;
    let approved: Value =
        app.get_json(&format!("/api/v1/organizations/{id}"), Some(&school)).await.json().await.unwrap();
    let posting = publish(&app, &enterprise, job()).await;
    let patch = |body: Value| {
        app.api.patch(app.url(&format!("/api/v1/organizations/{id}"))).bearer_auth(&enterprise).json(&body).send()
    };

    let changed: Value =
        patch(json!({"name": "中国中车集团有限公司", "region": "330602"})).await.unwrap().json().await.unwrap();
    assert_eq!(changed["name"], approved["name"], "the approved name stays");
    assert_eq!(changed["verification"], "verified", "and so do its powers");
    assert_eq!(changed["requested_change"]["name"], "中国中车集团有限公司");
    assert_eq!(changed["requested_change"]["region"], "330602");
    let seen: Value = app.get_json(&format!("/api/v1/postings/{posting}"), Some(&school)).await.json().await.unwrap();
    assert_eq!(seen["organization_name"], approved["name"], "nobody sees the new name yet");

    // The administrator sees what changed, and approves.
    let (admin, _) = signed_in(&app, "admin@demo.local").await;
    let queue = admin.get(app.url("/admin/verifications")).send().await.unwrap().text().await.unwrap();
    let card = &queue[queue.find(&format!("id=\"change-{id}\"")).expect("the change is in the queue")..];
    assert!(card.contains(approved["name"].as_str().unwrap()) && card.contains("中国中车集团有限公司"));
    decide(&app, id, "verified").await;
    let now: Value = app.get_json(&format!("/api/v1/organizations/{id}"), Some(&school)).await.json().await.unwrap();
    assert_eq!((now["name"].as_str(), now["region"].as_str()), (Some("中国中车集团有限公司"), Some("330602")));
    assert!(now.get("requested_change").is_none());

    // A declined change leaves the approved name, and the organization verified.
    patch(json!({"name": "另一个名字有限公司"})).await.unwrap();
    decide(&app, id, "rejected").await;
    let now: Value = app.get_json(&format!("/api/v1/organizations/{id}"), Some(&school)).await.json().await.unwrap();
    assert_eq!((now["name"].as_str(), now["verification"].as_str()), (Some("中国中车集团有限公司"), Some("verified")));
}

#[tokio::test]
async fn other_organizations_unpublished_postings_do_not_exist_for_anyone_else() {
    let app = spawn_app().await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let (school, city, admin) = (
        app.demo_login("school@demo.local").await,
        app.demo_login("city@demo.local").await,
        app.demo_login("admin@demo.local").await,
    );
    let broker = app.demo_login("broker@demo.local").await;
    let client = app.my_org_id(&enterprise).await;
    let grant = json!({"intermediary_id": app.my_org_id(&broker).await});
    assert_eq!(app.post_json("/api/v1/delegations", &grant, Some(&enterprise)).await.status(), StatusCode::CREATED);
    let (browser, _) = signed_in(&app, "school@demo.local").await;

    for (status, action) in [
        ("draft", None),
        ("paused", Some("pause")),
        ("closed", Some("close")),
        ("filled", Some("mark_filled")),
        ("expired", None),
    ] {
        let id = match action {
            None => {
                let draft = app.post_json("/api/v1/postings", &job(), Some(&enterprise)).await;
                draft.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
            }
            Some(action) => {
                let id = publish(&app, &enterprise, job()).await;
                let acted =
                    app.post_json(&format!("/api/v1/postings/{id}/{action}"), &json!({}), Some(&enterprise)).await;
                assert_eq!(acted.status(), StatusCode::OK, "{action}");
                id
            }
        };
        if status == "expired" {
            let sql = format!("UPDATE postings SET status = 'expired' WHERE id = {id}");
            app.db.execute_unprepared(&sql).await.unwrap();
        }
        let path = format!("/api/v1/postings/{id}");
        for other in [&school, &city] {
            assert_eq!(app.get_json(&path, Some(other)).await.status(), StatusCode::NOT_FOUND, "{status}");
            let listed: Value =
                app.get_json(&format!("/api/v1/postings?status={status}"), Some(other)).await.json().await.unwrap();
            assert!(listed["items"].as_array().unwrap().iter().all(|p| p["id"] != id), "{status}: {listed}");
        }
        let page = browser.get(app.url(&format!("/postings/{id}"))).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::NOT_FOUND, "{status} page");
        for owner in [&enterprise, &admin] {
            assert_eq!(app.get_json(&path, Some(owner)).await.status(), StatusCode::OK, "{status}");
        }
        let delegate = app.api.get(app.url(&path)).bearer_auth(&broker).header("x-on-behalf-of", client);
        assert_eq!(delegate.send().await.unwrap().status(), StatusCode::OK, "{status} for a delegate");
        let own: Value =
            app.get_json(&format!("/api/v1/postings?status={status}"), Some(&enterprise)).await.json().await.unwrap();
        assert!(own["items"].as_array().unwrap().iter().any(|p| p["id"] == id), "{status}: the owner lists it");
    }
}

#[tokio::test]
async fn pending_and_rejected_organizations_are_shown_only_to_themselves_and_administrators() {
    let app = spawn_app().await;
    let (id, own) = register(&app, school("head@hidden-school.cn")).await;
    let (other, city, admin) = (
        app.demo_login("enterprise@demo.local").await,
        app.demo_login("city@demo.local").await,
        app.demo_login("admin@demo.local").await,
    );
    let path = format!("/api/v1/organizations/{id}");
    for state in ["pending", "rejected"] {
        for stranger in [&other, &city] {
            assert_eq!(app.get_json(&path, Some(stranger)).await.status(), StatusCode::NOT_FOUND, "{state}");
            let members = app.get_json(&format!("{path}/members"), Some(stranger)).await;
            assert_eq!(members.status(), StatusCode::NOT_FOUND, "{state}");
        }
        assert_eq!(app.get_json(&path, Some(&own)).await.status(), StatusCode::OK, "{state}");
        assert_eq!(app.get_json(&path, Some(&admin)).await.status(), StatusCode::OK, "{state}");
        let queue: Value = app
            .get_json(&format!("/api/v1/organizations?verification={state}"), Some(&admin))
            .await
            .json()
            .await
            .unwrap();
        assert!(queue["items"].as_array().unwrap().iter().any(|o| o["id"] == id), "{state}");
        // Nor is it offered in the city's designation picker, or accepted as a designee.
        let mut named = designation();
        named["organization_id"] = json!(id);
        named.as_object_mut().unwrap().remove("organization_name");
        let designated = app.post_json("/api/v1/statistics/designations", &named, Some(&city)).await;
        assert_eq!(designated.status(), StatusCode::UNPROCESSABLE_ENTITY, "{state}");
        assert_eq!(problem_fields(designated).await, ["organization_id"]);
        if state == "pending" {
            decide(&app, id, "rejected").await;
        }
    }
    let (browser, _) = signed_in(&app, "city@demo.local").await;
    let picker = browser.get(app.url("/statistics/designations")).send().await.unwrap().text().await.unwrap();
    assert!(!picker.contains("绍兴新设职业学校"), "not in the designation picker");
}

#[tokio::test]
async fn a_credit_code_or_kind_in_a_profile_change_is_refused_by_name_and_nothing_changes() {
    let app = spawn_app().await;
    let token = app.demo_login("enterprise@demo.local").await;
    let org = app.my_org_id(&token).await;
    let before = app.get_json(&format!("/api/v1/organizations/{org}"), Some(&token)).await.text().await.unwrap();
    let changes = json!({"name": "冒名顶替的新名称", "credit_code": "91330602MA2BK1N7X0", "kind": "authority"});
    let response = app
        .api
        .patch(app.url(&format!("/api/v1/organizations/{org}")))
        .bearer_auth(&token)
        .json(&changes)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let mut fields = problem_fields(response).await;
    fields.sort();
    assert_eq!(fields, vec!["credit_code".to_owned(), "kind".to_owned()]);
    let after = app.get_json(&format!("/api/v1/organizations/{org}"), Some(&token)).await.text().await.unwrap();
    assert_eq!(before, after, "nothing changed, the name included");
}
