//! `spawn_app()`: the real application on 127.0.0.1:0 over a database of its own, with the
//! demo organizations and accounts seeded.

use chanjiao_api::clock::Clock;
use chanjiao_api::{Application, Config};
use chanjiao_tools::demo;
use reqwest::{Client, Response, StatusCode, redirect};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::{Value, json};
use tempfile::TempDir;

pub const DEMO_PASSWORD: &str = "chanjiao-demo";

pub struct TestApp {
    pub base: String,
    pub db: DatabaseConnection,
    /// The server's clock: the system clock, or the fixed one [`spawn_app_at`] started it with
    /// (`app.clock.set(…)`/`advance(…)` move "now" for every handler and worker).
    pub clock: Clock,
    /// A client without cookies or redirects, for API calls.
    pub api: Client,
    _dir: TempDir,
}

/// A fresh PostgreSQL database named by a UUID, if the suite runs against PostgreSQL.
pub async fn fresh_database_url() -> Option<String> {
    let base = std::env::var("CHANJIAO_TEST_DATABASE_URL").ok().filter(|u| !u.is_empty())?;
    let name = format!("chanjiao_test_{}", uuid::Uuid::new_v4().simple());
    let admin = Database::connect(base.as_str()).await.expect("connect to CHANJIAO_TEST_DATABASE_URL");
    admin.execute_unprepared(&format!("CREATE DATABASE \"{name}\"")).await.expect("create test database");
    admin.close().await.ok();
    let (without_query, query) = match base.split_once('?') {
        Some((url, q)) => (url, format!("?{q}")),
        None => (base.as_str(), String::new()),
    };
    let prefix = &without_query[..without_query.rfind('/').expect("database url has a path")];
    Some(format!("{prefix}/{name}{query}"))
}

/// The national reference data, read at run time from beside the project (never copied into it).
pub fn shared_reference() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/reference")
}

pub async fn spawn_app() -> TestApp {
    spawn(false, Clock::system(), |_| {}).await
}

/// The app with its clock standing still at `now` until the test moves it.
pub async fn spawn_app_at(now: chrono::DateTime<chrono::Utc>) -> TestApp {
    spawn(false, Clock::fixed(now), |_| {}).await
}

/// The app with some settings changed from the defaults first (limits, proxies, HTTPS).
pub async fn spawn_app_with(configure: impl FnOnce(&mut Config)) -> TestApp {
    spawn(false, Clock::system(), configure).await
}

/// The app with the national reference data imported before it starts, so its catalogue model
/// (built at start) has the crosswalk, the profiles and the occupation definitions.
pub async fn spawn_app_with_reference() -> TestApp {
    spawn(true, Clock::system(), |_| {}).await
}

