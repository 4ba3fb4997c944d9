//! Search end to end: a published posting is found within a second, in Chinese, by synonym and
//! by pinyin; drafts and closed postings never are; hostile queries are answered; facets count.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::e2e::support::{TestApp, problem_fields, spawn_app};

async fn search(app: &TestApp, token: &str, query: &str) -> Value {
    let response =
        app.api.get(app.url("/api/v1/search")).query(&[("q", query)]).bearer_auth(token).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{query:?}");
    response.json().await.unwrap()
}

fn ids(results: &Value) -> Vec<i64> {
    results["hits"].as_array().unwrap().iter().map(|h| h["id"].as_i64().unwrap()).collect()
}

async fn publish(app: &TestApp, token: &str, title: &str, description: &str) -> i64 {
    let body = json!({"publish": true, "kind": "job", "title": title, "description": description,
        "region": "330603", "quantity": 5, "industry_clusters": ["hq_equipment"]});
    let response = app.post_json("/api/v1/postings", &body, Some(token)).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

#[tokio::test]
async fn a_published_posting_is_found_within_a_second_by_words_synonyms_and_pinyin() {
    let app = spawn_app().await;
    let token = app.demo_login("enterprise@demo.local").await;
    let acknowledged = Instant::now();
    let id = publish(&app, &token, "数控车工（柯桥）", "操作数控车床，负责零件加工与首件检验。").await;
    let found = app
        .eventually(Duration::from_secs(1), || async { ids(&search(&app, &token, "数控").await).contains(&id) })
        .await;
    assert!(found, "not searchable within 1 s of the write ({:?})", acknowledged.elapsed());
    for query in ["CNC", "shukong", "sk", "车工 柯桥"] {
        assert!(ids(&search(&app, &token, query).await).contains(&id), "{query}");
    }
    let results = search(&app, &token, "数控").await;
    let hit = &results["hits"][0];
    assert_eq!(hit["organization_name"], "绍兴精工数控机床有限公司");
    assert!(hit["title_html"].as_str().unwrap().contains("<mark>"));
}

#[tokio::test]
async fn drafts_closed_and_edited_postings_show_what_is_published_now() {
    let app = spawn_app().await;
    let token = app.demo_login("enterprise@demo.local").await;
    let draft = app
        .post_json(
            "/api/v1/postings",
            &json!({"kind": "job", "title": "草稿里的电工", "region": "330603", "quantity": 1}),
            Some(&token),
        )
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let id = publish(&app, &token, "维修电工", "负责设备电气维修").await;
    assert!(
        app.eventually(Duration::from_secs(2), || async { ids(&search(&app, &token, "电工").await).contains(&id) })
            .await
    );
    assert!(!ids(&search(&app, &token, "电工").await).contains(&draft));

    app.api
        .patch(app.url(&format!("/api/v1/postings/{id}")))
        .bearer_auth(&token)
        .json(&json!({"title": "维修钳工"}))
        .send()
        .await
        .unwrap();
    assert!(
        app.eventually(Duration::from_secs(2), || async { ids(&search(&app, &token, "钳工").await).contains(&id) })
            .await
    );
    app.post_json(&format!("/api/v1/postings/{id}/close"), &json!({}), Some(&token)).await;
    assert!(
        app.eventually(Duration::from_secs(2), || async { !ids(&search(&app, &token, "钳工").await).contains(&id) })
            .await
    );
}

#[tokio::test]
async fn hostile_queries_get_answers_not_errors() {
    let app = spawn_app().await;
    let token = app.demo_login("school@demo.local").await;
    let long = "数控 ".repeat(1400); // about 10 kB of UTF-8
    let hostile = [
        "\"unbalanced",
        "AND OR NOT",
        "title:(",
        "*?~^",
        "😀🔥",
        "\u{0}\u{7}",
        "<script>alert(1)</script>",
        "-",
        "((((",
        &long,
    ];
    for query in hostile {
        search(&app, &token, query).await;
    }
    let bad = app.get_json("/api/v1/search?sort=random&limit=1000&kind=rocket", Some(&token)).await;
    let mut fields = problem_fields(bad).await;
    fields.sort();
    assert_eq!(fields, ["kind", "limit", "sort"]);
}

#[tokio::test]
async fn facets_count_the_matches_and_filters_narrow_them() {
    let app = spawn_app().await;
    let token = app.demo_login("enterprise@demo.local").await;
    for i in 0..3 {
        publish(&app, &token, &format!("焊工 {i}"), "焊接作业").await;
    }
    let apprenticeship = json!({"publish": true, "kind": "apprenticeship", "title": "焊工学徒", "region": "330681",
        "quantity": 8, "apprenticeship_type": "modern"});
    app.post_json("/api/v1/postings", &apprenticeship, Some(&token)).await;
    assert!(
        app.eventually(Duration::from_secs(2), || async { search(&app, &token, "焊工").await["total"] == 4 }).await
    );
    let all = search(&app, &token, "焊工").await;
    let kinds = &all["facets"]["kind"];
    let count = |facet: &Value, value: &str| {
        facet.as_array().unwrap().iter().find(|v| v["value"] == value).map(|v| v["count"].as_i64().unwrap())
    };
    assert_eq!(count(kinds, "job"), Some(3));
    assert_eq!(count(kinds, "apprenticeship"), Some(1));
    let filtered: Value =
        app.get_json("/api/v1/search?q=焊工&kind=apprenticeship", Some(&token)).await.json().await.unwrap();
    assert_eq!(filtered["total"], 1);
    // A filter does not hide the other values of its own facet.
    assert_eq!(count(&filtered["facets"]["kind"], "job"), Some(3));
    let in_zhuji: Value = app.get_json("/api/v1/search?q=焊工&region=330681", Some(&token)).await.json().await.unwrap();
    assert_eq!(in_zhuji["total"], 1);
    let suggest: Value = app.get_json("/api/v1/suggest?q=焊", Some(&token)).await.json().await.unwrap();
    assert!(suggest["suggestions"].as_array().unwrap().iter().any(|s| s.as_str().unwrap().starts_with("焊工")));
}

#[tokio::test]
async fn the_search_page_highlights_filters_and_helps_when_nothing_is_found() {
    let app = spawn_app().await;
    let token = app.demo_login("enterprise@demo.local").await;
    let id = publish(&app, &token, "数控车工 <急招>", "操作数控车床").await;
    assert!(
        app.eventually(Duration::from_secs(2), || async { ids(&search(&app, &token, "数控").await).contains(&id) })
            .await
    );
    let browser = app.browser();
    let csrf = app.csrf_token(&browser, "/login").await;
    browser
        .post(app.url("/login"))
        .form(&[("email", "school@demo.local"), ("password", crate::e2e::support::DEMO_PASSWORD), ("_csrf", &csrf)])
        .send()
        .await
        .unwrap();
    let page = browser.get(app.url("/search?q=CNC")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(&format!("/postings/{id}")), "a synonym finds it");
    assert!(page.contains("<mark>") && page.contains("&lt;急招&gt;"), "highlighted and escaped");
    assert!(page.contains("q=CNC&amp;kind=job"), "a facet link that adds the kind filter");
    let filtered = browser.get(app.url("/search?q=CNC&region=330681")).send().await.unwrap().text().await.unwrap();
    assert!(filtered.contains("没有找到") && filtered.contains("去掉筛选"), "help to drop the filter");
    let english = browser.get(app.url("/search?q=CNC&lang=en")).send().await.unwrap().text().await.unwrap();
    assert!(english.contains("Job"));
}

#[tokio::test]
async fn program_offerings_are_found_by_words_of_their_national_profile() {
    let app = spawn_app().await;
    let school = app.demo_login("school@demo.local").await;
    let offering = json!({"publish": true, "kind": "program_offering", "title": "2027届毕业生推荐（智能制造方向）",
        "region": "330602", "program_codes": ["460110"], "quantity": 40});
    let query = "质量管理 生产管控";
    let before: Value = app.post_json("/api/v1/postings", &offering, Some(&school)).await.json().await.unwrap();
    let before = before["id"].as_i64().unwrap();
    assert!(
        app.eventually(Duration::from_secs(2), || async {
            ids(&search(&app, &school, "智能制造").await).contains(&before)
        })
        .await
    );
    assert!(!ids(&search(&app, &school, query).await).contains(&before), "without profiles the words are nowhere");

    let reference = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/reference");
    chanjiao_api::services::reference::import(&app.db, &reference).await.unwrap();
    let after: Value = app.post_json("/api/v1/postings", &offering, Some(&school)).await.json().await.unwrap();
    let after = after["id"].as_i64().unwrap();
    let found = app
        .eventually(Duration::from_secs(2), || async { ids(&search(&app, &school, query).await).contains(&after) })
        .await;
    assert!(found, "the profile of 460110 智能焊接技术 speaks of 质量管理 and 生产管控");
}
