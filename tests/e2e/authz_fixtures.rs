//! The fixtures of the authorization matrix ([`super::authz_matrix`]): for one cell, the fresh
//! resource its call acts on (created by the owner, through the API), the call itself with a
//! body the owner's call succeeds with, and a witness that shows whether a refused call changed
//! anything. A new route gets its arm in [`prepare`].

use chanjiao_api::services::alerts::{Notice, Topic, notify};
use reqwest::Method;
use serde_json::{Value, json};

use super::actors::{Actor, Caller, Cast, Kind, register, serial};
use super::authz_matrix::Row;
use super::booking::{future_day, scalar};
use super::brokering::{apprenticeship, program_offer};
use super::rounds::place_posting;
use super::support::{DEMO_PASSWORD, TestApp};

pub enum Body {
    Json(Value),
    /// A multipart upload with one `file` part.
    File {
        name: String,
        bytes: Vec<u8>,
    },
    None,
}

/// What must stay the same when a call is refused.
pub enum Witness {
    Nothing,
    /// The resource as `by` reads it.
    Read {
        path: String,
        by: Caller,
    },
    /// A number from the database, such as a row count.
    Count(String),
}

impl std::fmt::Debug for Witness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Witness::Nothing => f.write_str("nothing"),
            Witness::Read { path, by } => write!(f, "GET {path} as {}", by.email.as_deref().unwrap_or("anonymous")),
            Witness::Count(sql) => f.write_str(sql),
        }
    }
}

/// One cell, ready to send.
pub struct Cell {
    pub caller: Caller,
    pub path: String,
    pub body: Body,
    pub witness: Witness,
}

fn api(path: impl std::fmt::Display) -> String {
    format!("/api/v1{path}")
}

fn count(table: &str) -> Witness {
    Witness::Count(format!("SELECT COUNT(*) FROM {table}"))
}

fn read(path: impl std::fmt::Display, by: &Caller) -> Witness {
    Witness::Read { path: api(path), by: by.clone() }
}

fn id(value: &Value) -> i64 {
    value["id"].as_i64().unwrap_or_else(|| panic!("no id in {value}"))
}

