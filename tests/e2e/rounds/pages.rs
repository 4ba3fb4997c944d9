//! Allocation round pages with plain form posts (no JavaScript): the organizer opens a round
//! and sees the report, a school adds a student and reorders preferences with the ↑/↓ buttons
//! and the number fields, and the results page explains each student's result.

use reqwest::StatusCode;
use serde_json::Value;

use crate::e2e::rounds::api::small_round;
use crate::e2e::support::{page_text, signed_in, spawn_app};

#[tokio::test]
async fn the_organizer_opens_a_round_from_the_page_and_sees_its_report() {
    let app = spawn_app().await;
    let (city, csrf) = signed_in(&app, "city@demo.local").await;
    let list = page_text(&city, &app, "/rounds").await;
    assert!(list.contains("新建轮次"), "organizers get the form");
    let response = city
        .post(app.url("/rounds"))
        .form(&[
            ("name", "页面轮次"),
            ("preference_deadline", "2099-06-30T17:00"),
            ("mechanism", "student-proposing"),
            ("_csrf", &csrf),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let page = page_text(&city, &app, &location).await;
    assert!(page.contains("页面轮次") && page.contains("草稿") && page.contains("添加名额"), "{page}");
    // A bad deadline comes back on the form with its reason.
    let response = city
        .post(app.url("/rounds"))
        .form(&[("name", "x"), ("preference_deadline", "2001-01-01T00:00"), ("_csrf", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let r = small_round(&app).await;
    let response = city
        .post(app.url(&format!("/rounds/{}/step", r.round)))
        .form(&[("step", "run"), ("_csrf", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let page = page_text(&city, &app, &format!("/rounds/{}", r.round)).await;
    assert!(page.contains("稳定性证明"), "the stability certificate is shown");
    assert!(page.contains("录取志愿分布") && page.contains("分配机制对比"));
}

#[tokio::test]
async fn a_school_reorders_preferences_with_buttons_and_numbers_without_javascript() {
    let app = spawn_app().await;
    let r = small_round(&app).await;
    let (school, csrf) = signed_in(&app, "school@demo.local").await;
    let path = format!("/rounds/{}/students", r.round);
    let page = page_text(&school, &app, &path).await;
    assert!(page.contains("s1") && page.contains("↑") && page.contains("type=\"number\""), "{page}");
    let prefs = format!("/rounds/{}/students/{}/preferences", r.round, r.students[0]);
    let it = r.it.to_string();
    let up = format!("up:{it}");
    let response = school.post(app.url(&prefs)).form(&[("op", up.as_str()), ("_csrf", &csrf)]).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let students: Value =
        app.get_json(&format!("/api/v1/rounds/{}/students", r.round), Some(&r.school)).await.json().await.unwrap();
    assert_eq!(students[0]["preferences"], serde_json::json!([r.it, r.cnc]));
    // The number fields: 计算机 to 2, 数控 to 1.
    let (pos_cnc, pos_it) = (format!("pos_{}", r.cnc), format!("pos_{}", r.it));
    let response = school
        .post(app.url(&prefs))
        .form(&[("op", "order"), (pos_cnc.as_str(), "1"), (pos_it.as_str(), "2"), ("_csrf", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let students: Value =
        app.get_json(&format!("/api/v1/rounds/{}/students", r.round), Some(&r.school)).await.json().await.unwrap();
    assert_eq!(students[0]["preferences"], serde_json::json!([r.cnc, r.it]));

    // A student without consent is refused on the form.
    let response = school
        .post(app.url(&path))
        .form(&[("pseudonym", "s9"), ("program_code", "460103"), ("level", "gaozhi_zhuanke"), ("_csrf", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_results_page_explains_each_result_and_the_enterprise_sees_its_intake() {
    let app = spawn_app().await;
    let r = small_round(&app).await;
    for step in ["run", "publish"] {
        let response =
            app.post_json(&format!("/api/v1/rounds/{}/{step}", r.round), &serde_json::json!({}), Some(&r.city)).await;
        assert_eq!(response.status(), StatusCode::OK);
    }
    let (school, csrf) = signed_in(&app, "school@demo.local").await;
    let page = page_text(&school, &app, &format!("/rounds/{}/results", r.round)).await;
    assert!(page.contains("你的第 1 志愿已满，且该企业对已录取者的排序均高于你"), "{page}");
    // The school records s2's acceptance with the button on the page.
    let response = school
        .post(app.url(&format!("/rounds/{}/students/{}/response", r.round, r.students[1])))
        .form(&[("response", "accepted"), ("_csrf", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let page = page_text(&school, &app, &format!("/rounds/{}/results", r.round)).await;
    assert!(page.contains("已接受"), "{page}");
    let (enterprise, _) = signed_in(&app, "enterprise@demo.local").await;
    let page = page_text(&enterprise, &app, &format!("/rounds/{}/results", r.round)).await;
    assert!(page.contains("s2") && page.contains("s3") && !page.contains("s1<"), "{page}");
}

#[tokio::test]
async fn the_enterprise_ranks_applicants_on_its_page_and_bad_numbers_are_refused() {
    let app = spawn_app().await;
    let r = small_round(&app).await;
    let (enterprise, csrf) = signed_in(&app, "enterprise@demo.local").await;
    let round_page = page_text(&enterprise, &app, &format!("/rounds/{}", r.round)).await;
    assert!(round_page.contains(&format!("/rounds/{}/places/{}/ranking", r.round, r.cnc)));
    let path = format!("/rounds/{}/places/{}/ranking", r.round, r.cnc);
    let page = page_text(&enterprise, &app, &path).await;
    assert!(page.contains("s2") && page.contains("专业匹配"), "{page}");
    // Explicit ranks: s4 first, s1 second; s2 not acceptable.
    let (s1, s2, s4) = (r.students[0], r.students[1], r.students[3]);
    let fields = [
        ("rule".to_owned(), "explicit".to_owned()),
        (format!("rank_{s4}"), "1".to_owned()),
        (format!("rank_{s1}"), "2".to_owned()),
        (format!("unacceptable_{s2}"), "yes".to_owned()),
        ("_csrf".to_owned(), csrf.clone()),
    ];
    let response = enterprise.post(app.url(&path)).form(&fields).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let applicants: Value = app
        .get_json(&format!("/api/v1/rounds/{}/places/{}/applicants", r.round, r.cnc), Some(&r.enterprise))
        .await
        .json()
        .await
        .unwrap();
    let order: Vec<(&str, Option<i64>)> = applicants["applicants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["pseudonym"].as_str().unwrap(), a["position"].as_i64()))
        .collect();
    assert_eq!(order, [("s4", Some(1)), ("s1", Some(2)), ("s2", None)]);
    let bad = [
        ("rule".to_owned(), "explicit".to_owned()),
        (format!("interview_{s1}"), "120".to_owned()),
        ("_csrf".to_owned(), csrf),
    ];
    let response = enterprise.post(app.url(&path)).form(&bad).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
}
