//! Supply and demand on hand-made fixtures: exact demand, supply, placements, gap and fill rate by
//! program class, industry cluster, district and year; the filter restricts them; the drill-down
//! lists exactly the postings behind a number, and a school sees other organizations' non-public
//! postings only as a count; the cluster outlook carries a back-test.

use chanjiao_api::services::postings::insert_historical;
use chanjiao_domain::posting::{NewPosting, PostingInput, PostingStatus, Side};
use chrono::{Datelike, TimeZone, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::e2e::brokering::api::publish;
use crate::e2e::support::{TestApp, page_text, problem_fields, signed_in, spawn_app};

/// A posting of a past year, stored as it stood (the API only creates postings today).
async fn historical(app: &TestApp, org: i64, side: Side, input: Value, year: i32, status: PostingStatus) -> i64 {
    let input: PostingInput = serde_json::from_value(input).unwrap();
    let posting = NewPosting::parse_for_side(&input, side).unwrap();
    let created = Utc.with_ymd_and_hms(year, 3, 1, 9, 0, 0).unwrap();
    insert_historical(&app.db, org, &posting, status, created, app.clock.now()).await.unwrap().id
}

struct Fixture {
    enterprise: String,
    school: String,
    city: String,
    this_year: i32,
    last_year: i32,
    /// The published job and apprenticeship (class 4601, 柯桥区, this year).
    machining_demand: Vec<i64>,
    /// The expired order class of last year (class 5307, 诸暨市).
    old_order_class: i64,
}

/// Demand: a job (30) and an apprenticeship naming two programs of class 4601 (10) in 柯桥区 this
/// year, an order class (20, class 5307) in 诸暨市 last year, now expired. Supply: a program offer
/// of class 4601 (25) this year and one of class 5307 (50) last year, both in 越城区. A draft job
/// and a training base (not a demand kind) count nowhere. A completed project placed 8 people on
/// the apprenticeship.
async fn fixture(app: &TestApp) -> Fixture {
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let school = app.demo_login("school@demo.local").await;
    let city = app.demo_login("city@demo.local").await;
    let (enterprise_org, school_org) = (app.my_org_id(&enterprise).await, app.my_org_id(&school).await);
    let this_year = Utc::now().year();
    let last_year = this_year - 1;
    let job = publish(
        app,
        &enterprise,
        json!({"kind": "job", "title": "数控操作工", "region": "330603", "quantity": 30,
            "program_codes": ["460103"], "industry_clusters": ["hq_equipment"], "ends_on": "2099-06-30"}),
    )
    .await;
    let apprenticeship = publish(
        app,
        &enterprise,
        json!({"kind": "apprenticeship", "title": "数控学徒", "region": "330603001", "quantity": 10,
            "apprenticeship_type": "modern", "program_codes": ["460103", "460104"],
            "industry_clusters": ["hq_equipment"], "ends_on": "2099-06-30"}),
    )
    .await;
    let draft = json!({"kind": "job", "title": "草稿岗位", "region": "330603", "quantity": 99,
        "program_codes": ["460103"], "industry_clusters": ["hq_equipment"]});
    assert_eq!(app.post_json("/api/v1/postings", &draft, Some(&enterprise)).await.status(), StatusCode::CREATED);
    publish(
        app,
        &enterprise,
        json!({"kind": "training_base_hosted", "title": "实训基地", "region": "330603", "quantity": 15,
            "program_codes": ["460103"], "industry_clusters": ["hq_equipment"]}),
    )
    .await;
    let offer = publish(
        app,
        &school,
        json!({"kind": "program_offering", "title": "数控技术专业", "region": "330602", "quantity": 25,
            "program_codes": ["460103"], "industry_clusters": ["hq_equipment"], "education_level": "gaozhi_zhuanke",
            "ends_on": "2099-06-30"}),
    )
    .await;
    let old_order_class = historical(
        app,
        enterprise_org,
        Side::Enterprise,
        json!({"kind": "order_class", "title": "电商订单班", "region": "330681", "quantity": 20,
            "program_codes": ["530701"], "industry_clusters": ["logistics"]}),
        last_year,
        PostingStatus::Expired,
    )
    .await;
    historical(
        app,
        school_org,
        Side::School,
        json!({"kind": "program_offering", "title": "电子商务专业", "region": "330602", "quantity": 50,
            "program_codes": ["530701"], "industry_clusters": ["logistics"], "education_level": "gaozhi_zhuanke"}),
        last_year,
        PostingStatus::Expired,
    )
    .await;
    // A project on the apprenticeship, completed with 8 people placed.
    let proposal = app
        .post_json(
            "/api/v1/proposals",
            &json!({"from_posting_id": apprenticeship, "to_posting_id": offer, "message": "合作", "quantity": 10}),
            Some(&enterprise),
        )
        .await;
    assert_eq!(proposal.status(), StatusCode::CREATED);
    let proposal: Value = proposal.json().await.unwrap();
    let answer = app
        .post_json(&format!("/api/v1/proposals/{}/answer", proposal["id"]), &json!({"action": "accept"}), Some(&school))
        .await;
    let project = answer.json::<Value>().await.unwrap()["project_id"].as_i64().unwrap();
    for (token, body) in
        [(&school, json!({"action": "start"})), (&enterprise, json!({"action": "complete", "placed": 8}))]
    {
        let response = app.api.patch(app.url(&format!("/api/v1/projects/{project}"))).bearer_auth(token).json(&body);
        assert_eq!(response.send().await.unwrap().status(), StatusCode::OK);
    }
    Fixture {
        enterprise,
        school,
        city,
        this_year,
        last_year,
        machining_demand: vec![apprenticeship, job],
        old_order_class,
    }
}

async fn summary(app: &TestApp, token: &str, query: &str) -> Value {
    let response = app.get_json(&format!("/api/v1/statistics/supply-demand{query}"), Some(token)).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

fn line(report: &Value, table: &str, key: &str) -> Value {
    report[table].as_array().unwrap().iter().find(|l| l["key"] == key).cloned().unwrap_or(Value::Null)
}

/// `[demand, supply, placements, gap, fill_rate]` of a line.
fn figures(line: &Value) -> Value {
    json!([line["demand"], line["supply"], line["placements"], line["gap"], line["fill_rate"]])
}

#[tokio::test]
async fn demand_supply_gap_and_fill_rate_are_exact_by_class_cluster_district_and_year() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let report = summary(&app, &f.school, "").await;
    assert_eq!(figures(&report["total"]), json!([60, 75, 8, -15.0, 1.25]));
    assert_eq!(figures(&line(&report, "by_class", "4601")), json!([40, 25, 8, 15.0, 0.625]), "two programs, one class");
    assert_eq!(line(&report, "by_class", "4601")["name"], "机械设计制造类");
    assert_eq!(figures(&line(&report, "by_class", "5307")), json!([20, 50, 0, -30.0, 2.5]));
    assert_eq!(report["by_class"].as_array().unwrap().len(), 2);
    // Fill rate 0.625 signals a shortage, but a gap of 15 people is under the material 20.
    assert_eq!(line(&report, "by_class", "4601")["status"], "balanced");
    assert_eq!(line(&report, "by_class", "5307")["status"], "oversupply");
    assert_eq!(figures(&line(&report, "by_cluster", "hq_equipment")), json!([40, 25, 8, 15.0, 0.625]));
    assert_eq!(figures(&line(&report, "by_cluster", "logistics")), json!([20, 50, 0, -30.0, 2.5]));
    assert_eq!(figures(&line(&report, "by_district", "330603")), json!([40, 0, 8, 40.0, 0.0]), "a township counts");
    assert_eq!(figures(&line(&report, "by_district", "330681")), json!([20, 0, 0, 20.0, 0.0]));
    assert_eq!(figures(&line(&report, "by_district", "330602")), json!([0, 75, 0, -75.0, null]));
    assert_eq!(figures(&line(&report, "by_district", "330624")), json!([0, 0, 0, 0.0, null]), "every district shown");
    assert_eq!(report["by_district"].as_array().unwrap().len(), 6);
    let (this, last) = (f.this_year.to_string(), f.last_year.to_string());
    assert_eq!(figures(&line(&report, "by_year", &this)), json!([40, 25, 8, 15.0, 0.625]));
    assert_eq!(figures(&line(&report, "by_year", &last)), json!([20, 50, 0, -30.0, 2.5]));

    // The filter restricts every table.
    let keqiao = summary(&app, &f.school, "?district=330603").await;
    assert_eq!(figures(&keqiao["total"]), json!([40, 0, 8, 40.0, 0.0]));
    assert_eq!(keqiao["by_district"].as_array().unwrap().len(), 1);
    assert_eq!(keqiao["by_class"].as_array().unwrap().len(), 1, "5307 had nothing in 柯桥区");
    let past = summary(&app, &f.school, &format!("?year={last}")).await;
    assert_eq!(figures(&past["total"]), json!([20, 50, 0, -30.0, 2.5]));
    assert_eq!(line(&past, "by_class", "4601"), Value::Null);
    let both = summary(&app, &f.school, &format!("?district=330681&year={last}")).await;
    assert_eq!(figures(&both["total"]), json!([20, 0, 0, 20.0, 0.0]));

    // The page shows the same numbers, each linked to the postings behind it, beside the charts.
    let (browser, _) = signed_in(&app, "city@demo.local").await;
    let page = page_text(&browser, &app, "/statistics/supply-demand").await;
    assert!(page.contains("供需分析") && page.contains("aria-current=\"page\""), "the section tab");
    assert!(page.contains(
        "href=\"/statistics/supply-demand/postings?dimension=class&amp;key=4601&amp;measure=demand\">40</a>"
    ));
    assert!(page.contains("<title id=\"sd-class-t\">各专业类供需缺口</title>"), "gap bars are titled");
    assert!(page.contains("class=\"bar shortage\"") && page.contains("class=\"bar oversupply\""));
    assert!(page.contains("<title id=\"sd-grid-t\">各区县供需状态</title>") && page.contains(">柯桥区</text>"));
    let filtered = page_text(&browser, &app, "/statistics/supply-demand?district=330603").await;
    assert!(filtered.contains("key=4601&amp;measure=demand&amp;district=330603\">40</a>"), "links keep the filter");
}

#[tokio::test]
async fn the_drill_down_lists_exactly_the_postings_behind_a_number() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let drill = |token: &str, query: &str| {
        let (app, token, query) = (&app, token.to_owned(), query.to_owned());
        async move {
            let response =
                app.get_json(&format!("/api/v1/statistics/supply-demand/postings{query}"), Some(&token)).await;
            assert_eq!(response.status(), StatusCode::OK, "{query}");
            response.json::<Value>().await.unwrap()
        }
    };
    let ids = |listed: &Value| -> Vec<i64> {
        listed["items"].as_array().unwrap().iter().map(|p| p["id"].as_i64().unwrap()).collect()
    };
    let machining = drill(&f.school, "?dimension=class&key=4601&measure=demand").await;
    assert_eq!(ids(&machining), f.machining_demand, "newest first, the draft left out");
    assert_eq!((machining["total_postings"].clone(), machining["total_quantity"].clone()), (json!(2), json!(40)));
    assert_eq!(machining["items"][0]["organization_name"], "绍兴精工数控机床有限公司", "published postings are public");
    let this_year = drill(&f.city, &format!("?dimension=year&key={}&measure=supply", f.this_year)).await;
    assert_eq!(this_year["total_quantity"], 25);

    // 诸暨市's demand is one expired order class of the enterprise: the school sees a count only.
    let query = "?dimension=district&key=330681&measure=demand";
    let seen_by_school = drill(&f.school, query).await;
    assert_eq!(ids(&seen_by_school), Vec::<i64>::new());
    assert_eq!(
        (seen_by_school["withheld_postings"].clone(), seen_by_school["withheld_quantity"].clone()),
        (json!(1), json!(20))
    );
    assert_eq!(seen_by_school["total_quantity"], 20, "the number itself is the same");
    let text = serde_json::to_string(&seen_by_school).unwrap();
    assert!(!text.contains("电商订单班") && !text.contains("绍兴精工"), "no title or owner: {text}");
    for token in [&f.city, &f.enterprise] {
        let listed = drill(token, query).await;
        assert_eq!(ids(&listed), [f.old_order_class], "the city and the owner see it");
        assert_eq!(listed["withheld_postings"], 0);
    }
    let (browser, _) = signed_in(&app, "school@demo.local").await;
    let page = page_text(&browser, &app, &format!("/statistics/supply-demand/postings{query}")).await;
    assert!(page.contains("只计数、不列出") && !page.contains("电商订单班"));
    let (browser, _) = signed_in(&app, "city@demo.local").await;
    let page = page_text(&browser, &app, &format!("/statistics/supply-demand/postings{query}")).await;
    assert!(page.contains("电商订单班") && page.contains("绍兴精工数控机床有限公司"));

    // Placements drill down too: the apprenticeship, with the 8 people the project placed on it.
    let placed = drill(&f.city, "?dimension=class&key=4601&measure=placements").await;
    assert_eq!(ids(&placed), [f.machining_demand[0]], "the apprenticeship only, not the job");
    assert_eq!((placed["total_postings"].clone(), placed["total_quantity"].clone()), (json!(1), json!(8)));
    assert_eq!(placed["items"][0]["quantity"], 8, "each posting with the people placed on it");

    // Filters narrow the list; a year with nothing lists nothing.
    let filtered = drill(&f.city, &format!("?dimension=class&key=4601&measure=demand&year={}", f.last_year)).await;
    assert_eq!(filtered["total_postings"], 0);
}

