//! Effectiveness indicators and the league table on hand-made fixtures made through the API:
//! proposals accepted, declined and left to expire, projects completed with outcomes, a
//! third-party assessment. An organization with no activity shows "no data", not 0; a year of
//! history moves with the year filter; a school sees its own figures and only aggregates of
//! other schools.

use chanjiao_api::entities::projects;
use chanjiao_api::services::brokering::proposals;
use chrono::{Datelike, Duration, TimeZone, Utc};
use reqwest::StatusCode;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

use crate::e2e::brokering::api::{apprenticeship, program_offer, publish};
use crate::e2e::support::{TestApp, page_text, problem_fields, signed_in, spawn_app};

pub(crate) const SCHOOL: &str = "绍兴市现代职业技术学院";
const IDLE_SCHOOL: &str = "柯桥区职业教育中心";

pub(crate) async fn json_of(response: reqwest::Response, expected: StatusCode) -> Value {
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, expected, "{body}");
    body
}

/// A proposal from `from` (of `token`'s organization) to `to`; its id.
pub(crate) async fn propose(app: &TestApp, token: &str, from: i64, to: i64, extra: Value) -> i64 {
    let mut body = json!({"from_posting_id": from, "to_posting_id": to, "message": "希望合作", "quantity": 5});
    for (key, value) in extra.as_object().unwrap() {
        body[key] = value.clone();
    }
    json_of(app.post_json("/api/v1/proposals", &body, Some(token)).await, StatusCode::CREATED).await["id"]
        .as_i64()
        .unwrap()
}

pub(crate) async fn answer(app: &TestApp, token: &str, id: i64, body: Value) -> Value {
    json_of(app.post_json(&format!("/api/v1/proposals/{id}/answer"), &body, Some(token)).await, StatusCode::OK).await
}

pub(crate) async fn patch_project(app: &TestApp, token: &str, id: i64, body: Value) {
    let response =
        app.api.patch(app.url(&format!("/api/v1/projects/{id}"))).bearer_auth(token).json(&body).send().await.unwrap();
    json_of(response, StatusCode::OK).await;
}

/// Proposes `need` (the enterprise's) to `offer` (the school's), the school accepts, starts,
/// and the enterprise completes it with `outcomes`; the project's id.
pub(crate) async fn completed_project(
    app: &TestApp,
    enterprise: &str,
    school: &str,
    need: i64,
    offer: i64,
    outcomes: Value,
) -> i64 {
    let id = propose(app, enterprise, need, offer, json!({})).await;
    let project = answer(app, school, id, json!({"action": "accept"})).await["project_id"].as_i64().unwrap();
    patch_project(app, school, project, json!({"action": "start"})).await;
    let mut body = outcomes;
    body["action"] = json!("complete");
    patch_project(app, enterprise, project, body).await;
    project
}

pub(crate) fn teacher_post() -> Value {
    json!({"kind": "teacher_practice_post", "title": "数控车间教师实践岗位", "region": "330603", "quantity": 3,
        "description": "接收专业教师到车间实践，企业工程师带教。", "ends_on": "2099-06-30"})
}

pub(crate) fn teacher_need() -> Value {
    json!({"kind": "teacher_practice_need", "title": "数控专业教师企业实践", "region": "330602", "quantity": 3,
        "description": "三名专业教师需要到企业实践。", "ends_on": "2099-06-30"})
}

/// A new school registered through the API and verified by the platform; its admin's token.
pub(crate) async fn another_school(app: &TestApp, name: &str, region: &str, email: &str) -> String {
    let body = json!({"kind": "school", "name": name, "region": region, "level": "gaozhi_zhuanke",
        "admin_email": email, "admin_password": "a-long-password"});
    let created = json_of(app.post_json("/api/v1/organizations", &body, None).await, StatusCode::CREATED).await;
    let admin = app.demo_login("admin@demo.local").await;
    let path = format!("/api/v1/organizations/{}/verification", created["id"]);
    json_of(app.post_json(&path, &json!({"decision": "verified"}), Some(&admin)).await, StatusCode::OK).await;
    app.login(email, "a-long-password").await
}

