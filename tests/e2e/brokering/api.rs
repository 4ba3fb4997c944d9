//! Brokering end to end: proposals both ways with deadlines, reminders and expiry; projects
//! with outcomes that fill postings; intermediaries acting on behalf of clients; third-party
//! assessment visible only to the appointed assessor.

use chanjiao_api::services::brokering::proposals;
use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::e2e::support::{TestApp, problem_fields, spawn_app};

pub(crate) async fn publish(app: &TestApp, token: &str, body: Value) -> i64 {
    let mut body = body;
    body["publish"] = json!(true);
    let response = app.post_json("/api/v1/postings", &body, Some(token)).await;
    let status = response.status();
    let created: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{created}");
    created["id"].as_i64().unwrap()
}

pub(crate) fn apprenticeship(quantity: u32) -> Value {
    json!({"kind": "apprenticeship", "title": "数控车工现代学徒", "region": "330603", "quantity": quantity,
        "apprenticeship_type": "modern", "description": "招收数控技术专业学徒，企业师傅带教。",
        "skills": ["数控编程"], "program_codes": ["460103"], "education_level": "gaozhi_zhuanke",
        "ends_on": "2099-06-30"})
}

pub(crate) fn program_offer() -> Value {
    json!({"kind": "program_offering", "title": "数控技术专业", "region": "330602", "quantity": 40,
        "program_codes": ["460103"], "education_level": "gaozhi_zhuanke",
        "description": "数控技术专业，每年毕业生约 40 人。", "ends_on": "2099-06-30"})
}

/// An enterprise apprenticeship need and a school's program offer, both published.
async fn pair(app: &TestApp, quantity: u32) -> (String, String, i64, i64) {
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let school = app.demo_login("school@demo.local").await;
    let need = publish(app, &enterprise, apprenticeship(quantity)).await;
    let offer = publish(app, &school, program_offer()).await;
    (enterprise, school, need, offer)
}

async fn propose(app: &TestApp, token: &str, from: i64, to: i64, extra: Value) -> reqwest::Response {
    let mut body =
        json!({"from_posting_id": from, "to_posting_id": to, "message": "希望合作开展现代学徒制", "quantity": 10});
    for (key, value) in extra.as_object().unwrap() {
        body[key] = value.clone();
    }
    app.post_json("/api/v1/proposals", &body, Some(token)).await
}

async fn answer(app: &TestApp, token: &str, id: i64, body: Value) -> reqwest::Response {
    app.post_json(&format!("/api/v1/proposals/{id}/answer"), &body, Some(token)).await
}

/// The topics in an organization's inbox, newest first.
async fn inbox_topics(app: &TestApp, token: &str) -> Vec<String> {
    let inbox: Value = app.get_json("/api/v1/inbox", Some(token)).await.json().await.unwrap();
    inbox["items"].as_array().unwrap().iter().map(|i| i["topic"].as_str().unwrap().to_owned()).collect()
}

async fn json_of(response: reqwest::Response, expected: StatusCode) -> Value {
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, expected, "{body}");
    body
}

