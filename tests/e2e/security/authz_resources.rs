//! The resources the authorization matrix's cells act on ([`super::authz_fixtures`]), each made
//! fresh through the API by its owner: members, postings, proposals, projects, grants, slots and
//! allocation rounds.

use crate::e2e::booking::api::{future_day, scalar};
use crate::e2e::brokering::api::{apprenticeship, program_offer};
use crate::e2e::rounds::api::place_posting;
use crate::e2e::security::actors::{Caller, Cast, Kind, serial};
use crate::e2e::support::{DEMO_PASSWORD, TestApp};
use chanjiao_api::services::alerts::{Notice, Topic, notify};
use reqwest::Method;
use serde_json::{Value, json};

pub(crate) fn api(path: impl std::fmt::Display) -> String {
    format!("/api/v1{path}")
}

pub(crate) fn id(value: &Value) -> i64 {
    value["id"].as_i64().unwrap_or_else(|| panic!("no id in {value}"))
}

/// A new member of the owner's organization, by user id.
pub(crate) async fn member(app: &TestApp, owner: &Caller) -> i64 {
    let org = owner.org_id.expect("an organization");
    let body =
        json!({"email": format!("matrix-user-{}@example.org", serial()), "password": DEMO_PASSWORD, "role": "member"});
    id(&owner.post(app, &api(format!("/organizations/{org}/members")), body).await)
}

pub(crate) fn job(publish: bool) -> Value {
    json!({"kind": "job", "title": "数控车工（矩阵）", "description": "负责数控车床编程与操作。", "skills": ["数控编程"],
        "region": "330603", "quantity": 3, "education_level": "gaozhi_zhuanke", "program_codes": ["460103"],
        "industry_clusters": ["hq_equipment"], "ends_on": "2099-06-30", "publish": publish})
}

pub(crate) async fn publish(app: &TestApp, owner: &Caller, mut body: Value) -> i64 {
    body["publish"] = json!(true);
    id(&owner.post(app, "/api/v1/postings", body).await)
}

/// A school's proposal to one of the enterprise's needs, awaiting the enterprise.
pub(crate) async fn proposal_to_enterprise(app: &TestApp, cast: &Cast) -> i64 {
    let need = publish(app, cast.owner(Kind::Enterprise), apprenticeship(5)).await;
    let school = cast.owner(Kind::School);
    let offer = publish(app, school, program_offer()).await;
    let body =
        json!({"from_posting_id": offer, "to_posting_id": need, "message": "我校数控专业愿意合作", "quantity": 5});
    id(&school.post(app, "/api/v1/proposals", body).await)
}

/// An agreed project between the demo enterprise and the demo school.
pub(crate) async fn project(app: &TestApp, cast: &Cast) -> i64 {
    let proposal = proposal_to_enterprise(app, cast).await;
    let enterprise = cast.owner(Kind::Enterprise);
    let accepted =
        enterprise.post(app, &api(format!("/proposals/{proposal}/answer")), json!({"action": "accept"})).await;
    accepted["project_id"].as_i64().unwrap_or_else(|| panic!("no project in {accepted}"))
}

pub(crate) async fn completed_project(app: &TestApp, cast: &Cast) -> i64 {
    let project = project(app, cast).await;
    let path = api(format!("/projects/{project}"));
    cast.owner(Kind::School).must(app, Method::PATCH, &path, &json!({"action": "start"})).await;
    let done = json!({"action": "complete", "placed": 3});
    cast.owner(Kind::Enterprise).must(app, Method::PATCH, &path, &done).await;
    project
}