fn row<'a>(league: &'a Value, name: &str) -> &'a Value {
    league["rows"].as_array().unwrap().iter().find(|r| r["organization"]["name"] == name).unwrap()
}

async fn league(app: &TestApp, token: &str, query: &str) -> Value {
    json_of(app.get_json(&format!("/api/v1/statistics/league{query}"), Some(token)).await, StatusCode::OK).await
}

#[tokio::test]
async fn indicators_follow_their_formulas_and_no_activity_is_no_data() {
    let app = spawn_app().await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let school = app.demo_login("school@demo.local").await;
    let city = app.demo_login("city@demo.local").await;
    let broker = app.demo_login("broker@demo.local").await;
    let offer = publish(&app, &school, program_offer()).await;
    // Accepted and completed: 8 placed, 6 hired, 5 still there after 6 months, 4 certificates.
    let need = publish(&app, &enterprise, apprenticeship(10)).await;
    let project = completed_project(
        &app,
        &enterprise,
        &school,
        need,
        offer,
        json!({"placed": 8, "hired": 6, "retained_6m": 5, "certificates": 4}),
    )
    .await;
    // Declined: an answer. Left unanswered: expires and counts against the school.
    let declined = publish(&app, &enterprise, apprenticeship(4)).await;
    let id = propose(&app, &enterprise, declined, offer, json!({})).await;
    answer(&app, &school, id, json!({"action": "decline", "reason": "no_capacity"})).await;
    let ignored = publish(&app, &enterprise, apprenticeship(3)).await;
    propose(&app, &enterprise, ignored, offer, json!({"respond_within_days": 2})).await;
    assert_eq!(proposals::sweep(&app.db, Utc::now() + Duration::hours(49)).await.unwrap(), 1);
    // Teachers' practice: 3 teachers, 120 hours; not a student placement.
    let post = publish(&app, &enterprise, teacher_post()).await;
    let practice = publish(&app, &school, teacher_need()).await;
    completed_project(&app, &enterprise, &school, post, practice, json!({"placed": 3, "practice_hours": 120})).await;
    // A third party scores the apprenticeship project 4.4.
    let broker_org = app.my_org_id(&broker).await;
    let appointed = app
        .post_json(
            &format!("/api/v1/projects/{project}/assessments"),
            &json!({"assessor_org_id": broker_org}),
            Some(&city),
        )
        .await;
    let appointed = json_of(appointed, StatusCode::CREATED).await;
    let scores = json!({"scores": {"goals": "5", "outcomes": "4", "enterprise_engagement": "5", "school_engagement": "4",
        "management": "4"}});
    let submitted = app.post_json(&format!("/api/v1/assessments/{}", appointed["id"]), &scores, Some(&broker)).await;
    json_of(submitted, StatusCode::OK).await;

    let schools = league(&app, &city, "?kind=school&sort=placements").await;
    assert_eq!(schools["scope"], "full");
    let ours = row(&schools, SCHOOL);
    assert_eq!(ours["rank"], 1);
    let indicators = &ours["indicators"];
    assert_eq!(indicators["response_rate"].as_f64(), Some(0.75), "two accepted and one declined of four rounds");
    assert_eq!((ours["responses"]["answered"].as_u64(), ours["responses"]["counted"].as_u64()), (Some(3), Some(4)));
    assert_eq!(indicators["placements"], 8, "students only: the teachers are not placements");
    assert_eq!(indicators["hires"], 6);
    assert_eq!(indicators["retention_6m"].as_f64(), Some(5.0 / 6.0));
    assert_eq!(indicators["retention_12m"], Value::Null, "not reported yet: no data");
    assert_eq!(indicators["mean_assessment"].as_f64(), Some(4.4));
    assert_eq!(indicators["practice_hours"].as_f64(), Some(120.0));
    assert_eq!(ours["outcomes"]["certificates"], 4);
    // Both of the school's postings were matched, within seconds.
    assert_eq!((ours["matching"]["matched"].as_u64(), ours["matching"]["unmatched"].as_u64()), (Some(2), Some(0)));
    assert!(indicators["median_days_to_match"].as_f64().unwrap() < 0.01);

    // A school that did nothing: listed, with no data rather than zeros, after the active ones.
    let idle = row(&schools, IDLE_SCHOOL);
    assert_eq!(idle["active"], false);
    assert_eq!(idle["rank"], Value::Null);
    for key in ["response_rate", "median_days_to_match", "placements", "hires", "retention_6m", "mean_assessment"] {
        assert_eq!(idle["indicators"][key], Value::Null, "{key}");
    }
    let rows = schools["rows"].as_array().unwrap();
    let first_idle = rows.iter().position(|r| r["active"] == false).unwrap();
    assert!(rows[first_idle..].iter().all(|r| r["active"] == false), "no activity is listed last");

    // The enterprise never had to answer: its response rate is no data; three of its four
    // needs were never matched.
    let enterprises = league(&app, &city, "?kind=enterprise&sort=response_rate").await;
    let ours = row(&enterprises, "绍兴精工数控机床有限公司");
    assert_eq!(ours["indicators"]["response_rate"], Value::Null);
    assert_eq!((ours["matching"]["matched"].as_u64(), ours["matching"]["unmatched"].as_u64()), (Some(2), Some(2)));
    assert_eq!(ours["indicators"]["placements"], 8);
}

