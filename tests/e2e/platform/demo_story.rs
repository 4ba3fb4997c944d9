//! The demo as a newcomer meets it: the city's outlook names classes to expand and classes to
//! warn about, each with the numbers behind the verdict; every demo account finds proposals,
//! projects, a published round, bookings and notices on its pages; and the same day always
//! gives the same city.

use chrono::{TimeZone, Utc};
use serde_json::Value;

use crate::e2e::support::{TestApp, page_text, signed_in, spawn_app_at};

/// A fixed morning, so two apps see the same today.
fn morning() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 7, 2, 0, 0).unwrap()
}

async fn demo_app() -> TestApp {
    let app = spawn_app_at(morning()).await;
    chanjiao_tools::demo::seed_all(&app.db, &app.clock).await.unwrap();
    app
}

async fn json(app: &TestApp, path: &str, token: &str) -> Value {
    let response = app.get_json(path, Some(token)).await;
    assert_eq!(response.status(), 200, "{path}");
    response.json().await.unwrap()
}

/// The class of the report with this code.
fn class<'a>(report: &'a Value, code: &str) -> &'a Value {
    report["classes"].as_array().unwrap().iter().find(|c| c["code"] == code).unwrap()
}

/// (demand, supply) of the class's last observed year and summed over its forecast.
fn numbers(class: &Value) -> ((f64, f64), (f64, f64)) {
    let history = class["history"].as_array().unwrap();
    let last = history.last().unwrap();
    let sum = |key: &str| class[key].as_array().unwrap().iter().map(|f| f["value"].as_f64().unwrap()).sum::<f64>();
    ((last[1].as_f64().unwrap(), last[2].as_f64().unwrap()), (sum("demand_forecast"), sum("supply_forecast")))
}

/// The part of the page between two element ids.
fn section<'a>(html: &'a str, from: &str, to: &str) -> &'a str {
    let start = html.find(&format!("id=\"{from}\"")).unwrap_or_else(|| panic!("no #{from}"));
    let end = html[start..].find(&format!("id=\"{to}\"")).map_or(html.len(), |e| start + e);
    &html[start..end]
}

#[tokio::test]
async fn the_demo_outlook_lists_classes_to_expand_and_warnings_with_their_numbers() {
    let app = demo_app().await;
    let token = app.demo_login("city@demo.local").await;
    let report = json(&app, "/api/v1/statistics/outlook", &token).await;
    assert!(report["last_year"].as_i64().unwrap() - report["first_year"].as_i64().unwrap() >= 2, "several years");
    let classes = report["classes"].as_array().unwrap();
    let insufficient = classes.iter().filter(|c| c["status"] == "insufficient_data").count();
    assert!(
        classes.len() >= 8 && insufficient * 5 <= classes.len(),
        "{insufficient} of {} without data",
        classes.len()
    );

    let expand = report["expand"].as_array().unwrap();
    assert!(!expand.is_empty(), "a class to expand");
    for listed in expand {
        let class = class(&report, listed["code"].as_str().unwrap());
        assert_eq!(class["status"], "shortage");
        let ((demand, supply), (future_demand, future_supply)) = numbers(class);
        assert!(demand - supply >= 20.0 && supply < demand * 0.8, "{}: {demand} against {supply}", class["name"]);
        assert!(future_supply < future_demand * 0.8, "{}: the shortage lasts", class["name"]);
        assert!(listed["demand_growth"].as_f64().unwrap() > 0.02);
        assert!(listed["reason_zh"].as_str().unwrap().contains(&format!("{future_demand:.0} 人")), "{listed}");
    }
    let at_risk = report["at_risk"].as_array().unwrap();
    assert!(!at_risk.is_empty(), "a warning");
    for listed in at_risk {
        let class = class(&report, listed["code"].as_str().unwrap());
        let history = class["history"].as_array().unwrap();
        for year in &history[history.len() - 2..] {
            let (demand, supply) = (year[1].as_f64().unwrap(), year[2].as_f64().unwrap());
            assert!(supply > demand * 1.25 && supply - demand >= 20.0, "{}: {year}", class["name"]);
        }
        let first = history[0][1].as_f64().unwrap();
        let ((last, supply), _) = numbers(class);
        assert!(last < first, "{}: demand falls from {first} to {last}", class["name"]);
        assert!(listed["demand_growth"].as_f64().unwrap() < -0.02);
        let said = format!("供给 {supply:.0} 人、需求 {last:.0} 人");
        assert!(listed["reason_zh"].as_str().unwrap().contains(&said), "{listed} says {said}");
    }

    // The page shows both lists, each entry with its reason and numbers, and no "none".
    let (browser, _) = signed_in(&app, "city@demo.local").await;
    let html = page_text(&browser, &app, "/statistics/outlook").await;
    let to_expand = section(&html, "expand-title", "risk-title");
    let warnings = section(&html, "risk-title", "classes-title");
    assert!(!to_expand.contains("class=\"muted\""), "建议扩大 is not empty");
    assert!(!warnings.contains("class=\"muted\""), "预警 is not empty");
    for (listed, part) in expand.iter().map(|l| (l, to_expand)).chain(at_risk.iter().map(|l| (l, warnings))) {
        assert!(part.contains(&format!("<strong>{}</strong>", listed["name"].as_str().unwrap())), "{listed}");
        let reason = listed["reason_zh"].as_str().unwrap();
        let number = reason.split("供给 ").nth(1).unwrap().split(' ').next().unwrap();
        assert!(part.contains(&format!("供给 {number} 人")), "{number} on the page");
    }
}