#[tokio::test]
async fn a_proposal_accepted_becomes_a_project_both_sides_and_the_city_see() {
    let app = spawn_app().await;
    let (enterprise, school, need, offer) = pair(&app, 10).await;
    let proposal = json_of(propose(&app, &enterprise, need, offer, json!({})).await, StatusCode::CREATED).await;
    let id = proposal["id"].as_i64().unwrap();
    assert_eq!((proposal["status"].as_str(), proposal["awaiting"].as_str()), (Some("open"), Some("recipient")));
    // The proposer cannot answer its own offer; the school can.
    let refused = answer(&app, &enterprise, id, json!({"action": "accept"})).await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let received: Value = app.get_json("/api/v1/proposals?box=received", Some(&school)).await.json().await.unwrap();
    assert_eq!(received["proposals"][0]["id"].as_i64(), Some(id));
    assert_eq!(received["proposals"][0]["may_answer"], true);
    assert_eq!(inbox_topics(&app, &school).await, ["proposal_received"], "the school is told");
    let accepted = json_of(answer(&app, &school, id, json!({"action": "accept"})).await, StatusCode::OK).await;
    assert_eq!(inbox_topics(&app, &enterprise).await, ["proposal_answered"], "and the enterprise hears back");
    assert_eq!(accepted["status"], "accepted");
    let project_id = accepted["project_id"].as_i64().expect("a project was made");
    for token in [&enterprise, &school, &app.demo_login("city@demo.local").await] {
        let list: Value = app.get_json("/api/v1/projects", Some(token)).await.json().await.unwrap();
        let project = &list["projects"][0];
        assert_eq!(project["id"].as_i64(), Some(project_id));
        assert_eq!(project["project_type"], "apprenticeship_cohort");
        assert_eq!(project["status"], "agreed");
    }
    // Another organization sees neither.
    let other = app.demo_login("broker@demo.local").await;
    assert_eq!(app.get_json(&format!("/api/v1/proposals/{id}"), Some(&other)).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        app.get_json(&format!("/api/v1/projects/{project_id}"), Some(&other)).await.status(),
        StatusCode::NOT_FOUND
    );
    // The school answered, within the deadline: its response rate is 100 %.
    let school_org = app.my_org_id(&school).await;
    let stats: Value = app
        .get_json(&format!("/api/v1/organizations/{school_org}/responsiveness"), Some(&other))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!((stats["answered"].as_u64(), stats["rate"].as_f64()), (Some(1), Some(1.0)));
}

