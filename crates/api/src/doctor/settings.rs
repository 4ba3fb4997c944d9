//! The checks that need no database: what the configuration says about how the platform is
//! reached, and whether the data directory can be written.

use std::path::Path;

use super::{Check, Finding};
use crate::config::Config;

/// The public address, `cookie_secure`, and trusted proxies. Doctor cannot see whether a reverse
/// proxy is in front, so what it says about proxies is only what the configuration says.
pub(super) fn configuration(config: &Config) -> Vec<Finding> {
    let check = Check::Configuration;
    let mut findings = vec![Finding::ok(
        check,
        format!("loaded; binds {}, data directory {}", config.bind, config.data_dir.display()),
    )];
    let https = config.public_url.as_deref().is_some_and(|url| url.starts_with("https://"));
    findings.push(match (&config.public_url, config.cookie_secure) {
        (None, true) => Finding::fail(
            check,
            "cookie_secure is on but public_url is not set, so links and redirects use http:// and the bound address",
            "set public_url (CHANJIAO_PUBLIC_URL) to the https:// address people use",
        ),
        (Some(url), true) if !https => Finding::fail(
            check,
            format!("cookie_secure is on but public_url {url} is not https: browsers drop Secure cookies over http, so nobody can sign in"),
            "serve the site over HTTPS and make public_url https://…, or turn cookie_secure off",
        ),
        (None, false) => Finding::warn(
            check,
            format!("public_url is not set: canonical links, share cards and the sitemap use http://{}", config.bind),
            "set public_url (CHANJIAO_PUBLIC_URL) to the address people reach the site at",
        ),
        (Some(url), _) => Finding::ok(check, format!("public_url is {url}")),
    });
    if !config.cookie_secure
        && let Some(reason) = production_sign(config, https)
    {
        findings.push(Finding::warn(
            check,
            format!("cookie_secure is off although {reason}: session cookies may travel over plain http"),
            "set cookie_secure = true (CHANJIAO_COOKIE_SECURE=true) once the site is served over HTTPS",
        ));
    }
    findings.push(if config.abuse.trusted_proxies.is_empty() {
        Finding::ok(
            check,
            "no trusted proxies: each client is its connecting address; behind a reverse proxy every client \
             would share the proxy's address and its rate limits (list the proxy in trusted_proxies then)",
        )
    } else {
        Finding::ok(check, "trusted proxies are listed: X-Forwarded-For from them names the client")
    });
    findings
}

/// Why the configuration looks like a production one, if it does.
fn production_sign(config: &Config, https: bool) -> Option<&'static str> {
    if https {
        Some("public_url is https")
    } else if config.database_url.as_deref().is_some_and(|url| url.starts_with("postgres")) {
        Some("the database is PostgreSQL")
    } else if !config.bind.ip().is_loopback() {
        Some("the server listens beyond this machine")
    } else {
        None
    }
}

/// Whether a file can be made in the data directory (a missing one is made by the server).
pub(super) fn data_directory(dir: &Path) -> Finding {
    let check = Check::DataDirectory;
    if !dir.exists() {
        let parent = dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        return if writable(parent).is_ok() {
            Finding::warn(
                check,
                format!("{} does not exist yet", dir.display()),
                "nothing to do: the server and `chanjiao migrate` create it",
            )
        } else {
            Finding::fail(
                check,
                format!("{} does not exist and {} is not writable", dir.display(), parent.display()),
                "create the directory, owned by the user the server runs as",
            )
        };
    }
    match writable(dir) {
        Ok(()) => Finding::ok(check, format!("{} is writable", dir.display())),
        Err(e) => Finding::fail(
            check,
            format!("cannot write in {}: {e}", dir.display()),
            "give the user the server runs as write access to it (or choose another with --data-dir)",
        ),
    }
}

/// Creates and removes a probe file in `dir`.
fn writable(dir: &Path) -> std::io::Result<()> {
    let probe = dir.join(format!(".chanjiao-doctor-{}", std::process::id()));
    std::fs::OpenOptions::new().write(true).create_new(true).open(&probe)?;
    std::fs::remove_file(&probe)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doctor::Level;

    fn levels(config: &Config) -> Vec<Level> {
        configuration(config).iter().map(|f| f.level).collect()
    }

    #[test]
    fn secure_cookies_without_an_https_public_url_fail() {
        let mut config = Config { cookie_secure: true, ..Config::default() };
        assert!(levels(&config).contains(&Level::Fail));
        config.public_url = Some("http://chanjiao.example.cn".into());
        assert!(levels(&config).contains(&Level::Fail));
        config.public_url = Some("https://chanjiao.example.cn".into());
        assert!(!levels(&config).contains(&Level::Fail));
        assert!(!levels(&config).contains(&Level::Warn));
    }

    #[test]
    fn insecure_cookies_warn_only_in_a_production_looking_configuration() {
        let development = Config { public_url: Some("http://127.0.0.1:8080".into()), ..Config::default() };
        assert_eq!(levels(&development), [Level::Ok, Level::Ok, Level::Ok]);
        let production = Config { public_url: Some("https://chanjiao.example.cn".into()), ..Config::default() };
        let findings = configuration(&production);
        assert!(findings.iter().any(|f| f.level == Level::Warn && f.finding.contains("cookie_secure is off")));
        let postgres = Config { database_url: Some("postgres://db/chanjiao".into()), ..development.clone() };
        assert!(levels(&postgres).contains(&Level::Warn));
    }

    #[test]
    fn a_data_directory_is_probed_and_left_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(data_directory(dir.path()).level, Level::Ok);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        let missing = dir.path().join("data");
        assert_eq!(data_directory(&missing).level, Level::Warn);
        assert!(!missing.exists());
    }
}