#[tokio::test]
async fn every_demo_account_finds_proposals_projects_rounds_bookings_and_notices() {
    let app = demo_app().await;
    let city = app.demo_login("city@demo.local").await;

    // Proposals in every state, some brokered, each with its history.
    let all = json(&app, "/api/v1/proposals?limit=100", &city).await;
    let proposals = all["proposals"].as_array().unwrap();
    for status in ["open", "accepted", "declined", "withdrawn", "expired"] {
        assert!(proposals.iter().any(|p| p["status"] == status), "a proposal {status}");
    }
    assert!(proposals.iter().any(|p| p["on_behalf_of"].is_string()), "a brokered proposal");
    assert!(proposals.iter().any(|p| p["round"].as_i64().unwrap() > 1), "a counter-offer");
    let expired = proposals.iter().find(|p| p["status"] == "expired").unwrap();
    let detail = json(&app, &format!("/api/v1/proposals/{}", expired["id"]), &city).await;
    let events: Vec<&str> =
        detail["events"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert!(events.contains(&"propose") && events.contains(&"expire"), "{events:?}");

    // Completed projects with outcomes, assessed and scored.
    let assessments = json(&app, "/api/v1/assessments", &city).await;
    let submitted: Vec<&Value> =
        assessments["assessments"].as_array().unwrap().iter().filter(|a| a["mean"].is_number()).collect();
    assert!(submitted.len() >= 2, "{assessments}");

    for (email, pages) in [
        ("enterprise@demo.local", &["/proposals", "/projects", "/rounds", "/bookings", "/inbox"][..]),
        ("school@demo.local", &["/proposals", "/projects", "/rounds", "/bookings", "/inbox"][..]),
        ("broker@demo.local", &["/workspace", "/projects", "/assessments", "/inbox"][..]),
        ("city@demo.local", &["/proposals", "/projects", "/assessments", "/rounds", "/inbox"][..]),
        ("admin@demo.local", &["/proposals", "/projects", "/rounds", "/admin/verifications"][..]),
    ] {
        let token = app.demo_login(email).await;
        let (browser, _) = signed_in(&app, email).await;
        for page in pages {
            let html = page_text(&browser, &app, page).await;
            let shown: String = match *page {
                "/proposals" => {
                    let list = json(&app, "/api/v1/proposals?limit=1", &token).await;
                    let first = &list["proposals"][0];
                    assert!(html.contains(&format!("data-proposal=\"{}\"", first["id"])), "{email}: {first}");
                    first["proposer"]["posting_title"].as_str().unwrap_or_else(|| panic!("{email}: no proposal")).into()
                }
                "/workspace" => {
                    // The intermediary's clients' proposals, and its case note.
                    assert!(html.contains("已电话联系学校专业负责人"), "{email}: the case note");
                    let brokered = all["proposals"].as_array().unwrap().iter().find(|p| p["on_behalf_of"].is_string());
                    brokered.unwrap()["proposer"]["posting_title"].as_str().unwrap().into()
                }
                "/projects" => {
                    let list = json(&app, "/api/v1/projects?status=completed", &token).await;
                    let done = &list["projects"][0];
                    assert!(done["outcomes"]["placed"].as_i64().unwrap_or(0) > 0, "{email}: {list}");
                    done["title"].as_str().unwrap_or_else(|| panic!("{email}: no completed project")).into()
                }
                "/assessments" => {
                    let list = json(&app, "/api/v1/assessments", &token).await;
                    list["assessments"][0]["project_title"].as_str().unwrap_or_else(|| panic!("{email}")).into()
                }
                "/rounds" => {
                    let rounds = json(&app, "/api/v1/rounds", &token).await;
                    let round = rounds.as_array().unwrap().iter().find(|r| r["phase"] == "published");
                    round.unwrap_or_else(|| panic!("{email}: {rounds}"))["name"].as_str().unwrap().into()
                }
                "/bookings" => {
                    let bookings = json(&app, "/api/v1/bookings", &token).await;
                    bookings[0]["posting_title"].as_str().unwrap_or_else(|| panic!("{email}: no booking")).into()
                }
                "/admin/verifications" => "诸暨市技师学院".into(),
                _ => {
                    let inbox = json(&app, "/api/v1/inbox", &token).await;
                    inbox["items"][0]["title_zh"].as_str().unwrap_or_else(|| panic!("{email}: empty inbox")).into()
                }
            };
            let escaped = shown.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&#34;");
            let head: String = escaped.chars().take(24).collect();
            assert!(html.contains(&head), "{email} sees {head:?} on {page}");
        }
    }

    // The round's results: the school sees its students placed, the enterprise its intake.
    let school = app.demo_login("school@demo.local").await;
    let rounds = json(&app, "/api/v1/rounds", &school).await;
    let id = rounds.as_array().unwrap().iter().find(|r| r["phase"] == "published").unwrap()["id"].clone();
    let results = json(&app, &format!("/api/v1/rounds/{id}/results"), &school).await;
    let results = results.as_array().unwrap();
    let placed = results.iter().filter(|s| s["place_id"].is_number()).count();
    assert!(placed >= 3, "{results:?}");
    for answer in ["accepted", "declined", "pending"] {
        assert!(results.iter().any(|s| s["response"] == answer), "a student {answer}: {results:?}");
    }
    let page = format!("/rounds/{id}/results");
    let html = page_text(&signed_in(&app, "school@demo.local").await.0, &app, &page).await;
    let pseudonym = results[0]["pseudonym"].as_str().unwrap();
    assert!(html.contains(&format!("data-student=\"{pseudonym}\"")), "the school sees {pseudonym} on {page}");
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let intake = json(&app, &format!("/api/v1/rounds/{id}/intake"), &enterprise).await;
    let intake = intake.to_string();
    let intern = intake.split("XD2027-").nth(1).map(|rest| format!("XD2027-{}", &rest[..3]));
    let intern = intern.unwrap_or_else(|| panic!("the enterprise has an intake: {intake}"));
    let html = page_text(&signed_in(&app, "enterprise@demo.local").await.0, &app, &page).await;
    assert!(html.contains(&format!("<td>{intern}</td>")), "the enterprise sees {intern} on {page}");
}

#[tokio::test]
async fn the_same_day_gives_the_same_demo_and_seeding_again_adds_nothing() {
    let verdicts = |report: &Value| {
        let codes = |key: &str| -> Vec<String> {
            report[key].as_array().unwrap().iter().map(|c| c["code"].as_str().unwrap().to_owned()).collect()
        };
        let statuses: Vec<(String, String)> = report["classes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["code"].as_str().unwrap().to_owned(), c["status"].as_str().unwrap().to_owned()))
            .collect();
        (codes("expand"), codes("at_risk"), statuses, report["classes"].to_string())
    };
    let first = demo_app().await;
    let second = demo_app().await;
    let mut seen = Vec::new();
    for app in [&first, &second] {
        let token = app.demo_login("city@demo.local").await;
        let report = json(app, "/api/v1/statistics/outlook", &token).await;
        let proposals = json(app, "/api/v1/proposals?limit=100", &token).await["proposals"].as_array().unwrap().len();
        seen.push((verdicts(&report), proposals));
    }
    assert_eq!(seen[0], seen[1], "two demos of the same day agree");

    let (_, added) = chanjiao_tools::demo::seed_all(&first.db, &first.clock).await.unwrap();
    assert_eq!(added, 0);
    let token = first.demo_login("city@demo.local").await;
    let report = json(&first, "/api/v1/statistics/outlook", &token).await;
    let proposals = json(&first, "/api/v1/proposals?limit=100", &token).await["proposals"].as_array().unwrap().len();
    let rounds = json(&first, "/api/v1/rounds", &token).await.as_array().unwrap().len();
    assert_eq!((verdicts(&report), proposals), seen[0], "seeding again changes nothing");
    assert_eq!(rounds, 1);
}

/// Whatever the day the demo starts on, the story is complete: the outlook's verdicts, proposals
/// in every state and a published round (a day near New Year and one in summer, when the
/// history's last year and the school year turn).
#[tokio::test]
async fn the_demo_tells_its_story_on_any_day() {
    for now in [Utc.with_ymd_and_hms(2027, 1, 2, 1, 0, 0).unwrap(), Utc.with_ymd_and_hms(2027, 7, 15, 9, 0, 0).unwrap()]
    {
        let app = spawn_app_at(now).await;
        chanjiao_tools::demo::seed_all(&app.db, &app.clock).await.unwrap();
        let token = app.demo_login("city@demo.local").await;
        let report = json(&app, "/api/v1/statistics/outlook", &token).await;
        assert_eq!(report["last_year"], 2026, "{now}");
        assert!(!report["expand"].as_array().unwrap().is_empty() && !report["at_risk"].as_array().unwrap().is_empty());
        let all = json(&app, "/api/v1/proposals?limit=100", &token).await;
        for status in ["open", "accepted", "declined", "withdrawn", "expired"] {
            assert!(all["proposals"].as_array().unwrap().iter().any(|p| p["status"] == status), "{now}: {status}");
        }
        let rounds = json(&app, "/api/v1/rounds", &token).await;
        assert!(rounds.as_array().unwrap().iter().any(|r| r["phase"] == "published"), "{now}: {rounds}");
    }
}
