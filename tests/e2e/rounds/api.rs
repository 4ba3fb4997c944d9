//! Allocation rounds through the API on a small instance with a known answer: the whole flow
//! from opening to follow-up, determinism, who may see what (and that every read is logged),
//! retention, and bad input that changes nothing — on SQLite and, with
//! `CHANJIAO_TEST_DATABASE_URL`, on PostgreSQL.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::e2e::booking::api::scalar;
use crate::e2e::support::{TestApp, problem_fields, spawn_app};

/// A published apprenticeship of the enterprise for `program` with `quantity` places.
pub async fn place_posting(app: &TestApp, token: &str, title: &str, program: &str, quantity: u32) -> i64 {
    let body = json!({"kind": "apprenticeship", "title": title, "region": "330603", "quantity": quantity,
        "apprenticeship_type": "modern", "description": "招收学徒，企业师傅带教。", "skills": ["实操"],
        "program_codes": [program], "education_level": "gaozhi_zhuanke", "ends_on": "2099-06-30", "publish": true});
    let response = app.post_json("/api/v1/postings", &body, Some(token)).await;
    let status = response.status();
    let created: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{created}");
    created["id"].as_i64().unwrap()
}

async fn send(app: &TestApp, method: reqwest::Method, path: &str, body: &Value, token: &str) -> (StatusCode, Value) {
    let response = app.api.request(method, app.url(path)).bearer_auth(token).json(body).send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn post(app: &TestApp, path: &str, body: &Value, token: &str) -> (StatusCode, Value) {
    send(app, reqwest::Method::POST, path, body, token).await
}

async fn put(app: &TestApp, path: &str, body: &Value, token: &str) -> (StatusCode, Value) {
    send(app, reqwest::Method::PUT, path, body, token).await
}

async fn get(app: &TestApp, path: &str, token: &str) -> (StatusCode, Value) {
    let response = app.get_json(path, Some(token)).await;
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The small round of these tests, collecting preferences.
pub struct Small {
    pub round: i64,
    /// Places: 数控 (460103, 1 seat) and 计算机 (510201, 2 seats).
    pub cnc: i64,
    pub it: i64,
    /// Students by pseudonym s1…s4.
    pub students: Vec<i64>,
    pub city: String,
    pub school: String,
    pub enterprise: String,
}

/// Opens a round with two places, four students of the demo school and the enterprise's
/// rankings: 数控 ranks by the scoring rule (s2 exact program > s1 same class > s4 same
/// category); 计算机 ranks explicitly s3, s4 and finds s1 unacceptable.
pub async fn small_round(app: &TestApp) -> Small {
    let city = app.demo_login("city@demo.local").await;
    let school = app.demo_login("school@demo.local").await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let cnc_posting = place_posting(app, &enterprise, "数控车工现代学徒", "460103", 1).await;
    let it_posting = place_posting(app, &enterprise, "软件开发学徒", "510201", 3).await;
    let (status, round) = post(
        app,
        "/api/v1/rounds",
        &json!({"name": "2027 学徒招收", "preference_deadline": "2099-06-30T17:00", "seed": 20261129}),
        &city,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{round}");
    assert_eq!(round["phase"], "draft");
    let id = round["id"].as_i64().unwrap();
    let (status, cnc) =
        post(app, &format!("/api/v1/rounds/{id}/places"), &json!({"posting_id": cnc_posting}), &city).await;
    assert_eq!(status, StatusCode::CREATED, "{cnc}");
    assert_eq!(cnc["capacity"], 1);
    let (status, it) =
        post(app, &format!("/api/v1/rounds/{id}/places"), &json!({"posting_id": it_posting, "capacity": 2}), &city)
            .await;
    assert_eq!(status, StatusCode::CREATED, "{it}");
    let (cnc, it) = (cnc["id"].as_i64().unwrap(), it["id"].as_i64().unwrap());
    let (status, opened) = post(app, &format!("/api/v1/rounds/{id}/open"), &json!({}), &city).await;
    assert_eq!((status, opened["phase"].as_str()), (StatusCode::OK, Some("collecting")));

    let mut students = Vec::new();
    for (pseudonym, program, prefs) in [
        ("s1", "460104", vec![cnc, it]),
        ("s2", "460103", vec![cnc, it]),
        ("s3", "510201", vec![it]),
        ("s4", "460301", vec![cnc, it]),
    ] {
        let body = json!({"pseudonym": pseudonym, "program_code": program, "level": "gaozhi_zhuanke", "consent": true});
        let (status, student) = post(app, &format!("/api/v1/rounds/{id}/students"), &body, &school).await;
        assert_eq!(status, StatusCode::CREATED, "{student}");
        let student_id = student["id"].as_i64().unwrap();
        let (status, saved) = put(
            app,
            &format!("/api/v1/rounds/{id}/students/{student_id}/preferences"),
            &json!({"places": prefs}),
            &school,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{saved}");
        students.push(student_id);
    }
    let ranking = json!({"rule": "explicit", "applicants": [
        {"student_id": students[2], "rank": 1}, {"student_id": students[3], "rank": 2},
        {"student_id": students[0], "unacceptable": true}]});
    let (status, ranked) = put(app, &format!("/api/v1/rounds/{id}/places/{it}/ranking"), &ranking, &enterprise).await;
    assert_eq!(status, StatusCode::OK, "{ranked}");
    Small { round: id, cnc, it, students, city, school, enterprise }
}

fn placed(results: &Value) -> Vec<(String, Option<i64>, Option<i64>)> {
    results
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["pseudonym"].as_str().unwrap().to_owned(), r["place_id"].as_i64(), r["choice"].as_i64()))
        .collect()
}

#[tokio::test]
async fn a_round_places_students_stably_and_explains_each_result() {
    let app = spawn_app().await;
    let r = small_round(&app).await;
    let base = format!("/api/v1/rounds/{}", r.round);

    let (status, report) = post(&app, &format!("{base}/run"), &json!({}), &r.city).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["stats"]["matched"], 3);
    assert_eq!(report["stats"]["rank_distribution"], json!([2, 1]));
    assert_eq!(report["stats"]["unfilled_seats"], 0);
    assert_eq!(report["stats"]["blocking_pairs"], 0, "the stability certificate");
    let mechanisms: Vec<&str> =
        report["comparison"].as_array().unwrap().iter().map(|m| m["mechanism"].as_str().unwrap()).collect();
    assert_eq!(mechanisms, ["student-proposing", "enterprise-proposing", "max-welfare"]);

    // Not published yet: the school sees nothing, the organizer sees everything.
    let (status, problem) = get(&app, &format!("{base}/results"), &r.school).await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    let (status, results) = get(&app, &format!("{base}/results"), &r.city).await;
    assert_eq!(status, StatusCode::OK);
    let expected = vec![
        ("s1".to_owned(), None, None),
        ("s2".to_owned(), Some(r.cnc), Some(1)),
        ("s3".to_owned(), Some(r.it), Some(1)),
        ("s4".to_owned(), Some(r.it), Some(2)),
    ];
    assert_eq!(placed(&results), expected);

    let (status, round) = post(&app, &format!("{base}/publish"), &json!({}), &r.city).await;
    assert_eq!((status, round["phase"].as_str()), (StatusCode::OK, Some("published")));
    let (status, results) = get(&app, &format!("{base}/results"), &r.school).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(placed(&results), expected);
    let s1 = &results[0];
    assert!(
        s1["explanation_zh"].as_str().unwrap().contains("你的第 1 志愿已满，且该企业对已录取者的排序均高于你"),
        "{s1}"
    );
    assert!(s1["explanation_zh"].as_str().unwrap().contains("你的第 2 志愿未将你列入可录取名单"), "{s1}");
    assert!(s1["explanation_en"].as_str().unwrap().contains("Your 1st choice is full"), "{s1}");

    // The enterprise's intake names the placed students and their school.
    let (status, intake) = get(&app, &format!("{base}/intake"), &r.enterprise).await;
    assert_eq!(status, StatusCode::OK, "{intake}");
    let names = |i: usize| -> Vec<String> {
        intake[i]["students"].as_array().unwrap().iter().map(|s| s["pseudonym"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(names(0), ["s2"]);
    assert_eq!(names(1), ["s3", "s4"]);
    assert!(!intake[0]["students"][0]["school_name"].as_str().unwrap().is_empty());

    // Everyone signed in sees the published report.
    let broker = app.demo_login("broker@demo.local").await;
    let (status, _) = get(&app, &format!("{base}/report"), &broker).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn running_twice_gives_the_same_results_and_report() {
    let app = spawn_app().await;
    let r = small_round(&app).await;
    let base = format!("/api/v1/rounds/{}", r.round);
    let (_, first_report) = post(&app, &format!("{base}/run"), &json!({}), &r.city).await;
    let (_, first) = get(&app, &format!("{base}/results"), &r.city).await;
    let (status, second_report) = post(&app, &format!("{base}/run"), &json!({}), &r.city).await;
    assert_eq!(status, StatusCode::OK);
    let (_, second) = get(&app, &format!("{base}/results"), &r.city).await;
    assert_eq!(first_report, second_report);
    assert_eq!(first, second);
    assert_eq!(first_report["seed"], 20261129);
}

#[tokio::test]
async fn ties_are_broken_by_the_recorded_seed() {
    let app = spawn_app().await;
    let city = app.demo_login("city@demo.local").await;
    let school = app.demo_login("school@demo.local").await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let posting = place_posting(&app, &enterprise, "数控车工现代学徒", "460103", 1).await;
    // Eight students of the same program compete for one seat: only the lottery tells them
    // apart. The same seed always picks the same winner; across seeds, winners differ.
    let mut winners = Vec::new();
    for seed in [1, 2, 3, 4, 1] {
        let (_, round) = post(
            &app,
            "/api/v1/rounds",
            &json!({"name": "抽签", "preference_deadline": "2099-06-30T17:00", "seed": seed}),
            &city,
        )
        .await;
        let id = round["id"].as_i64().unwrap();
        let (_, place) =
            post(&app, &format!("/api/v1/rounds/{id}/places"), &json!({"posting_id": posting}), &city).await;
        post(&app, &format!("/api/v1/rounds/{id}/open"), &json!({}), &city).await;
        for n in 0..8 {
            let body = json!({"pseudonym": format!("t{n}"), "program_code": "460103", "level": "gaozhi_zhuanke",
                              "consent": true, "preferences": [place["id"]]});
            let (status, _) = post(&app, &format!("/api/v1/rounds/{id}/students"), &body, &school).await;
            assert_eq!(status, StatusCode::CREATED);
        }
        post(&app, &format!("/api/v1/rounds/{id}/run"), &json!({}), &city).await;
        let (_, results) = get(&app, &format!("/api/v1/rounds/{id}/results"), &city).await;
        let winner = placed(&results).into_iter().find(|(_, place, _)| place.is_some()).unwrap().0;
        winners.push(winner);
    }
    assert_eq!(winners[0], winners[4], "same data and seed, same winner: {winners:?}");
    let distinct: std::collections::BTreeSet<&String> = winners.iter().collect();
    assert!(distinct.len() > 1, "different seeds give different winners: {winners:?}");
}

/// Another school, registered and verified (a pending one holds no part in rounds at all).
async fn register_school(app: &TestApp) -> String {
    let body = json!({"kind": "school", "name": "绍兴第二职业技术学校", "region": "330602", "level": "zhongzhi",
        "admin_email": "admin@school-b.cn", "admin_password": "a-long-password"});
    let created = app.post_json("/api/v1/organizations", &body, None).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let id = created.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let admin = app.demo_login("admin@demo.local").await;
    let decision = json!({"decision": "verified"});
    let verified = app.post_json(&format!("/api/v1/organizations/{id}/verification"), &decision, Some(&admin)).await;
    assert_eq!(verified.status(), StatusCode::OK);
    app.login("admin@school-b.cn", "a-long-password").await
}

#[tokio::test]
async fn a_school_sees_and_changes_only_its_own_students_and_every_read_is_logged() {
    let app = spawn_app().await;
    let r = small_round(&app).await;
    let base = format!("/api/v1/rounds/{}", r.round);
    let other = register_school(&app).await;

    let (status, mine) = get(&app, &format!("{base}/students"), &r.school).await;
    assert_eq!((status, mine.as_array().unwrap().len()), (StatusCode::OK, 4));
    let (status, theirs) = get(&app, &format!("{base}/students"), &other).await;
    assert_eq!((status, theirs), (StatusCode::OK, json!([])));
    let response = app
        .api
        .put(app.url(&format!("{base}/students/{}/preferences", r.students[0])))
        .bearer_auth(&other)
        .json(&json!({"places": [r.it]}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem_fields(response).await, ["student_id"]);
    let (_, mine) = get(&app, &format!("{base}/students"), &r.school).await;
    assert_eq!(mine[0]["preferences"], json!([r.cnc, r.it]), "nothing changed");

    // Before publication the enterprise sees who applied (no school), but no intake.
    let (status, applicants) = get(&app, &format!("{base}/places/{}/applicants", r.cnc), &r.enterprise).await;
    assert_eq!(status, StatusCode::OK, "{applicants}");
    let order: Vec<&str> =
        applicants["applicants"].as_array().unwrap().iter().map(|a| a["pseudonym"].as_str().unwrap()).collect();
    assert_eq!(order, ["s2", "s1", "s4"], "ranked by program fit");
    assert!(applicants["applicants"][0].get("school_id").is_none());
    let (status, _) = get(&app, &format!("{base}/intake"), &r.enterprise).await;
    assert_eq!(status, StatusCode::CONFLICT);
    // Schools and other enterprises do not see applicants; schools do not see the access log.
    let (status, _) = get(&app, &format!("{base}/places/{}/applicants", r.cnc), &r.school).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = get(&app, &format!("{base}/access-log"), &r.school).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    post(&app, &format!("{base}/run"), &json!({}), &r.city).await;
    post(&app, &format!("{base}/publish"), &json!({}), &r.city).await;
    let (_, theirs) = get(&app, &format!("{base}/results"), &other).await;
    assert_eq!(theirs, json!([]), "school B sees none of school A's results");

    let (status, log) = get(&app, &format!("{base}/access-log"), &r.city).await;
    assert_eq!(status, StatusCode::OK);
    let entries: Vec<(String, String)> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["user_email"].as_str().unwrap().to_owned(), e["what"].as_str().unwrap().to_owned()))
        .collect();
    for expected in [
        ("school@demo.local", "students"),
        ("admin@school-b.cn", "students"),
        ("enterprise@demo.local", "applicants"),
        ("admin@school-b.cn", "results"),
    ] {
        assert!(
            entries.iter().any(|(who, what)| who == expected.0 && what == expected.1),
            "{expected:?} logged in {entries:?}"
        );
    }
}

#[tokio::test]
async fn bad_preferences_are_refused_with_the_field_and_change_nothing() {
    let app = spawn_app().await;
    let r = small_round(&app).await;
    let base = format!("/api/v1/rounds/{}", r.round);
    let prefs = format!("{base}/students/{}/preferences", r.students[0]);
    let too_many: Vec<i64> = (0..21).map(|i| r.cnc + i).collect();
    for (body, field) in [
        (json!({"places": too_many}), "places"),
        (json!({"places": [r.it, 999_999]}), "places[1]"),
        (json!({"places": [r.it, r.it]}), "places[1]"),
    ] {
        let response = app.api.put(app.url(&prefs)).bearer_auth(&r.school).json(&body).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(problem_fields(response).await, [field]);
    }
    let no_consent = json!({"pseudonym": "s9", "program_code": "460103", "level": "gaozhi_zhuanke", "consent": false});
    let response = app.post_json(&format!("{base}/students"), &no_consent, Some(&r.school)).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem_fields(response).await, ["consent"]);
    let twice = json!({"pseudonym": "s1", "program_code": "460103", "level": "gaozhi_zhuanke", "consent": true});
    let response = app.post_json(&format!("{base}/students"), &twice, Some(&r.school)).await;
    assert_eq!(problem_fields(response).await, ["pseudonym"]);
    let (_, students) = get(&app, &format!("{base}/students"), &r.school).await;
    assert_eq!(students.as_array().unwrap().len(), 4);
    assert_eq!(students[0]["preferences"], json!([r.cnc, r.it]));

    // Only the organizer runs; a school acting after the run meets the phase.
    let (status, _) = post(&app, &format!("{base}/run"), &json!({}), &r.school).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    post(&app, &format!("{base}/run"), &json!({}), &r.city).await;
    let (status, problem) = put(&app, &prefs, &json!({"places": [r.it]}), &r.school).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(problem["errors"][0]["field"], "phase");
    assert_eq!(problem["errors"][0]["code"], "wrong_phase");
    assert!(problem["errors"][0]["reason"].as_str().unwrap().contains("run"), "{problem}");
    let (status, _) = post(&app, &format!("{base}/close"), &json!({}), &r.city).await;
    assert_eq!(status, StatusCode::CONFLICT, "a round is published before it is closed");
    // A place must be an enterprise's published apprenticeship, order class or training base.
    let (status, problem) =
        post(&app, "/api/v1/rounds", &json!({"name": "x", "preference_deadline": "2001-01-01T00:00"}), &r.city).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    let (status, _) =
        post(&app, "/api/v1/rounds", &json!({"name": "x", "preference_deadline": "2099-01-01T00:00"}), &r.school).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "schools do not organize rounds");
}

#[tokio::test]
async fn declines_and_unplaced_students_go_to_a_follow_up_round_with_the_seats_left() {
    let app = spawn_app().await;
    let r = small_round(&app).await;
    let base = format!("/api/v1/rounds/{}", r.round);
    post(&app, &format!("{base}/run"), &json!({}), &r.city).await;
    post(&app, &format!("{base}/publish"), &json!({"response_deadline": "2099-07-15T17:00"}), &r.city).await;
    // s4 declines its place at 计算机; s1 was not placed and cannot respond.
    let (status, s4) =
        post(&app, &format!("{base}/students/{}/response", r.students[3]), &json!({"response": "declined"}), &r.school)
            .await;
    assert_eq!((status, s4["response"].as_str()), (StatusCode::OK, Some("declined")));
    let (status, problem) =
        post(&app, &format!("{base}/students/{}/response", r.students[0]), &json!({"response": "accepted"}), &r.school)
            .await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");

    let (status, follow) = post(
        &app,
        &format!("{base}/follow-up"),
        &json!({"name": "补录", "preference_deadline": "2099-08-01T17:00"}),
        &r.city,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{follow}");
    assert_eq!(follow["parent_round_id"], r.round);
    let id = follow["id"].as_i64().unwrap();
    let (_, detail) = get(&app, &format!("/api/v1/rounds/{id}"), &r.city).await;
    let seats: Vec<(String, i64)> = detail["places"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["title"].as_str().unwrap().to_owned(), p["capacity"].as_i64().unwrap()))
        .collect();
    assert_eq!(seats, [("软件开发学徒".to_owned(), 1)]);
    let (_, students) = get(&app, &format!("/api/v1/rounds/{id}/students"), &r.city).await;
    let names: Vec<&str> = students.as_array().unwrap().iter().map(|s| s["pseudonym"].as_str().unwrap()).collect();
    assert_eq!(names, ["s1", "s4"]);
}

#[tokio::test]
async fn personal_data_of_a_closed_round_is_deleted_after_retention_but_the_report_stays() {
    let app = spawn_app().await;
    let r = small_round(&app).await;
    let base = format!("/api/v1/rounds/{}", r.round);
    post(&app, &format!("{base}/run"), &json!({}), &r.city).await;
    post(&app, &format!("{base}/publish"), &json!({}), &r.city).await;
    let (status, _) = post(&app, &format!("{base}/close"), &json!({}), &r.city).await;
    assert_eq!(status, StatusCode::OK);
    let count = |sql: &'static str| scalar(&app, sql);
    use chanjiao_api::services::rounds::retention::sweep;
    let now = chrono::Utc::now();
    assert_eq!(sweep(&app.db, now + chrono::Duration::days(364), 365).await.unwrap(), 0, "not yet");
    assert_eq!(count("SELECT COUNT(*) FROM round_students").await, 4);
    assert_eq!(sweep(&app.db, now + chrono::Duration::days(366), 365).await.unwrap(), 1);
    assert_eq!(count("SELECT COUNT(*) FROM round_students").await, 0);
    assert_eq!(count("SELECT COUNT(*) FROM round_preferences").await, 0);
    assert_eq!(count("SELECT COUNT(*) FROM round_results").await, 0);
    assert_eq!(count("SELECT COUNT(*) FROM round_rankings").await, 0);
    let (status, report) = get(&app, &format!("{base}/report"), &r.city).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(report["stats"]["matched"], 3);
    let (_, round) = get(&app, &base, &r.city).await;
    assert!(round["personal_data_deleted_at"].is_string(), "{round}");
}

async fn upload_preferences(app: &TestApp, token: &str, round: i64, bytes: Vec<u8>) -> reqwest::Response {
    let form = reqwest::multipart::Form::new()
        .part("file", reqwest::multipart::Part::bytes(bytes).file_name("志愿.xlsx".to_owned()));
    let url = app.url(&format!("/api/v1/rounds/{round}/sheets/preferences"));
    app.api.post(url).bearer_auth(token).multipart(form).send().await.unwrap()
}

async fn download(app: &TestApp, token: &str, path: &str) -> Vec<u8> {
    let response = app.api.get(app.url(path)).bearer_auth(token).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    assert!(response.headers()["content-type"].to_str().unwrap().contains("spreadsheetml"));
    response.bytes().await.unwrap().to_vec()
}

#[tokio::test]
async fn preferences_import_from_excel_all_or_nothing_and_export_round_trips() {
    use chanjiao_api::sheets::rounds::{preferences_book, read_preferences};
    let app = spawn_app().await;
    let r = small_round(&app).await;
    let base = format!("/api/v1/rounds/{}", r.round);
    let template = download(&app, &r.school, &format!("{base}/sheets/template")).await;
    assert!(read_preferences(&template).unwrap().is_empty(), "the template has headers only");

    let row = |p: &str, program: &str, consent: &str, prefs: &[String]| {
        let mut cells = vec![p.to_owned(), program.to_owned(), "高职专科".to_owned(), consent.to_owned()];
        cells.extend(prefs.iter().cloned());
        cells
    };
    let (cnc, it) = (r.cnc.to_string(), r.it.to_string());
    // Row 3 lacks consent and row 4 names a place outside the round: nothing is stored.
    let bad = preferences_book(
        &[
            row("x1", "460103", "是", std::slice::from_ref(&cnc)),
            row("x2", "460103", "否", std::slice::from_ref(&it)),
            row("x3", "460103", "是", &[it.clone(), "999999".to_owned()]),
        ],
        &[],
    )
    .unwrap();
    let response = upload_preferences(&app, &r.school, r.round, bad).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem_fields(response).await, ["rows[3].consent", "rows[4].preferences[1]"]);
    let (_, students) = get(&app, &format!("{base}/students"), &r.school).await;
    assert_eq!(students.as_array().unwrap().len(), 4, "nothing imported");

    let good = preferences_book(
        &[row("x1", "460103", "是", &[cnc.clone(), it.clone()]), row("x2", "510201", "yes", std::slice::from_ref(&it))],
        &[],
    )
    .unwrap();
    let response = upload_preferences(&app, &r.school, r.round, good).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let exported = download(&app, &r.school, &format!("{base}/sheets/preferences")).await;
    let rows = read_preferences(&exported).unwrap();
    let summary: Vec<(String, Vec<String>)> =
        rows.iter().map(|r| (r.pseudonym.clone(), r.choices.iter().map(|c| c.1.clone()).collect())).collect();
    assert_eq!(summary.len(), 6);
    assert_eq!(summary[4], ("x1".to_owned(), vec![cnc.clone(), it.clone()]));
    assert_eq!(summary[5], ("x2".to_owned(), vec![it.clone()]));

    post(&app, &format!("{base}/run"), &json!({}), &r.city).await;
    post(&app, &format!("{base}/publish"), &json!({}), &r.city).await;
    let results = download(&app, &r.school, &format!("{base}/sheets/results")).await;
    assert!(!results.is_empty());
}
