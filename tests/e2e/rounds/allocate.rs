//! `chanjiao allocate`, run as a batch user would: an instance file in, a result file out, no
//! database anywhere.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::{Value, json};

/// Runs `chanjiao allocate` with a data dir and database URL that would fail if it tried to
/// connect: a data dir that is a file, and a PostgreSQL URL nobody listens on.
fn allocate(dir: &Path, args: &[&str]) -> Output {
    let not_a_dir = dir.join("not-a-data-dir");
    std::fs::write(&not_a_dir, "").unwrap();
    Command::new(env!("CARGO_BIN_EXE_chanjiao"))
        .arg("allocate")
        .args(args)
        .arg("--data-dir")
        .arg(&not_a_dir)
        .env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")
        .env_remove("CHANJIAO_DATABASE_URL")
        .env("RUST_LOG", "warn")
        .output()
        .expect("run chanjiao")
}

/// zhang and li both want p1 (one seat), which prefers zhang; wang gets p2 (two seats), which
/// also accepts zhang; wang's second choice p1 does not list wang; zhao lists nothing. Both
/// deferred acceptances place zhang at p1 and leave li out. Maximum welfare (a unique optimum
/// here) moves zhang to p2 to place li as well, at the price of one blocking pair (zhang–p1).
/// The ids do not sort in input order, which the output must keep.
fn instance() -> Value {
    json!({
        "students": [
            {"id": "zhang", "prefs": ["p1", "p2"]},
            {"id": "li", "prefs": ["p1"]},
            {"id": "wang", "prefs": ["p2", "p1"]},
            {"id": "zhao", "prefs": []}
        ],
        "places": [
            {"id": "p1", "capacity": 1, "prefs": ["zhang", "li"]},
            {"id": "p2", "capacity": 2, "prefs": ["wang", "zhang"]}
        ]
    })
}

fn write(dir: &Path, name: &str, value: &Value) -> String {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_vec_pretty(value).unwrap()).unwrap();
    path.to_string_lossy().into_owned()
}

fn run_ok(dir: &Path, mechanism: Option<&str>) -> Value {
    let input = write(dir, "instance.json", &instance());
    let out = dir.join(format!("{}.json", mechanism.unwrap_or("default")));
    let mut args = vec!["--instance", &input, "--out", out.to_str().unwrap()];
    if let Some(mechanism) = mechanism {
        args.extend(["--mechanism", mechanism]);
    }
    let run = allocate(dir, &args);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let text = std::fs::read_to_string(&out).unwrap();
    // The assignment lists students in input order, whatever their ids sort as.
    let keys: Vec<usize> =
        ["\"zhang\"", "\"li\"", "\"wang\"", "\"zhao\""].iter().map(|k| text.find(k).unwrap()).collect();
    assert!(keys.windows(2).all(|w| w[0] < w[1]), "{text}");
    assert!(String::from_utf8_lossy(&run.stdout).contains("placed"), "{}", String::from_utf8_lossy(&run.stdout));
    serde_json::from_str(&text).unwrap()
}

#[test]
fn allocate_places_students_by_student_proposing_deferred_acceptance_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let result = run_ok(dir.path(), None);
    assert_eq!(result["assignment"], json!({"zhang": "p1", "li": null, "wang": "p2", "zhao": null}));
    let stats = &result["stats"];
    assert_eq!(stats["mechanism"], "student-proposing");
    assert_eq!(
        (stats["students"].as_u64(), stats["places"].as_u64(), stats["seats"].as_u64()),
        (Some(4), Some(2), Some(3))
    );
    assert_eq!((stats["matched"].as_u64(), stats["unmatched"].as_u64()), (Some(2), Some(2)));
    assert_eq!((stats["unfilled_seats"].as_u64(), stats["places_with_unfilled_seats"].as_u64()), (Some(1), Some(1)));
    assert_eq!(stats["rank_distribution"], json!([2, 0]));
    assert_eq!((stats["total_rank"].as_u64(), stats["mean_rank"].as_f64()), (Some(2), Some(1.0)));
    assert_eq!(stats["blocking_pairs"], 0);
    assert!(stats["elapsed_ms"].as_f64().unwrap() >= 0.0);
}

#[test]
fn allocate_runs_each_mechanism() {
    let dir = tempfile::tempdir().unwrap();
    let by_students = run_ok(dir.path(), Some("student-proposing"));
    assert_eq!(by_students["stats"]["mechanism"], "student-proposing");
    let by_places = run_ok(dir.path(), Some("enterprise-proposing"));
    assert_eq!(by_places["stats"]["mechanism"], "enterprise-proposing");
    assert_eq!(by_places["assignment"], by_students["assignment"]);
    assert_eq!(by_places["stats"]["blocking_pairs"], 0);

    let welfare = run_ok(dir.path(), Some("max-welfare"));
    let stats = &welfare["stats"];
    assert_eq!(stats["mechanism"], "max-welfare");
    assert_eq!(welfare["assignment"], json!({"zhang": "p2", "li": "p1", "wang": "p2", "zhao": null}));
    assert_eq!((stats["matched"].as_u64(), stats["unfilled_seats"].as_u64()), (Some(3), Some(0)));
    assert_eq!((stats["rank_distribution"].clone(), stats["total_rank"].as_u64()), (json!([2, 1]), Some(4)));
    assert_eq!(stats["blocking_pairs"], 1);
}

#[test]
fn a_bad_instance_names_file_field_and_reason_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut bad = instance();
    bad["students"][2]["prefs"][1] = json!("p9");
    bad["places"][1]["capacity"] = json!(0);
    let input = write(dir.path(), "bad.json", &bad);
    let out = dir.path().join("out.json");
    let run = allocate(dir.path(), &["--instance", &input, "--out", out.to_str().unwrap()]);
    assert!(!run.status.success());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("bad.json"), "{stderr}");
    assert!(stderr.contains(r#"students[2].prefs[1] ("wang"): unknown place "p9""#), "{stderr}");
    assert!(stderr.contains(r#"places[1].capacity ("p2"): capacity must be between 1 and"#), "{stderr}");
    assert!(!out.exists());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2, "only the input and the decoy data dir");

    let malformed = write(dir.path(), "malformed.json", &json!({"students": [{"id": "s1"}], "places": []}));
    let run = allocate(dir.path(), &["--instance", &malformed, "--out", out.to_str().unwrap()]);
    assert!(!run.status.success());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("malformed.json is not an instance: missing field `prefs`"), "{stderr}");
    assert!(!out.exists());

    let missing = dir.path().join("missing.json");
    let run = allocate(dir.path(), &["--instance", missing.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(!run.status.success());
    assert!(String::from_utf8_lossy(&run.stderr).contains("cannot read"));

    let unknown = allocate(dir.path(), &["--instance", &input, "--out", "x.json", "--mechanism", "lottery"]);
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("student-proposing"));
}
