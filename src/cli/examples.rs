//! The "Examples" sections of `chanjiao <command> --help`: real invocations, one per line, with
//! a word on what each does. Kept here so the argument definitions in `cli.rs` stay readable.

pub const CHANJIAO: &str = "\
Examples:
  chanjiao serve --demo                      # the platform with Shaoxing demo data on 127.0.0.1:8080
  chanjiao doctor                            # check configuration, database, index and reference data
  chanjiao <command> --help                  # each command's options and examples";

pub const SERVE: &str = "\
Examples:
  chanjiao serve --demo
  chanjiao serve --bind 0.0.0.0:8080 --data-dir /var/lib/chanjiao
  DATABASE_URL=postgres://chanjiao@127.0.0.1:5432/chanjiao chanjiao serve --config /etc/chanjiao/chanjiao.toml";

pub const MIGRATE: &str = "\
Examples:
  chanjiao migrate
  DATABASE_URL=postgres://chanjiao@127.0.0.1:5432/chanjiao chanjiao migrate";

pub const USER: &str = "\
Examples:
  chanjiao user add --email ops@city.gov.cn --role platform_admin   # password from CHANJIAO_NEW_USER_PASSWORD
  chanjiao user add --email hr@example.cn --org 3 --role org_admin --password 'a-long-password'";

pub const ORG: &str = "\
Examples:
  chanjiao org add --kind authority --name 绍兴市教育局 --region 330600 --admin-email edu@sx.gov.cn
  chanjiao org add --kind school --level gaozhi_zhuanke --name 绍兴市现代职业技术学院 --region 330602 \\
                   --admin-email jw@example.edu.cn   # password from CHANJIAO_NEW_USER_PASSWORD";

pub const REINDEX: &str = "\
Examples:
  chanjiao reindex
  systemctl stop chanjiao && chanjiao reindex --config /etc/chanjiao/chanjiao.toml && systemctl start chanjiao";

pub const REFERENCE: &str = "\
Examples:
  chanjiao reference import ../shared/data/reference
  chanjiao reference import /srv/reference --config /etc/chanjiao/chanjiao.toml";

pub const TARGETS: &str = "\
Examples:
  chanjiao targets import --file plan_targets_2025.csv --first-year 2025 --last-year 2029
  chanjiao targets import --file hangzhou.csv --city 330100 --first-year 2025 --last-year 2027";

pub const DOCTOR: &str = "\
Each finding is one line: ok|warn|FAIL  <check>: <finding> — <what to do>.
The exit code is 0 without a FAIL, 1 with one; warnings are worth reading but the platform runs.

Examples:
  chanjiao doctor
  chanjiao doctor --config /etc/chanjiao/chanjiao.toml || echo 'needs attention'";

pub const CONFIG: &str = "\
Examples:
  chanjiao config sample > chanjiao.toml             # every key, commented, at its default
  chanjiao config sample --packaged                  # what the Debian package installs in /etc/chanjiao";
