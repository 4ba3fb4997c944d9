//! Search and the site's public pages as anyone sees them (docs/search.md, "Public access"):
//! anonymous search over the API and as a page, the home page, caching of what is public (and
//! only of that), the sitemap and robots.txt.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, ETAG, IF_NONE_MATCH, SET_COOKIE, VARY};
use serde_json::{Value, json};

use crate::e2e::support::{TestApp, signed_in, spawn_app, spawn_app_with, with_demo_postings};

async fn publish(app: &TestApp, token: &str, title: &str, publish: bool) -> i64 {
    let body = json!({"publish": publish, "kind": "job", "title": title, "description": "操作数控车床，负责零件加工。",
        "region": "330603", "quantity": 5});
    let response = app.post_json("/api/v1/postings", &body, Some(token)).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

async fn anonymous_hits(app: &TestApp, q: &str) -> Vec<i64> {
    let response = app.api.get(app.url("/api/v1/search")).query(&[("q", q)]).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let found: Value = response.json().await.unwrap();
    found["hits"].as_array().unwrap().iter().map(|h| h["id"].as_i64().unwrap()).collect()
}

#[tokio::test]
async fn anyone_searches_published_postings_over_the_api_and_on_the_search_page() {
    let app = spawn_app().await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let id = publish(&app, &enterprise, "数控车工（公开）", true).await;
    let found =
        app.eventually(Duration::from_secs(10), || async { anonymous_hits(&app, "数控").await.contains(&id) });
    assert!(found.await, "an anonymous search finds the published posting");
    let suggest = app.get_json("/api/v1/suggest?q=数控", None).await;
    assert_eq!(suggest.status(), StatusCode::OK);
    // A token that is sent must still be valid: no silent downgrade to anonymous.
    let expired = app.get_json("/api/v1/search?q=数控", Some("not-a-token")).await;
    assert_eq!(expired.status(), StatusCode::UNAUTHORIZED);

    let response = app.browser().get(app.url("/search?q=数控")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "the search page no longer asks to sign in");
    let html = response.text().await.unwrap();
    assert!(html.contains(&format!("href=\"/postings/{id}\"")));
    assert!(!html.contains("class=\"inline-form save-search\""), "saving a search needs an account");
    assert!(html.contains("登录后保存搜索") && html.contains("href=\"/login?next=/search%3Fq%3D"));
    let (signed, _) = signed_in(&app, "school@demo.local").await;
    let theirs = signed.get(app.url("/search?q=数控")).send().await.unwrap().text().await.unwrap();
    assert!(theirs.contains("save-search"), "signed in, the search can be saved");
}

#[tokio::test]
async fn an_unchanged_anonymous_search_is_answered_304_without_searching_until_a_posting_changes() {
    let app = spawn_app().await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let first = publish(&app, &enterprise, "数控车工（缓存）", true).await;
    assert!(
        app.eventually(Duration::from_secs(10), || async { anonymous_hits(&app, "数控").await.contains(&first) }).await
    );

    let response = app.get_json("/api/v1/search?q=数控", None).await;
    assert_eq!(response.headers()[CACHE_CONTROL], "public, max-age=60");
    let tag = response.headers()[ETAG].to_str().unwrap().to_owned();
    let again = app.api.get(app.url("/api/v1/search?q=数控")).header(IF_NONE_MATCH, &tag).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(again.headers()[ETAG], tag.as_str());
    // The same query written differently is the same search.
    let spaced = app.api.get(app.url("/api/v1/search?q=%20数控%20")).header(IF_NONE_MATCH, &tag).send().await.unwrap();
    assert_eq!(spaced.status(), StatusCode::NOT_MODIFIED);
    let other = app.api.get(app.url("/api/v1/search?q=焊工")).header(IF_NONE_MATCH, &tag).send().await.unwrap();
    assert_eq!(other.status(), StatusCode::OK);

    // A posting change moves the index, and the old tag no longer matches.
    let second = publish(&app, &enterprise, "数控铣工（缓存）", true).await;
    assert!(
        app.eventually(Duration::from_secs(10), || async { anonymous_hits(&app, "数控").await.contains(&second) })
            .await
    );
    let changed = app.api.get(app.url("/api/v1/search?q=数控")).header(IF_NONE_MATCH, &tag).send().await.unwrap();
    assert_eq!(changed.status(), StatusCode::OK);
    assert_ne!(changed.headers()[ETAG], tag.as_str());

    // Signed in, the answer is the caller's own.
    let mine = app.get_json("/api/v1/search?q=数控", Some(&enterprise)).await;
    assert_eq!(mine.headers()[CACHE_CONTROL], "private, no-cache");
}

#[tokio::test]
async fn public_pages_are_cacheable_for_anonymous_visitors_and_private_when_signed_in() {
    let app = spawn_app().await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let id = publish(&app, &enterprise, "数控车工（页面缓存）", true).await;
    let path = format!("/postings/{id}");

    let anonymous = app.api.get(app.url(&path)).send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::OK);
    assert_eq!(anonymous.headers()[CACHE_CONTROL], "public, max-age=60");
    assert_eq!(anonymous.headers()[VARY], "Cookie, Accept-Language");
    assert!(anonymous.headers().get(SET_COOKIE).is_none(), "a shared copy carries no cookie");
    let tag = anonymous.headers()[ETAG].to_str().unwrap().to_owned();
    let html = anonymous.text().await.unwrap();
    assert!(!html.contains("name=\"_csrf\""), "nor a form token");
    let again = app.api.get(app.url(&path)).header(IF_NONE_MATCH, &tag).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    // The search page's tag changes when the index commits, so wait for the new posting's commit.
    let indexed =
        app.eventually(Duration::from_secs(10), || async { anonymous_hits(&app, "数控").await.contains(&id) });
    assert!(indexed.await, "the posting is indexed");
    for public in ["/", "/search?q=数控"] {
        let response = app.api.get(app.url(public)).send().await.unwrap();
        assert_eq!(response.headers()[CACHE_CONTROL], "public, max-age=60", "{public}");
        let tag = response.headers()[ETAG].to_str().unwrap().to_owned();
        let again = app.api.get(app.url(public)).header(IF_NONE_MATCH, &tag).send().await.unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{public}");
    }

    let (browser, _) = signed_in(&app, "enterprise@demo.local").await;
    for signed in [path.as_str(), "/", "/search?q=数控", "/org", "/postings"] {
        let response = browser.get(app.url(signed)).header(IF_NONE_MATCH, &tag).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{signed}");
        let control = response.headers()[CACHE_CONTROL].to_str().unwrap();
        assert!(control.starts_with("private"), "{signed}: {control}");
    }
}

