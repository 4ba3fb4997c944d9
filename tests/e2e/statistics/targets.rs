//! The targets dashboard: designations recorded by the city count for their target, district and
//! year until revoked; schools' reports move the dual-qualified ratio; bad input is refused by
//! field with nothing stored; only overseers record designations or see which schools are behind;
//! the filter narrows every figure; an imported plan replaces the embedded one.

use chanjiao_api::entities::{audit_events, designations, organizations, school_reports};
use chanjiao_api::services::statistics::targets::plan;
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

use crate::e2e::support::{TestApp, page_text, problem_fields, signed_in, spawn_app};

fn designation(kind: &str, name: &str, district: &str, year: i32) -> Value {
    json!({"designation_type": kind, "organization_name": name, "district": district, "year": year,
        "issuing_body": "浙江省发展和改革委员会", "document_number": format!("浙发改社会〔{year}〕12号")})
}

async fn targets(app: &TestApp, token: &str, query: &str) -> Value {
    let response = app.get_json(&format!("/api/v1/statistics/targets{query}"), Some(token)).await;
    assert_eq!(response.status(), StatusCode::OK, "{query}");
    response.json().await.unwrap()
}

fn line<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["targets"].as_array().unwrap().iter().find(|t| t["id"] == id).unwrap_or_else(|| panic!("no {id}"))
}

fn actual(report: &Value, id: &str) -> Value {
    line(report, id)["actual"].clone()
}

async fn record(app: &TestApp, token: &str, body: &Value) -> Value {
    let response = app.post_json("/api/v1/statistics/designations", body, Some(token)).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.unwrap()
}

#[tokio::test]
async fn a_designation_recorded_by_the_city_counts_for_its_district_and_year_until_revoked() {
    let app = spawn_app().await;
    let city = app.demo_login("city@demo.local").await;
    let created = record(&app, &city, &designation("pilot_enterprise", "柯桥测试印染有限公司", "330603", 2022)).await;
    assert_eq!(created["district_name"], "柯桥区");

    assert_eq!(actual(&targets(&app, &city, "?district=330603&year=2022").await, "pilot_enterprise"), 1.0);
    assert_eq!(actual(&targets(&app, &city, "?district=330603").await, "pilot_enterprise"), 1.0);
    assert_eq!(actual(&targets(&app, &city, "?district=330602&year=2022").await, "pilot_enterprise"), 0.0);
    assert_eq!(actual(&targets(&app, &city, "?year=2021").await, "pilot_enterprise"), 0.0, "not yet designated");
    let city_wide = targets(&app, &city, "").await;
    assert_eq!(actual(&city_wide, "pilot_enterprise"), 1.0);
    let by_year = city_wide["years"].as_array().unwrap().iter().find(|y| y["year"] == 2022).unwrap();
    assert_eq!(by_year["total"], 1);

    let id = created["id"].as_i64().unwrap();
    let refused = app.post_json(&format!("/api/v1/statistics/designations/{id}/revoke"), &json!({}), Some(&city)).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem_fields(refused).await, ["reason"]);
    let reason = json!({"reason": "复核未通过"});
    let revoked = app.post_json(&format!("/api/v1/statistics/designations/{id}/revoke"), &reason, Some(&city)).await;
    assert_eq!(revoked.status(), StatusCode::OK);
    assert_eq!(actual(&targets(&app, &city, "?district=330603&year=2022").await, "pilot_enterprise"), 0.0);
    let again = app.post_json(&format!("/api/v1/statistics/designations/{id}/revoke"), &reason, Some(&city)).await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    // Kept for audit, with who revoked it and why.
    let list: Value = app.get_json("/api/v1/statistics/designations", Some(&city)).await.json().await.unwrap();
    assert_eq!(list[0]["active"], false);
    assert_eq!(list[0]["revoke_reason"], "复核未通过");
    let events = audit_events::Entity::find()
        .filter(audit_events::Column::Entity.eq("designation"))
        .filter(audit_events::Column::EntityId.eq(id))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(events, 2, "recorded and revoked");
}

