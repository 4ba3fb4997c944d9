//! Printing `chanjiao doctor`'s findings ([`chanjiao_api::doctor`] makes them): one line each,
//! `ok|warn|FAIL  <check>: <finding> — <what to do>`, then a count.

use chanjiao_api::config::{Config, ConfigError};
use chanjiao_api::doctor::{self, Finding, Level};

/// Runs the checks and prints them; returns whether any failed.
pub async fn report(config: Result<Config, ConfigError>) -> bool {
    let findings = match config {
        Ok(config) => doctor::run(&config).await,
        Err(error) => vec![doctor::configuration_error(&error)],
    };
    for finding in &findings {
        println!("{}", line(finding));
    }
    let count = |level| findings.iter().filter(|f| f.level == level).count();
    println!("\n{} ok, {} warn, {} FAIL", count(Level::Ok), count(Level::Warn), count(Level::Fail));
    doctor::failed(&findings)
}

fn line(finding: &Finding) -> String {
    let fix = finding.fix.as_deref().map(|fix| format!(" — {fix}")).unwrap_or_default();
    format!("{:<4}  {}: {}{fix}", finding.level.label(), finding.check.label(), finding.finding)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chanjiao_api::doctor::Check;

    #[test]
    fn a_finding_is_one_line_with_its_level_check_and_fix() {
        let fail = Finding::fail(Check::Migrations, "3 of 40 pending", "run `chanjiao migrate`");
        assert_eq!(line(&fail), "FAIL  migrations: 3 of 40 pending — run `chanjiao migrate`");
        assert_eq!(line(&Finding::ok(Check::Database, "SQLite answers")), "ok    database: SQLite answers");
    }
}