#[tokio::test]
async fn counter_offers_and_declines_follow_the_rules_and_bad_input_changes_nothing() {
    let app = spawn_app().await;
    let (enterprise, school, need, offer) = pair(&app, 10).await;
    // Bad terms are each named and nothing is stored.
    let bad = propose(
        &app,
        &enterprise,
        need,
        offer,
        json!({"message": "", "quantity": 0, "starts_on": "2020-01-01",
        "respond_within_days": 99}),
    )
    .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem_fields(bad).await, ["message", "quantity", "starts_on", "respond_within_days"]);
    let wrong_way = propose(&app, &enterprise, offer, need, json!({})).await;
    assert_eq!(problem_fields(wrong_way).await, ["from_posting_id"]);
    let none: Value = app.get_json("/api/v1/proposals", Some(&enterprise)).await.json().await.unwrap();
    assert_eq!(none["proposals"].as_array().unwrap().len(), 0);

    let id = json_of(propose(&app, &enterprise, need, offer, json!({})).await, StatusCode::CREATED).await["id"]
        .as_i64()
        .unwrap();
    let twice = propose(&app, &enterprise, need, offer, json!({})).await;
    assert_eq!(twice.status(), StatusCode::CONFLICT);
    // The school counters with fewer places; now it is the enterprise's turn.
    let countered = json_of(
        answer(&app, &school, id, json!({"action": "counter", "message": "今年只能安排 6 人", "quantity": 6})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!((countered["awaiting"].as_str(), countered["round"].as_i64()), (Some("proposer"), Some(2)));
    assert_eq!(countered["quantity"], 6);
    assert_eq!(answer(&app, &school, id, json!({"action": "accept"})).await.status(), StatusCode::CONFLICT);
    let bad_reason = answer(&app, &enterprise, id, json!({"action": "decline", "reason": "bored"})).await;
    assert_eq!(problem_fields(bad_reason).await, ["reason"]);
    let declined = json_of(
        answer(&app, &enterprise, id, json!({"action": "decline", "reason": "no_capacity", "note": "名额不够"})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (declined["status"].as_str(), declined["decline_reason"].as_str()),
        (Some("declined"), Some("no_capacity"))
    );
    let actions: Vec<&str> =
        declined["events"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["propose", "counter", "decline"]);
    // Closed is closed.
    assert_eq!(answer(&app, &school, id, json!({"action": "withdraw"})).await.status(), StatusCode::CONFLICT);
}

#[tokio::test]
async fn unanswered_proposals_are_reminded_then_expire_and_count_against_the_rate() {
    let app = spawn_app().await;
    let (enterprise, school, need, offer) = pair(&app, 10).await;
    let id =
        json_of(propose(&app, &enterprise, need, offer, json!({"respond_within_days": 2})).await, StatusCode::CREATED)
            .await["id"]
            .as_i64()
            .unwrap();
    let now = Utc::now();
    assert_eq!(proposals::sweep(&app.db, now).await.unwrap(), 1, "within 48 h of the deadline: a reminder");
    assert_eq!(proposals::sweep(&app.db, now + Duration::hours(1)).await.unwrap(), 0, "one reminder only");
    assert_eq!(proposals::sweep(&app.db, now + Duration::hours(49)).await.unwrap(), 1, "then expiry");
    let expired: Value = app.get_json(&format!("/api/v1/proposals/{id}"), Some(&school)).await.json().await.unwrap();
    assert_eq!(expired["status"], "expired");
    let actions: Vec<&str> =
        expired["events"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["propose", "remind", "expire"]);
    assert_eq!(inbox_topics(&app, &school).await, ["proposal_expired", "proposal_reminder", "proposal_received"]);
    assert_eq!(inbox_topics(&app, &enterprise).await, ["proposal_expired"]);
    assert_eq!(answer(&app, &school, id, json!({"action": "accept"})).await.status(), StatusCode::CONFLICT);
    let school_org = app.my_org_id(&school).await;
    let stats: Value = app
        .get_json(&format!("/api/v1/organizations/{school_org}/responsiveness"), Some(&school))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (stats["answered"].as_u64(), stats["counted"].as_u64(), stats["rate"].as_f64()),
        (Some(0), Some(1), Some(0.0))
    );
}

#[tokio::test]
async fn completing_a_project_records_outcomes_and_fills_the_posting() {
    let app = spawn_app().await;
    let (enterprise, school, need, offer) = pair(&app, 8).await;
    let id = json_of(propose(&app, &enterprise, need, offer, json!({})).await, StatusCode::CREATED).await["id"]
        .as_i64()
        .unwrap();
    let project =
        json_of(answer(&app, &school, id, json!({"action": "accept"})).await, StatusCode::OK).await["project_id"]
            .as_i64()
            .unwrap();
    let patch = |token: &str, body: Value| {
        app.api.patch(app.url(&format!("/api/v1/projects/{project}"))).bearer_auth(token.to_owned()).json(&body).send()
    };
    // Completing needs starting first, and outcomes must nest.
    assert_eq!(
        patch(&enterprise, json!({"action": "complete", "placed": 8})).await.unwrap().status(),
        StatusCode::CONFLICT
    );
    assert_eq!(patch(&school, json!({"action": "start"})).await.unwrap().status(), StatusCode::OK);
    let bad = patch(&enterprise, json!({"action": "complete", "placed": 8, "hired": 9})).await.unwrap();
    assert_eq!(problem_fields(bad).await, ["hired"]);
    let done =
        patch(&enterprise, json!({"action": "complete", "placed": 8, "hired": 6, "certificates": 5})).await.unwrap();
    let done: Value = json_of(done, StatusCode::OK).await;
    assert_eq!((done["status"].as_str(), done["outcomes"]["hired"].as_u64()), (Some("completed"), Some(6)));
    // Eight placed of eight wanted: the need is filled; the school's offer of 40 stays open.
    let need_now: Value =
        app.get_json(&format!("/api/v1/postings/{need}"), Some(&enterprise)).await.json().await.unwrap();
    assert_eq!(need_now["status"], "filled");
    let offer_now: Value =
        app.get_json(&format!("/api/v1/postings/{offer}"), Some(&school)).await.json().await.unwrap();
    assert_eq!(offer_now["status"], "published");
    // Retention is recorded months later.
    let later = patch(&school, json!({"placed": 8, "hired": 6, "retained_6m": 5, "certificates": 5})).await.unwrap();
    assert_eq!(json_of(later, StatusCode::OK).await["outcomes"]["retained_6m"], 5);
}

#[tokio::test]
async fn an_intermediary_acts_for_a_client_only_while_the_grant_lasts_and_is_recorded() {
    let app = spawn_app().await;
    let (enterprise, school, _need, offer) = pair(&app, 10).await;
    let broker = app.demo_login("broker@demo.local").await;
    let broker_org = app.my_org_id(&broker).await;
    let client = app.my_org_id(&enterprise).await;
    let acting = |method: reqwest::Method, path: &str| {
        app.api.request(method, app.url(path)).bearer_auth(broker.clone()).header("x-on-behalf-of", client.to_string())
    };
    let before = acting(reqwest::Method::POST, "/api/v1/postings").json(&apprenticeship(5)).send().await.unwrap();
    assert_eq!(before.status(), StatusCode::FORBIDDEN, "no grant yet");
    // A member cannot grant; the admin can, once.
    let grant = app.post_json("/api/v1/delegations", &json!({"intermediary_id": broker_org}), Some(&enterprise)).await;
    let grant = json_of(grant, StatusCode::CREATED).await;
    let again = app.post_json("/api/v1/delegations", &json!({"intermediary_id": broker_org}), Some(&enterprise)).await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    let not_intermediary = app
        .post_json("/api/v1/delegations", &json!({"intermediary_id": app.my_org_id(&school).await}), Some(&enterprise))
        .await;
    assert_eq!(problem_fields(not_intermediary).await, ["intermediary_id"]);

    let mut body = apprenticeship(5);
    body["publish"] = json!(true);
    let posted = acting(reqwest::Method::POST, "/api/v1/postings").json(&body).send().await.unwrap();
    let posted: Value = json_of(posted, StatusCode::CREATED).await;
    assert_eq!(posted["organization_id"].as_i64(), Some(client), "posted as the client");
    let need = posted["id"].as_i64().unwrap();
    let proposal = acting(reqwest::Method::POST, "/api/v1/proposals")
        .json(&json!({"from_posting_id": need, "to_posting_id": offer, "message": "代企业提出合作"}))
        .send()
        .await
        .unwrap();
    let proposal: Value = json_of(proposal, StatusCode::CREATED).await;
    assert_eq!(proposal["on_behalf_of"], "绍兴产教融合服务中心");
    // The audit log names the intermediary acting on the client's behalf.
    let audit: Value =
        app.get_json(&format!("/api/v1/postings/{need}/audit"), Some(&enterprise)).await.json().await.unwrap();
    assert_eq!(audit[0]["actor_organization_id"].as_i64(), Some(broker_org));
    assert_eq!(audit[0]["on_behalf_of"].as_i64(), Some(client));
    // The pipeline board shows the client's posting and proposal by stage.
    let board: Value = app.get_json("/api/v1/workspace/pipeline", Some(&broker)).await.json().await.unwrap();
    assert!(board["postings"]["published"].as_array().unwrap().iter().any(|p| p["id"].as_i64() == Some(need)));
    assert_eq!(board["proposals"]["open"][0]["id"], proposal["id"]);
    let note = app
        .post_json(
            "/api/v1/workspace/notes",
            &json!({"client_org_id": client, "body": "已电话沟通学徒人数"}),
            Some(&broker),
        )
        .await;
    json_of(note, StatusCode::CREATED).await;

    let revoke =
        app.post_json(&format!("/api/v1/delegations/{}/revoke", grant["id"]), &json!({}), Some(&enterprise)).await;
    json_of(revoke, StatusCode::OK).await;
    let after = acting(reqwest::Method::POST, "/api/v1/postings").json(&body).send().await.unwrap();
    assert_eq!(after.status(), StatusCode::FORBIDDEN, "revoked at once");
    let board: Value = app.get_json("/api/v1/workspace/pipeline", Some(&broker)).await.json().await.unwrap();
    assert_eq!(board["clients"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn assessors_see_and_score_only_the_projects_they_are_appointed_to() {
    let app = spawn_app().await;
    let city = app.demo_login("city@demo.local").await;
    let broker = app.demo_login("broker@demo.local").await;
    let broker_org = app.my_org_id(&broker).await;
    let mut projects = Vec::new();
    for quantity in [10, 12] {
        let (enterprise, school, need, offer) = pair(&app, quantity).await;
        let id = json_of(propose(&app, &enterprise, need, offer, json!({})).await, StatusCode::CREATED).await["id"]
            .as_i64()
            .unwrap();
        let project =
            json_of(answer(&app, &school, id, json!({"action": "accept"})).await, StatusCode::OK).await["project_id"]
                .as_i64()
                .unwrap();
        projects.push((project, enterprise, school));
    }
    let (assessed, enterprise, school) = &projects[0];
    let path = format!("/api/v1/projects/{assessed}/assessments");
    let early = app.post_json(&path, &json!({"assessor_org_id": broker_org}), Some(&city)).await;
    assert_eq!(problem_fields(early).await, ["project_id"], "only completed projects are assessed");
    for (token, body) in
        [(school, json!({"action": "start"})), (enterprise, json!({"action": "complete", "placed": 5}))]
    {
        let response =
            app.api.patch(app.url(&format!("/api/v1/projects/{assessed}"))).bearer_auth(token).json(&body).send();
        assert_eq!(response.await.unwrap().status(), StatusCode::OK);
    }
    assert_eq!(
        app.post_json(&path, &json!({"assessor_org_id": broker_org}), Some(enterprise)).await.status(),
        StatusCode::FORBIDDEN,
        "only the authority appoints"
    );
    let appointed =
        json_of(app.post_json(&path, &json!({"assessor_org_id": broker_org}), Some(&city)).await, StatusCode::CREATED)
            .await;
    assert_eq!(inbox_topics(&app, &broker).await, ["assessment_assigned"], "the assessor is told");
    // The assessor sees its appointment and that project, not the other one.
    let mine: Value = app.get_json("/api/v1/assessments", Some(&broker)).await.json().await.unwrap();
    assert_eq!(mine["assessments"].as_array().unwrap().len(), 1);
    assert_eq!(app.get_json(&format!("/api/v1/projects/{assessed}"), Some(&broker)).await.status(), StatusCode::OK);
    let other = projects[1].0;
    assert_eq!(app.get_json(&format!("/api/v1/projects/{other}"), Some(&broker)).await.status(), StatusCode::NOT_FOUND);
    let submit = format!("/api/v1/assessments/{}", appointed["id"]);
    let bad = app.post_json(&submit, &json!({"scores": {"goals": "9"}}), Some(&broker)).await;
    assert!(problem_fields(bad).await.contains(&"scores.goals".to_owned()));
    let scores = json!({"scores": {"goals": "5", "outcomes": "4", "enterprise_engagement": "5", "school_engagement": "4",
        "management": "4"}, "comment": "学徒留任率高", "evidence": "https://example.org/report.pdf"});
    assert_eq!(app.post_json(&submit, &scores, Some(enterprise)).await.status(), StatusCode::NOT_FOUND);
    let done = json_of(app.post_json(&submit, &scores, Some(&broker)).await, StatusCode::OK).await;
    assert_eq!(done["mean"].as_f64(), Some(4.4));
    assert_eq!(app.post_json(&submit, &scores, Some(&broker)).await.status(), StatusCode::CONFLICT);

    // The score is now the school's track record when it is matched.
    let school_org = app.my_org_id(school).await;
    let need = publish(&app, enterprise, apprenticeship(3)).await;
    let found = app
        .eventually(std::time::Duration::from_secs(20), || async {
            let body: Value =
                app.get_json(&format!("/api/v1/postings/{need}/matches"), Some(enterprise)).await.json().await.unwrap();
            body["matches"].as_array().unwrap().iter().any(|m| {
                m["posting"]["organization_id"].as_i64() == Some(school_org)
                    && m["criteria"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|c| c["name"] == "track_record" && c["reason"].as_str().unwrap().contains("平均 4.4 分"))
            })
        })
        .await;
    assert!(found, "the assessed school's offers carry its track record");
}
