//! The posting pages as an enterprise and a school use them: choosing a kind, the kind's form
//! with its errors, publishing, the lifecycle buttons, editing, browsing with filters.

use reqwest::StatusCode;

use crate::e2e::support::{page_text as text, signed_in, spawn_app};

#[tokio::test]
async fn an_enterprise_posts_an_apprenticeship_through_the_form_and_a_school_finds_it() {
    let app = spawn_app().await;
    let (enterprise, csrf) = signed_in(&app, "enterprise@demo.local").await;

    let chooser = text(&enterprise, &app, "/postings/new").await;
    assert!(chooser.contains("/postings/new?kind=apprenticeship") && !chooser.contains("kind=program_offering"));
    let form = text(&enterprise, &app, "/postings/new?kind=apprenticeship").await;
    assert!(form.contains("name=\"apprenticeship_type\"") && form.contains("name=\"program_codes\""));
    assert!(!form.contains("name=\"equipment\""), "apprenticeships have no equipment field");

    let bad = enterprise
        .post(app.url("/postings/new?kind=apprenticeship"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("title", "数"),
            ("region", "330603"),
            ("quantity", "-3"),
            ("intent", "publish"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = bad.text().await.unwrap();
    assert!(html.contains("aria-invalid=\"true\" aria-describedby=\"title-error\""));
    assert!(html.contains("aria-describedby=\"quantity-error\""));

    let created = enterprise
        .post(app.url("/postings/new?kind=apprenticeship"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("title", "数控车工现代学徒制 <2027级>"),
            ("description", "与学校联合培养，第一年在校，第二年起在柯桥工厂轮岗。"),
            ("region", "330603"),
            ("quantity", "20"),
            ("apprenticeship_type", "modern"),
            ("education_level", "gaozhi_zhuanke"),
            ("program_codes", "460103"),
            ("industry_clusters", "hq_equipment"),
            ("industry_clusters", "metalwork"),
            ("skills", "数控编程、CNC"),
            ("starts_on", "2027-09-01"),
            ("ends_on", "2099-07-01"),
            ("intent", "publish"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    let location = created.headers()["location"].to_str().unwrap().to_owned();
    let page = text(&enterprise, &app, &location).await;
    assert!(page.contains("数控车工现代学徒制 &lt;2027级&gt;"), "markup is escaped");
    assert!(page.contains("460103") && page.contains("数控技术"));
    assert!(page.contains("高端装备") && page.contains("已发布"));
    assert!(page.contains("value=\"pause\"") && page.contains("/edit"));

    let (school, _) = signed_in(&app, "school@demo.local").await;
    let listing = text(&school, &app, "/postings?kind=apprenticeship&region=330603").await;
    assert!(listing.contains("数控车工现代学徒制 &lt;2027级&gt;"));
    let none = text(&school, &app, "/postings?kind=apprenticeship&region=330681").await;
    assert!(!none.contains("数控车工现代学徒制"));
    let as_school = text(&school, &app, &location).await;
    assert!(!as_school.contains("value=\"pause\"") && !as_school.contains("/edit\""), "no owner controls for others");
    assert_eq!(school.get(app.url(&format!("{location}/edit"))).send().await.unwrap().status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_owner_pauses_and_edits_a_posting_from_its_page() {
    let app = spawn_app().await;
    let (enterprise, csrf) = signed_in(&app, "enterprise@demo.local").await;
    let created = enterprise
        .post(app.url("/postings/new?kind=job"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("title", "装配钳工"),
            ("region", "330603"),
            ("quantity", "4"),
            ("intent", "draft"),
        ])
        .send()
        .await
        .unwrap();
    let location = created.headers()["location"].to_str().unwrap().to_owned();
    assert!(text(&enterprise, &app, &location).await.contains("草稿"));
    let act = |action: &'static str| {
        let enterprise = enterprise.clone();
        let url = app.url(&format!("{location}/act"));
        let csrf = csrf.clone();
        async move { enterprise.post(url).form(&[("_csrf", csrf.as_str()), ("action", action)]).send().await.unwrap() }
    };
    assert_eq!(act("publish").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(act("pause").await.status(), StatusCode::SEE_OTHER);
    assert!(text(&enterprise, &app, &location).await.contains("已暂停"));
    let illegal = act("pause").await;
    assert_eq!(illegal.status(), StatusCode::CONFLICT);

    let form = text(&enterprise, &app, &format!("{location}/edit")).await;
    assert!(form.contains("value=\"装配钳工\""));
    let saved = enterprise
        .post(app.url(&format!("{location}/edit")))
        .form(&[("_csrf", csrf.as_str()), ("title", "装配钳工（急招）"), ("region", "330603"), ("quantity", "6")])
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let page = text(&enterprise, &app, &location).await;
    assert!(page.contains("装配钳工（急招）") && page.contains("update"));
}

#[tokio::test]
async fn brokers_and_authorities_cannot_post_and_listings_render_in_english() {
    let app = spawn_app().await;
    let (city, _) = signed_in(&app, "city@demo.local").await;
    assert_eq!(city.get(app.url("/postings/new")).send().await.unwrap().status(), StatusCode::FORBIDDEN);
    let english = text(&city, &app, "/postings?lang=en").await;
    assert!(english.contains("Offers and needs") && english.contains("Apprenticeship"));
}

#[tokio::test]
async fn a_posting_id_that_is_not_a_number_is_the_error_page_naming_it() {
    let app = spawn_app().await;
    let (enterprise, _) = signed_in(&app, "enterprise@demo.local").await;

    let bad = enterprise.get(app.url("/postings/abc")).send().await.unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let content_type = bad.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    let html = bad.text().await.unwrap();
    assert!(html.contains("<h1 id=\"error-title\">"), "the site's error page: {html}");
    assert!(html.contains("<li>id："), "the page names the parameter: {html}");

    let edit = enterprise.get(app.url("/postings/1.5/edit")).send().await.unwrap();
    assert_eq!(edit.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(edit.text().await.unwrap().contains("<li>id："));
}
