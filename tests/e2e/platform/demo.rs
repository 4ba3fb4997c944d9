//! The Shaoxing demo as `serve --demo` loads it: hundreds of published postings of every kind in
//! every district and cluster, loaded once.

use serde_json::Value;

use crate::e2e::support::spawn_app;

const COUNTIES: [&str; 6] = ["330602", "330603", "330604", "330624", "330681", "330683"];

#[tokio::test]
async fn the_demo_shows_hundreds_of_postings_of_every_kind_across_the_city() {
    let app = spawn_app().await;
    let (_, added) = chanjiao_tools::demo::seed_all(&app.db, &app.clock).await.unwrap();
    assert!(added >= 400, "{added}");
    let (_, again) = chanjiao_tools::demo::seed_all(&app.db, &app.clock).await.unwrap();
    assert_eq!(again, 0, "seeding twice adds nothing");

    let token = app.demo_login("city@demo.local").await;
    let total = |query: String| {
        let app = &app;
        let token = token.clone();
        async move {
            let body: Value =
                app.get_json(&format!("/api/v1/postings?limit=1&{query}"), Some(&token)).await.json().await.unwrap();
            body["total"].as_i64().unwrap()
        }
    };
    assert!(total(String::new()).await >= 300);
    for kind in chanjiao_domain::posting::PostingKind::ALL {
        assert!(total(format!("kind={}", kind.as_str())).await >= 5, "{kind}");
    }
    for county in COUNTIES {
        assert!(total(format!("region={county}")).await >= 10, "{county}");
    }
    for cluster in chanjiao_domain::reference::clusters() {
        assert!(total(format!("cluster={}", cluster.id.as_str())).await >= 5, "{}", cluster.id.as_str());
    }
    // History for the statistics: postings of past years that are closed, filled or expired. They
    // are not public, so only a platform administrator lists them (the city sees them as counts).
    let admin = app.demo_login("admin@demo.local").await;
    for status in ["closed", "filled", "expired"] {
        assert_eq!(total(format!("status={status}")).await, 0, "{status}: not listed to the city");
        let path = format!("/api/v1/postings?limit=1&status={status}");
        let body: Value = app.get_json(&path, Some(&admin)).await.json().await.unwrap();
        assert!(body["total"].as_i64().unwrap() >= 10, "{status}");
    }
}