#[tokio::test]
async fn bad_designations_are_refused_by_field_and_nothing_is_stored() {
    let app = spawn_app().await;
    let city = app.demo_login("city@demo.local").await;
    let cases = [
        (designation("steel_mill", "某钢厂", "330603", 2022), "designation_type"),
        (designation("pilot_enterprise", "某企业", "330100", 2022), "district"),
        (designation("pilot_enterprise", "某企业", "", 2022), "district"),
        (designation("pilot_enterprise", "某企业", "330603", 2099), "year"),
    ];
    for (body, field) in cases {
        let response = app.post_json("/api/v1/statistics/designations", &body, Some(&city)).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert_eq!(problem_fields(response).await, [field]);
    }
    let mut no_evidence = designation("k12_career_base", "某基地", "330603", 2022);
    no_evidence["document_number"] = json!("");
    let response = app.post_json("/api/v1/statistics/designations", &no_evidence, Some(&city)).await;
    assert_eq!(problem_fields(response).await, ["evidence"]);
    no_evidence["evidence_url"] = json!("http://example.org/notice");
    let response = app.post_json("/api/v1/statistics/designations", &no_evidence, Some(&city)).await;
    assert_eq!(problem_fields(response).await, ["evidence_url"]);
    let unknown_org = json!({"designation_type": "pilot_enterprise", "organization_id": 999_999, "year": 2022,
        "issuing_body": "浙江省发展和改革委员会", "document_number": "浙发改社会〔2022〕1号"});
    let response = app.post_json("/api/v1/statistics/designations", &unknown_org, Some(&city)).await;
    assert_eq!(problem_fields(response).await, ["organization_id"]);
    assert_eq!(designations::Entity::find().count(&app.db).await.unwrap(), 0);
}

#[tokio::test]
async fn only_overseers_record_or_revoke_designations_and_others_list_only_their_own() {
    let app = spawn_app().await;
    let city = app.demo_login("city@demo.local").await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let enterprise_org = app.my_org_id(&enterprise).await;
    let mine = json!({"designation_type": "pilot_enterprise", "organization_id": enterprise_org, "year": 2021,
        "issuing_body": "浙江省发展和改革委员会", "evidence_url": "https://fzggw.zj.gov.cn/art/2021/notice.html"});
    let created = record(&app, &city, &mine).await;
    assert_eq!(created["organization_id"], enterprise_org);
    assert!(created["district"].as_str().unwrap().starts_with("3306"), "the district comes from the organization");
    record(&app, &city, &designation("demonstration_base", "别家示范基地", "330602", 2021)).await;
    let admin = app.demo_login("admin@demo.local").await;
    record(&app, &admin, &designation("k12_career_base", "平台管理员记录的基地", "330602", 2021)).await;

    for email in ["school@demo.local", "enterprise@demo.local", "broker@demo.local"] {
        let token = app.demo_login(email).await;
        let body = designation("pilot_enterprise", "自报企业", "330603", 2022);
        let response = app.post_json("/api/v1/statistics/designations", &body, Some(&token)).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{email}");
        let id = created["id"].as_i64().unwrap();
        let revoke = app
            .post_json(
                &format!("/api/v1/statistics/designations/{id}/revoke"),
                &json!({"reason": "不要了"}),
                Some(&token),
            )
            .await;
        assert_eq!(revoke.status(), StatusCode::FORBIDDEN, "{email}");
    }
    let own: Value = app.get_json("/api/v1/statistics/designations", Some(&enterprise)).await.json().await.unwrap();
    assert_eq!(own.as_array().unwrap().len(), 1, "only its own designation");
    let all: Value = app.get_json("/api/v1/statistics/designations", Some(&city)).await.json().await.unwrap();
    assert_eq!(all.as_array().unwrap().len(), 3);
    // The other designations still count for everyone.
    assert_eq!(actual(&targets(&app, &enterprise, "").await, "demonstration_base"), 1.0);
    assert_eq!(designations::Entity::find().count(&app.db).await.unwrap(), 3);
    assert_eq!(app.get_json("/api/v1/statistics/targets", None).await.status(), StatusCode::UNAUTHORIZED);
}