pub async fn prepare(app: &TestApp, cast: &Cast, row: &Row, actor: Actor) -> Cell {
    let caller = cast.caller(actor, row.owner);
    let owner = cast.owner(row.owner).clone();
    let cell = |path: String, body: Value, witness: Witness| Cell {
        caller: caller.clone(),
        path: api(path),
        body: Body::Json(body),
        witness,
    };
    match (row.method, row.path) {
        ("POST", "/auth/login") => cell(
            "/auth/login".into(),
            json!({"email": "enterprise@demo.local", "password": DEMO_PASSWORD}),
            Witness::Nothing,
        ),
        ("POST", "/auth/logout") => {
            // Each caller ends a session of its own, so the cast's sessions live on. A refused
            // logout leaves the session working.
            let caller = caller.fresh_session(app).await;
            let witness = match caller.token {
                Some(_) => read("/me", &Caller { on_behalf_of: None, ..caller.clone() }),
                None => Witness::Nothing,
            };
            Cell { caller, path: api("/auth/logout"), body: Body::None, witness }
        }
        ("POST", "/organizations") => {
            let n = serial();
            let body = json!({"kind": "school", "name": format!("矩阵注册学校{n}"), "region": "330602",
                "level": "zhongzhi", "admin_email": format!("matrix-register-{n}@example.org"),
                "admin_password": DEMO_PASSWORD});
            cell("/organizations".into(), body, Witness::Nothing)
        }
        ("PATCH", "/organizations/{id}") => {
            let side = cast.fresh_owner(app, row.owner).await;
            let org = side.owner.org_id.unwrap();
            let witness = read(format!("/organizations/{org}"), &side.owner);
            let body = json!({"name": format!("矩阵改名{}", serial())});
            let caller = cast.caller_for(actor, &side);
            Cell { caller, path: api(format!("/organizations/{org}")), body: Body::Json(body), witness }
        }
        ("POST", "/organizations/{id}/members") => {
            let org = owner.org_id.unwrap();
            let body = json!({"email": format!("matrix-member-{}@example.org", serial()), "password": DEMO_PASSWORD,
                "role": "member"});
            cell(format!("/organizations/{org}/members"), body, read(format!("/organizations/{org}/members"), &owner))
        }
        ("POST", "/organizations/{id}/verification") => {
            let (org, _) = register(app, Kind::Enterprise, "待审").await;
            let witness = read(format!("/organizations/{org}"), &cast.admin);
            cell(format!("/organizations/{org}/verification"), json!({"decision": "verified"}), witness)
        }
        ("POST", "/postings") => cell("/postings".into(), job(true), count("postings")),
        ("POST", "/postings/import") => {
            let csv = "类型,标题,描述,技能,地区代码,开始日期,结束日期,数量,学历层次,专业代码,产业集群,状态\n\
                       job,数控车工,负责数控车床操作,数控编程,330603,,2099-06-30,2,gaozhi_zhuanke,460103,hq_equipment,发布\n";
            let body = Body::File { name: "matrix.csv".into(), bytes: csv.as_bytes().to_vec() };
            Cell { caller, path: api("/postings/import"), body, witness: count("postings") }
        }
        ("PATCH", "/postings/{id}") => {
            let posting = id(&owner.post(app, "/api/v1/postings", job(false)).await);
            let witness = read(format!("/postings/{posting}"), &owner);
            cell(format!("/postings/{posting}"), json!({"title": "矩阵改题"}), witness)
        }
        ("POST", "/match") => cell("/match".into(), json!({"text": "数控车床编程与操作"}), Witness::Nothing),
        ("POST", "/postings/{id}/{action}") => {
            let posting = id(&owner.post(app, "/api/v1/postings", job(true)).await);
            cell(format!("/postings/{posting}/pause"), json!({}), read(format!("/postings/{posting}"), &owner))
        }
        ("POST", "/proposals") => {
            let need = publish(app, &owner, apprenticeship(5)).await;
            let offer = publish(app, cast.owner(Kind::School), program_offer()).await;
            let body = json!({"from_posting_id": need, "to_posting_id": offer, "message": "希望合作开展现代学徒制",
                "quantity": 5});
            cell("/proposals".into(), body, count("proposals"))
        }
        ("POST", "/proposals/{id}/answer") => {
            let proposal = proposal_to_enterprise(app, cast).await;
            let witness = read(format!("/proposals/{proposal}"), &owner);
            cell(format!("/proposals/{proposal}/answer"), json!({"action": "decline", "reason": "timing"}), witness)
        }
        ("PATCH", "/projects/{id}") => {
            let project = project(app, cast).await;
            cell(
                format!("/projects/{project}"),
                json!({"action": "start"}),
                read(format!("/projects/{project}"), &owner),
            )
        }
        ("POST", "/projects/{id}/assessments") => {
            let project = completed_project(app, cast).await;
            let body = json!({"assessor_org_id": cast.owner(Kind::Intermediary).org_id});
            cell(format!("/projects/{project}/assessments"), body, count("assessments"))
        }
        ("POST", "/assessments/{id}") => {
            let project = completed_project(app, cast).await;
            let body = json!({"assessor_org_id": owner.org_id});
            let city = cast.owner(Kind::Authority);
            let assessment = id(&city.post(app, &api(format!("/projects/{project}/assessments")), body).await);
            let scores = json!({"scores": {"goals": "5", "outcomes": "4", "enterprise_engagement": "5",
                "school_engagement": "4", "management": "4"}, "comment": "学徒留任率高"});
            let witness = Witness::Count("SELECT COUNT(*) FROM assessments WHERE submitted_at IS NOT NULL".into());
            cell(format!("/assessments/{assessment}"), scores, witness)
        }
        ("POST", "/delegations") => {
            let body = json!({"intermediary_id": cast.owner(Kind::Intermediary).org_id});
            cell("/delegations".into(), body, count("delegations"))
        }
        ("POST", "/delegations/{id}/revoke") => {
            let grant = active_grant(app, &owner, cast.owner(Kind::Intermediary)).await;
            let witness = Witness::Count("SELECT COUNT(*) FROM delegations WHERE revoked_at IS NULL".into());
            cell(format!("/delegations/{grant}/revoke"), json!({}), witness)
        }
        ("POST", "/workspace/notes") => {
            let client = &cast.enterprise.other;
            active_grant(app, client, &owner).await;
            let body = json!({"client_org_id": client.org_id, "subject": "", "body": "矩阵测试：跟进学徒制合作"});
            cell("/workspace/notes".into(), body, count("case_notes"))
        }
        ("POST", "/postings/{id}/slots") => {
            let base = training_base(app, &owner).await;
            let body = json!({"date": future_day(14).to_string(), "period": "morning", "capacity": 10});
            cell(format!("/postings/{base}/slots"), body, count("training_slots"))
        }
        ("PATCH", "/slots/{id}") => {
            let base = training_base(app, &owner).await;
            let slot = slot(app, &owner, base).await;
            cell(format!("/slots/{slot}"), json!({"capacity": 20}), read(format!("/postings/{base}/slots"), &owner))
        }
        ("DELETE", "/slots/{id}") => {
            let base = training_base(app, &owner).await;
            let slot = slot(app, &owner, base).await;
            let witness = read(format!("/postings/{base}/slots"), &owner);
            Cell { caller, path: api(format!("/slots/{slot}")), body: Body::None, witness }
        }
        ("POST", "/slots/{id}/bookings") => {
            let slot = enterprise_slot(app, cast).await;
            cell(format!("/slots/{slot}/bookings"), booking(), count("slot_bookings"))
        }
        ("POST", "/bookings/{id}/cancel") => {
            let slot = enterprise_slot(app, cast).await;
            let booked = id(&owner.post(app, &api(format!("/slots/{slot}/bookings")), booking()).await);
            let witness = Witness::Count("SELECT COUNT(*) FROM slot_bookings WHERE status = 'confirmed'".into());
            cell(format!("/bookings/{booked}/cancel"), json!({}), witness)
        }
        ("POST", "/rounds") => cell("/rounds".into(), round_body(), count("rounds")),
        ("POST", "/rounds/{id}/places") => {
            let round = draft_round(app, &owner).await;
            let posting = place_posting(app, cast.owner(Kind::Enterprise).token(), "矩阵学徒名额", "460103", 1).await;
            cell(
                format!("/rounds/{round}/places"),
                json!({"posting_id": posting}),
                read(format!("/rounds/{round}"), &owner),
            )
        }
        ("POST", "/rounds/{id}/open") => {
            let round = draft_round(app, &owner).await;
            add_place(app, cast, round).await;
            cell(format!("/rounds/{round}/open"), json!({}), read(format!("/rounds/{round}"), &owner))
        }
        ("POST", "/rounds/{id}/run") => {
            let r = collecting_round(app, cast, true).await;
            cell(format!("/rounds/{}/run", r.round), json!({}), read(format!("/rounds/{}", r.round), &owner))
        }
        ("POST", "/rounds/{id}/publish") => {
            let r = run_round(app, cast).await;
            cell(format!("/rounds/{}/publish", r.round), json!({}), read(format!("/rounds/{}", r.round), &owner))
        }
        ("POST", "/rounds/{id}/close") => {
            let r = published_round(app, cast).await;
            cell(format!("/rounds/{}/close", r.round), json!({}), read(format!("/rounds/{}", r.round), &owner))
        }
        ("POST", "/rounds/{id}/follow-up") => {
            let r = published_round(app, cast).await;
            cell(format!("/rounds/{}/follow-up", r.round), round_body(), count("rounds"))
        }
        ("POST", "/rounds/{id}/students") => {
            let r = collecting_round(app, cast, false).await;
            cell(format!("/rounds/{}/students", r.round), student(Some(r.place)), count("round_students"))
        }
        ("DELETE", "/rounds/{id}/students/{student}") => {
            let r = collecting_round(app, cast, true).await;
            let witness = read(format!("/rounds/{}/students", r.round), &owner);
            let path = api(format!("/rounds/{}/students/{}", r.round, r.student.unwrap()));
            Cell { caller, path, body: Body::None, witness }
        }
        ("PUT", "/rounds/{id}/students/{student}/preferences") => {
            let r = collecting_round(app, cast, false).await;
            let school = cast.owner(Kind::School);
            let student = id(&school.post(app, &api(format!("/rounds/{}/students", r.round)), student(None)).await);
            let witness = read(format!("/rounds/{}/students", r.round), &owner);
            let path = format!("/rounds/{}/students/{student}/preferences", r.round);
            cell(path, json!({"places": [r.place]}), witness)
        }
        ("POST", "/rounds/{id}/students/{student}/response") => {
            let r = published_round(app, cast).await;
            let witness = read(format!("/rounds/{}/students", r.round), &owner);
            let path = format!("/rounds/{}/students/{}/response", r.round, r.student.unwrap());
            cell(path, json!({"response": "accepted"}), witness)
        }
        ("PUT", "/rounds/{id}/places/{place}/ranking") => {
            let r = collecting_round(app, cast, true).await;
            let applicants = format!("/rounds/{}/places/{}/applicants", r.round, r.place);
            let body = json!({"rule": "explicit", "applicants": [{"student_id": r.student, "rank": 1}]});
            cell(format!("/rounds/{}/places/{}/ranking", r.round, r.place), body, read(applicants, &owner))
        }
        ("POST", "/rounds/{id}/sheets/preferences") => {
            use chanjiao_api::sheets::rounds::preferences_book;
            let r = collecting_round(app, cast, false).await;
            let line =
                vec![format!("x{}", serial()), "460103".into(), "高职专科".into(), "是".into(), r.place.to_string()];
            let bytes = preferences_book(&[line], &[]).expect("a preferences workbook");
            let body = Body::File { name: "志愿.xlsx".into(), bytes };
            let path = api(format!("/rounds/{}/sheets/preferences", r.round));
            Cell { caller, path, body, witness: count("round_students") }
        }
        ("POST", "/statistics/designations") => {
            cell("/statistics/designations".into(), designation(), count("designations"))
        }
        ("POST", "/statistics/designations/{id}/revoke") => {
            let created = id(&owner.post(app, "/api/v1/statistics/designations", designation()).await);
            let witness = Witness::Count("SELECT COUNT(*) FROM designations WHERE revoked_at IS NULL".into());
            cell(format!("/statistics/designations/{created}/revoke"), json!({"reason": "复核未通过"}), witness)
        }
        ("POST", "/statistics/school-reports") => {
            let body = json!({"year": 2023, "full_time_teachers": 100 + serial(), "dual_qualified_teachers": 40,
                "practice_days": 200});
            cell("/statistics/school-reports".into(), body, read("/statistics/school-reports", &owner))
        }
        ("POST", "/inbox/read") => {
            notice(app, owner.org_id.unwrap()).await;
            cell("/inbox/read".into(), json!({}), count("notification_reads"))
        }
        ("POST", "/inbox/{id}/read") => {
            let notice = notice(app, owner.org_id.unwrap()).await;
            cell(format!("/inbox/{notice}/read"), json!({}), count("notification_reads"))
        }
        ("POST", "/subscriptions") => cell("/subscriptions".into(), saved_search(), count("subscriptions")),
        ("DELETE", "/subscriptions/{id}") => {
            let subscription = id(&owner.post(app, "/api/v1/subscriptions", saved_search()).await);
            let path = api(format!("/subscriptions/{subscription}"));
            Cell { caller, path, body: Body::None, witness: count("subscriptions") }
        }
        ("POST", "/imports") => Cell { caller, path: api("/imports"), body: Body::None, witness: Witness::Nothing },
        ("POST", "/admin/organizations") => {
            let n = serial();
            let body = json!({"kind": "authority", "name": format!("矩阵主管部门{n}"), "region": "330602",
                "admin_email": format!("matrix-authority-{n}@example.org"), "admin_password": DEMO_PASSWORD});
            cell("/admin/organizations".into(), body, count("organizations"))
        }
        ("POST", "/users/{id}/disable") | ("POST", "/users/{id}/enable") => {
            let user = member(app, &owner).await;
            if row.path.ends_with("enable") {
                cast.admin.post(app, &api(format!("/users/{user}/disable")), json!({})).await;
            }
            let witness = read("/users", &cast.admin);
            Cell { caller, path: api(row.path.replace("{id}", &user.to_string())), body: Body::None, witness }
        }
        // These end the caller's other sessions, so each cell signs in afresh, and the rows come
        // last in the table: the cast's own sessions are not needed after them.
        ("POST", "/me/password") => {
            let caller = caller.fresh_session(app).await;
            let body = json!({"current_password": DEMO_PASSWORD, "new_password": DEMO_PASSWORD});
            Cell { caller, path: api("/me/password"), body: Body::Json(body), witness: Witness::Nothing }
        }
        ("POST", "/auth/logout-everywhere") => {
            let caller = caller.fresh_session(app).await;
            Cell { caller, path: api("/auth/logout-everywhere"), body: Body::None, witness: count("sessions") }
        }
        (method, path) => panic!("no fixture for {method} {path}: add one to tests/e2e/authz_fixtures.rs"),
    }
}

