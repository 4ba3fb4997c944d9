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
            "school",
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
    for field in ["level", "name", "region", "admin_email", "admin_password"] {
        assert!(stderr.contains(field), "{field}: {stderr}");
    }
}

#[test]
fn a_kind_role_or_level_outside_the_choices_is_refused_with_the_choices_listed() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&[&str], &[&str]); 3] = [
        (
            &["user", "add", "--email", "a@b.cn", "--password", "a-long-password", "--role", "bogus"],
            &["member", "org_admin", "platform_admin"],
        ),
        (
            &["org", "add", "--kind", "ministry", "--name", "某部", "--region", "330600", "--admin-email", "a@b.cn"],
            &["enterprise", "school", "intermediary", "authority"],
        ),
        (
            &["org", "add", "--kind", "school", "--level", "college", "--name", "某校", "--region", "330600"],
            &["zhongzhi", "gaozhi_zhuanke", "gaozhi_benke", "putong_benke"],
        ),
    ];
    for (args, choices) in cases {
        let refused = chanjiao(dir.path(), args);
        assert_eq!(refused.status.code(), Some(2), "clap's usage error: {args:?}");
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert!(stderr.contains("invalid value"), "{stderr}");
        for choice in choices {
            assert!(stderr.contains(choice), "{choice}: {stderr}");
        }
    }
    assert!(!dir.path().join("chanjiao.db").exists(), "refused before anything was opened");
}

/// The subcommands listed under "Commands:" in a help text, without `help` itself.
fn subcommands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|line| !line.starts_with("Commands:"))
        .skip(1)
        .take_while(|line| line.starts_with("  "))
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_owned)
        .collect()
}

fn help_of(path: &[String]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_chanjiao")).args(path).arg("--help").output().expect("run chanjiao");
    assert!(output.status.success(), "{path:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn every_command_s_help_ends_with_examples_of_itself() {
    let mut pending = vec![Vec::<String>::new()];
    let mut seen = Vec::new();
    while let Some(path) = pending.pop() {
        let help = help_of(&path);
        let examples = help.split("Examples:").nth(1).unwrap_or_else(|| panic!("{path:?} has no Examples:\n{help}"));
        let invocation = format!("chanjiao {}", path.join(" "));
        assert!(examples.contains(invocation.trim_end()), "{path:?}'s examples do not show it:\n{examples}");
        for name in subcommands(&help) {
            let mut child = path.clone();
            child.push(name);
            pending.push(child);
        }
        seen.push(path.join(" "));
    }
    for expected in ["doctor", "user add", "org add", "reference import", "targets import", "eval rank", "allocate"] {
        assert!(seen.iter().any(|s| s == expected), "{expected} not reached: {seen:?}");
    }
}
