//! Login abuse and rate limits: failure counting that no race gets around, throttles that a
//! stranger cannot turn against an account's owner, the real client address behind trusted
//! proxies, bounded password hashing, per-client limits on the expensive endpoints, and HSTS.

use std::time::{Duration, Instant};

use chanjiao_api::Config;
use chanjiao_api::abuse::TrustedProxies;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::e2e::support::{DEMO_PASSWORD, TestApp, spawn_app, spawn_app_with};

const LOGIN: &str = "/api/v1/auth/login";

/// The server believes X-Forwarded-For from loopback, as behind a proxy on the same host.
fn behind_a_local_proxy(config: &mut Config) {
    config.abuse.trusted_proxies = TrustedProxies::parse(["127.0.0.1", "::1"]).unwrap();
}

/// Sends `count` logins at once, each from `from` (an X-Forwarded-For value, if any).
async fn parallel_logins(app: &TestApp, body: Value, from: Option<&str>, count: usize) -> Vec<StatusCode> {
    let mut attempts = tokio::task::JoinSet::new();
    for _ in 0..count {
        let mut request = app.api.post(app.url(LOGIN)).json(&body);
        if let Some(from) = from {
            request = request.header("x-forwarded-for", from);
        }
        attempts.spawn(async move { request.send().await.expect("request").status() });
    }
    attempts.join_all().await
}

async fn login_from(app: &TestApp, email: &str, password: &str, from: &str) -> reqwest::Response {
    let body = json!({"email": email, "password": password});
    app.api.post(app.url(LOGIN)).header("x-forwarded-for", from).json(&body).send().await.expect("request")
}

fn count(statuses: &[StatusCode], wanted: StatusCode) -> usize {
    statuses.iter().filter(|s| **s == wanted).count()
}

#[tokio::test]
async fn forty_parallel_wrong_passwords_let_at_most_the_limit_reach_password_checking() {
    let app = spawn_app().await;
    let wrong = json!({"email": "school@demo.local", "password": "not-the-password"});
    let statuses = parallel_logins(&app, wrong, None, 40).await;
    let checked = count(&statuses, StatusCode::UNAUTHORIZED);
    let refused = count(&statuses, StatusCode::TOO_MANY_REQUESTS);
    assert!(checked <= 5, "{checked} of 40 parallel attempts reached password checking: {statuses:?}");
    assert_eq!(checked + refused, 40, "{statuses:?}");
}

#[tokio::test]
async fn a_burst_of_wrong_passwords_for_one_account_does_not_lock_the_address_out_of_other_accounts() {
    let app = spawn_app().await;
    let wrong = json!({"email": "school@demo.local", "password": "not-the-password"});
    parallel_logins(&app, wrong, None, 40).await;
    for email in ["enterprise@demo.local", "broker@demo.local", "city@demo.local"] {
        app.login(email, DEMO_PASSWORD).await;
    }
}

#[tokio::test]
async fn failures_across_several_accounts_do_not_lock_everyone_else_out_of_the_same_address() {
    let app = spawn_app().await;
    for email in ["school@demo.local", "broker@demo.local", "city@demo.local", "admin@demo.local"] {
        for _ in 0..6 {
            let wrong = json!({"email": email, "password": "not-the-password"});
            let status = app.post_json(LOGIN, &wrong, None).await.status();
            assert!(matches!(status, StatusCode::UNAUTHORIZED | StatusCode::TOO_MANY_REQUESTS), "{status}");
        }
    }
    app.login("enterprise@demo.local", DEMO_PASSWORD).await;
}

#[tokio::test]
async fn the_owner_signs_in_while_a_stranger_hammers_the_account_from_another_address() {
    let app = spawn_app_with(behind_a_local_proxy).await;
    let stranger = "198.51.100.66";
    for _ in 0..12 {
        login_from(&app, "school@demo.local", "guess", stranger).await;
    }
    // The stranger is made to wait, even with the right password…
    let stranger_right = login_from(&app, "school@demo.local", DEMO_PASSWORD, stranger).await;
    assert_eq!(stranger_right.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = stranger_right.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=600).contains(&retry_after), "{retry_after}");
    // …while the owner, on another address, is not.
    let owner = login_from(&app, "school@demo.local", DEMO_PASSWORD, "203.0.113.5").await;
    assert_eq!(owner.status(), StatusCode::OK);
}

