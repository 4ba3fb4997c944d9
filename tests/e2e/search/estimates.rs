//! Large result sets: above `search_exact_count_limit` matches the total and the facet counts are
//! estimated from a sample, say so in the API and show 约 on the page; below it they are exact
//! (docs/search.md, "Counts").

use chanjiao_api::entities::postings;
use chanjiao_domain::PostingStatus;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::Value;

use crate::e2e::support::{TestApp, page_text, spawn_app_with, with_demo_postings};

async fn anonymous(app: &TestApp, query: &str) -> Value {
    let response = app.get_json(&format!("/api/v1/search?{query}"), None).await;
    assert_eq!(response.status(), StatusCode::OK, "{query}");
    response.json().await.unwrap()
}

#[tokio::test]
async fn a_search_matching_more_than_the_exact_limit_is_estimated_and_shown_as_an_estimate() {
    // The demo city has about 380 published postings; browsing them all is above a limit of 200.
    let app = spawn_app_with(|config| config.search_exact_count_limit = 200).await;
    with_demo_postings(&app).await;
    let published = postings::Entity::find()
        .filter(postings::Column::Status.eq(PostingStatus::Published.as_str()))
        .count(&app.db)
        .await
        .unwrap();
    assert!(published > 250, "the demo has {published} published postings");

    let all = anonymous(&app, "limit=5").await;
    assert_eq!(all["approximate"], true, "{all}");
    let total = all["total"].as_u64().unwrap();
    // A sample of about 80 matches: four standard errors either side.
    let off = (total as f64 - published as f64).abs() / published as f64;
    assert!(off < 0.4, "estimated {total} of {published} published postings");
    let kinds: u64 = all["facets"]["kind"].as_array().unwrap().iter().map(|v| v["count"].as_u64().unwrap()).sum();
    assert!(kinds > 0, "estimated kind counts: {}", all["facets"]["kind"]);
    assert_eq!(all["hits"].as_array().unwrap().len(), 5, "the page of hits is not sampled");
    // The same search on the same index answers the same estimate.
    assert_eq!(anonymous(&app, "limit=5").await["total"], all["total"]);

    let page = page_text(&app.browser(), &app, "/search").await;
    assert!(page.contains("约 "), "the page shows the estimate as one");
    assert!(page.contains("抽样估计"), "and explains it");

    // A narrower search is under the limit and counted exactly.
    let narrow = anonymous(&app, "q=数控&limit=100").await;
    assert_eq!(narrow["approximate"], false, "{narrow}");
    let (hits, total) = (narrow["hits"].as_array().unwrap().len() as u64, narrow["total"].as_u64().unwrap());
    assert!(hits > 0 && total >= hits && (total > 100 || total == hits), "{narrow}");
    let page = page_text(&app.browser(), &app, "/search?q=数控").await;
    assert!(!page.contains("抽样估计"));
}