async fn report(app: &TestApp, token: &str, body: Value) -> reqwest::Response {
    app.post_json("/api/v1/statistics/school-reports", &body, Some(token)).await
}

/// A second school of the demo (not the demo account's), with a report for `year`.
async fn other_school_reports(app: &TestApp, own: i64, year: i32, teachers: i32, dual: i32) -> String {
    let other = organizations::Entity::find()
        .filter(organizations::Column::Kind.eq("school"))
        .filter(organizations::Column::Id.ne(own))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let now = chrono::Utc::now();
    school_reports::ActiveModel {
        organization_id: Set(other.id),
        year: Set(year),
        full_time_teachers: Set(teachers),
        dual_qualified_teachers: Set(dual),
        practice_days: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    other.name
}

#[tokio::test]
async fn a_schools_report_moves_the_ratio_and_a_second_report_for_the_year_replaces_it() {
    let app = spawn_app().await;
    let school = app.demo_login("school@demo.local").await;
    let city = app.demo_login("city@demo.local").await;
    let before = targets(&app, &city, "?year=2024").await;
    assert_eq!(actual(&before, "dual_qualified_teacher_ratio"), Value::Null, "no report, no ratio");
    assert_eq!(line(&before, "dual_qualified_teacher_ratio")["progress"]["status"], "behind");

    let first = report(
        &app,
        &school,
        json!({"year": 2024, "full_time_teachers": 100, "dual_qualified_teachers": 80,
        "practice_days": 3650}),
    )
    .await;
    assert_eq!(first.status(), StatusCode::OK);
    let after = targets(&app, &city, "?year=2024").await;
    assert_eq!(actual(&after, "dual_qualified_teacher_ratio"), 0.8);
    assert_eq!(after["schools_behind"][0]["target"], "dual_qualified_teacher_ratio");

    let replaced = report(
        &app,
        &school,
        json!({"year": 2024, "full_time_teachers": 100, "dual_qualified_teachers": 95,
        "practice_days": "3650"}),
    )
    .await;
    assert_eq!(replaced.status(), StatusCode::OK);
    let now = targets(&app, &city, "?year=2024").await;
    assert_eq!(actual(&now, "dual_qualified_teacher_ratio"), 0.95);
    assert_eq!(line(&now, "dual_qualified_teacher_ratio")["progress"]["status"], "met");
    let mine: Value = app.get_json("/api/v1/statistics/school-reports", Some(&school)).await.json().await.unwrap();
    assert_eq!(mine.as_array().unwrap().len(), 1, "one report per school and year");
    let audit = audit_events::Entity::find()
        .filter(audit_events::Column::Entity.eq("school_report"))
        .filter(audit_events::Column::Action.eq("replace"))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the replacement is audited");
    assert!(audit.changes.contains("dual_qualified_teachers"), "{}", audit.changes);

    let too_many = report(
        &app,
        &school,
        json!({"year": 2024, "full_time_teachers": 100, "dual_qualified_teachers": 101,
        "practice_days": 0}),
    )
    .await;
    assert_eq!(too_many.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem_fields(too_many).await, ["dual_qualified_teachers"]);
    assert_eq!(actual(&targets(&app, &city, "?year=2024").await, "dual_qualified_teacher_ratio"), 0.95, "unchanged");

    for email in ["city@demo.local", "enterprise@demo.local"] {
        let token = app.demo_login(email).await;
        let body = json!({"year": 2024, "full_time_teachers": 1, "dual_qualified_teachers": 1, "practice_days": 0});
        assert_eq!(report(&app, &token, body).await.status(), StatusCode::FORBIDDEN, "{email}");
    }
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let listed = app.get_json("/api/v1/statistics/school-reports", Some(&enterprise)).await;
    assert_eq!(listed.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn schools_see_only_their_own_school_among_those_behind_and_enterprises_none() {
    let app = spawn_app().await;
    let school = app.demo_login("school@demo.local").await;
    let own = app.my_org_id(&school).await;
    report(
        &app,
        &school,
        json!({"year": 2024, "full_time_teachers": 50, "dual_qualified_teachers": 40,
        "practice_days": 0}),
    )
    .await;
    let other = other_school_reports(&app, own, 2024, 200, 100).await;

    let city = targets(&app, &app.demo_login("city@demo.local").await, "?year=2024").await;
    let names: Vec<&str> =
        city["schools_behind"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert!(names.contains(&other.as_str()), "the city sees every school behind: {names:?}");
    assert_eq!(actual(&city, "dual_qualified_teacher_ratio"), 140.0 / 250.0);

    let seen_by_school = targets(&app, &school, "?year=2024").await;
    let rows = seen_by_school["schools_behind"].as_array().unwrap();
    assert!(!rows.is_empty() && rows.iter().all(|s| s["organization_id"] == own), "only itself: {rows:?}");
    assert_eq!(seen_by_school["schools_behind_count"], city["schools_behind_count"]);
    assert_eq!(actual(&seen_by_school, "dual_qualified_teacher_ratio"), 140.0 / 250.0, "aggregates are shared");
    let seen_by_enterprise = targets(&app, &app.demo_login("enterprise@demo.local").await, "?year=2024").await;
    assert_eq!(seen_by_enterprise["schools_behind"], json!([]));

    let (browser, _) = signed_in(&app, "school@demo.local").await;
    let page = page_text(&browser, &app, "/statistics?year=2024").await;
    assert!(!page.contains(&other), "no other school's name on the dashboard");
    let (browser, _) = signed_in(&app, "city@demo.local").await;
    assert!(page_text(&browser, &app, "/statistics?year=2024").await.contains(&other));
    let reports: Value = app
        .get_json("/api/v1/statistics/school-reports", Some(&app.demo_login("city@demo.local").await))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(reports.as_array().unwrap().len(), 2, "the city sees every school's reports");
}

#[tokio::test]
async fn the_district_filter_restricts_every_count_and_the_district_table() {
    let app = spawn_app().await;
    let city = app.demo_login("city@demo.local").await;
    for (district, year) in [("330603", 2021), ("330603", 2023), ("330602", 2022)] {
        record(&app, &city, &designation("collaborative_education_project", "协同育人项目", district, year)).await;
    }
    let keqiao = targets(&app, &city, "?district=330603").await;
    assert_eq!(actual(&keqiao, "collaborative_education_project"), 2.0);
    assert_eq!(keqiao["districts"].as_array().unwrap().len(), 1);
    assert_eq!(keqiao["districts"][0]["code"], "330603");
    // The district's share of 50 projects over six districts.
    assert!((line(&keqiao, "collaborative_education_project")["target"].as_f64().unwrap() - 50.0 / 6.0).abs() < 1e-9);
    assert_eq!(line(&keqiao, "provincial_alliance")["progress"], Value::Null, "one alliance is a city-wide target");
    let totals: u64 = keqiao["years"].as_array().unwrap().iter().map(|y| y["total"].as_u64().unwrap()).sum();
    assert_eq!(totals, 2);
    let whole = targets(&app, &city, "").await;
    assert_eq!(actual(&whole, "collaborative_education_project"), 3.0);
    assert_eq!(whole["districts"].as_array().unwrap().len(), 6);
    let bad = app.get_json("/api/v1/statistics/targets?district=330100", Some(&city)).await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem_fields(bad).await, ["district"]);
}

#[tokio::test]
async fn without_any_data_every_target_reads_zero_or_nothing_reported_and_is_behind_after_the_plan() {
    let app = spawn_app().await;
    let report = targets(&app, &app.demo_login("city@demo.local").await, "").await;
    assert_eq!(report["period"], json!({"first_year": 2020, "last_year": 2024}));
    assert_eq!(report["plan_source"], "embedded");
    assert_eq!(report["targets"].as_array().unwrap().len(), 11);
    assert_eq!(report["elapsed"], 1.0, "the plan period is over");
    for target in report["targets"].as_array().unwrap() {
        assert_eq!(target["progress"]["status"], "behind", "{}", target["id"]);
    }
    assert_eq!(actual(&report, "pilot_enterprise"), 0.0);
    assert_eq!(actual(&report, "teacher_enterprise_practice"), Value::Null);
    // At the end of 2021 two fifths of the plan period had passed.
    let early = targets(&app, &app.demo_login("city@demo.local").await, "?year=2021").await;
    assert_eq!(early["as_of"], "2022-01-01");
    assert!((line(&early, "pilot_enterprise")["progress"]["expected"].as_f64().unwrap() - 731.0 / 1827.0).abs() < 1e-9);
}

#[tokio::test]
async fn an_imported_plan_replaces_the_embedded_one_and_a_bad_file_changes_nothing() {
    let app = spawn_app().await;
    let bad = "id,name_zh,name_en,target,unit\npilot_enterprise,试点企业,Pilot,forty,count\nsteel,钢,Steel,1,count\n";
    let error = plan::import(&app.db, "330600", 2025, 2029, bad, app.clock.now()).await.unwrap_err().to_string();
    assert!(error.contains("row 2, column target") && error.contains("row 3, column id"), "{error}");
    let city = app.demo_login("city@demo.local").await;
    assert_eq!(targets(&app, &city, "").await["plan_source"], "embedded");

    let good = "id,name_zh,name_en,target,unit,lead_unit\npilot_enterprise,省级产教融合试点企业,Pilot enterprises,40,count,市发改委\n\
                dual_qualified_teacher_ratio,双师型比例,Dual-qualified share,0.95,ratio (at least),市教育局\n";
    assert_eq!(plan::import(&app.db, "330600", 2025, 2029, good, app.clock.now()).await.unwrap(), 2);
    let report = targets(&app, &city, "").await;
    assert_eq!(report["plan_source"], "imported");
    assert_eq!(report["period"], json!({"first_year": 2025, "last_year": 2029}));
    assert_eq!(report["targets"].as_array().unwrap().len(), 2);
    assert_eq!(line(&report, "pilot_enterprise")["target"], 40.0);
    assert!(plan::import(&app.db, "330603", 2025, 2029, good, app.clock.now()).await.is_err(), "a district is no city");
}

#[tokio::test]
async fn the_city_records_a_designation_on_the_page_and_the_dashboard_shows_it() {
    let app = spawn_app().await;
    let (browser, csrf) = signed_in(&app, "city@demo.local").await;
    let form = [
        ("designation_type", "k12_career_base"),
        ("organization_name", "柯桥职业体验基地"),
        ("district", "330603"),
        ("year", "2023"),
        ("issuing_body", "绍兴市教育局"),
        ("document_number", ""),
        ("evidence_url", ""),
        ("_csrf", csrf.as_str()),
    ];
    let refused = browser.post(app.url("/statistics/designations")).form(&form).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text().await.unwrap();
    assert!(html.contains("id=\"evidence-error\""), "the missing evidence is shown at its field");
    let mut form = form.to_vec();
    form[5] = ("document_number", "绍市教〔2023〕8号");
    let saved = browser.post(app.url("/statistics/designations")).form(&form).send().await.unwrap();
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let list = page_text(&browser, &app, "/statistics/designations").await;
    assert!(list.contains("柯桥职业体验基地") && list.contains("绍市教〔2023〕8号"));

    let dashboard = page_text(&browser, &app, "/statistics?district=330603").await;
    assert!(dashboard.contains("目标总览") && dashboard.contains("class=\"target-bar\""));
    assert!(dashboard.contains("data-target=\"k12_career_base\""));
    assert!(dashboard.contains("<strong class=\"actual\">1</strong>"), "the base counts in 柯桥区");
    assert!(dashboard.contains("aria-current=\"page\""), "the dashboard tab is current");
    let home = page_text(&browser, &app, "/").await;
    assert!(home.contains("href=\"/statistics\""), "the nav's 统计 goes to the dashboard");

    let (school, csrf) = signed_in(&app, "school@demo.local").await;
    let posted = school
        .post(app.url("/statistics/school-report"))
        .form(&[
            ("year", "2024"),
            ("full_time_teachers", "10"),
            ("dual_qualified_teachers", "12"),
            ("practice_days", "0"),
            ("_csrf", &csrf),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(posted.text().await.unwrap().contains("id=\"dual_qualified_teachers-error\""));
    let denied = school.post(app.url("/statistics/designations")).form(&form).send().await.unwrap();
    assert_eq!(denied.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_demo_dashboard_has_designations_and_reports_in_every_district_and_is_seeded_once() {
    let app = spawn_app().await;
    chanjiao_tools::demo::seed_all(&app.db, &app.clock).await.unwrap();
    let count = designations::Entity::find().count(&app.db).await.unwrap();
    chanjiao_tools::demo::seed_all(&app.db, &app.clock).await.unwrap();
    assert_eq!(designations::Entity::find().count(&app.db).await.unwrap(), count, "seeded once");
    let report = targets(&app, &app.demo_login("city@demo.local").await, "").await;
    assert_eq!(actual(&report, "pilot_enterprise"), 26.0, "the revoked one does not count");
    assert_eq!(line(&report, "pilot_enterprise")["progress"]["status"], "behind");
    assert_eq!(line(&report, "k12_career_base")["progress"]["status"], "met");
    assert_eq!(report["report_year"], 2024);
    let ratio = actual(&report, "dual_qualified_teacher_ratio").as_f64().unwrap();
    assert!((0.7..0.95).contains(&ratio), "{ratio}");
    assert!(report["districts"].as_array().unwrap().iter().any(|d| !d["behind"].as_array().unwrap().is_empty()));
    let per_year: u64 = report["years"].as_array().unwrap().iter().map(|y| y["total"].as_u64().unwrap()).sum();
    assert_eq!(per_year, count - 1);
}

#[test]
fn the_targets_import_command_names_the_row_and_column_of_a_bad_file_and_imports_a_good_one() {
    let dir = tempfile::tempdir().unwrap();
    let run = |file: &std::path::Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_chanjiao"))
            .args(["targets", "import", "--first-year", "2025", "--last-year", "2029", "--file"])
            .arg(file)
            .arg("--data-dir")
            .arg(dir.path())
            .env_remove("DATABASE_URL")
            .env_remove("CHANJIAO_DATABASE_URL")
            .env("RUST_LOG", "warn")
            .output()
            .expect("run chanjiao")
    };
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "id,name_zh,name_en,target,unit\nk12_career_base,基地,Bases,15,ratio (at least)\n").unwrap();
    let refused = run(&bad);
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("row 2, column unit"), "{stderr}");
    let good = dir.path().join("good.csv");
    std::fs::write(&good, "id,name_zh,name_en,target,unit\nk12_career_base,基地,Bases,20,count\n").unwrap();
    let imported = run(&good);
    assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));
    assert!(String::from_utf8_lossy(&imported.stdout).contains("imported 1 targets"));
}

#[tokio::test]
async fn visitors_who_are_not_signed_in_are_sent_to_the_login_page() {
    let app = spawn_app().await;
    for path in ["/statistics", "/statistics/designations", "/statistics/school-report"] {
        let response = app.browser().get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
        assert!(response.headers()["location"].to_str().unwrap().starts_with("/login"), "{path}");
    }
    let (browser, _) = signed_in(&app, "city@demo.local").await;
    let form = page_text(&browser, &app, "/statistics/designations").await;
    assert!(
        form.contains("name=\"organization_id\"") && form.contains("<option value=\"\">"),
        "a picker of organizations"
    );
}

#[tokio::test]
async fn the_city_report_has_a_section_on_the_plan_targets() {
    let app = spawn_app().await;
    let city = app.demo_login("city@demo.local").await;
    record(&app, &city, &designation("k12_career_base", "越城职业体验基地", "330602", 2023)).await;
    let response = app.get_json("/api/v1/statistics/reports/city?district=330602", Some(&city)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let report: Value = response.json().await.unwrap();
    let section =
        report["sections"].as_array().unwrap().iter().find(|s| s["key"] == "targets").expect("a targets section");
    let k12 = section["rows"].as_array().unwrap().iter().find(|r| r[0] == "中小学生职业体验示范基地").unwrap();
    assert_eq!((k12[1].as_f64(), k12[2].as_f64()), (Some(2.5), Some(1.0)), "the district's share and its one base");
}