/// The id of an active grant from `client` to `intermediary`'s organization, made if needed.
pub(crate) async fn active_grant(app: &TestApp, client: &Caller, intermediary: &Caller) -> i64 {
    let grants = client.must(app, Method::GET, "/api/v1/delegations", &json!({})).await;
    let existing = grants["delegations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["active"] == true && g["intermediary_id"].as_i64() == intermediary.org_id);
    match existing {
        Some(grant) => id(grant),
        None => id(&client.post(app, "/api/v1/delegations", json!({"intermediary_id": intermediary.org_id})).await),
    }
}

pub(crate) async fn training_base(app: &TestApp, owner: &Caller) -> i64 {
    let body = json!({"kind": "training_base_hosted", "title": "数控加工实训基地（矩阵）", "region": "330603",
        "quantity": 40});
    publish(app, owner, body).await
}

pub(crate) async fn slot(app: &TestApp, owner: &Caller, base: i64) -> i64 {
    let body = json!({"date": future_day(14).to_string(), "period": "morning", "capacity": 10});
    let slots = owner.post(app, &api(format!("/postings/{base}/slots")), body).await;
    id(&slots[0])
}

/// A slot of a new base of the demo enterprise, for schools to book.
pub(crate) async fn enterprise_slot(app: &TestApp, cast: &Cast) -> i64 {
    let enterprise = cast.owner(Kind::Enterprise);
    let base = training_base(app, enterprise).await;
    slot(app, enterprise, base).await
}

pub(crate) fn booking() -> Value {
    json!({"headcount": 2, "purpose": "数控专业课程实训", "contact": "王老师"})
}

pub(crate) fn round_body() -> Value {
    json!({"name": "矩阵学徒招收", "preference_deadline": "2099-06-30T17:00", "seed": 7})
}

pub(crate) fn student(place: Option<i64>) -> Value {
    let mut body = json!({"pseudonym": format!("m{}", serial()), "program_code": "460103", "level": "gaozhi_zhuanke",
        "consent": true});
    if let Some(place) = place {
        body["preferences"] = json!([place]);
    }
    body
}

pub(crate) async fn draft_round(app: &TestApp, organizer: &Caller) -> i64 {
    id(&organizer.post(app, "/api/v1/rounds", round_body()).await)
}

/// A place of one seat on a new apprenticeship of the demo enterprise.
pub(crate) async fn add_place(app: &TestApp, cast: &Cast, round: i64) -> i64 {
    let posting = place_posting(app, cast.owner(Kind::Enterprise).token(), "矩阵学徒名额", "460103", 1).await;
    let city = cast.owner(Kind::Authority);
    id(&city.post(app, &api(format!("/rounds/{round}/places")), json!({"posting_id": posting})).await)
}

/// A round of the city with one place, and perhaps one student of the demo school who wants it.
pub(crate) struct RoundAt {
    pub(crate) round: i64,
    pub(crate) place: i64,
    pub(crate) student: Option<i64>,
}

pub(crate) async fn collecting_round(app: &TestApp, cast: &Cast, with_student: bool) -> RoundAt {
    let city = cast.owner(Kind::Authority);
    let round = draft_round(app, city).await;
    let place = add_place(app, cast, round).await;
    city.post(app, &api(format!("/rounds/{round}/open")), json!({})).await;
    let student = if with_student {
        let school = cast.owner(Kind::School);
        Some(id(&school.post(app, &api(format!("/rounds/{round}/students")), student(Some(place))).await))
    } else {
        None
    };
    RoundAt { round, place, student }
}

pub(crate) async fn run_round(app: &TestApp, cast: &Cast) -> RoundAt {
    let r = collecting_round(app, cast, true).await;
    cast.owner(Kind::Authority).post(app, &api(format!("/rounds/{}/run", r.round)), json!({})).await;
    r
}

/// A published round in which the demo school's student holds the place.
pub(crate) async fn published_round(app: &TestApp, cast: &Cast) -> RoundAt {
    let r = run_round(app, cast).await;
    cast.owner(Kind::Authority).post(app, &api(format!("/rounds/{}/publish", r.round)), json!({})).await;
    r
}

pub(crate) fn designation() -> Value {
    json!({"designation_type": "pilot_enterprise", "organization_name": format!("矩阵试点企业{}", serial()),
        "district": "330603", "year": 2022, "issuing_body": "浙江省发展和改革委员会", "document_number": "浙发改社会〔2022〕12号"})
}

pub(crate) fn saved_search() -> Value {
    json!({"kind": "saved_search", "query": "q=数控&kind=job", "name": "矩阵订阅"})
}

/// A new notice to `organization`, by id.
pub(crate) async fn notice(app: &TestApp, organization: i64) -> i64 {
    let notice = Notice {
        organization_id: organization,
        topic: Topic::ProjectUpdated,
        title_zh: "矩阵测试通知".into(),
        title_en: "Matrix test notice".into(),
        link: "/projects".into(),
        data: json!({}),
    };
    notify(&app.db, notice, app.clock.now()).await.expect("a notice");
    scalar(app, &format!("SELECT MAX(id) FROM notifications WHERE organization_id = {organization}")).await
}