/// A new member of the owner's organization, by user id.
async fn member(app: &TestApp, owner: &Caller) -> i64 {
    let org = owner.org_id.expect("an organization");
    let body =
        json!({"email": format!("matrix-user-{}@example.org", serial()), "password": DEMO_PASSWORD, "role": "member"});
    id(&owner.post(app, &api(format!("/organizations/{org}/members")), body).await)
}

fn job(publish: bool) -> Value {
    json!({"kind": "job", "title": "数控车工（矩阵）", "description": "负责数控车床编程与操作。", "skills": ["数控编程"],
        "region": "330603", "quantity": 3, "education_level": "gaozhi_zhuanke", "program_codes": ["460103"],
        "industry_clusters": ["hq_equipment"], "ends_on": "2099-06-30", "publish": publish})
}

async fn publish(app: &TestApp, owner: &Caller, mut body: Value) -> i64 {
    body["publish"] = json!(true);
    id(&owner.post(app, "/api/v1/postings", body).await)
}

/// A school's proposal to one of the enterprise's needs, awaiting the enterprise.
async fn proposal_to_enterprise(app: &TestApp, cast: &Cast) -> i64 {
    let need = publish(app, cast.owner(Kind::Enterprise), apprenticeship(5)).await;
    let school = cast.owner(Kind::School);
    let offer = publish(app, school, program_offer()).await;
    let body =
        json!({"from_posting_id": offer, "to_posting_id": need, "message": "我校数控专业愿意合作", "quantity": 5});
    id(&school.post(app, "/api/v1/proposals", body).await)
}

