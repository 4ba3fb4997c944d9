//! `chanjiao doctor` run as an operator runs it: on a fresh data directory, after `migrate` and
//! `reference import`, and with webhook subscriptions to hosts that answer, do not answer, or
//! are refused by the address policy. On PostgreSQL when `CHANJIAO_TEST_DATABASE_URL` is set.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output};

use chanjiao_api::db::Stored;
use chanjiao_api::entities::alerts::subscriptions;
use chanjiao_domain::alerts::SubscriptionKind;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, Database};

use crate::e2e::support::{fresh_database_url, shared_reference};

/// Runs `chanjiao` on `data_dir`, on the database at `database_url` (SQLite in the data dir when
/// `None`), with `env` set.
fn chanjiao(data_dir: &Path, database_url: Option<&str>, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_chanjiao"));
    command
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("DATABASE_URL")
        .env_remove("CHANJIAO_DATABASE_URL")
        .env_remove("CHANJIAO_WEBHOOK_ALLOWED_HOSTS")
        .env("RUST_LOG", "warn")
        .envs(env.iter().copied());
    if let Some(url) = database_url {
        command.env("DATABASE_URL", url);
    }
    command.output().expect("run chanjiao")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The line of `check`'s finding (the first, if several), e.g. "warn  reference data: …".
fn line<'a>(report: &'a str, check: &str) -> &'a str {
    report
        .lines()
        .find(|line| line.get(6..).is_some_and(|rest| rest.starts_with(&format!("{check}:"))))
        .unwrap_or_else(|| panic!("no {check} line in:\n{report}"))
}

fn migrated(dir: &Path, url: Option<&str>) {
    let migrate = chanjiao(dir, url, &[], &["migrate"]);
    assert!(migrate.status.success(), "{}", String::from_utf8_lossy(&migrate.stderr));
}

#[test]
fn doctor_on_a_fresh_data_dir_fails_on_the_missing_database_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let doctor = chanjiao(dir.path(), None, &[], &["doctor"]);
    let report = stdout(&doctor);
    assert_eq!(doctor.status.code(), Some(1), "{report}");
    let database = line(&report, "database");
    assert!(database.starts_with("FAIL") && database.contains("— run `chanjiao migrate`"), "{database}");
    assert!(line(&report, "data directory").starts_with("ok"), "{report}");
    assert!(line(&report, "search index").starts_with("warn"), "{report}");
    assert!(report.contains("1 FAIL"), "{report}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "doctor only looks");
}

#[test]
fn a_configuration_that_does_not_load_is_doctor_s_first_failure() {
    let dir = tempfile::tempdir().unwrap();
    let doctor = chanjiao(dir.path(), None, &[("CHANJIAO_COOKIE_SECURE", "perhaps")], &["doctor"]);
    let report = stdout(&doctor);
    assert_eq!(doctor.status.code(), Some(1), "{report}");
    let configuration = line(&report, "configuration");
    assert!(configuration.starts_with("FAIL") && configuration.contains("CHANJIAO_COOKIE_SECURE"), "{configuration}");
}

#[tokio::test]
async fn doctor_names_the_reference_import_until_the_reference_data_is_loaded() {
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_database_url().await;
    migrated(dir.path(), url.as_deref());

    let doctor = chanjiao(dir.path(), url.as_deref(), &[], &["doctor"]);
    let report = stdout(&doctor);
    assert_eq!(doctor.status.code(), Some(0), "warnings only:\n{report}");
    let reference = line(&report, "reference data");
    assert!(
        reference.starts_with("warn") && reference.contains("— run `chanjiao reference import DIR`"),
        "{reference}"
    );
    assert!(line(&report, "migrations").starts_with("ok"), "{report}");
    assert!(line(&report, "database").contains(if url.is_some() { "PostgreSQL" } else { "SQLite" }), "{report}");
    assert!(line(&report, "webhooks").contains("no active webhook subscriptions"), "{report}");

    let reference_dir = shared_reference();
    let import = chanjiao(dir.path(), url.as_deref(), &[], &["reference", "import", reference_dir.to_str().unwrap()]);
    assert!(import.status.success(), "{}", String::from_utf8_lossy(&import.stderr));
    let report = stdout(&chanjiao(dir.path(), url.as_deref(), &[], &["doctor"]));
    let reference = line(&report, "reference data");
    assert!(reference.starts_with("ok") && reference.contains("crosswalk pairs"), "{reference}");
}