async fn spawn(with_reference: bool, clock: Clock, configure: impl FnOnce(&mut Config)) -> TestApp {
    chanjiao_api::tls::install_crypto_provider();
    // Logs only when asked for (RUST_LOG=info cargo test …), to keep test output readable.
    if std::env::var_os("RUST_LOG").is_some() {
        chanjiao_api::telemetry::init(false);
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = Config {
        bind: "127.0.0.1:0".parse().unwrap(),
        data_dir: dir.path().to_path_buf(),
        database_url: fresh_database_url().await,
        ..Config::default()
    };
    configure(&mut config);
    let app = Application::build_with_clock(config, clock.clone()).await.expect("application starts");
    let addr = app.local_addr().expect("bound");
    let db = app.state().db.clone();
    demo::seed(&db, &clock).await.expect("demo data");
    if with_reference {
        chanjiao_api::services::reference::import(&db, &shared_reference()).await.expect("reference import");
    }
    tokio::spawn(app.run_until(std::future::pending()));
    let api = Client::builder().redirect(redirect::Policy::none()).build().unwrap();
    let app = TestApp { base: format!("http://{addr}"), db, clock, api, _dir: dir };
    app.wait_until_ready().await;
    app
}

/// `nodes` applications on ONE database (a shared SQLite file, or one fresh PostgreSQL
/// database), each with its own data directory (search index) and port, all on `clock`: a
/// cluster in one process. The first node's directory holds the SQLite file, so keep every
/// node until the test ends. Demo data is seeded once, before any node's workers start.
pub async fn spawn_cluster(nodes: usize, clock: Clock, configure: impl Fn(&mut Config)) -> Vec<TestApp> {
    chanjiao_api::tls::install_crypto_provider();
    if std::env::var_os("RUST_LOG").is_some() {
        chanjiao_api::telemetry::init(false);
    }
    let mut built = Vec::new();
    let mut database_url = fresh_database_url().await;
    for _ in 0..nodes {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = database_url
            .get_or_insert_with(|| format!("sqlite://{}?mode=rwc", dir.path().join("chanjiao.db").display()))
            .clone();
        let mut config = Config {
            bind: "127.0.0.1:0".parse().unwrap(),
            data_dir: dir.path().to_path_buf(),
            database_url: Some(url),
            ..Config::default()
        };
        configure(&mut config);
        let app = Application::build_with_clock(config, clock.clone()).await.expect("node starts");
        built.push((app, dir));
    }
    let db = built[0].0.state().db.clone();
    demo::seed(&db, &clock).await.expect("demo data");
    let mut apps = Vec::new();
    for (app, dir) in built {
        let addr = app.local_addr().expect("bound");
        let db = app.state().db.clone();
        tokio::spawn(app.run_until(std::future::pending()));
        let api = Client::builder().redirect(redirect::Policy::none()).build().unwrap();
        apps.push(TestApp { base: format!("http://{addr}"), db, clock: clock.clone(), api, _dir: dir });
    }
    for app in &apps {
        app.wait_until_ready().await;
    }
    apps
}

impl TestApp {
    /// Waits for `/readyz` (the search index builds in the background at start).
    pub async fn wait_until_ready(&self) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            let ready = self.api.get(self.url("/readyz")).send().await.map(|r| r.status() == StatusCode::OK);
            if ready.unwrap_or(false) {
                return;
            }
            assert!(std::time::Instant::now() < deadline, "the app did not become ready");
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    /// Polls `check` until it is true or `within` passes; returns whether it became true.
    pub async fn eventually<F, Fut>(&self, within: std::time::Duration, mut check: F) -> bool
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        let deadline = std::time::Instant::now() + within;
        loop {
            if check().await {
                return true;
            }
            if std::time::Instant::now() > deadline {
                return false;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A browser-like client: keeps cookies, does not follow redirects (tests check them).
    pub fn browser(&self) -> Client {
        Client::builder().cookie_store(true).redirect(redirect::Policy::none()).build().unwrap()
    }

    pub async fn post_json(&self, path: &str, body: &Value, token: Option<&str>) -> Response {
        let mut request = self.api.post(self.url(path)).json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("request")
    }

    pub async fn get_json(&self, path: &str, token: Option<&str>) -> Response {
        let mut request = self.api.get(self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("request")
    }

    /// Logs in through the API and returns the bearer token.
    pub async fn login(&self, email: &str, password: &str) -> String {
        let response = self.post_json("/api/v1/auth/login", &json!({"email": email, "password": password}), None).await;
        assert_eq!(response.status(), StatusCode::OK, "login of {email}");
        let body: Value = response.json().await.unwrap();
        body["token"].as_str().expect("token").to_owned()
    }

    pub async fn demo_login(&self, email: &str) -> String {
        self.login(email, DEMO_PASSWORD).await
    }

    /// The id of the organization of a signed-in user.
    pub async fn my_org_id(&self, token: &str) -> i64 {
        let me: Value = self.get_json("/api/v1/me", Some(token)).await.json().await.unwrap();
        me["organization"]["id"].as_i64().expect("organization id")
    }

    /// Fetches a page with a browser client and returns the form token it set.
    pub async fn csrf_token(&self, client: &Client, path: &str) -> String {
        let html = client.get(self.url(path)).send().await.unwrap().text().await.unwrap();
        let marker = "name=\"_csrf\" value=\"";
        let start = html.find(marker).expect("page has a form token") + marker.len();
        html[start..start + 64].to_owned()
    }
}

/// The field names of a problem document's `errors`.
pub async fn problem_fields(response: Response) -> Vec<String> {
    let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
    assert_eq!(content_type, "application/problem+json");
    let body: Value = response.json().await.unwrap();
    body["errors"]
        .as_array()
        .map(|a| a.iter().map(|e| e["field"].as_str().unwrap().to_owned()).collect())
        .unwrap_or_default()
}

/// A cookie-keeping client signed in through the login page, and its CSRF token.
pub async fn signed_in(app: &TestApp, email: &str) -> (Client, String) {
    let browser = app.browser();
    let csrf = app.csrf_token(&browser, "/login").await;
    let response = browser
        .post(app.url("/login"))
        .form(&[("email", email), ("password", DEMO_PASSWORD), ("_csrf", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    (browser, csrf)
}

/// The HTML of a page, which must answer 200.
pub async fn page_text(browser: &Client, app: &TestApp, path: &str) -> String {
    let response = browser.get(app.url(path)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.text().await.unwrap()
}

/// Loads every demo posting and waits until the index has them; returns the city's token.
pub async fn with_demo_postings(app: &TestApp) -> String {
    demo::seed_all(&app.db, &app.clock).await.unwrap();
    let token = app.demo_login("city@demo.local").await;
    let indexed = app
        .eventually(std::time::Duration::from_secs(30), || async {
            let found: Value = app.get_json("/api/v1/search?q=数控&limit=1", Some(&token)).await.json().await.unwrap();
            found["total"].as_u64().unwrap_or(0) > 10
        })
        .await;
    assert!(indexed, "the demo postings were indexed");
    token
}

/// The id of the first search hit for a query string such as `q=数控&kind=job`.
pub async fn first_hit(app: &TestApp, token: &str, query: &str) -> i64 {
    let found: Value =
        app.get_json(&format!("/api/v1/search?{query}&limit=1"), Some(token)).await.json().await.unwrap();
    found["hits"][0]["id"].as_i64().unwrap_or_else(|| panic!("no hit for {query}: {found}"))
}
