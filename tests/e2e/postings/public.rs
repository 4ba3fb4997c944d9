//! Posting pages and organization profiles as anyone sees them (docs/postings.md, "Public
//! access"): a published posting is open to all, with its share card; nothing private ever is —
//! a draft, a paused or closed posting, a member's e-mail, a proposal, another organization's
//! requested change or members, an audit log. One test each, over the API and the pages.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::e2e::brokering::api::{apprenticeship, program_offer, publish};
use crate::e2e::support::{TestApp, signed_in, spawn_app, spawn_app_with};

fn job(title: &str, publish: bool) -> Value {
    json!({"kind": "job", "title": title, "description": "负责数控车床编程与操作，首件检验。", "region": "330603",
        "quantity": 3, "publish": publish})
}

async fn create(app: &TestApp, token: &str, body: Value) -> i64 {
    let response = app.post_json("/api/v1/postings", &body, Some(token)).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

async fn act(app: &TestApp, token: &str, id: i64, action: &str) {
    let response = app.post_json(&format!("/api/v1/postings/{id}/{action}"), &json!({}), Some(token)).await;
    assert_eq!(response.status(), StatusCode::OK, "{action}");
}

/// The status and text of a page fetched by an anonymous browser.
async fn anonymous_page(app: &TestApp, path: &str) -> (StatusCode, String) {
    let response = app.browser().get(app.url(path)).send().await.unwrap();
    (response.status(), response.text().await.unwrap())
}

/// Whether an anonymous search for `q` finds posting `id`.
async fn anonymous_search_finds(app: &TestApp, q: &str, id: i64) -> bool {
    let found: Value =
        app.api.get(app.url("/api/v1/search")).query(&[("q", q)]).send().await.unwrap().json().await.unwrap();
    found["hits"].as_array().unwrap().iter().any(|h| h["id"].as_i64() == Some(id))
}

#[tokio::test]
async fn an_anonymous_visitor_never_sees_a_draft() {
    let app = spawn_app().await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let draft = create(&app, &enterprise, job("草稿数控车工", false)).await;
    let published = create(&app, &enterprise, job("已发布数控车工", true)).await;

    assert_eq!(app.get_json(&format!("/api/v1/postings/{draft}"), None).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get_json(&format!("/api/v1/postings/{published}"), None).await.status(), StatusCode::OK);
    let drafts = app.get_json("/api/v1/postings?status=draft", None).await;
    assert_eq!(drafts.status(), StatusCode::UNAUTHORIZED, "only the signed-in see their drafts");
    let listed: Value = app.get_json("/api/v1/postings", None).await.json().await.unwrap();
    let ids: Vec<i64> = listed["items"].as_array().unwrap().iter().map(|p| p["id"].as_i64().unwrap()).collect();
    assert!(ids.contains(&published) && !ids.contains(&draft), "{ids:?}");

    assert_eq!(anonymous_page(&app, &format!("/postings/{draft}")).await.0, StatusCode::NOT_FOUND);
    let found =
        app.eventually(std::time::Duration::from_secs(10), || anonymous_search_finds(&app, "数控车工", published));
    assert!(found.await, "the published posting is searchable");
    assert!(!anonymous_search_finds(&app, "草稿", draft).await);
    let (_, search) = anonymous_page(&app, "/search?q=数控车工").await;
    assert!(search.contains(&format!("href=\"/postings/{published}\"")), "the search page lists it");
    assert!(!search.contains(&format!("href=\"/postings/{draft}\"")) && !search.contains("草稿"));
    let enterprise_id = app.my_org_id(&enterprise).await;
    let (_, profile) = anonymous_page(&app, &format!("/organizations/{enterprise_id}")).await;
    assert!(profile.contains("已发布数控车工") && !profile.contains("草稿数控车工"));
}

#[tokio::test]
async fn an_anonymous_visitor_never_sees_a_paused_or_closed_posting() {
    let app = spawn_app().await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let paused = create(&app, &enterprise, job("暂停的岗位", true)).await;
    act(&app, &enterprise, paused, "pause").await;
    let closed = create(&app, &enterprise, job("关闭的岗位", true)).await;
    act(&app, &enterprise, closed, "close").await;
    for id in [paused, closed] {
        assert_eq!(app.get_json(&format!("/api/v1/postings/{id}"), None).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(anonymous_page(&app, &format!("/postings/{id}")).await.0, StatusCode::NOT_FOUND);
    }
    for status in ["paused", "closed", "filled", "expired"] {
        let listed = app.get_json(&format!("/api/v1/postings?status={status}"), None).await;
        assert_eq!(listed.status(), StatusCode::UNAUTHORIZED, "{status}");
    }
    // The owner still sees them.
    let own = app.get_json(&format!("/api/v1/postings/{paused}"), Some(&enterprise)).await;
    assert_eq!(own.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_anonymous_visitor_never_sees_a_members_email() {
    let app = spawn_app().await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let id = app.my_org_id(&enterprise).await;
    let posting = create(&app, &enterprise, job("数控车工", true)).await;

    let members = app.get_json(&format!("/api/v1/organizations/{id}/members"), None).await;
    assert_eq!(members.status(), StatusCode::UNAUTHORIZED);
    let profile = app.get_json(&format!("/api/v1/organizations/{id}"), None).await.text().await.unwrap();
    let page = anonymous_page(&app, &format!("/organizations/{id}")).await.1;
    let posting_json = app.get_json(&format!("/api/v1/postings/{posting}"), None).await.text().await.unwrap();
    let posting_page = anonymous_page(&app, &format!("/postings/{posting}")).await.1;
    for (what, text) in
        [("profile", &profile), ("profile page", &page), ("posting", &posting_json), ("posting page", &posting_page)]
    {
        assert!(!text.contains("@demo.local") && !text.contains("\"members\""), "{what} shows a member: {text}");
    }
    assert!(!page.contains("id=\"members-title\""), "the profile page lists no members");
    // The members' own page is behind the sign-in.
    let own = app.browser().get(app.url("/org")).send().await.unwrap();
    assert_eq!(own.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn an_anonymous_visitor_never_sees_a_proposal() {
    let app = spawn_app().await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let school = app.demo_login("school@demo.local").await;
    let need = publish(&app, &enterprise, apprenticeship(5)).await;
    let offer = publish(&app, &school, program_offer()).await;
    let message = "我校数控专业愿意合作（保密条款）";
    let body = json!({"from_posting_id": offer, "to_posting_id": need, "message": message, "quantity": 5});
    let proposal: Value = app.post_json("/api/v1/proposals", &body, Some(&school)).await.json().await.unwrap();
    let proposal = proposal["id"].as_i64().unwrap();

    assert_eq!(app.get_json(&format!("/api/v1/proposals/{proposal}"), None).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.get_json("/api/v1/proposals", None).await.status(), StatusCode::UNAUTHORIZED);
    let page = app.browser().get(app.url(&format!("/proposals/{proposal}"))).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::SEE_OTHER, "the proposal page asks to sign in");
    for id in [need, offer] {
        let (status, text) = anonymous_page(&app, &format!("/postings/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(!text.contains(message) && !text.contains("/proposals/"), "posting {id} shows a proposal");
        assert!(!text.contains("id=\"matches-title\""), "nor matches and their reasons");
    }
}

#[tokio::test]
async fn an_anonymous_visitor_never_sees_another_organizations_private_data() {
    let app = spawn_app().await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let id = app.my_org_id(&enterprise).await;
    let patch = json!({"name": "尚未批准的新名称有限公司"});
    let changed = app.api.patch(app.url(&format!("/api/v1/organizations/{id}"))).bearer_auth(&enterprise).json(&patch);
    assert_eq!(changed.send().await.unwrap().status(), StatusCode::OK);

    let profile: Value = app.get_json(&format!("/api/v1/organizations/{id}"), None).await.json().await.unwrap();
    assert_eq!(profile["verification"], "verified");
    assert!(profile.get("requested_change").is_none(), "{profile}");
    let (status, page) = anonymous_page(&app, &format!("/organizations/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(profile["name"].as_str().unwrap()) && !page.contains("尚未批准的新名称有限公司"));

    // An organization awaiting review does not exist for anonymous visitors.
    let registration = json!({"kind": "enterprise", "name": "待审核精工有限公司", "region": "330603",
        "credit_code": "91330602MA2D3X7Q1D", "admin_email": "pending-public@example.org", "admin_password": "a-long-password"});
    let pending = app.post_json("/api/v1/organizations", &registration, None).await;
    let pending_id = match pending.status() {
        StatusCode::CREATED => pending.json::<Value>().await.unwrap()["id"].as_i64().unwrap(),
        other => panic!("registration: {other} {}", pending.text().await.unwrap()),
    };
    assert_eq!(
        app.get_json(&format!("/api/v1/organizations/{pending_id}"), None).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(anonymous_page(&app, &format!("/organizations/{pending_id}")).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_anonymous_visitor_never_sees_an_audit_log() {
    let app = spawn_app().await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let id = create(&app, &enterprise, job("数控车工", true)).await;
    assert_eq!(app.get_json(&format!("/api/v1/postings/{id}/audit"), None).await.status(), StatusCode::UNAUTHORIZED);
    let (status, page) = anonymous_page(&app, &format!("/postings/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains("id=\"audit-title\"") && !page.contains("enterprise@demo.local"));
    // Its owner does see it on the same page.
    let (owner, _) = signed_in(&app, "enterprise@demo.local").await;
    let own = owner.get(app.url(&format!("/postings/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(own.contains("id=\"audit-title\""));
}

#[tokio::test]
async fn a_published_posting_carries_its_share_card_and_proposing_asks_to_sign_in_first() {
    let app = spawn_app_with(|config| config.public_url = Some("https://chanjiao.example.cn".into())).await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let id = create(&app, &enterprise, job("数控车工（分享）", true)).await;

    // A hostile Host header changes nothing: addresses come from the configuration.
    let response =
        app.browser().get(app.url(&format!("/postings/{id}"))).header("host", "evil.example").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    let canonical = format!("https://chanjiao.example.cn/postings/{id}");
    assert!(html.contains(&format!("<link rel=\"canonical\" href=\"{canonical}\">")), "{html}");
    assert!(html.contains(&format!("<meta property=\"og:url\" content=\"{canonical}\">")));
    assert!(html.contains("<meta property=\"og:title\" content=\"数控车工（分享） · 绍兴精工数控机床有限公司\">"));
    assert!(html.contains("<meta property=\"og:image\" content=\"https://chanjiao.example.cn/static/logo.png\">"));
    assert!(html.contains("<meta property=\"og:type\" content=\"article\">"));
    assert!(html.contains("<meta name=\"twitter:card\" content=\"summary\">"));
    assert!(html.contains("负责数控车床编程与操作") && !html.contains("evil.example"));
    let english =
        app.browser().get(app.url(&format!("/postings/{id}?lang=en"))).send().await.unwrap().text().await.unwrap();
    assert!(english.contains(&format!("<link rel=\"canonical\" href=\"{canonical}?lang=en\">")));
    let logo = app.api.get(app.url("/static/logo.png")).send().await.unwrap();
    assert_eq!(logo.headers()["content-type"], "image/png");
    let png = logo.bytes().await.unwrap();
    let (width, height) =
        (u32::from_be_bytes(png[16..20].try_into().unwrap()), u32::from_be_bytes(png[20..24].try_into().unwrap()));
    assert!(width >= 300 && height >= 300, "{width}×{height}");

    // Where a signed-in visitor would propose, an anonymous one is asked to sign in and come back.
    let next = format!("/login?next=/postings/{id}");
    assert!(html.contains(&format!("href=\"{next}\"")) && html.contains("登录后提议合作"));
    let form = app.browser().get(app.url(&format!("/proposals/new?from=1&to={id}"))).send().await.unwrap();
    assert_eq!(form.status(), StatusCode::SEE_OTHER);
    assert!(form.headers()["location"].to_str().unwrap().starts_with("/login?next=/proposals/new"));
    let browser = app.browser();
    let csrf = app.csrf_token(&browser, "/login").await;
    let fields = [("_csrf", csrf.as_str()), ("from", "1"), ("to", &id.to_string()), ("message", "合作")];
    let posted = browser.post(app.url("/proposals")).form(&fields).send().await.unwrap();
    assert_eq!(posted.status(), StatusCode::SEE_OTHER);
    assert_eq!(posted.headers()["location"], next.as_str());
}
