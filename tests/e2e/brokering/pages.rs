//! Brokering pages without a browser: answering a proposal by form (errors shown in place),
//! delegating and acting for a client, the pipeline board and case notes, appointing and
//! scoring an assessment, and responsiveness on profiles.

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::e2e::brokering::api::{apprenticeship, program_offer, publish};
use crate::e2e::support::{TestApp, page_text, signed_in, spawn_app};

async fn post_form(
    app: &TestApp,
    client: &Client,
    path: &str,
    csrf: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let mut form: Vec<(&str, &str)> = vec![("_csrf", csrf)];
    form.extend_from_slice(fields);
    client.post(app.url(path)).form(&form).send().await.unwrap()
}

fn location(response: &reqwest::Response) -> String {
    response.headers().get("location").map(|l| l.to_str().unwrap().to_owned()).unwrap_or_default()
}

#[tokio::test]
async fn proposals_are_made_and_answered_through_the_pages() {
    let app = spawn_app().await;
    let school_token = app.demo_login("school@demo.local").await;
    let enterprise_token = app.demo_login("enterprise@demo.local").await;
    let need = publish(&app, &enterprise_token, apprenticeship(10)).await;
    let offer = publish(&app, &school_token, program_offer()).await;
    let (enterprise, csrf) = signed_in(&app, "enterprise@demo.local").await;
    let form = page_text(&enterprise, &app, &format!("/proposals/new?from={need}&to={offer}")).await;
    assert!(form.contains("数控技术专业") && form.contains("name=\"respond_within_days\""));
    let bad = post_form(
        &app,
        &enterprise,
        "/proposals",
        &csrf,
        &[("from", &need.to_string()), ("to", &offer.to_string()), ("message", ""), ("quantity", "很多")],
    )
    .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = bad.text().await.unwrap();
    assert!(
        html.contains("aria-describedby=\"message-error\"") && html.contains("aria-describedby=\"quantity-error\"")
    );
    let made = post_form(
        &app,
        &enterprise,
        "/proposals",
        &csrf,
        &[("from", &need.to_string()), ("to", &offer.to_string()), ("message", "希望合作培养学徒"), ("quantity", "10")],
    )
    .await;
    assert_eq!(made.status(), StatusCode::SEE_OTHER);
    let proposal_path = location(&made);
    assert!(page_text(&enterprise, &app, &proposal_path).await.contains("撤回"), "the proposer may withdraw");

    let (school, school_csrf) = signed_in(&app, "school@demo.local").await;
    let received = page_text(&school, &app, "/proposals?box=received").await;
    assert!(received.contains("待我方答复"));
    let page = page_text(&school, &app, &proposal_path).await;
    assert!(page.contains("value=\"accept\"") && page.contains("name=\"reason\""));
    // A counter-offer without a message is refused in place and changes nothing.
    let answer = format!("{proposal_path}/answer");
    let refused = post_form(&app, &school, &answer, &school_csrf, &[("action", "counter"), ("message", "")]).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let id: i64 = proposal_path.rsplit('/').next().unwrap().parse().unwrap();
    let still: Value =
        app.get_json(&format!("/api/v1/proposals/{id}"), Some(&school_token)).await.json().await.unwrap();
    assert_eq!((still["round"].as_i64(), still["awaiting"].as_str()), (Some(1), Some("recipient")));
    let declined = post_form(
        &app,
        &school,
        &answer,
        &school_csrf,
        &[("action", "decline"), ("reason", "timing"), ("note", "明年再议")],
    )
    .await;
    assert_eq!(declined.status(), StatusCode::SEE_OTHER);
    let shown = page_text(&enterprise, &app, &proposal_path).await;
    assert!(shown.contains("时间安排不合适") && shown.contains("明年再议"));
    // The school answered: its profile and its postings show a 100 % response rate.
    let profile = page_text(&school, &app, "/org").await;
    assert!(profile.contains("提议响应率") && profile.contains("100%"), "{profile}");
    let posting = page_text(&enterprise, &app, &format!("/postings/{offer}")).await;
    assert!(posting.contains("100%（1/1）"));
}

