//! Reference data: the pickers' search API and the `reference import` command over the real
//! national data in ../shared/data/reference (read at run time, never copied into the project).

use std::process::Command;

use reqwest::StatusCode;
use serde_json::Value;

use crate::e2e::support::{problem_fields, shared_reference, spawn_app};

fn codes(body: &Value) -> Vec<String> {
    body["items"].as_array().unwrap().iter().map(|i| i["code"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn pickers_find_programs_and_occupations_by_name_code_and_initials() {
    let app = spawn_app().await;
    let by_name: Value =
        app.get_json("/api/v1/reference/programs?q=数控&level=gaozhi_zhuanke", None).await.json().await.unwrap();
    assert!(codes(&by_name).contains(&"460103".to_owned()), "{by_name}");
    assert!(by_name["items"].as_array().unwrap().iter().all(|p| p["level"] == "gaozhi_zhuanke"));
    let by_code: Value = app.get_json("/api/v1/reference/programs?q=4601", None).await.json().await.unwrap();
    assert!(codes(&by_code).iter().all(|c| c.starts_with("4601")));
    let by_initials: Value =
        app.get_json("/api/v1/reference/programs?q=sk&level=gaozhi_zhuanke", None).await.json().await.unwrap();
    assert!(codes(&by_initials).contains(&"460103".to_owned()), "{by_initials}");
    let occupations: Value = app.get_json("/api/v1/reference/occupations?q=车工", None).await.json().await.unwrap();
    assert!(codes(&occupations).contains(&"6-18-01-01".to_owned()));
    let clusters: Value = app.get_json("/api/v1/reference/clusters", None).await.json().await.unwrap();
    assert_eq!(clusters["items"].as_array().unwrap().len(), 12);
    let counties: Value = app.get_json("/api/v1/reference/regions", None).await.json().await.unwrap();
    assert_eq!(counties["items"].as_array().unwrap().len(), 6);
    let bad = app.get_json("/api/v1/reference/programs?level=phd", None).await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem_fields(bad).await, ["level"]);
}

fn import(data_dir: &std::path::Path, source: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_chanjiao"))
        .args(["reference", "import"])
        .arg(source)
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("DATABASE_URL")
        .env_remove("CHANJIAO_DATABASE_URL")
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("run chanjiao")
}

#[test]
fn reference_import_loads_the_national_data_idempotently_and_reports_unresolved_codes() {
    let source = shared_reference();
    assert!(source.join("program_profiles_2022.jsonl").exists(), "../shared/data/reference is missing");
    let data = tempfile::tempdir().unwrap();
    let first = import(data.path(), &source);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let report = String::from_utf8_lossy(&first.stdout).into_owned();
    let count = |label: &str| -> usize {
        let line = report.lines().find(|l| l.contains(label)).unwrap_or_else(|| panic!("{label} in {report}"));
        line.rsplit(": ").next().unwrap().trim().parse().unwrap()
    };
    assert!(count("program profiles") > 1200, "{report}");
    assert!(count("occupation definitions") > 1500, "{report}");
    assert!(count("crosswalk pairs") > 4500, "{report}");
    assert!(report.contains("unresolved occupation codes"));

    let second = import(data.path(), &source);
    assert!(second.status.success());
    assert_eq!(String::from_utf8_lossy(&second.stdout), report, "a second import changes nothing");
}

#[test]
fn a_broken_reference_folder_is_refused_with_the_file_and_line_named() {
    let source = tempfile::tempdir().unwrap();
    for file in ["occupations_2022.csv", "program_occupation_crosswalk_2023.csv"] {
        std::fs::copy(shared_reference().join(file), source.path().join(file)).unwrap();
    }
    std::fs::write(source.path().join("program_profiles_2022.jsonl"), "{\"code\": \"460103\"}\n{not json\n").unwrap();
    let data = tempfile::tempdir().unwrap();
    let output = import(data.path(), source.path());
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("program_profiles_2022.jsonl:2"), "{stderr}");

    std::fs::write(source.path().join("program_profiles_2022.jsonl"), "{\"code\": \"460103\"}\n").unwrap();
    std::fs::remove_file(source.path().join("occupations_2022.csv")).unwrap();
    let output = import(data.path(), source.path());
    assert!(String::from_utf8_lossy(&output.stderr).contains("occupations_2022.csv"));
}
