//! Registering organizations, validation of their identity, verification, and the wall
//! between organizations.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::e2e::support::{problem_fields, spawn_app};

fn enterprise(name: &str, code: &str, email: &str) -> Value {
    json!({
        "kind": "enterprise", "name": name, "region": "330603", "credit_code": code,
        "admin_email": email, "admin_password": "a-long-password"
    })
}

#[tokio::test]
async fn an_enterprise_registers_pending_verification_and_its_admin_can_log_in() {
    let app = spawn_app().await;
    let response = app
        .post_json(
            "/api/v1/organizations",
            &enterprise("绍兴柯桥纺织有限公司", "91330602MA2D3X7Q1D", "hr@keqiao.cn"),
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let org: Value = response.json().await.unwrap();
    assert_eq!(org["verification"], "pending");
    assert_eq!(org["region_name"], "绍兴市柯桥区");
    assert_eq!(org["credit_code"], "91330602MA2D3X7Q1D");
    let token = app.login("hr@keqiao.cn", "a-long-password").await;
    assert_eq!(app.my_org_id(&token).await, org["id"].as_i64().unwrap());
}

#[tokio::test]
async fn a_bad_check_character_is_rejected_with_the_field_named() {
    let app = spawn_app().await;
    let response = app
        .post_json("/api/v1/organizations", &enterprise("坏代码有限公司", "91330600MA2BAD0000", "a@b.cn"), None)
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["errors"][0]["field"], "credit_code");
    assert_eq!(body["errors"][0]["code"], "check_character");
    assert!(body["errors"][0]["reason_zh"].as_str().unwrap().contains("校验位"));
}

#[tokio::test]
async fn an_unknown_region_and_an_over_long_name_are_rejected_by_field() {
    let app = spawn_app().await;
    let mut body = enterprise(&"长".repeat(101), "91330602MA2D3X7Q1D", "a@b.cn");
    body["region"] = json!("110101");
    let response = app.post_json("/api/v1/organizations", &body, None).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem_fields(response).await, ["name", "region"]);
}

#[tokio::test]
async fn schools_need_a_level_and_missing_fields_are_named() {
    let app = spawn_app().await;
    let response = app
        .post_json(
            "/api/v1/organizations",
            &json!({"kind": "school", "name": "绍兴技师学院", "region": "330602"}),
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem_fields(response).await, ["level", "admin_email", "admin_password"]);
}