#[tokio::test]
async fn an_intermediary_acts_for_its_client_on_pages_until_the_grant_is_revoked() {
    let app = spawn_app().await;
    let broker_token = app.demo_login("broker@demo.local").await;
    let broker_org = app.my_org_id(&broker_token).await;
    let (enterprise, csrf) = signed_in(&app, "enterprise@demo.local").await;
    let client_org = app.my_org_id(&app.demo_login("enterprise@demo.local").await).await;
    assert!(
        page_text(&enterprise, &app, "/delegations").await.contains("绍兴产教融合服务中心"),
        "the grant form lists it"
    );
    let granted =
        post_form(&app, &enterprise, "/delegations", &csrf, &[("intermediary_id", &broker_org.to_string())]).await;
    assert_eq!(granted.status(), StatusCode::SEE_OTHER);

    let (broker, broker_csrf) = signed_in(&app, "broker@demo.local").await;
    let clients = page_text(&broker, &app, "/delegations").await;
    assert!(clients.contains("绍兴精工数控机床有限公司") && clients.contains("代为操作"));
    let acting = post_form(&app, &broker, "/acting", &broker_csrf, &[("client", &client_org.to_string())]).await;
    assert_eq!(acting.status(), StatusCode::SEE_OTHER);
    let board = page_text(&broker, &app, "/workspace").await;
    assert!(board.contains("正在代为操作") && board.contains("绍兴精工数控机床有限公司"));
    // Posting through the ordinary form now posts as the client.
    let new_form = page_text(&broker, &app, "/postings/new?kind=apprenticeship").await;
    assert!(
        new_form.contains("name=\"apprenticeship_type\""),
        "an intermediary acting for an enterprise posts its kinds"
    );
    let posted = post_form(
        &app,
        &broker,
        "/postings/new?kind=apprenticeship",
        &broker_csrf,
        &[
            ("title", "代发：焊工学徒"),
            ("region", "330603"),
            ("quantity", "4"),
            ("apprenticeship_type", "modern"),
            ("intent", "publish"),
        ],
    )
    .await;
    assert_eq!(posted.status(), StatusCode::SEE_OTHER, "{}", posted.text().await.unwrap());
    let board = page_text(&broker, &app, "/workspace").await;
    assert!(board.contains("代发：焊工学徒"));
    let noted = post_form(
        &app,
        &broker,
        "/workspace/notes",
        &broker_csrf,
        &[("client_org_id", &client_org.to_string()), ("subject", ""), ("body", "客户希望 9 月开班")],
    )
    .await;
    assert_eq!(noted.status(), StatusCode::SEE_OTHER);
    assert!(page_text(&broker, &app, "/workspace").await.contains("客户希望 9 月开班"));

    // Revoked: the acting cookie no longer works; the broker is back to its own organization.
    let grants: Value = app.get_json("/api/v1/delegations", Some(&broker_token)).await.json().await.unwrap();
    let grant = grants["delegations"][0]["id"].as_i64().unwrap();
    let revoked = post_form(&app, &enterprise, &format!("/delegations/{grant}/revoke"), &csrf, &[]).await;
    assert_eq!(revoked.status(), StatusCode::SEE_OTHER);
    let board = page_text(&broker, &app, "/workspace").await;
    assert!(!board.contains("正在代为操作") && !board.contains("代发：焊工学徒"));
    let refused = post_form(
        &app,
        &broker,
        "/postings/new?kind=apprenticeship",
        &broker_csrf,
        &[
            ("title", "再代发"),
            ("region", "330603"),
            ("quantity", "4"),
            ("apprenticeship_type", "modern"),
            ("intent", "publish"),
        ],
    )
    .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN, "an intermediary posts nothing of its own");
}

