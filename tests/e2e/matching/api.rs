//! Matching over the real demo data and the real national reference data: both directions, the
//! reasons in both languages, free-text matching, the page panel, and what never comes back.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::e2e::support::{
    TestApp, first_hit, page_text, problem_fields, signed_in, spawn_app, spawn_app_with_reference, with_demo_postings,
};

/// Counties next to 柯桥区 (330603) in the adjacency table, and 柯桥 itself.
const NEAR_KEQIAO: [&str; 4] = ["330603", "330602", "330681", "330683"];

async fn matches(app: &TestApp, token: &str, id: i64, query: &str) -> Vec<Value> {
    let response = app.get_json(&format!("/api/v1/postings/{id}/matches?{query}"), Some(token)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    body["matches"].as_array().unwrap().clone()
}

fn region_of(m: &Value) -> String {
    m["posting"]["region"].as_str().unwrap()[..6].to_owned()
}

/// Every match is a whole, explained, ordered answer.
fn assert_well_formed(found: &[Value], subject_org: i64, kinds: &[&str]) {
    assert!(!found.is_empty());
    let scores: Vec<f64> = found.iter().map(|m| m["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    for m in found {
        assert!((0.0..=1.0).contains(&m["score"].as_f64().unwrap()));
        assert!(kinds.contains(&m["posting"]["kind"].as_str().unwrap()), "{}", m["posting"]);
        assert_ne!(m["posting"]["organization_id"].as_i64().unwrap(), subject_org, "own postings are not matches");
        let criteria = m["criteria"].as_array().unwrap();
        assert_eq!(criteria.len(), 8);
        let weighted: f64 = criteria.iter().map(|c| c["score"].as_f64().unwrap() * c["weight"].as_f64().unwrap()).sum();
        assert!((weighted - m["score"].as_f64().unwrap()).abs() < 0.01, "the score is the weighted sum");
        for c in criteria {
            assert!(
                !c["reason_zh"].as_str().unwrap().is_empty() && !c["reason_en"].as_str().unwrap().is_empty(),
                "{c}"
            );
        }
    }
}

#[tokio::test]
async fn a_cnc_apprenticeship_in_keqiao_finds_machining_programs_nearby_and_schools_find_it_back() {
    let app = spawn_app_with_reference().await;
    let token = with_demo_postings(&app).await;
    let apprenticeship = first_hit(&app, &token, "q=数控车工&kind=apprenticeship&region=330603").await;
    let subject: Value =
        app.get_json(&format!("/api/v1/postings/{apprenticeship}"), Some(&token)).await.json().await.unwrap();

    let found = matches(&app, &token, apprenticeship, "limit=10").await;
    assert_well_formed(&found, subject["organization_id"].as_i64().unwrap(), &["program_offering"]);
    // First a machining program (机械设计制造类) of a school in 柯桥 or next to it; and every
    // machining program listed ranks above every program outside 装备制造 (equipment manufacturing).
    let class = |m: &Value| m["posting"]["program_codes"][0].as_str().unwrap()[..4].to_owned();
    let top = &found[0];
    assert!(["6601", "4601", "2601"].contains(&class(top).as_str()), "machining first: {}", top["posting"]);
    assert!(NEAR_KEQIAO.contains(&region_of(top).as_str()), "a nearby school first: {}", top["posting"]);
    let machining: Vec<usize> = (0..found.len()).filter(|&i| &class(&found[i])[1..] == "601").collect();
    let equipment = |c: &str| ["66", "46", "26"].iter().any(|p| c.starts_with(p));
    let unrelated: Vec<usize> = (0..found.len()).filter(|&i| !equipment(&class(&found[i]))).collect();
    assert!(machining.len() >= 2, "{found:?}");
    if let (Some(last_machining), Some(first_unrelated)) = (machining.last(), unrelated.first()) {
        assert!(last_machining < first_unrelated, "machining {machining:?} before unrelated fields {unrelated:?}");
    }
    let reasons: Vec<&str> =
        found[0]["criteria"].as_array().unwrap().iter().map(|c| c["reason"].as_str().unwrap()).collect();
    assert!(reasons.iter().any(|r| r.contains("车工")), "the occupation link is named: {reasons:?}");
    assert!(reasons.iter().any(|r| r.starts_with("同在") || r.ends_with("相邻")), "{reasons:?}");

    // In English the reasons are English.
    let english = matches(&app, &token, apprenticeship, "limit=3&lang=en").await;
    for c in english[0]["criteria"].as_array().unwrap() {
        assert_eq!(c["reason"], c["reason_en"]);
    }
    assert_eq!(
        english[0]["criteria"][3]["reason_en"].as_str().unwrap().starts_with("Both in"),
        region_of(&english[0]) == "330603"
    );

    // The other way: the school's machining program finds enterprise needs, this one among them.
    let program = found[0]["posting"]["id"].as_i64().unwrap();
    let back = matches(&app, &token, program, "limit=20").await;
    assert_well_formed(
        &back,
        found[0]["posting"]["organization_id"].as_i64().unwrap(),
        &["job", "apprenticeship", "order_class"],
    );
    assert!(back.iter().any(|m| m["posting"]["id"] == apprenticeship), "the apprenticeship is among its matches");
    let titles: Vec<&str> = back[..3].iter().map(|m| m["posting"]["title"].as_str().unwrap()).collect();
    assert!(titles.iter().any(|t| t.contains("数控") || t.contains("车工") || t.contains("机")), "{titles:?}");

    // A closed counterpart is never a match, at once.
    let school_token = token_of_org(&app, found[0]["posting"]["organization_id"].as_i64().unwrap()).await;
    let closed = app.post_json(&format!("/api/v1/postings/{program}/close"), &json!({}), Some(&school_token)).await;
    assert_eq!(closed.status(), StatusCode::OK);
    let after = matches(&app, &token, apprenticeship, "limit=50").await;
    assert!(after.iter().all(|m| m["posting"]["id"] != program), "a closed posting is not matched");

    // Free text: the catalogue and the school offers for a need in words.
    let body = json!({"text": "数控车床操作工，负责轴类零件的数控车削加工和首件自检", "level": "gaozhi_zhuanke", "region": "330603"});
    let response = app.post_json("/api/v1/match", &body, Some(&token)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let free: Value = response.json().await.unwrap();
    let programs: Vec<&str> =
        free["programs"].as_array().unwrap().iter().map(|p| p["code"].as_str().unwrap()).collect();
    assert!(programs[..5].contains(&"460103"), "数控技术 among the first programs: {programs:?}");
    assert!(free["programs"].as_array().unwrap().iter().all(|p| p["level"] == "gaozhi_zhuanke"));
    assert!(free["programs"][0]["reason"]["zh"].as_str().is_some_and(|r| !r.is_empty()), "{}", free["programs"][0]);
    let offers = free["offers"].as_array().unwrap();
    assert_well_formed(offers, 0, &["program_offering"]);

    // The posting's page shows the panel, in both languages.
    let (browser, _) = signed_in(&app, "enterprise@demo.local").await;
    let html = page_text(&browser, &app, &format!("/postings/{apprenticeship}")).await;
    assert!(html.contains("推荐匹配") && html.contains("为什么推荐"), "the match panel is on the page");
    assert!(!html.contains(".0</dd>"), "amounts read as people write them (2200, not 2200.0)");
    let top_title = after[0]["posting"]["title"].as_str().unwrap();
    assert!(html.contains(top_title), "the top match is listed: {top_title}");
    assert!(html.contains("data-criterion=\"region\""));
    let english = page_text(&browser, &app, &format!("/postings/{apprenticeship}?lang=en")).await;
    assert!(english.contains("Top matches") && english.contains("Why this match"));
}

async fn token_of_org(app: &TestApp, organization_id: i64) -> String {
    // Demo schools have no accounts of their own beyond school@demo.local; add one.
    use sea_orm::EntityTrait;
    let org =
        chanjiao_api::entities::organizations::Entity::find_by_id(organization_id).one(&app.db).await.unwrap().unwrap();
    let email = format!("admin{organization_id}@school.test");
    chanjiao_api::services::accounts::add_user(
        &app.db,
        &chanjiao_api::auth::password::Hasher::new(1, 0),
        Some(org.id),
        chanjiao_api::services::accounts::NewUser {
            email: email.clone(),
            password: "matching-test-1".into(),
            role: "org_admin".into(),
        },
        app.clock.now(),
    )
    .await
    .unwrap();
    app.login(&email, "matching-test-1").await
}

#[tokio::test]
async fn match_requests_are_checked_and_private_postings_stay_private() {
    let app = spawn_app().await;
    let token = app.demo_login("enterprise@demo.local").await;
    let unauthenticated = app.post_json("/api/v1/match", &json!({"text": "数控"}), None).await;
    assert_eq!(unauthenticated.status(), StatusCode::UNAUTHORIZED);

    let bad =
        app.post_json("/api/v1/match", &json!({"text": " ", "level": "phd", "region": "110101"}), Some(&token)).await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let mut fields = problem_fields(bad).await;
    fields.sort();
    assert_eq!(fields, ["level", "region", "text"]);
    let huge = app.post_json("/api/v1/match", &json!({"text": "数控".repeat(3_000)}), Some(&token)).await;
    assert_eq!(problem_fields(huge).await, ["text"]);

    // Hostile text is just text.
    for text in ["\"((( AND OR", "😀😀 数控 <script>", "a\u{0}b"] {
        let response = app.post_json("/api/v1/match", &json!({"text": text}), Some(&token)).await;
        assert!(matches!(response.status(), StatusCode::OK | StatusCode::UNPROCESSABLE_ENTITY), "{text}");
    }

    // A draft of another organization has no matches to show anyone else.
    let draft =
        json!({"kind": "job", "title": "数控车工（草稿）", "region": "330603", "quantity": 3, "description": "草稿"});
    let created: Value = app.post_json("/api/v1/postings", &draft, Some(&token)).await.json().await.unwrap();
    let id = created["id"].as_i64().unwrap();
    let own = app.get_json(&format!("/api/v1/postings/{id}/matches"), Some(&token)).await;
    assert_eq!(own.status(), StatusCode::OK, "the owner matches a draft before publishing it");
    let school = app.demo_login("school@demo.local").await;
    assert_eq!(
        app.get_json(&format!("/api/v1/postings/{id}/matches"), Some(&school)).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.get_json("/api/v1/postings/999999/matches", Some(&token)).await.status(), StatusCode::NOT_FOUND);
    let limit = app.get_json(&format!("/api/v1/postings/{id}/matches?limit=0"), Some(&token)).await;
    assert_eq!(problem_fields(limit).await, ["limit"]);
}
