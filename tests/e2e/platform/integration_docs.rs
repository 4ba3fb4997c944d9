//! The examples of docs/integration.md are run against a live server, so the documentation
//! cannot drift from what the platform does: every Python block that starts with
//! `# example: <name>` is run with `BASE` and `CHANJIAO_URL` pointing at the server and
//! `CHANJIAO_API_KEY` holding a fresh key of the demo enterprise (scopes `read`,
//! `postings:write`).
//!
//! Python 3 (standard library only) is needed; where it is missing the examples are skipped with
//! a note, except in CI (`CI=true`, set by `.ci/run`), where a missing interpreter fails.

use std::process::Command;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::e2e::support::{spawn_app, with_demo_postings};

/// The `# example:` Python blocks of a Markdown text, by name.
fn examples(markdown: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut rest = markdown;
    while let Some(start) = rest.find("```python\n") {
        let body = &rest[start + "```python\n".len()..];
        let end = body.find("\n```").expect("a closed code block");
        let code = &body[..end];
        if let Some(name) = code.lines().next().and_then(|l| l.strip_prefix("# example: ")) {
            found.push((name.trim().to_owned(), code.to_owned()));
        }
        rest = &body[end..];
    }
    found
}

fn python() -> Option<&'static str> {
    let available = Command::new("python3").arg("--version").output().is_ok_and(|o| o.status.success());
    if available {
        return Some("python3");
    }
    assert!(std::env::var("CI").is_err(), "python3 is needed in CI to run the documentation's examples");
    eprintln!("python3 not found: the examples of docs/integration.md were not run");
    None
}

#[tokio::test]
async fn the_integration_guide_examples_run_against_the_server() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/integration.md")).unwrap();
    let examples = examples(&doc);
    let names: Vec<&str> = examples.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["keys", "mirror", "verify"], "the guide's examples");
    let Some(python) = python() else { return };
    let app = spawn_app().await;
    with_demo_postings(&app).await;
    let admin = app.demo_login("enterprise@demo.local").await;
    let org = app.my_org_id(&admin).await;
    let body = json!({"name": "guide", "scopes": ["read", "postings:write"]});
    let created = app.post_json(&format!("/api/v1/organizations/{org}/api-keys"), &body, Some(&admin)).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let key = created.json::<Value>().await.unwrap()["secret"].as_str().unwrap().to_owned();

    for (name, code) in &examples {
        // On a blocking thread: the server answering the example runs on this test's runtime.
        let (code, base, key) = (code.clone(), app.base.clone(), key.clone());
        let run = move || {
            let mut command = Command::new(python);
            command.arg("-c").arg(code).env("BASE", &base).env("CHANJIAO_URL", &base);
            command.env("CHANJIAO_API_KEY", key).env("PYTHONIOENCODING", "utf-8").output().unwrap()
        };
        let output = tokio::task::spawn_blocking(run).await.unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        assert!(output.status.success(), "{name}: {}\n{stdout}", String::from_utf8_lossy(&output.stderr));
        match name.as_str() {
            "mirror" => {
                let printed: Value = serde_json::from_str(stdout.trim()).unwrap();
                let mut ids: Vec<i64> = Vec::new();
                let mut page: Option<String> = None;
                loop {
                    let path = match &page {
                        Some(p) => format!("/api/v1/feed/postings/snapshot?limit=1000&page={p}"),
                        None => "/api/v1/feed/postings/snapshot?limit=1000".to_owned(),
                    };
                    let body: Value = app.get_json(&path, None).await.json().await.unwrap();
                    ids.extend(body["items"].as_array().unwrap().iter().map(|p| p["id"].as_i64().unwrap()));
                    match body["next_page"].as_str() {
                        Some(next) => page = Some(next.to_owned()),
                        None => break,
                    }
                }
                let mirrored: Vec<i64> =
                    printed["ids"].as_array().unwrap().iter().map(|id| id.as_i64().unwrap()).collect();
                assert!(ids.len() > 10, "the demo postings are public");
                assert_eq!(mirrored, ids, "the example's mirror holds what the server publishes");
            }
            "keys" => {
                assert!(stdout.contains("key guide of"), "{stdout}");
                let id: i64 = stdout.lines().last().unwrap().split_whitespace().nth(2).unwrap().parse().unwrap();
                let path = format!("/api/v1/postings/{id}");
                let draft: Value = app.get_json(&path, Some(&admin)).await.json().await.unwrap();
                assert_eq!(draft["status"], "draft", "the example created a draft as the key");
                assert_eq!(draft["organization_id"], org);
            }
            _ => assert_eq!(stdout.trim(), "ok", "{name}"),
        }
    }
}