#[tokio::test]
async fn doctor_reports_unreachable_and_refused_webhook_hosts_without_failing() {
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_database_url().await;
    migrated(dir.path(), url.as_deref());
    let org = chanjiao(
        dir.path(),
        url.as_deref(),
        &[("CHANJIAO_NEW_USER_PASSWORD", "a-long-password")],
        &[
            "org",
            "add",
            "--kind",
            "intermediary",
            "--name",
            "绍兴数据服务中心",
            "--region",
            "330602",
            "--admin-email",
            "hooks@sx.cn",
        ],
    );
    assert!(org.status.success(), "{}", String::from_utf8_lossy(&org.stderr));

    // One receiver listening, one port nobody listens on, one address the guard refuses (never
    // connected to), and a disabled subscription that is not checked. Every address is on this
    // machine, so even a broken guard would send nothing beyond it.
    let listening = TcpListener::bind("127.0.0.1:0").unwrap();
    let closed = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let hooks = [
        (format!("http://127.0.0.1:{}/hook", listening.local_addr().unwrap().port()), false),
        (format!("http://127.0.0.1:{closed}/hook"), false),
        (format!("http://0.0.0.0:{closed}/hook"), false),
        (format!("http://127.0.0.2:{closed}/old"), true),
    ];
    let database_url =
        url.clone().unwrap_or_else(|| format!("sqlite://{}?mode=rw", dir.path().join("chanjiao.db").display()));
    let db = Database::connect(database_url.as_str()).await.unwrap();
    let now = chrono::Utc::now();
    for (hook, disabled) in &hooks {
        subscriptions::ActiveModel {
            organization_id: Set(1),
            kind: Set(Stored(SubscriptionKind::Webhook)),
            name: Set("hook".into()),
            topics: Set(Some("posting_changed".into())),
            webhook_url: Set(Some(hook.clone())),
            webhook_secret: Set(Some("secret".into())),
            created_at: Set(now),
            disabled_at: Set(disabled.then_some(now)),
            ..Default::default()
        }
        .insert(&db)
        .await
        .unwrap();
    }
    db.close().await.unwrap();

    let doctor = chanjiao(dir.path(), url.as_deref(), &[("CHANJIAO_WEBHOOK_ALLOWED_HOSTS", "127.0.0.1")], &["doctor"]);
    let report = stdout(&doctor);
    assert_eq!(doctor.status.code(), Some(0), "an unreachable receiver is a warning:\n{report}");
    let webhooks: Vec<&str> =
        report.lines().filter(|l| l.get(6..).is_some_and(|r| r.starts_with("webhooks:"))).collect();
    assert!(webhooks[0].starts_with("ok") && webhooks[0].contains("1 of 3 hosts reachable (3 active"), "{report}");
    let unreachable = webhooks.iter().find(|l| l.contains(&format!("127.0.0.1:{closed}"))).expect("closed port named");
    assert!(unreachable.starts_with("warn") && unreachable.contains("unreachable"), "{unreachable}");
    let refused = webhooks.iter().find(|l| l.contains("0.0.0.0")).expect("refused host named");
    assert!(refused.starts_with("warn") && refused.contains("refused by the address policy"), "{refused}");
    assert!(refused.contains("unspecified address") && !refused.contains("unreachable"), "{refused}");
    assert!(!report.contains("127.0.0.2"), "disabled subscriptions are not checked:\n{report}");
    drop(listening);
}
