//! A small allocation round in a real browser on a phone-sized screen, with the demo accounts:
//! the city opens it with two places, the school adds a student and orders the preferences with
//! the ↑ button (no drag), the city runs and publishes, and the school reads the result.

use std::time::Duration;

use fantoccini::{Client, Locator};

use crate::e2e::browser::{open_browser, sign_in, start_chromedriver};
use crate::e2e::rounds::api::place_posting;
use crate::e2e::support::{TestApp, spawn_app};

async fn wait_for(browser: &Client, css: &str) -> fantoccini::elements::Element {
    browser
        .wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|_| panic!("{css}"))
}

async fn fill(browser: &Client, css: &str, text: &str) {
    let field = wait_for(browser, css).await;
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

async fn click(browser: &Client, css: &str) {
    wait_for(browser, css).await.click().await.unwrap_or_else(|e| panic!("{css}: {e}"));
}

/// The place ids of the student's ranked list, as shown (empty while the page changes).
async fn listed(browser: &Client) -> Vec<String> {
    let mut places = Vec::new();
    let Ok(rows) = browser.find_all(Locator::Css(".pref-list li")).await else { return places };
    for row in rows {
        match row.attr("data-place").await {
            Ok(Some(place)) => places.push(place),
            _ => return Vec::new(),
        }
    }
    places
}

/// Waits until `read` gives `expected` (a form post reloads the page after the click returns).
async fn until<F, Fut, T>(what: &str, expected: T, mut read: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = T>,
    T: PartialEq + std::fmt::Debug,
{
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    loop {
        let found = read().await;
        if found == expected {
            return;
        }
        assert!(std::time::Instant::now() < deadline, "{what}: found {found:?}, expected {expected:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn text_of(browser: &Client, css: &str) -> String {
    match browser.find(Locator::Css(css)).await {
        Ok(element) => element.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    }
}

async fn rows(browser: &Client, css: &str) -> usize {
    browser.find_all(Locator::Css(css)).await.map(|r| r.len()).unwrap_or(0)
}

async fn step(browser: &Client, app: &TestApp, round: &str, name: &str, phase: &str) {
    browser.goto(&app.url(&format!("/rounds/{round}"))).await.unwrap();
    click(browser, &format!("#step-{name}")).await;
    until(name, phase.to_owned(), || text_of(browser, "#round-phase")).await;
}

#[tokio::test]
async fn a_small_round_runs_from_opening_to_published_results_in_a_browser() {
    let Some(driver) = start_chromedriver() else { return };
    let app = spawn_app().await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let cnc = place_posting(&app, &enterprise, "数控车工现代学徒", "460103", 2).await;
    let it = place_posting(&app, &enterprise, "软件开发学徒", "510201", 2).await;

    // The city opens the round and adds both places.
    let city = open_browser(&driver).await;
    sign_in(&city, &app, "city@demo.local").await;
    wait_for(&city, "main h1").await;
    city.goto(&app.url("/rounds")).await.unwrap();
    fill(&city, "#round-name", "浏览器轮次").await;
    // A datetime field takes typed input in the browser's locale; set its value directly.
    city.execute("document.querySelector('#round-deadline').value = '2099-06-30T17:00'", vec![]).await.unwrap();
    click(&city, "form[action='/rounds'] button[type=submit]").await;
    until("the round's page", true, || async {
        city.current_url().await.map(|u| u.path().starts_with("/rounds/")).unwrap_or(false)
    })
    .await;
    let url = city.current_url().await.unwrap();
    let round = url.path().trim_start_matches("/rounds/").to_owned();
    wait_for(&city, "#round-phase").await;
    for (n, posting) in [cnc, it].into_iter().enumerate() {
        fill(&city, "#place-posting", &posting.to_string()).await;
        click(&city, "form[action$='/places'] button[type=submit]").await;
        until("places", n + 1, || rows(&city, "table tbody tr")).await;
    }
    step(&city, &app, &round, "open", "志愿填报中").await;

    // The school adds a student, lists both places and moves the second one up.
    let school = open_browser(&driver).await;
    sign_in(&school, &app, "school@demo.local").await;
    wait_for(&school, "main h1").await;
    school.goto(&app.url(&format!("/rounds/{round}/students"))).await.unwrap();
    fill(&school, "#st-pseudonym", "浏览器同学").await;
    fill(&school, "#st-program", "510201").await;
    click(&school, "input[name=consent]").await;
    click(&school, "#add-student").await;
    until("student", 1, || rows(&school, ".round-student")).await;
    // The add buttons carry the places' ids.
    let mut ids = Vec::new();
    for button in school.find_all(Locator::Css("button.add")).await.unwrap() {
        ids.push(button.attr("data-place").await.unwrap().unwrap_or_default());
    }
    assert_eq!(ids.len(), 2, "both places can be added");
    for (n, id) in ids.iter().enumerate() {
        click(&school, ".round-student details summary").await;
        click(&school, &format!("button.add[data-place='{id}']")).await;
        until("added", ids[..=n].to_vec(), || listed(&school)).await;
    }
    click(&school, ".pref-list li:nth-child(2) button.up").await;
    let reordered = vec![ids[1].clone(), ids[0].clone()];
    until("the ↑ button moved the second choice up", reordered, || listed(&school)).await;

    // The city runs and publishes; the report certifies stability.
    step(&city, &app, &round, "run", "已运行（未发布）").await;
    assert!(wait_for(&city, "#stability").await.text().await.unwrap().contains("稳定性证明"));
    step(&city, &app, &round, "publish", "结果已发布").await;

    // The school sees the student's result: placed at the first choice.
    school.goto(&app.url(&format!("/rounds/{round}/results"))).await.unwrap();
    let card = wait_for(&school, ".round-results .card").await;
    let text = card.text().await.unwrap();
    assert!(text.contains("浏览器同学") && text.contains("已被第 1 志愿录取"), "{text}");
    city.close().await.unwrap();
    school.close().await.unwrap();
}