#[tokio::test]
async fn the_year_and_district_filters_move_the_figures() {
    let app = spawn_app().await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let school = app.demo_login("school@demo.local").await;
    let city = app.demo_login("city@demo.local").await;
    let offer = publish(&app, &school, program_offer()).await;
    for placed in [4, 6] {
        let need = publish(&app, &enterprise, apprenticeship(10)).await;
        completed_project(&app, &enterprise, &school, need, offer, json!({"placed": placed, "hired": placed})).await;
    }
    // One of the two projects was completed last year.
    let this_year = Utc::now().year();
    let last_year = this_year - 1;
    let first = projects::Entity::find().order_by_asc(projects::Column::Id).all(&app.db).await.unwrap()[0].id;
    projects::Entity::update_many()
        .col_expr(projects::Column::CompletedAt, Expr::value(Utc.with_ymd_and_hms(last_year, 6, 1, 0, 0, 0).unwrap()))
        .filter(projects::Column::Id.eq(first))
        .exec(&app.db)
        .await
        .unwrap();
    let placements = |league: &Value| row(league, SCHOOL)["indicators"]["placements"].clone();
    assert_eq!(placements(&league(&app, &city, "").await), 10, "every year");
    assert_eq!(placements(&league(&app, &city, &format!("?year={last_year}")).await), 4);
    assert_eq!(placements(&league(&app, &city, &format!("?year={this_year}")).await), 6);
    let long_ago = league(&app, &city, "?year=2015").await;
    assert_eq!(placements(&long_ago), Value::Null, "a year without activity is no data");
    assert_eq!(row(&long_ago, SCHOOL)["active"], false);
    // The school is in 越城区 (330602); 柯桥区's table does not list it.
    let keqiao = league(&app, &city, "?district=330603").await;
    assert!(keqiao["rows"].as_array().unwrap().iter().all(|r| r["organization"]["name"] != SCHOOL));
    assert!(
        league(&app, &city, "?district=330602").await["rows"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["organization"]["name"] == SCHOOL)
    );
}

