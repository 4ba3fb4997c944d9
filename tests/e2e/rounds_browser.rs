//! A small allocation round in a real browser on a phone-sized screen, with the demo accounts:
//! the city opens it with two places, the school adds a student and orders the preferences with
//! the ↑ button (no drag), the city runs and publishes, and the school reads the result.

use std::time::Duration;

use fantoccini::{Client, Locator};

use super::browser::{open_browser, sign_in, start_chromedriver};
use super::rounds::place_posting;
use super::support::{TestApp, spawn_app};

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

/// The place ids of the student's ranked list, as shown.
async fn listed(browser: &Client) -> Vec<String> {
    let mut places = Vec::new();
    for row in browser.find_all(Locator::Css(".pref-list li")).await.unwrap() {
        places.push(row.attr("data-place").await.unwrap().unwrap_or_default());
    }
    places
}

async fn step(browser: &Client, app: &TestApp, round: &str, name: &str) {
    browser.goto(&app.url(&format!("/rounds/{round}"))).await.unwrap();
    click(browser, &format!("#step-{name}")).await;
    wait_for(browser, "#round-phase").await;
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
    wait_for(&city, "#round-phase").await;
    let url = city.current_url().await.unwrap();
    let round = url.path().trim_start_matches("/rounds/").to_owned();
    for posting in [cnc, it] {
        fill(&city, "#place-posting", &posting.to_string()).await;
        click(&city, "form[action$='/places'] button[type=submit]").await;
        wait_for(&city, "#round-phase").await;
    }
    step(&city, &app, &round, "open").await;
    assert_eq!(wait_for(&city, "#round-phase").await.text().await.unwrap(), "志愿填报中");

    // The school adds a student, lists both places and moves the second one up.
    let school = open_browser(&driver).await;
    sign_in(&school, &app, "school@demo.local").await;
    wait_for(&school, "main h1").await;
    school.goto(&app.url(&format!("/rounds/{round}/students"))).await.unwrap();
    fill(&school, "#st-pseudonym", "浏览器同学").await;
    fill(&school, "#st-program", "510201").await;
    click(&school, "input[name=consent]").await;
    click(&school, "#add-student").await;
    wait_for(&school, ".round-student").await;
    // The add buttons carry the places' ids.
    let mut ids = Vec::new();
    for button in school.find_all(Locator::Css("button.add")).await.unwrap() {
        ids.push(button.attr("data-place").await.unwrap().unwrap_or_default());
    }
    assert_eq!(ids.len(), 2, "both places can be added");
    for id in &ids {
        click(&school, ".round-student details summary").await;
        click(&school, &format!("button.add[data-place='{id}']")).await;
        wait_for(&school, ".pref-list").await;
    }
    assert_eq!(listed(&school).await, ids);
    click(&school, ".pref-list li:nth-child(2) button.up").await;
    wait_for(&school, ".pref-list").await;
    let reordered = listed(&school).await;
    assert_eq!(reordered, [ids[1].clone(), ids[0].clone()], "the ↑ button moved the second choice up");

    // The city runs and publishes; the report certifies stability.
    step(&city, &app, &round, "run").await;
    assert!(wait_for(&city, "#stability").await.text().await.unwrap().contains("稳定性证明"));
    step(&city, &app, &round, "publish").await;
    assert_eq!(wait_for(&city, "#round-phase").await.text().await.unwrap(), "结果已发布");

    // The school sees the student's result: placed at the first choice.
    school.goto(&app.url(&format!("/rounds/{round}/results"))).await.unwrap();
    let card = wait_for(&school, ".round-results .card").await;
    let text = card.text().await.unwrap();
    assert!(text.contains("浏览器同学") && text.contains("已被第 1 志愿录取"), "{text}");
    city.close().await.unwrap();
    school.close().await.unwrap();
}
