//! Browser tests in real headless Chromium, driven over WebDriver (chromedriver + fantoccini),
//! at a phone's width. Chromium and chromedriver come from Debian's packages; `.ci/run`
//! installs them. Outside CI a machine without them skips these tests with a notice; in CI
//! (`CI` set) their absence is a failure.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

use crate::e2e::support::{DEMO_PASSWORD, TestApp, first_hit, spawn_app, with_demo_postings};

pub(crate) struct Chromedriver {
    child: Child,
    port: u16,
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn find_executable(name: &str) -> Option<std::path::PathBuf> {
    std::env::var_os("PATH")?.to_str()?.split(':').map(|dir| std::path::Path::new(dir).join(name)).find(|p| p.is_file())
}

pub(crate) fn start_chromedriver() -> Option<Chromedriver> {
    let Some(binary) = find_executable("chromedriver") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "chromedriver is required in CI (apt-get install chromium chromium-driver)"
        );
        eprintln!("skipping browser test: chromedriver not installed (apt-get install chromium chromium-driver)");
        return None;
    };
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new(binary)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let driver = Chromedriver { child, port };
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not start listening");
        std::thread::sleep(Duration::from_millis(100));
    }
    Some(driver)
}

/// The screens the platform is checked on: a phone (the default of most tests) and a desktop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Viewport {
    /// 375×812 CSS pixels at 2× density with touch, as Chromium's mobile emulation gives.
    Phone,
    /// The narrowest phones still in use: 320×640 at 2×, with touch.
    NarrowPhone,
    /// A 1280×800 desktop window.
    Desktop,
}

impl Viewport {
    pub(crate) fn width(self) -> u32 {
        match self {
            Viewport::Phone => 375,
            Viewport::NarrowPhone => 320,
            Viewport::Desktop => 1280,
        }
    }
}

pub(crate) async fn open_browser(driver: &Chromedriver) -> Client {
    connect(driver, None, Viewport::Phone).await
}

pub(crate) async fn open_browser_at(driver: &Chromedriver, viewport: Viewport) -> Client {
    connect(driver, None, viewport).await
}

/// A browser whose downloads land in `dir` without asking, for tests that download a file.
pub(crate) async fn open_browser_downloading_to(driver: &Chromedriver, dir: &std::path::Path) -> Client {
    connect(driver, Some(dir), Viewport::Phone).await
}

async fn connect(driver: &Chromedriver, downloads: Option<&std::path::Path>, viewport: Viewport) -> Client {
    let profile = tempfile::tempdir().unwrap().keep();
    // A Chinese browser, as most of the platform's users have, on a 375 px phone screen.
    let mut prefs = json!({"intl.accept_languages": "zh-CN,zh"});
    if let Some(dir) = downloads {
        prefs["download.default_directory"] = json!(dir.display().to_string());
        prefs["download.prompt_for_download"] = json!(false);
    }
    let mut caps = serde_json::Map::new();
    let window = match viewport {
        Viewport::Phone => "--window-size=375,812",
        Viewport::NarrowPhone => "--window-size=320,640",
        Viewport::Desktop => "--window-size=1280,800",
    };
    let mut options = json!({
        "binary": find_executable("chromium").map(|p| p.display().to_string()).unwrap_or_else(|| "/usr/bin/chromium".into()),
        "args": [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", "--disable-quic", window, "--lang=zh-CN", "--hide-scrollbars",
            format!("--user-data-dir={}", profile.display()),
        ],
        "prefs": prefs,
    });
    let height = if viewport == Viewport::NarrowPhone { 640 } else { 812 };
    if viewport != Viewport::Desktop {
        options["mobileEmulation"] =
            json!({"deviceMetrics": {"width": viewport.width(), "height": height, "pixelRatio": 2.0, "touch": true}});
    }
    caps.insert("goog:chromeOptions".into(), options);
    // The console (errors, Content-Security-Policy violations) is read back by `console_errors`.
    caps.insert("goog:loggingPrefs".into(), json!({"browser": "ALL"}));
    let client = ClientBuilder::new(HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .expect("webdriver session");
    if viewport == Viewport::Desktop {
        // The window size includes the browser's own frame (the page got 1280 × 657): grow it by
        // that much so that the page itself gets 1280 × 800.
        let frame = "return [window.outerWidth - window.innerWidth, window.outerHeight - window.innerHeight];";
        let frame = client.execute(frame, vec![]).await.unwrap();
        let extra = |i: usize| u32::try_from(frame[i].as_u64().unwrap_or(0)).unwrap_or(0);
        client.set_window_size(1280 + extra(0), 800 + extra(1)).await.unwrap();
    }
    client
}

/// chromedriver's log endpoint: the console messages since the last call (it drains them).
#[derive(Debug)]
struct BrowserLog;

impl fantoccini::wd::WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(json!({"type": "browser"}).to_string()))
    }
}

