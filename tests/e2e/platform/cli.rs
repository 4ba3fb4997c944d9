//! The `chanjiao` binary's own subcommands, run as a user would run them.

use std::process::Command;

fn chanjiao(data_dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_chanjiao"))
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("DATABASE_URL")
        .env_remove("CHANJIAO_DATABASE_URL")
        .env("RUST_LOG", "warn")
        .output()
        .expect("run chanjiao")
}

#[test]
fn migrate_and_user_add_work_on_a_fresh_data_dir() {
    let dir = tempfile::tempdir().unwrap();
    let migrate = chanjiao(dir.path(), &["migrate"]);
    assert!(migrate.status.success(), "{}", String::from_utf8_lossy(&migrate.stderr));
    assert!(dir.path().join("chanjiao.db").exists());

    let added = chanjiao(
        dir.path(),
        &["user", "add", "--email", "ops@city.gov.cn", "--password", "a-long-password", "--role", "platform_admin"],
    );
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
    assert!(String::from_utf8_lossy(&added.stdout).contains("added"));

    let again = chanjiao(
        dir.path(),
        &["user", "add", "--email", "ops@city.gov.cn", "--password", "a-long-password", "--role", "platform_admin"],
    );
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("email"));

    let bad = chanjiao(dir.path(), &["user", "add", "--email", "not-an-email", "--password", "short", "--org", "1"]);
    assert!(!bad.status.success());
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(stderr.contains("email") && stderr.contains("password"), "{stderr}");
}

#[test]
fn org_add_creates_a_verified_authority_and_refuses_bad_input_by_field() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "org",
        "add",
        "--kind",
        "authority",
        "--name",
        "绍兴市教育局",
        "--region",
        "330600",
        "--admin-email",
        "edu@sx.gov.cn",
        "--admin-password",
        "a-long-password",
    ];
    let added = chanjiao(dir.path(), &args);
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
    let stdout = String::from_utf8_lossy(&added.stdout);
    assert!(stdout.contains("authority, verified") && stdout.contains("绍兴市教育局"), "{stdout}");

    let bad = chanjiao(
        dir.path(),
        &[
            "org",
            "add",
            "--kind",
            "ministry",
            "--name",
            "x",
            "--region",
            "110101",
            "--admin-email",
            "nope",
            "--admin-password",
            "short",
        ],
    );
    assert!(!bad.status.success());
    let stderr = String::from_utf8_lossy(&bad.stderr);
    for field in ["kind", "name", "region", "admin_email", "admin_password"] {
        assert!(stderr.contains(field), "{field}: {stderr}");
    }
}