#[tokio::test]
async fn waits_grow_after_the_free_failures_and_a_success_forgives_them() {
    let app = spawn_app_with(behind_a_local_proxy).await;
    let me = "203.0.113.77";
    for _ in 0..5 {
        assert_eq!(login_from(&app, "broker@demo.local", "typo", me).await.status(), StatusCode::UNAUTHORIZED);
    }
    let waiting = login_from(&app, "broker@demo.local", "typo", me).await;
    assert_eq!(waiting.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(waiting.headers()["content-type"], "application/problem+json");
    let first_wait: u64 = waiting.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=2).contains(&first_wait), "the first wait is two seconds: {first_wait}");
    tokio::time::sleep(Duration::from_secs(first_wait)).await;
    assert_eq!(login_from(&app, "broker@demo.local", "typo", me).await.status(), StatusCode::UNAUTHORIZED);
    let longer = login_from(&app, "broker@demo.local", "typo", me).await;
    let second_wait: u64 = longer.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(second_wait > first_wait, "{second_wait} after {first_wait}");
    // Waiting it out and getting the password right forgives the failures.
    tokio::time::sleep(Duration::from_secs(second_wait)).await;
    assert_eq!(login_from(&app, "broker@demo.local", DEMO_PASSWORD, me).await.status(), StatusCode::OK);
    assert_eq!(login_from(&app, "broker@demo.local", "typo", me).await.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn forwarded_for_from_an_untrusted_peer_is_ignored() {
    // No trusted proxies: a client cannot escape its throttle by claiming another address.
    let app = spawn_app().await;
    for n in 0..5 {
        let from = format!("192.0.2.{n}");
        assert_eq!(login_from(&app, "city@demo.local", "guess", &from).await.status(), StatusCode::UNAUTHORIZED);
    }
    let spoofed = login_from(&app, "city@demo.local", DEMO_PASSWORD, "192.0.2.200").await;
    assert_eq!(spoofed.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_right_most_untrusted_forwarded_address_is_the_client() {
    let app = spawn_app_with(behind_a_local_proxy).await;
    // The client prepends a different forged address every time; the proxy appends the real one.
    for n in 0..5 {
        let xff = format!("10.9.9.{n}, 198.51.100.23");
        assert_eq!(login_from(&app, "city@demo.local", "guess", &xff).await.status(), StatusCode::UNAUTHORIZED);
    }
    let same_client = login_from(&app, "city@demo.local", DEMO_PASSWORD, "10.9.9.99, 198.51.100.23").await;
    assert_eq!(same_client.status(), StatusCode::TOO_MANY_REQUESTS);
    let other_client = login_from(&app, "city@demo.local", DEMO_PASSWORD, "198.51.100.24").await;
    assert_eq!(other_client.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_flood_of_logins_beyond_the_hashing_queue_gets_503_with_retry_after_not_a_pile_up() {
    let app = spawn_app_with(|config| {
        behind_a_local_proxy(config);
        config.abuse.password_hash_concurrency = 1;
        config.abuse.password_hash_queue = 1;
    })
    .await;
    let mut attempts = tokio::task::JoinSet::new();
    for n in 0..24 {
        let body = json!({"email": format!("nobody{n}@example.com"), "password": "guess"});
        let request = app.api.post(app.url(LOGIN)).header("x-forwarded-for", format!("192.0.2.{n}")).json(&body);
        attempts.spawn(async move {
            let response = request.send().await.expect("request");
            (response.status(), response.headers().get("retry-after").is_some())
        });
    }
    let answers = attempts.join_all().await;
    let busy: Vec<_> = answers.iter().filter(|(s, _)| *s == StatusCode::SERVICE_UNAVAILABLE).collect();
    assert!(!busy.is_empty(), "some of 24 parallel logins were turned away: {answers:?}");
    assert!(busy.iter().all(|(_, retry)| *retry), "{answers:?}");
    assert!(
        answers.iter().all(|(s, _)| matches!(*s, StatusCode::UNAUTHORIZED | StatusCode::SERVICE_UNAVAILABLE)),
        "{answers:?}"
    );
    // Once the flood has passed, signing in works again.
    app.login("enterprise@demo.local", DEMO_PASSWORD).await;
}

#[tokio::test]
async fn registration_is_rate_limited_per_client_with_a_problem_and_retry_after() {
    let app = spawn_app_with(|config| {
        behind_a_local_proxy(config);
        config.abuse.rates.register_per_minute = 2;
    })
    .await;
    let register = |n: usize, from: &'static str| {
        let body = json!({"kind": "enterprise", "name": format!("限流测试企业{n}"), "region": "330602",
            "credit_code": "", "admin_email": format!("rate{n}@example.com"), "admin_password": "a-long-password"});
        app.api.post(app.url("/api/v1/organizations")).header("x-forwarded-for", from).json(&body).send()
    };
    for n in 0..2 {
        assert_ne!(register(n, "198.51.100.1").await.unwrap().status(), StatusCode::TOO_MANY_REQUESTS);
    }
    let refused = register(2, "198.51.100.1").await.unwrap();
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(refused.headers()["content-type"], "application/problem+json");
    let retry_after: u64 = refused.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    // Another client is not affected, and listing organizations is not registration.
    assert_ne!(register(3, "198.51.100.2").await.unwrap().status(), StatusCode::TOO_MANY_REQUESTS);
    let listed = app.api.get(app.url("/api/v1/organizations")).header("x-forwarded-for", "198.51.100.1");
    assert_ne!(listed.send().await.unwrap().status(), StatusCode::TOO_MANY_REQUESTS);
}

/// Every expensive endpoint answers 429 once its group's allowance is spent (one request per
/// minute here, each case from its own address), and a cheap one next to it does not.
#[tokio::test]
async fn every_expensive_endpoint_is_rate_limited_per_client() {
    let app = spawn_app_with(|config| {
        behind_a_local_proxy(config);
        let rates = &mut config.abuse.rates;
        (rates.search_per_minute, rates.match_per_minute, rates.export_per_minute) = (1, 1, 1);
        (rates.import_per_minute, rates.login_per_minute, rates.statistics_per_minute) = (1, 1, 1);
    })
    .await;
    let token = app.demo_login("school@demo.local").await;
    let cases: [(&str, &str, &str); 10] = [
        ("GET", "/api/v1/search?q=数控", "198.51.100.10"),
        ("GET", "/api/v1/suggest?q=数控", "198.51.100.18"),
        ("POST", "/api/v1/match", "198.51.100.11"),
        ("GET", "/api/v1/postings/1/matches", "198.51.100.12"),
        ("GET", "/api/v1/postings/export", "198.51.100.13"),
        ("POST", "/api/v1/postings/import", "198.51.100.14"),
        ("POST", "/api/v1/auth/login", "198.51.100.15"),
        ("GET", "/search?q=数控", "198.51.100.16"),
        // The aggregations anonymous visitors reach: the open data, over the API and as a page.
        ("GET", "/api/v1/open-data", "198.51.100.19"),
        ("GET", "/open-data", "198.51.100.20"),
    ];
    let send = |method: &str, path: &str, from: &str| {
        let request = if method == "GET" { app.api.get(app.url(path)) } else { app.api.post(app.url(path)) };
        request.bearer_auth(&token).header("x-forwarded-for", from).json(&json!({"text": "数控"})).send()
    };
    for (method, path, from) in cases {
        let first = send(method, path, from).await.unwrap().status();
        assert_ne!(first, StatusCode::TOO_MANY_REQUESTS, "{method} {path}: the first request passes");
        let second = send(method, path, from).await.unwrap();
        assert_eq!(second.status(), StatusCode::TOO_MANY_REQUESTS, "{method} {path}");
        assert!(second.headers().get("retry-after").is_some(), "{method} {path}");
        // The API answers a problem document; a page, a page in the visitor's language.
        let content_type = second.headers()["content-type"].to_str().unwrap().to_owned();
        if path.starts_with("/api/") {
            assert_eq!(content_type, "application/problem+json", "{method} {path}");
        } else {
            assert!(content_type.starts_with("text/html"), "{method} {path}: {content_type}");
            assert!(second.text().await.unwrap().contains("请求过于频繁"), "{method} {path}");
        }
    }
    // The login page, with its form token (without one, the forgery check refuses first).
    let browser = app.browser();
    let csrf = app.csrf_token(&browser, "/login").await;
    let form = [("email", "school@demo.local"), ("password", "typo"), ("_csrf", csrf.as_str())];
    let page_login = || browser.post(app.url("/login")).header("x-forwarded-for", "198.51.100.17").form(&form).send();
    assert_eq!(page_login().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    let refused = page_login().await.unwrap();
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS, "POST /login");
    assert!(refused.headers().get("retry-after").is_some());
    assert!(refused.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    // Searches and suggestions share one allowance; listing postings is not limited.
    assert_eq!(send("GET", "/api/v1/search?q=数控", "198.51.100.18").await.unwrap().status(), 429);
    for _ in 0..5 {
        assert_eq!(send("GET", "/api/v1/postings?limit=1", "198.51.100.10").await.unwrap().status(), 200);
    }
}

#[tokio::test]
async fn hsts_is_sent_on_every_response_when_cookies_are_secure() {
    let app = spawn_app_with(|config| config.cookie_secure = true).await;
    for path in ["/", "/healthz", "/api/v1/me", "/no-such-page", "/api/v1/no-such-thing"] {
        let response = app.api.get(app.url(path)).send().await.unwrap();
        let hsts = response.headers().get("strict-transport-security").map(|v| v.to_str().unwrap().to_owned());
        assert_eq!(hsts.as_deref(), Some("max-age=31536000; includeSubDomains"), "{path}");
    }
}

#[tokio::test]
async fn hsts_is_absent_when_cookies_are_not_secure() {
    let app = spawn_app().await;
    for path in ["/", "/healthz", "/api/v1/me"] {
        let response = app.api.get(app.url(path)).send().await.unwrap();
        assert!(response.headers().get("strict-transport-security").is_none(), "{path}");
    }
}

/// The acceptance test: while one client sends wrong passwords and oversized uploads in a
/// loop (bounded in count and time, on loopback), another client's searches and logins all
/// succeed, each within a few seconds.
#[tokio::test]
async fn searches_and_logins_keep_working_while_another_client_attacks() {
    let app = spawn_app_with(behind_a_local_proxy).await;
    let attacker_token = app.demo_login("enterprise@demo.local").await;
    let stop_at = Instant::now() + Duration::from_secs(8);
    let attack = {
        let (client, base) = (app.api.clone(), app.base.clone());
        tokio::spawn(async move { attack(client, base, attacker_token, stop_at).await })
    };
    let user = "203.0.113.200";
    let mut slowest = Duration::ZERO;
    let mut rounds = 0;
    while Instant::now() < stop_at {
        let started = Instant::now();
        let login = login_from(&app, "city@demo.local", DEMO_PASSWORD, user).await;
        assert_eq!(login.status(), StatusCode::OK, "the user's login during the attack");
        let token = login.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned();
        let search = app.api.get(app.url("/api/v1/search?q=数控")).bearer_auth(&token).header("x-forwarded-for", user);
        assert_eq!(search.send().await.unwrap().status(), StatusCode::OK, "the user's search during the attack");
        slowest = slowest.max(started.elapsed());
        rounds += 1;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let (bad_passwords, uploads) = attack.await.unwrap();
    assert!(bad_passwords >= 20 && uploads >= 5, "the attack ran: {bad_passwords} logins, {uploads} uploads");
    assert!(rounds >= 3, "{rounds} rounds of login and search");
    assert!(slowest < Duration::from_secs(5), "a login and a search took {slowest:?} under attack");
}

/// Wrong passwords for many accounts and 17 MiB uploads from one address until `stop_at` or
/// 400 requests; returns how many of each were sent.
async fn attack(client: Client, base: String, token: String, stop_at: Instant) -> (usize, usize) {
    let attacker = "198.51.100.99";
    let oversized = vec![b'x'; 17 * 1024 * 1024];
    let (mut logins, mut uploads) = (0, 0);
    for n in 0..400 {
        if Instant::now() >= stop_at {
            break;
        }
        if n % 8 == 7 {
            let part = reqwest::multipart::Part::bytes(oversized.clone()).file_name("huge.csv");
            let form = reqwest::multipart::Form::new().part("file", part);
            let sent = client
                .post(format!("{base}/api/v1/postings/import"))
                .bearer_auth(&token)
                .header("x-forwarded-for", attacker)
                .multipart(form)
                .send()
                .await;
            if let Ok(response) = sent {
                assert!(response.status().is_client_error(), "an oversized upload: {}", response.status());
            }
            uploads += 1;
        } else {
            let email = ["school@demo.local", "broker@demo.local", "admin@demo.local"][n % 3];
            let body = json!({"email": email, "password": format!("guess-{n}")});
            let sent =
                client.post(format!("{base}{LOGIN}")).header("x-forwarded-for", attacker).json(&body).send().await;
            let status = sent.expect("login request").status();
            assert!(matches!(status.as_u16(), 401 | 429 | 503), "a bad password: {status}");
            logins += 1;
        }
    }
    (logins, uploads)
}