#[tokio::test]
async fn a_rejected_registration_stores_nothing() {
    let app = spawn_app().await;
    let admin = app.demo_login("admin@demo.local").await;
    let before: Value =
        app.get_json("/api/v1/organizations?verification=pending", Some(&admin)).await.json().await.unwrap();
    let mut body = enterprise("不完整有限公司", "91330602MA2D3X7Q1D", "x@y.cn");
    body["admin_password"] = json!("short");
    assert_eq!(app.post_json("/api/v1/organizations", &body, None).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let after: Value =
        app.get_json("/api/v1/organizations?verification=pending", Some(&admin)).await.json().await.unwrap();
    assert_eq!(before["total"], after["total"]);
    let login = app.post_json("/api/v1/auth/login", &json!({"email": "x@y.cn", "password": "short"}), None).await;
    assert_eq!(login.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_credit_code_or_email_registered_twice_is_a_conflict() {
    let app = spawn_app().await;
    let first = enterprise("第一家有限公司", "91330602MA2D3X7Q1D", "one@a.cn");
    assert_eq!(app.post_json("/api/v1/organizations", &first, None).await.status(), StatusCode::CREATED);
    let same_code = enterprise("第二家有限公司", "91330602MA2D3X7Q1D", "two@a.cn");
    let response = app.post_json("/api/v1/organizations", &same_code, None).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert_eq!(problem_fields(response).await, ["credit_code"]);
    let same_email = json!({"kind": "intermediary", "name": "某服务中心", "region": "330602",
        "admin_email": "ONE@a.cn", "admin_password": "a-long-password"});
    let response = app.post_json("/api/v1/organizations", &same_email, None).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert_eq!(problem_fields(response).await, ["admin_email"]);
}

#[tokio::test]
async fn platform_admins_verify_registrations_and_nobody_else_can() {
    let app = spawn_app().await;
    let created: Value = app
        .post_json("/api/v1/organizations", &enterprise("待审核有限公司", "91330602MA2D3X7Q1D", "p@q.cn"), None)
        .await
        .json()
        .await
        .unwrap();
    let id = created["id"].as_i64().unwrap();
    let city = app.demo_login("city@demo.local").await;
    let path = format!("/api/v1/organizations/{id}/verification");
    assert_eq!(
        app.post_json(&path, &json!({"decision": "verified"}), Some(&city)).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(app.get_json("/api/v1/organizations", Some(&city)).await.status(), StatusCode::FORBIDDEN);

    let admin = app.demo_login("admin@demo.local").await;
    let queue: Value = app.get_json("/api/v1/organizations", Some(&admin)).await.json().await.unwrap();
    assert!(queue["items"].as_array().unwrap().iter().any(|o| o["id"] == id));
    let bad = app.post_json(&path, &json!({"decision": "maybe"}), Some(&admin)).await;
    assert_eq!(problem_fields(bad).await, ["decision"]);
    let verified: Value =
        app.post_json(&path, &json!({"decision": "verified"}), Some(&admin)).await.json().await.unwrap();
    assert_eq!(verified["verification"], "verified");
    let queue: Value = app.get_json("/api/v1/organizations", Some(&admin)).await.json().await.unwrap();
    assert!(!queue["items"].as_array().unwrap().iter().any(|o| o["id"] == id));
}

#[tokio::test]
async fn a_member_of_one_organization_cannot_read_or_change_another() {
    let app = spawn_app().await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let school = app.demo_login("school@demo.local").await;
    let enterprise_org = app.my_org_id(&enterprise).await;

    // The public profile is readable by any signed-in user…
    assert_eq!(
        app.get_json(&format!("/api/v1/organizations/{enterprise_org}"), Some(&school)).await.status(),
        StatusCode::OK
    );
    // …but its members are private, and only its own admins change it.
    let members = app.get_json(&format!("/api/v1/organizations/{enterprise_org}/members"), Some(&school)).await;
    assert_eq!(members.status(), StatusCode::FORBIDDEN);
    let patch = app
        .api
        .patch(app.url(&format!("/api/v1/organizations/{enterprise_org}")))
        .bearer_auth(&school)
        .json(&json!({"name": "被改掉的名字"}))
        .send()
        .await
        .unwrap();
    assert_eq!(patch.status(), StatusCode::FORBIDDEN);
    let add = app
        .post_json(
            &format!("/api/v1/organizations/{enterprise_org}/members"),
            &json!({"email": "intruder@x.cn", "password": "a-long-password"}),
            Some(&school),
        )
        .await;
    assert_eq!(add.status(), StatusCode::FORBIDDEN);

    let profile: Value =
        app.get_json(&format!("/api/v1/organizations/{enterprise_org}"), Some(&enterprise)).await.json().await.unwrap();
    assert_eq!(profile["name"], "绍兴精工数控机床有限公司");
    let own_members = app.get_json(&format!("/api/v1/organizations/{enterprise_org}/members"), Some(&enterprise)).await;
    assert_eq!(own_members.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_org_admin_adds_members_who_may_read_but_not_administer() {
    let app = spawn_app().await;
    let admin = app.demo_login("enterprise@demo.local").await;
    let org = app.my_org_id(&admin).await;
    let added = app
        .post_json(
            &format!("/api/v1/organizations/{org}/members"),
            &json!({"email": "worker@jinggong.cn", "password": "another-password", "role": "member"}),
            Some(&admin),
        )
        .await;
    assert_eq!(added.status(), StatusCode::CREATED);
    let member = app.login("worker@jinggong.cn", "another-password").await;
    assert_eq!(
        app.get_json(&format!("/api/v1/organizations/{org}/members"), Some(&member)).await.status(),
        StatusCode::OK
    );
    let patch = app
        .api
        .patch(app.url(&format!("/api/v1/organizations/{org}")))
        .bearer_auth(&member)
        .json(&json!({"region": "330602"}))
        .send()
        .await
        .unwrap();
    assert_eq!(patch.status(), StatusCode::FORBIDDEN);
    let by_admin = app
        .api
        .patch(app.url(&format!("/api/v1/organizations/{org}")))
        .bearer_auth(&admin)
        .json(&json!({"region": "330602"}))
        .send()
        .await
        .unwrap();
    assert_eq!(by_admin.status(), StatusCode::OK);
    let org_json: Value = by_admin.json().await.unwrap();
    // A verified organization's new region waits for a platform administrator's approval.
    assert_eq!(org_json["requested_change"]["region_name"], "绍兴市越城区");
    assert_eq!(org_json["region_name"], "绍兴市柯桥区");
    let bad = app
        .api
        .patch(app.url(&format!("/api/v1/organizations/{org}")))
        .bearer_auth(&admin)
        .json(&json!({"region": "999999"}))
        .send()
        .await
        .unwrap();
    assert_eq!(problem_fields(bad).await, ["region"]);
}

#[tokio::test]
async fn seeding_the_demo_twice_changes_nothing() {
    let app = spawn_app().await;
    let admin = app.demo_login("admin@demo.local").await;
    let count = |v: Value| v["total"].as_i64().unwrap();
    let before =
        count(app.get_json("/api/v1/organizations?verification=verified", Some(&admin)).await.json().await.unwrap());
    chanjiao_tools::demo::seed(&app.db, &app.clock).await.unwrap();
    let after =
        count(app.get_json("/api/v1/organizations?verification=verified", Some(&admin)).await.json().await.unwrap());
    assert_eq!(before, after);
    assert!(before >= 10);
}