#[tokio::test]
async fn the_city_appoints_an_assessor_who_scores_on_its_page() {
    let app = spawn_app().await;
    let school_token = app.demo_login("school@demo.local").await;
    let enterprise_token = app.demo_login("enterprise@demo.local").await;
    let need = publish(&app, &enterprise_token, apprenticeship(10)).await;
    let offer = publish(&app, &school_token, program_offer()).await;
    let body = json!({"from_posting_id": need, "to_posting_id": offer, "message": "合作"});
    let proposal: Value =
        app.post_json("/api/v1/proposals", &body, Some(&enterprise_token)).await.json().await.unwrap();
    let answer = format!("/api/v1/proposals/{}/answer", proposal["id"]);
    let accepted: Value =
        app.post_json(&answer, &json!({"action": "accept"}), Some(&school_token)).await.json().await.unwrap();
    let project = accepted["project_id"].as_i64().unwrap();
    let (school, school_csrf) = signed_in(&app, "school@demo.local").await;
    let path = format!("/projects/{project}");
    assert_eq!(
        post_form(&app, &school, &path, &school_csrf, &[("action", "start")]).await.status(),
        StatusCode::SEE_OTHER
    );
    let incomplete = post_form(&app, &school, &path, &school_csrf, &[("action", "complete"), ("placed", "")]).await;
    assert_eq!(incomplete.status(), StatusCode::UNPROCESSABLE_ENTITY, "placed is required to complete");
    let done =
        post_form(&app, &school, &path, &school_csrf, &[("action", "complete"), ("placed", "9"), ("hired", "7")]).await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);

    let (city, city_csrf) = signed_in(&app, "city@demo.local").await;
    let page = page_text(&city, &app, &path).await;
    assert!(page.contains("指派评估机构") && page.contains("已完成"));
    let broker_org = app.my_org_id(&app.demo_login("broker@demo.local").await).await;
    let appointed = post_form(
        &app,
        &city,
        &path,
        &city_csrf,
        &[("action", "appoint"), ("assessor_org_id", &broker_org.to_string())],
    )
    .await;
    assert_eq!(appointed.status(), StatusCode::SEE_OTHER);

    let (broker, broker_csrf) = signed_in(&app, "broker@demo.local").await;
    let list = page_text(&broker, &app, "/assessments").await;
    assert!(list.contains("name=\"score_goals\"") && list.contains("学徒制培养"));
    let mine: Value = app
        .get_json("/api/v1/assessments", Some(&app.demo_login("broker@demo.local").await))
        .await
        .json()
        .await
        .unwrap();
    let id = mine["assessments"][0]["id"].as_i64().unwrap();
    let submit = format!("/assessments/{id}");
    let partial = post_form(&app, &broker, &submit, &broker_csrf, &[("score_goals", "5")]).await;
    assert_eq!(partial.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let scores = [
        ("score_goals", "5"),
        ("score_outcomes", "4"),
        ("score_enterprise_engagement", "4"),
        ("score_school_engagement", "5"),
        ("score_management", "4"),
        ("comment", "成效明显"),
    ];
    assert_eq!(post_form(&app, &broker, &submit, &broker_csrf, &scores).await.status(), StatusCode::SEE_OTHER);
    assert!(page_text(&school, &app, &path).await.contains("4.4"), "participants see the score");
}

#[tokio::test]
async fn a_proposal_path_that_is_not_a_number_is_the_error_page_naming_the_id() {
    let app = spawn_app().await;
    let (enterprise, _) = signed_in(&app, "enterprise@demo.local").await;
    for path in ["/proposals/abc", "/proposals/abc?lang=en"] {
        let response = enterprise.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{path}");
        let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
        assert!(content_type.starts_with("text/html"), "{path}: {content_type}");
        let html = response.text().await.unwrap();
        assert!(html.contains("class=\"narrow error-page\"") && html.contains("<li>id："), "{path}: {html}");
    }
}