/// The console's errors since the last call: script errors, failed loads and every
/// Content-Security-Policy violation (Chromium reports those as errors).
pub(crate) async fn console_errors(browser: &Client) -> Vec<String> {
    let entries = browser.issue_cmd(BrowserLog).await.expect("the browser's console log");
    entries
        .as_array()
        .into_iter()
        .flatten()
        .filter(|entry| entry["level"] == "SEVERE")
        .map(|entry| entry["message"].as_str().unwrap_or_default().to_owned())
        .collect()
}

pub(crate) async fn sign_in(browser: &Client, app: &TestApp, email: &str) {
    browser.goto(&app.url("/login")).await.unwrap();
    browser.find(Locator::Css("#email")).await.unwrap().send_keys(email).await.unwrap();
    browser.find(Locator::Css("#password")).await.unwrap().send_keys(DEMO_PASSWORD).await.unwrap();
    browser.find(Locator::Css("form.form button[type=submit]")).await.unwrap().click().await.unwrap();
    // The click returns before the sign-in's redirect lands (the password check takes a while on
    // a busy machine); a test that navigates at once would reach its page without the session.
    let deadline = Instant::now() + Duration::from_secs(15);
    while browser.current_url().await.is_ok_and(|url| url.path() == "/login") {
        assert!(Instant::now() < deadline, "{email} is still on the sign-in page");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn the_demo_enterprise_signs_in_in_a_real_browser_and_sees_its_organization() {
    let Some(driver) = start_chromedriver() else { return };
    let app = spawn_app().await;
    let browser = open_browser(&driver).await;

    sign_in(&browser, &app, "enterprise@demo.local").await;
    let title = browser
        .wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css("#org-title"))
        .await
        .expect("organization page after sign-in");
    assert_eq!(title.text().await.unwrap(), "绍兴精工数控机床有限公司");
    assert_eq!(browser.current_url().await.unwrap().path(), "/org");

    // At 375 px nothing may overflow sideways.
    let width = browser.execute("return window.innerWidth;", vec![]).await.unwrap();
    assert_eq!(width, json!(375));
    let overflow = browser.execute("return document.documentElement.scrollWidth > 375;", vec![]).await.unwrap();
    assert_eq!(overflow, json!(false), "page scrolls sideways on a phone");

    if let Ok(png) = browser.screenshot().await {
        let _ = std::fs::write(std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("org-page-375.png"), png);
    }

    let members = browser.find(Locator::Css("#members-title")).await.unwrap();
    assert_eq!(members.text().await.unwrap(), "成员");

    // Switching language keeps the visitor on the page.
    browser.find(Locator::Css("a[hreflang=en]")).await.unwrap().click().await.unwrap();
    let heading =
        browser.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("#members-title")).await.unwrap();
    assert_eq!(heading.text().await.unwrap(), "Members");
    browser.close().await.unwrap();
}

