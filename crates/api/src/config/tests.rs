use super::*;
use std::collections::HashMap;

fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    move |name| map.get(name).cloned()
}

#[test]
fn environment_overrides_file_which_overrides_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("chanjiao.toml");
    std::fs::write(&file, "bind = \"0.0.0.0:9000\"\nrequest_timeout_secs = 5\n").unwrap();
    let config = Config::load(Some(&file), env_of(&[("CHANJIAO_REQUEST_TIMEOUT_SECS", "7")])).unwrap();
    assert_eq!(config.bind.port(), 9000);
    assert_eq!(config.request_timeout_secs, 7);
    assert_eq!(config.session_ttl_hours, Config::default().session_ttl_hours);
}

#[test]
fn the_public_url_comes_from_the_environment_and_must_be_absolute() {
    let config = Config::load(None, env_of(&[("CHANJIAO_PUBLIC_URL", "https://chanjiao.example.cn/")])).unwrap();
    assert_eq!(config.public_base(), "https://chanjiao.example.cn");
    assert_eq!(Config::default().public_base(), "http://127.0.0.1:8080");
    for bad in ["chanjiao.example.cn", "https://", "https://x.cn/?a=1", "javascript:alert(1)"] {
        let err = Config::load(None, env_of(&[("CHANJIAO_PUBLIC_URL", bad)])).unwrap_err();
        assert!(err.to_string().contains("CHANJIAO_PUBLIC_URL"), "{bad}: {err}");
    }
}

#[test]
fn unknown_file_keys_and_bad_env_values_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("chanjiao.toml");
    std::fs::write(&file, "bnid = \"0.0.0.0:9000\"\n").unwrap();
    assert!(matches!(Config::load(Some(&file), env_of(&[])), Err(ConfigError::Parse { .. })));
    let err = Config::load(None, env_of(&[("CHANJIAO_BIND", "nowhere")])).unwrap_err();
    assert!(err.to_string().contains("CHANJIAO_BIND"));
}

#[test]
fn webhook_settings_come_from_the_file_and_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("chanjiao.toml");
    std::fs::write(&file, "webhook_allowed_hosts = [\"hooks.internal\"]\nwebhook_max_attempts = 3\n").unwrap();
    let config = Config::load(Some(&file), env_of(&[])).unwrap();
    assert_eq!(config.alerts.webhook_allowed_hosts, ["hooks.internal"]);
    assert_eq!(config.alerts.webhook_max_attempts, 3);
    let env = env_of(&[("CHANJIAO_WEBHOOK_ALLOWED_HOSTS", "127.0.0.1, localhost"), ("CHANJIAO_ALERTS_POLL_MS", "50")]);
    let config = Config::load(Some(&file), env).unwrap();
    assert_eq!(config.alerts.webhook_allowed_hosts, ["127.0.0.1", "localhost"]);
    assert_eq!(config.alerts.alerts_poll_ms, 50);
    assert_eq!(config.alerts.webhook_retry_base_ms, 30_000);
}

#[test]
fn abuse_settings_come_from_the_file_and_the_environment_and_bad_proxies_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("chanjiao.toml");
    std::fs::write(&file, "trusted_proxies = [\"10.0.0.0/8\"]\nrate_limit_search_per_minute = 7\n").unwrap();
    let config = Config::load(Some(&file), env_of(&[("CHANJIAO_PASSWORD_HASH_QUEUE", "3")])).unwrap();
    assert!(config.abuse.trusted_proxies.contains("10.2.3.4".parse().unwrap()));
    assert_eq!(config.abuse.rates.search_per_minute, 7);
    assert_eq!(config.abuse.password_hash_queue, 3);
    let env = env_of(&[("CHANJIAO_TRUSTED_PROXIES", "127.0.0.1, ::1"), ("CHANJIAO_RATE_LIMIT_LOGIN_PER_MINUTE", "0")]);
    let config = Config::load(Some(&file), env).unwrap();
    assert!(config.abuse.trusted_proxies.contains("::1".parse().unwrap()));
    assert!(!config.abuse.trusted_proxies.contains("10.2.3.4".parse().unwrap()));
    assert_eq!(config.abuse.rates.login_per_minute, 0);
    let err = Config::load(None, env_of(&[("CHANJIAO_TRUSTED_PROXIES", "proxy.local")])).unwrap_err();
    assert!(err.to_string().contains("CHANJIAO_TRUSTED_PROXIES"), "{err}");
    std::fs::write(&file, "trusted_proxies = [\"10.0.0.0/99\"]\n").unwrap();
    let err = Config::load(Some(&file), env_of(&[])).unwrap_err();
    assert!(err.to_string().contains("trusted_proxies"), "{err}");
}

#[test]
fn the_shutdown_drain_comes_from_the_file_and_the_environment() {
    assert_eq!(Config::default().shutdown_drain_secs, 5);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("chanjiao.toml");
    std::fs::write(&file, "shutdown_drain_secs = 12\n").unwrap();
    assert_eq!(Config::load(Some(&file), env_of(&[])).unwrap().shutdown_drain_secs, 12);
    let env = env_of(&[("CHANJIAO_SHUTDOWN_DRAIN_SECS", "0")]);
    assert_eq!(Config::load(Some(&file), env).unwrap().shutdown_drain_secs, 0);
}

#[test]
fn metrics_readers_come_from_the_file_and_the_environment_and_default_to_loopback() {
    let loopback: std::net::IpAddr = "127.0.0.1".parse().unwrap();
    let prometheus: std::net::IpAddr = "10.1.2.3".parse().unwrap();
    assert!(Config::default().metrics_allowed.contains(loopback));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("chanjiao.toml");
    std::fs::write(&file, "metrics_allowed = [\"10.0.0.0/8\"]\n").unwrap();
    let config = Config::load(Some(&file), env_of(&[])).unwrap();
    assert!(config.metrics_allowed.contains(prometheus));
    assert!(!config.metrics_allowed.contains(loopback));
    let config = Config::load(Some(&file), env_of(&[("CHANJIAO_METRICS_ALLOWED", "127.0.0.1, ::1")])).unwrap();
    assert!(config.metrics_allowed.contains(loopback));
    assert!(!config.metrics_allowed.contains(prometheus));
    let err = Config::load(None, env_of(&[("CHANJIAO_METRICS_ALLOWED", "prometheus.local")])).unwrap_err();
    assert!(err.to_string().contains("CHANJIAO_METRICS_ALLOWED"), "{err}");
    std::fs::write(&file, "metrics_allowed = [\"10.0.0.0/40\"]\n").unwrap();
    let err = Config::load(Some(&file), env_of(&[])).unwrap_err();
    assert!(err.to_string().contains("metrics_allowed"), "{err}");
}

#[test]
fn database_url_defaults_to_sqlite_in_data_dir_and_hides_passwords() {
    let config = Config::default();
    assert_eq!(config.database_url(), "sqlite://./data/chanjiao.db?mode=rwc");
    let pg = Config::load(None, env_of(&[("DATABASE_URL", "postgres://app:s3cret@db:5432/chanjiao")])).unwrap();
    assert_eq!(pg.redacted_database(), "postgres://app:***@db:5432/chanjiao");
}