/// An agreed project between the demo enterprise and the demo school.
async fn project(app: &TestApp, cast: &Cast) -> i64 {
    let proposal = proposal_to_enterprise(app, cast).await;
    let enterprise = cast.owner(Kind::Enterprise);
    let accepted =
        enterprise.post(app, &api(format!("/proposals/{proposal}/answer")), json!({"action": "accept"})).await;
    accepted["project_id"].as_i64().unwrap_or_else(|| panic!("no project in {accepted}"))
}

async fn completed_project(app: &TestApp, cast: &Cast) -> i64 {
    let project = project(app, cast).await;
    let path = api(format!("/projects/{project}"));
    cast.owner(Kind::School).must(app, Method::PATCH, &path, &json!({"action": "start"})).await;
    let done = json!({"action": "complete", "placed": 3});
    cast.owner(Kind::Enterprise).must(app, Method::PATCH, &path, &done).await;
    project
}

/// The id of an active grant from `client` to `intermediary`'s organization, made if needed.
async fn active_grant(app: &TestApp, client: &Caller, intermediary: &Caller) -> i64 {
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

async fn training_base(app: &TestApp, owner: &Caller) -> i64 {
    let body = json!({"kind": "training_base_hosted", "title": "数控加工实训基地（矩阵）", "region": "330603",
        "quantity": 40});
    publish(app, owner, body).await
}

async fn slot(app: &TestApp, owner: &Caller, base: i64) -> i64 {
    let body = json!({"date": future_day(14).to_string(), "period": "morning", "capacity": 10});
    let slots = owner.post(app, &api(format!("/postings/{base}/slots")), body).await;
    id(&slots[0])
}

/// A slot of a new base of the demo enterprise, for schools to book.
async fn enterprise_slot(app: &TestApp, cast: &Cast) -> i64 {
    let enterprise = cast.owner(Kind::Enterprise);
    let base = training_base(app, enterprise).await;
    slot(app, enterprise, base).await
}

fn booking() -> Value {
    json!({"headcount": 2, "purpose": "数控专业课程实训", "contact": "王老师"})
}

fn round_body() -> Value {
    json!({"name": "矩阵学徒招收", "preference_deadline": "2099-06-30T17:00", "seed": 7})
}

fn student(place: Option<i64>) -> Value {
    let mut body = json!({"pseudonym": format!("m{}", serial()), "program_code": "460103", "level": "gaozhi_zhuanke",
        "consent": true});
    if let Some(place) = place {
        body["preferences"] = json!([place]);
    }
    body
}

async fn draft_round(app: &TestApp, organizer: &Caller) -> i64 {
    id(&organizer.post(app, "/api/v1/rounds", round_body()).await)
}

/// A place of one seat on a new apprenticeship of the demo enterprise.
async fn add_place(app: &TestApp, cast: &Cast, round: i64) -> i64 {
    let posting = place_posting(app, cast.owner(Kind::Enterprise).token(), "矩阵学徒名额", "460103", 1).await;
    let city = cast.owner(Kind::Authority);
    id(&city.post(app, &api(format!("/rounds/{round}/places")), json!({"posting_id": posting})).await)
}

/// A round of the city with one place, and perhaps one student of the demo school who wants it.
struct RoundAt {
    round: i64,
    place: i64,
    student: Option<i64>,
}

async fn collecting_round(app: &TestApp, cast: &Cast, with_student: bool) -> RoundAt {
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

async fn run_round(app: &TestApp, cast: &Cast) -> RoundAt {
    let r = collecting_round(app, cast, true).await;
    cast.owner(Kind::Authority).post(app, &api(format!("/rounds/{}/run", r.round)), json!({})).await;
    r
}

/// A published round in which the demo school's student holds the place.
async fn published_round(app: &TestApp, cast: &Cast) -> RoundAt {
    let r = run_round(app, cast).await;
    cast.owner(Kind::Authority).post(app, &api(format!("/rounds/{}/publish", r.round)), json!({})).await;
    r
}

fn designation() -> Value {
    json!({"designation_type": "pilot_enterprise", "organization_name": format!("矩阵试点企业{}", serial()),
        "district": "330603", "year": 2022, "issuing_body": "浙江省发展和改革委员会", "document_number": "浙发改社会〔2022〕12号"})
}

fn saved_search() -> Value {
    json!({"kind": "saved_search", "query": "q=数控&kind=job", "name": "矩阵订阅"})
}

/// A new notice to `organization`, by id.
async fn notice(app: &TestApp, organization: i64) -> i64 {
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
