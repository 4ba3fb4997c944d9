//! The fixtures of the authorization matrix ([`crate::e2e::security::authz_matrix`]): for one cell, the fresh
//! resource its call acts on (created by the owner, through the API), the call itself with a
//! body the owner's call succeeds with, and a witness that shows whether a refused call changed
//! anything. A new route gets its arm in [`prepare`].

use serde_json::{Value, json};

use crate::e2e::booking::api::future_day;
use crate::e2e::brokering::api::{apprenticeship, program_offer};
use crate::e2e::rounds::api::place_posting;
use crate::e2e::security::actors::{Actor, Caller, Cast, Kind, register, serial};
use crate::e2e::security::authz_matrix::Row;
use crate::e2e::support::{DEMO_PASSWORD, TestApp};

use super::authz_resources::*;

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

fn count(table: &str) -> Witness {
    Witness::Count(format!("SELECT COUNT(*) FROM {table}"))
}

fn read(path: impl std::fmt::Display, by: &Caller) -> Witness {
    Witness::Read { path: api(path), by: by.clone() }
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
            let witness = match caller.email {
                Some(_) => read("/me", &Caller { on_behalf_of: None, ..caller.clone() }),
                // Nobody, or an API key (which has no session and may not read /me).
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
        ("POST", "/organizations/{id}/api-keys") => {
            let org = owner.org_id.unwrap();
            let body = json!({"name": format!("矩阵新密钥{}", serial()), "scopes": ["read"]});
            cell(format!("/organizations/{org}/api-keys"), body, count("api_keys"))
        }
        ("POST", "/api-keys/{id}/rotate") | ("POST", "/api-keys/{id}/revoke") => {
            let org = owner.org_id.unwrap();
            let body = json!({"name": format!("矩阵旧密钥{}", serial()), "scopes": ["read"]});
            let key = id(&owner.post(app, &api(format!("/organizations/{org}/api-keys")), body).await);
            let witness = Witness::Count(format!(
                "SELECT COUNT(*) FROM api_keys WHERE id = {key} AND rotated_at IS NULL AND revoked_at IS NULL"
            ));
            Cell { caller, path: api(row.path.replace("{id}", &key.to_string())), body: Body::None, witness }
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
        (method, path) => panic!("no fixture for {method} {path}: add one to tests/e2e/security/authz_fixtures.rs"),
    }
}
