//! The brokering path in a real browser on a phone-sized screen: an enterprise posts an
//! apprenticeship need through the form, sees a school's program among its matches, proposes
//! cooperation; the school accepts; the project appears for both and for the city.

use std::time::Duration;

use fantoccini::{Client, Locator};
use serde_json::{Value, json};

use crate::e2e::brokering::api::{program_offer, publish};
use crate::e2e::browser::{open_browser, sign_in, start_chromedriver};
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
    let field = browser.find(Locator::Css(css)).await.unwrap_or_else(|_| panic!("{css}"));
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

async fn project_titles(browser: &Client, app: &TestApp) -> Vec<String> {
    browser.goto(&app.url("/projects")).await.unwrap();
    wait_for(browser, "main h1").await;
    let mut titles = Vec::new();
    for card in browser.find_all(Locator::Css(".project h2 a")).await.unwrap() {
        titles.push(card.text().await.unwrap());
    }
    titles
}

#[tokio::test]
async fn an_enterprise_proposes_from_a_match_the_school_accepts_and_everyone_sees_the_project() {
    let Some(driver) = start_chromedriver() else { return };
    let app = spawn_app().await;
    // The school's program offer is already published and indexed.
    let school_token = app.demo_login("school@demo.local").await;
    let offer = publish(&app, &school_token, program_offer()).await;
    let indexed = app
        .eventually(Duration::from_secs(20), || async {
            let found: Value =
                app.get_json("/api/v1/search?q=数控技术", Some(&school_token)).await.json().await.unwrap();
            found["hits"].as_array().is_some_and(|h| h.iter().any(|hit| hit["id"].as_i64() == Some(offer)))
        })
        .await;
    assert!(indexed);

    // The enterprise posts its apprenticeship need through the form and publishes it.
    let enterprise = open_browser(&driver).await;
    sign_in(&enterprise, &app, "enterprise@demo.local").await;
    wait_for(&enterprise, "#org-title").await;
    enterprise.goto(&app.url("/postings/new?kind=apprenticeship")).await.unwrap();
    wait_for(&enterprise, "#title").await;
    fill(&enterprise, "#title", "数控车工现代学徒（2027 级）").await;
    fill(&enterprise, "#description", "与学校联合培养数控车工，企业师傅一对一带教。").await;
    fill(&enterprise, "#quantity", "12").await;
    fill(&enterprise, "#program_codes", "460103").await;
    enterprise.find(Locator::Css("#apprenticeship_type option[value=modern]")).await.unwrap().click().await.unwrap();
    enterprise
        .find(Locator::Css("#education_level option[value=gaozhi_zhuanke]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    enterprise.find(Locator::Css("button[name=intent][value=publish]")).await.unwrap().click().await.unwrap();
    let title = wait_for(&enterprise, "#posting-title").await;
    assert_eq!(title.text().await.unwrap(), "数控车工现代学徒（2027 级）");

    // Its match panel lists the school's program with a way to propose.
    let propose = format!("a.propose[href$='to={offer}']");
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let link = loop {
        if let Ok(link) = enterprise.find(Locator::Css(&propose)).await {
            break link;
        }
        assert!(std::time::Instant::now() < deadline, "the school's program never showed among the matches");
        tokio::time::sleep(Duration::from_millis(300)).await;
        enterprise.refresh().await.unwrap();
    };
    link.click().await.unwrap();
    wait_for(&enterprise, "#message").await;
    fill(&enterprise, "#message", "希望 2027 年 9 月起合作培养 12 名数控车工学徒。").await;
    fill(&enterprise, "#quantity", "12").await;
    enterprise.find(Locator::Css("form.form button[type=submit]")).await.unwrap().click().await.unwrap();
    let status = wait_for(&enterprise, "#proposal-status").await;
    assert_eq!(status.text().await.unwrap(), "待答复");
    let overflow = enterprise.execute("return document.documentElement.scrollWidth > 375;", vec![]).await.unwrap();
    assert_eq!(overflow, json!(false), "the proposal page scrolls sideways on a phone");
    enterprise.close().await.unwrap();

    // The school finds it among received proposals and accepts.
    let school = open_browser(&driver).await;
    sign_in(&school, &app, "school@demo.local").await;
    wait_for(&school, "#org-title").await;
    school.goto(&app.url("/proposals?box=received")).await.unwrap();
    wait_for(&school, ".proposal h2 a").await.click().await.unwrap();
    wait_for(&school, "button[name=action][value=accept]").await.click().await.unwrap();
    let project_status = wait_for(&school, "#project-status").await;
    assert_eq!(project_status.text().await.unwrap(), "已达成");
    let project_title = school.find(Locator::Css("#project-title")).await.unwrap().text().await.unwrap();
    assert!(project_title.starts_with("学徒制培养："), "{project_title}");
    assert!(project_titles(&school, &app).await.contains(&project_title));
    if let Ok(png) = school.screenshot().await {
        let _ = std::fs::write(std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("projects-375.png"), png);
    }
    school.close().await.unwrap();

    // The enterprise and the city see the same project.
    for email in ["enterprise@demo.local", "city@demo.local"] {
        let browser = open_browser(&driver).await;
        sign_in(&browser, &app, email).await;
        wait_for(&browser, "main h1").await;
        assert!(project_titles(&browser, &app).await.contains(&project_title), "{email} sees the project");
        browser.close().await.unwrap();
    }
}