#[tokio::test]
async fn a_school_searches_from_a_phone_and_opens_a_highlighted_result() {
    let Some(driver) = start_chromedriver() else { return };
    let app = spawn_app().await;
    let token = app.demo_login("enterprise@demo.local").await;
    let body = json!({"publish": true, "kind": "apprenticeship", "title": "数控车工现代学徒制（柯桥）", "region": "330603",
        "quantity": 12, "apprenticeship_type": "modern", "description": "校企联合培养数控车工。"});
    let created: serde_json::Value = app.post_json("/api/v1/postings", &body, Some(&token)).await.json().await.unwrap();
    let browser = open_browser(&driver).await;
    sign_in(&browser, &app, "school@demo.local").await;
    browser.wait().at_most(Duration::from_secs(15)).for_element(Locator::Css("#org-title")).await.unwrap();

    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    let hit = loop {
        browser.goto(&app.url("/search?q=CNC")).await.unwrap();
        if let Ok(hit) = browser.find(Locator::Css(&format!("a[href$='/postings/{}']", created["id"]))).await {
            break hit;
        }
        assert!(std::time::Instant::now() < deadline, "the posting never showed up in search");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let marked = browser.find_all(Locator::Css(".hit mark")).await.unwrap();
    assert!(!marked.is_empty(), "matched words are highlighted");
    let overflow = browser.execute("return document.documentElement.scrollWidth > 375;", vec![]).await.unwrap();
    assert_eq!(overflow, json!(false), "the search page scrolls sideways on a phone");
    if let Ok(png) = browser.screenshot().await {
        let _ = std::fs::write(std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("search-375.png"), png);
    }
    hit.click().await.unwrap();
    let title =
        browser.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("#posting-title")).await.unwrap();
    assert_eq!(title.text().await.unwrap(), "数控车工现代学徒制（柯桥）");
    browser.close().await.unwrap();
}

#[tokio::test]
async fn an_enterprise_reads_why_a_school_program_matches_its_apprenticeship_on_a_phone() {
    let Some(driver) = start_chromedriver() else { return };
    let app = spawn_app().await;
    let token = with_demo_postings(&app).await;
    let id = first_hit(&app, &token, "q=数控车工&kind=apprenticeship&region=330603").await;
    let browser = open_browser(&driver).await;
    sign_in(&browser, &app, "enterprise@demo.local").await;
    browser.wait().at_most(Duration::from_secs(15)).for_element(Locator::Css("#org-title")).await.unwrap();

    browser.goto(&app.url(&format!("/postings/{id}"))).await.unwrap();
    let panel =
        browser.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("#matches-title")).await.unwrap();
    assert_eq!(panel.text().await.unwrap(), "推荐匹配");
    let first = browser.find(Locator::Css(".match-list > li")).await.expect("at least one match is listed");
    let table = first.find(Locator::Css("table.criteria")).await.unwrap();
    assert!(!table.is_displayed().await.unwrap(), "the criteria are folded away at first");
    first.find(Locator::Css("details > summary")).await.unwrap().click().await.unwrap();
    assert!(table.is_displayed().await.unwrap(), "opening 为什么推荐 shows the criteria");
    let rows = first.find_all(Locator::Css("tr[data-criterion]")).await.unwrap();
    assert_eq!(rows.len(), 8);
    let region = first.find(Locator::Css("tr[data-criterion=region] td:last-child")).await.unwrap();
    let reason = region.text().await.unwrap();
    assert!(reason.starts_with("同在") || reason.ends_with("相邻"), "{reason}");
    let overflow = browser.execute("return document.documentElement.scrollWidth > 375;", vec![]).await.unwrap();
    assert_eq!(overflow, json!(false), "the match panel scrolls sideways on a phone");
    if let Ok(png) = browser.screenshot().await {
        let _ = std::fs::write(std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("matches-375.png"), png);
    }
    // Following a match opens the school's posting.
    let link = first.find(Locator::Css("a.match-title")).await.unwrap();
    let title = link.text().await.unwrap();
    link.click().await.unwrap();
    let heading =
        browser.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("#posting-title")).await.unwrap();
    assert_eq!(heading.text().await.unwrap(), title);
    browser.close().await.unwrap();
}