#[tokio::test]
async fn the_home_page_leads_with_search_the_newest_postings_by_kind_and_the_citys_numbers() {
    let app = spawn_app().await;
    with_demo_postings(&app).await;
    let html = app.browser().get(app.url("/")).send().await.unwrap().text().await.unwrap();
    let search_box = html.find("action=\"/search\"").expect("a search box");
    assert!(search_box < html.find("id=\"newest-title\"").expect("the newest postings"), "the search box comes first");
    assert!(html.contains("id=\"newest-job\"") && html.contains("id=\"numbers-title\""));
    let open: Value = app.get_json("/api/v1/open-data", None).await.json().await.unwrap();
    let published: u64 = open["by_kind"].as_array().unwrap().iter().filter_map(|row| row[2]["count"].as_u64()).sum();
    assert!(published > 10);
    let shown = chanjiao_api::web::numbers::group(published.into());
    assert!(html.contains(&format!("<dd id=\"number-postings\">{shown}</dd>")), "the open data's count");
    let english = app.browser().get(app.url("/?lang=en")).send().await.unwrap().text().await.unwrap();
    assert!(english.contains("Newest postings") && english.contains("The city in numbers"));
}

#[tokio::test]
async fn the_sitemap_lists_published_postings_not_drafts_and_robots_txt_names_it() {
    let app = spawn_app_with(|config| config.public_url = Some("https://chanjiao.example.cn/".into())).await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let published = publish(&app, &enterprise, "数控车工（地图）", true).await;
    let draft = publish(&app, &enterprise, "数控车工（草稿）", false).await;
    let org = app.my_org_id(&enterprise).await;

    let response = app.api.get(app.url("/sitemap.xml")).header("host", "evil.example").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("application/xml"));
    let xml = response.text().await.unwrap();
    assert!(xml.starts_with("<?xml") && xml.contains("<urlset"));
    let entry = format!("<url><loc>https://chanjiao.example.cn/postings/{published}</loc><lastmod>");
    assert!(xml.contains(&entry), "{xml}");
    assert!(!xml.contains(&format!("/postings/{draft}<")), "no draft");
    assert!(xml.contains(&format!("<loc>https://chanjiao.example.cn/organizations/{org}</loc>")));
    assert!(xml.contains("<loc>https://chanjiao.example.cn/search</loc>") && !xml.contains("evil.example"));
    let missing = app.api.get(app.url("/sitemaps/postings-9.xml")).send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);

    let robots = app.api.get(app.url("/robots.txt")).send().await.unwrap().text().await.unwrap();
    assert!(robots.contains("Sitemap: https://chanjiao.example.cn/sitemap.xml"), "{robots}");
    assert!(robots.contains("Disallow: /api/") && robots.contains("Disallow: /admin/"));
    assert!(robots.contains("Disallow: /account") && robots.contains("Allow: /postings/"));
}