#[tokio::test]
async fn the_league_sorts_by_any_indicator_best_first() {
    let app = spawn_app().await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let school = app.demo_login("school@demo.local").await;
    let city = app.demo_login("city@demo.local").await;
    let other = another_school(&app, "绍兴第二技师学院", "330603", "admin@second.cn").await;
    // Ours places more; the other keeps more of those it placed.
    let offer = publish(&app, &school, program_offer()).await;
    let need = publish(&app, &enterprise, apprenticeship(10)).await;
    completed_project(&app, &enterprise, &school, need, offer, json!({"placed": 9, "hired": 8, "retained_6m": 4}))
        .await;
    let other_offer = publish(&app, &other, program_offer()).await;
    let need = publish(&app, &enterprise, apprenticeship(10)).await;
    completed_project(&app, &enterprise, &other, need, other_offer, json!({"placed": 3, "hired": 2, "retained_6m": 2}))
        .await;
    let names = |league: &Value| -> Vec<String> {
        league["rows"]
            .as_array()
            .unwrap()
            .iter()
            .take(2)
            .map(|r| r["organization"]["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let by_placements = league(&app, &city, "?kind=school&sort=placements").await;
    assert_eq!(names(&by_placements), [SCHOOL, "绍兴第二技师学院"]);
    assert_eq!(by_placements["rows"][0]["value"], 9.0);
    let by_retention = league(&app, &city, "?kind=school&sort=retention_6m").await;
    assert_eq!(names(&by_retention), ["绍兴第二技师学院", SCHOOL]);
    assert_eq!(
        (by_retention["rows"][0]["rank"].as_u64(), by_retention["rows"][1]["rank"].as_u64()),
        (Some(1), Some(2))
    );
    // The page links each column to its sort and shows no data as such.
    let (browser, _) = signed_in(&app, "city@demo.local").await;
    let page = page_text(&browser, &app, "/statistics/league?kind=school&sort=retention_6m&district=330603").await;
    assert!(page.contains("绍兴第二技师学院") && !page.contains(SCHOOL), "柯桥区 only");
    assert!(page.contains("aria-sort=\"descending\""));
    assert!(page.contains("无数据"));
    assert!(page.contains("href=\"/statistics/league?kind=school&amp;sort=placements&amp;district=330603\""));
}

#[tokio::test]
async fn a_school_sees_its_own_figures_and_only_aggregates_of_other_schools() {
    let app = spawn_app().await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let school = app.demo_login("school@demo.local").await;
    let mut others = Vec::new();
    for (name, email) in [("绍兴第二技师学院", "a@second.cn"), ("绍兴第三技师学院", "a@third.cn")] {
        others.push((name, another_school(&app, name, "330603", email).await));
    }
    let offer = publish(&app, &school, program_offer()).await;
    let need = publish(&app, &enterprise, apprenticeship(10)).await;
    completed_project(&app, &enterprise, &school, need, offer, json!({"placed": 7})).await;
    let (name, token) = &others[0];
    let other_offer = publish(&app, token, program_offer()).await;
    let need = publish(&app, &enterprise, apprenticeship(10)).await;
    completed_project(&app, &enterprise, token, need, other_offer, json!({"placed": 2})).await;

    // Asking for enterprises changes nothing: a school sees schools' aggregates.
    let response = app.get_json("/api/v1/statistics/league?kind=enterprise", Some(&school)).await;
    let text = response.text().await.unwrap();
    assert!(!text.contains(name) && !text.contains("绍兴第三技师学院"), "no other school is named");
    let mine: Value = serde_json::from_str(&text).unwrap();
    assert_eq!((mine["scope"].as_str(), mine["kind"].as_str()), (Some("own"), Some("school")));
    assert_eq!(mine["rows"].as_array().unwrap().len(), 0);
    assert_eq!(mine["own"]["organization"]["name"], SCHOOL);
    assert_eq!(mine["own"]["indicators"]["placements"], 7);
    let placements = mine["summary"].as_array().unwrap().iter().find(|s| s["indicator"] == "placements").unwrap();
    assert_eq!(placements["with_data"], 2);
    assert_eq!(placements["median"], Value::Null, "two values: the median would give the other away");
    // With a third school placing, the quartiles appear.
    let (_, third) = &others[1];
    let third_offer = publish(&app, third, program_offer()).await;
    let need = publish(&app, &enterprise, apprenticeship(10)).await;
    completed_project(&app, &enterprise, third, need, third_offer, json!({"placed": 4})).await;
    let mine = league(&app, &school, "").await;
    let placements = mine["summary"].as_array().unwrap().iter().find(|s| s["indicator"] == "placements").unwrap();
    assert_eq!((placements["with_data"].as_u64(), placements["median"].as_f64()), (Some(3), Some(4.0)));
    assert_eq!((placements["q1"].as_f64(), placements["q3"].as_f64()), (Some(3.0), Some(5.5)));

    let (browser, _) = signed_in(&app, "school@demo.local").await;
    for path in ["/statistics/league", "/statistics/league/mine"] {
        let page = page_text(&browser, &app, path).await;
        assert!(page.contains(SCHOOL) && page.contains("全市同类单位汇总"), "{path}");
        assert!(!page.contains(name) && !page.contains("绍兴第三技师学院"), "{path} names no other school");
    }
    // The city sees everyone by name.
    let city = app.demo_login("city@demo.local").await;
    let full = app.get_json("/api/v1/statistics/league", Some(&city)).await.text().await.unwrap();
    assert!(full.contains(name) && full.contains("绍兴第三技师学院"));
    // An authority has no indicators of its own.
    assert_eq!(app.get_json("/api/v1/statistics/league/mine", Some(&city)).await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn bad_league_parameters_are_named_and_strangers_must_sign_in() {
    let app = spawn_app().await;
    let city = app.demo_login("city@demo.local").await;
    let bad =
        app.get_json("/api/v1/statistics/league?kind=authority&sort=fame&year=1999&district=330100", Some(&city)).await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem_fields(bad).await, ["district", "year", "kind", "sort"]);
    assert_eq!(app.get_json("/api/v1/statistics/league", None).await.status(), StatusCode::UNAUTHORIZED);
    let page = app.api.get(app.url("/statistics/league")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn an_intermediary_is_credited_with_what_it_brokered() {
    let app = spawn_app().await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let school = app.demo_login("school@demo.local").await;
    let broker = app.demo_login("broker@demo.local").await;
    let city = app.demo_login("city@demo.local").await;
    let broker_org = app.my_org_id(&broker).await;
    let client = app.my_org_id(&enterprise).await;
    let grant = app.post_json("/api/v1/delegations", &json!({"intermediary_id": broker_org}), Some(&enterprise)).await;
    json_of(grant, StatusCode::CREATED).await;
    let acting = |method: reqwest::Method, path: &str| {
        app.api.request(method, app.url(path)).bearer_auth(broker.clone()).header("x-on-behalf-of", client.to_string())
    };
    let offer = publish(&app, &school, program_offer()).await;
    let mut body = apprenticeship(10);
    body["publish"] = json!(true);
    let need = json_of(
        acting(reqwest::Method::POST, "/api/v1/postings").json(&body).send().await.unwrap(),
        StatusCode::CREATED,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let proposal = acting(reqwest::Method::POST, "/api/v1/proposals")
        .json(&json!({"from_posting_id": need, "to_posting_id": offer, "message": "代企业提出合作", "quantity": 6}))
        .send()
        .await
        .unwrap();
    let id = json_of(proposal, StatusCode::CREATED).await["id"].as_i64().unwrap();
    // The school counters; the intermediary answers for its client.
    answer(&app, &school, id, json!({"action": "counter", "message": "只能安排 5 人", "quantity": 5})).await;
    let accepted = acting(reqwest::Method::POST, &format!("/api/v1/proposals/{id}/answer"))
        .json(&json!({"action": "accept"}))
        .send()
        .await
        .unwrap();
    let project = json_of(accepted, StatusCode::OK).await["project_id"].as_i64().unwrap();
    patch_project(&app, &school, project, json!({"action": "start"})).await;
    patch_project(&app, &enterprise, project, json!({"action": "complete", "placed": 5, "hired": 4})).await;

    let intermediaries = league(&app, &city, "?kind=intermediary").await;
    let ours = row(&intermediaries, "绍兴产教融合服务中心");
    assert_eq!(ours["rank"], 1);
    assert_eq!((ours["indicators"]["placements"].as_u64(), ours["indicators"]["hires"].as_u64()), (Some(5), Some(4)));
    assert_eq!(ours["indicators"]["response_rate"], 1.0, "it answered the counter-offer for its client");
    assert_eq!((ours["matching"]["matched"].as_u64(), ours["matching"]["unmatched"].as_u64()), (Some(1), Some(0)));
    // The client is credited too, and the school for its answer to the first offer.
    let enterprises = league(&app, &city, "?kind=enterprise").await;
    assert_eq!(row(&enterprises, "绍兴精工数控机床有限公司")["indicators"]["response_rate"], 1.0);
    // The intermediary itself sees its own row and no other intermediary.
    let mine = league(&app, &broker, "").await;
    assert_eq!((mine["scope"].as_str(), mine["kind"].as_str()), (Some("own"), Some("intermediary")));
    assert_eq!(mine["own"]["indicators"]["placements"], 5);
}
