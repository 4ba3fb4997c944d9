//! The pages as a visitor meets them: language, sign-in with the form token, registration
//! errors, escaping, security headers and friendly error pages.

use reqwest::StatusCode;
use serde_json::json;

use crate::e2e::support::{DEMO_PASSWORD, spawn_app};

#[tokio::test]
async fn home_is_chinese_by_default_and_english_on_request() {
    let app = spawn_app().await;
    let zh = app.api.get(app.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(zh.contains("lang=\"zh-CN\"") && zh.contains("让企业需求与学校供给精准对接"));
    let en = app.api.get(app.url("/?lang=en")).send().await.unwrap().text().await.unwrap();
    assert!(en.contains("lang=\"en\"") && en.contains("Match what enterprises need"));
    let by_header = app.api.get(app.url("/")).header("accept-language", "en-GB,en;q=0.9").send().await.unwrap();
    assert!(by_header.text().await.unwrap().contains("Match what enterprises need"));
}

#[tokio::test]
async fn the_chosen_language_is_remembered() {
    let app = spawn_app().await;
    let browser = app.browser();
    browser.get(app.url("/login?lang=en")).send().await.unwrap();
    let next = browser.get(app.url("/register")).send().await.unwrap().text().await.unwrap();
    assert!(next.contains("Register an organization"));
}

#[tokio::test]
async fn a_visitor_signs_in_with_the_form_and_sees_the_organization() {
    let app = spawn_app().await;
    let browser = app.browser();
    let anonymous = browser.get(app.url("/org")).send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::SEE_OTHER);
    assert_eq!(anonymous.headers()["location"], "/login?next=/org");

    let csrf = app.csrf_token(&browser, "/login?next=/org").await;
    let login = browser
        .post(app.url("/login"))
        .form(&[("email", "enterprise@demo.local"), ("password", DEMO_PASSWORD), ("next", "/org"), ("_csrf", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), StatusCode::SEE_OTHER);
    assert_eq!(login.headers()["location"], "/org");
    let page = browser.get(app.url("/org")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("绍兴精工数控机床有限公司"));
    assert!(page.contains("91330603MA2BK1N7X"));
    assert!(page.contains("enterprise@demo.local"));

    let csrf = app.csrf_token(&browser, "/org").await;
    let out = browser.post(app.url("/logout")).form(&[("_csrf", csrf.as_str())]).send().await.unwrap();
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    assert_eq!(browser.get(app.url("/org")).send().await.unwrap().status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_wrong_password_on_the_form_shows_an_error_and_no_session() {
    let app = spawn_app().await;
    let browser = app.browser();
    let csrf = app.csrf_token(&browser, "/login").await;
    let response = browser
        .post(app.url("/login"))
        .form(&[("email", "enterprise@demo.local"), ("password", "nope-nope"), ("_csrf", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(
        response.headers().get_all("set-cookie").iter().all(|c| !c.to_str().unwrap().starts_with("chanjiao_session"))
    );
    assert!(response.text().await.unwrap().contains("邮箱或密码错误"));
}

#[tokio::test]
async fn forms_without_the_token_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let browser = app.browser();
    app.csrf_token(&browser, "/register").await;
    let forged = browser
        .post(app.url("/register"))
        .form(&[
            ("kind", "authority"),
            ("name", "伪造机构"),
            ("region", "330602"),
            ("admin_email", "forged@x.cn"),
            ("admin_password", "a-long-password"),
            ("_csrf", "0000"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert!(forged.text().await.unwrap().contains("表单已过期"));
    let login = app
        .post_json("/api/v1/auth/login", &json!({"email": "forged@x.cn", "password": "a-long-password"}), None)
        .await;
    assert_eq!(login.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_registration_form_names_each_bad_field_and_keeps_what_was_typed() {
    let app = spawn_app().await;
    let browser = app.browser();
    let csrf = app.csrf_token(&browser, "/register").await;
    let response = browser
        .post(app.url("/register"))
        .form(&[
            ("kind", "enterprise"),
            ("name", "越城精密有限公司"),
            ("region", "330602"),
            ("credit_code", "91330600MA2BAD0000"),
            ("level", ""),
            ("admin_email", "boss@yuecheng.cn"),
            ("admin_password", "a-long-password"),
            ("_csrf", &csrf),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("校验位错误：应为 A，实为 0"));
    assert!(html.contains("aria-invalid=\"true\" aria-describedby=\"credit_code-error\""));
    assert!(html.contains("value=\"越城精密有限公司\""));
    assert!(html.contains("value=\"boss@yuecheng.cn\""));
}

#[tokio::test]
async fn a_registration_through_the_form_reaches_the_admin_queue_and_is_approved() {
    let app = spawn_app().await;
    let visitor = app.browser();
    let csrf = app.csrf_token(&visitor, "/register").await;
    let done = visitor
        .post(app.url("/register"))
        .form(&[
            ("kind", "school"),
            ("name", "诸暨技工学校"),
            ("region", "330681"),
            ("credit_code", ""),
            ("level", "zhongzhi"),
            ("admin_email", "office@zjjg.cn"),
            ("admin_password", "a-long-password"),
            ("_csrf", &csrf),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    assert_eq!(done.headers()["location"], "/login?registered=1");

    let admin = app.browser();
    let csrf = app.csrf_token(&admin, "/login").await;
    admin
        .post(app.url("/login"))
        .form(&[("email", "admin@demo.local"), ("password", DEMO_PASSWORD), ("_csrf", &csrf)])
        .send()
        .await
        .unwrap();
    let queue = admin.get(app.url("/admin/verifications")).send().await.unwrap().text().await.unwrap();
    assert!(queue.contains("诸暨技工学校") && queue.contains("绍兴市诸暨市"));
    // The decision form carries the page's own form token and both buttons.
    assert!(queue.contains(&format!("name=\"_csrf\" value=\"{csrf}\"")), "{queue}");
    assert!(queue.contains("value=\"verified\"") && queue.contains("value=\"rejected\""));
    // The demo's own registrations wait in the queue too: decide the one made here.
    let ours = queue.find("诸暨技工学校").unwrap();
    let start = ours + queue[ours..].find("/admin/verifications/").unwrap() + "/admin/verifications/".len();
    let id: String = queue[start..].chars().take_while(char::is_ascii_digit).collect();
    let decided = admin
        .post(app.url(&format!("/admin/verifications/{id}")))
        .form(&[("decision", "verified"), ("_csrf", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(decided.status(), StatusCode::SEE_OTHER);
    let queue = admin.get(app.url("/admin/verifications")).send().await.unwrap().text().await.unwrap();
    assert!(!queue.contains("诸暨技工学校"));
}

#[tokio::test]
async fn the_admin_queue_is_closed_to_everyone_else() {
    let app = spawn_app().await;
    let browser = app.browser();
    let csrf = app.csrf_token(&browser, "/login").await;
    browser
        .post(app.url("/login"))
        .form(&[("email", "city@demo.local"), ("password", DEMO_PASSWORD), ("_csrf", &csrf)])
        .send()
        .await
        .unwrap();
    let response = browser.get(app.url("/admin/verifications")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(response.text().await.unwrap().contains("无权进行此操作"));
}

#[tokio::test]
async fn markup_in_names_is_shown_as_text_never_run() {
    let app = spawn_app().await;
    let name = "<script>alert(1)</script>有限公司";
    let body = json!({"kind": "intermediary", "name": name, "region": "330602",
        "admin_email": "xss@x.cn", "admin_password": "a-long-password"});
    assert_eq!(app.post_json("/api/v1/organizations", &body, None).await.status(), StatusCode::CREATED);
    let browser = app.browser();
    let csrf = app.csrf_token(&browser, "/login").await;
    browser
        .post(app.url("/login"))
        .form(&[("email", "xss@x.cn"), ("password", "a-long-password"), ("_csrf", &csrf)])
        .send()
        .await
        .unwrap();
    let page = browser.get(app.url("/org")).send().await.unwrap().text().await.unwrap();
    assert!(!page.contains("<script>alert(1)</script>"));
    assert!(page.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;有限公司"));
}

#[tokio::test]
async fn responses_carry_security_headers_and_a_request_id() {
    let app = spawn_app().await;
    let response = app.api.get(app.url("/")).send().await.unwrap();
    let headers = response.headers();
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("default-src 'self'"));
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["x-request-id"].to_str().unwrap().len(), 36);
    let css = app.api.get(app.url("/static/app.css")).send().await.unwrap();
    assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
}

#[tokio::test]
async fn unknown_pages_are_friendly_and_unknown_api_paths_are_problems() {
    let app = spawn_app().await;
    let page = app.api.get(app.url("/no/such/page")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
    let html = page.text().await.unwrap();
    assert!(html.contains("页面或资源不存在") && html.contains("返回首页"));
    let api = app.api.get(app.url("/api/v1/no-such-thing")).send().await.unwrap();
    assert_eq!(api.status(), StatusCode::NOT_FOUND);
    assert_eq!(api.headers()["content-type"], "application/problem+json");
    let org = app.get_json("/api/v1/organizations/999999", Some(&app.demo_login("school@demo.local").await)).await;
    assert_eq!(org.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn every_page_renders_in_both_languages_for_every_role() {
    let app = spawn_app().await;
    for email in ["enterprise@demo.local", "school@demo.local", "admin@demo.local"] {
        let browser = app.browser();
        let csrf = app.csrf_token(&browser, "/login").await;
        browser
            .post(app.url("/login"))
            .form(&[("email", email), ("password", DEMO_PASSWORD), ("_csrf", &csrf)])
            .send()
            .await
            .unwrap();
        for path in ["/", "/org", "/register", "/login", "/inbox", "/alerts"] {
            for lang in ["zh", "en"] {
                let response = browser.get(app.url(&format!("{path}?lang={lang}"))).send().await.unwrap();
                assert_eq!(response.status(), StatusCode::OK, "{email} {path} {lang}");
            }
        }
    }
}

#[tokio::test]
async fn switching_language_keeps_the_search_and_its_filters() {
    let app = crate::e2e::support::spawn_app().await;
    let html =
        app.api.get(app.url("/search?q=%E6%95%B0%E6%8E%A7&kind=job")).send().await.unwrap().text().await.unwrap();
    assert!(
        html.contains(r#"href="&#x2f;search?q=%E6%95%B0%E6%8E%A7&amp;kind=job&amp;lang=en""#),
        "the English link keeps q and kind (minijinja escapes the slash)"
    );
    let english =
        app.api.get(app.url("/search?q=%E6%95%B0%E6%8E%A7&lang=en")).send().await.unwrap().text().await.unwrap();
    assert!(
        english.contains(r#"href="&#x2f;search?q=%E6%95%B0%E6%8E%A7&amp;lang=zh""#),
        "and back, without a second lang"
    );
}
