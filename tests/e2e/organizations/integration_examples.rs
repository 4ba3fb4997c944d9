//! The examples of docs/integration.md run against the real server, so the guide cannot drift
//! from the API: the Python block is extracted from the document and executed as written.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::e2e::support::spawn_app;

/// The first fenced block of `language` in a Markdown text.
fn fenced(markdown: &str, language: &str) -> String {
    let opening = format!("```{language}\n");
    let start = markdown.find(&opening).unwrap_or_else(|| panic!("a {language} block")) + opening.len();
    let end = markdown[start..].find("\n```").expect("the block's end") + start;
    markdown[start..end].to_owned()
}

#[tokio::test]
async fn the_python_example_in_the_integration_guide_runs_against_the_server() {
    if std::process::Command::new("python3").arg("--version").output().is_err() {
        assert!(std::env::var_os("CI").is_none(), "python3 is needed in CI");
        eprintln!("skipped: python3 is not installed");
        return;
    }
    let app = spawn_app().await;
    let admin = app.demo_login("enterprise@demo.local").await;
    let org = app.my_org_id(&admin).await;
    let body = json!({"name": "guide", "scopes": ["read", "postings:write"]});
    let created = app.post_json(&format!("/api/v1/organizations/{org}/api-keys"), &body, Some(&admin)).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let key = created.json::<Value>().await.unwrap()["secret"].as_str().unwrap().to_owned();
    let guide = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/integration.md")).unwrap();
    let script = fenced(&guide, "python");
    let base = app.base.clone();
    let output = tokio::task::spawn_blocking(move || {
        use std::io::Write;
        let mut child = std::process::Command::new("python3")
            .arg("-")
            .env("CHANJIAO_URL", base)
            .env("CHANJIAO_API_KEY", key)
            .env("PYTHONIOENCODING", "utf-8")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("python3 runs");
        child.stdin.take().unwrap().write_all(script.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "the example failed:\n{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("key guide of"), "{stdout}");
    let id: i64 = stdout.lines().last().unwrap().split_whitespace().nth(2).unwrap().parse().unwrap();
    let draft: Value = app.get_json(&format!("/api/v1/postings/{id}"), Some(&admin)).await.json().await.unwrap();
    assert_eq!(draft["status"], "draft");
    assert_eq!(draft["organization_id"], org);
}