#[tokio::test]
async fn bad_filters_and_drill_downs_are_refused_with_the_fields_named() {
    let app = spawn_app().await;
    let token = app.demo_login("school@demo.local").await;
    let bad = app.get_json("/api/v1/statistics/supply-demand?district=330100&year=1999", Some(&token)).await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem_fields(bad).await, ["district", "year"]);
    let bad =
        app.get_json("/api/v1/statistics/supply-demand/postings?dimension=town&key=1&measure=x", Some(&token)).await;
    assert_eq!(problem_fields(bad).await, ["measure", "dimension"]);
    let bad =
        app.get_json("/api/v1/statistics/supply-demand/postings?dimension=class&key=9999&measure=demand", Some(&token));
    assert_eq!(problem_fields(bad.await).await, ["key"]);
    let bad = app.get_json("/api/v1/statistics/outlook?year=abc", Some(&token)).await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.get_json("/api/v1/statistics/supply-demand", None).await.status(), StatusCode::UNAUTHORIZED);
    let (browser, _) = signed_in(&app, "school@demo.local").await;
    let page = browser.get(app.url("/statistics/supply-demand?year=20x4")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn an_empty_database_renders_no_data_rather_than_an_error() {
    let app = spawn_app().await;
    let token = app.demo_login("city@demo.local").await;
    let report = summary(&app, &token, "").await;
    assert_eq!(figures(&report["total"]), json!([0, 0, 0, 0.0, null]));
    assert_eq!(report["by_class"], json!([]));
    let (browser, _) = signed_in(&app, "city@demo.local").await;
    let page = page_text(&browser, &app, "/statistics/supply-demand").await;
    assert!(page.contains("id=\"sd-empty\"") && page.contains("暂无数据"));
    let outlook = page_text(&browser, &app, "/statistics/outlook?district=330603").await;
    assert!(outlook.contains("人才需求预测预警") && outlook.contains("stats-district"), "with the section filter");
}

#[tokio::test]
async fn each_industry_cluster_has_an_outlook_with_its_back_test() {
    let app = spawn_app().await;
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let school = app.demo_login("school@demo.local").await;
    let (enterprise_org, school_org) = (app.my_org_id(&enterprise).await, app.my_org_id(&school).await);
    let last = Utc::now().year() - 1;
    for (offset, demand) in [40, 60, 80, 100, 120].into_iter().enumerate() {
        let year = last - 4 + offset as i32;
        let need = json!({"kind": "job", "title": "集成电路岗位", "region": "330604", "quantity": demand,
            "industry_clusters": ["ic"]});
        historical(&app, enterprise_org, Side::Enterprise, need, year, PostingStatus::Expired).await;
        let offer = json!({"kind": "program_offering", "title": "微电子专业", "region": "330604", "quantity": 50,
            "program_codes": ["510401"], "industry_clusters": ["ic"], "education_level": "gaozhi_zhuanke"});
        historical(&app, school_org, Side::School, offer, year, PostingStatus::Expired).await;
    }
    let report: Value = app.get_json("/api/v1/statistics/outlook", Some(&school)).await.json().await.unwrap();
    let ic = report["clusters"].as_array().unwrap().iter().find(|c| c["code"] == "ic").cloned().unwrap();
    assert_eq!(ic["name"], "集成电路");
    assert_eq!(ic["history"][4], json!([last, 120.0, 50.0]));
    assert_eq!(ic["status"], "shortage");
    assert!(ic["demand_backtest"]["mae"].as_f64().is_some(), "the back-test is computed");
    let expand: Vec<&str> =
        report["clusters_expand"].as_array().unwrap().iter().map(|r| r["code"].as_str().unwrap()).collect();
    assert_eq!(expand, ["ic"]);
    // Another district has none of it; an earlier year cuts the history.
    let elsewhere: Value =
        app.get_json("/api/v1/statistics/outlook?district=330602", Some(&school)).await.json().await.unwrap();
    assert_eq!(elsewhere["clusters"], json!([]));
    let earlier: Value = app
        .get_json(&format!("/api/v1/statistics/outlook?year={}", last - 1), Some(&school))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(earlier["last_year"], last - 1);

    let (browser, _) = signed_in(&app, "city@demo.local").await;
    let page = page_text(&browser, &app, "/statistics/outlook").await;
    let clusters = &page[page.find("id=\"outlook-clusters\"").unwrap()..];
    assert!(clusters.contains("data-cluster=\"ic\"") && clusters.contains("回测误差"), "the back-test is shown");
}

#[tokio::test]
async fn the_demo_gives_clusters_years_of_history() {
    let app = spawn_app().await;
    chanjiao_tools::demo::seed_all(&app.db, &app.clock).await.unwrap();
    let token = app.demo_login("city@demo.local").await;
    let report: Value = app.get_json("/api/v1/statistics/outlook", Some(&token)).await.json().await.unwrap();
    let clusters = report["clusters"].as_array().unwrap();
    assert!(clusters.len() >= 5, "{} clusters", clusters.len());
    assert!(clusters.iter().any(|c| c["demand_backtest"].is_object()), "some cluster has a back-test");
    let sd = summary(&app, &token, "").await;
    assert!(sd["total"]["demand"].as_i64().unwrap() > 0 && sd["total"]["supply"].as_i64().unwrap() > 0);
}
