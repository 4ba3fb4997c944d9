//! Configuration, layered: built-in defaults, then an optional `chanjiao.toml`, then `CHANJIAO_*`
//! environment variables (and `DATABASE_URL`), then command-line flags.
//!
//! Secrets (the database URL may hold a password) are never logged: [`Config::redacted_database`]
//! is what the logs show.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::abuse::{AbuseConfig, TrustedProxies};
use crate::telemetry::metrics::MetricsAllowed;

pub mod sample;

/// Everything a server process needs to know before it starts.
#[derive(Debug, Clone)]
pub struct Config {
    pub bind: SocketAddr,
    pub data_dir: PathBuf,
    /// `postgres://…` or `sqlite://…`; `None` means the SQLite file `chanjiao.db` in `data_dir`.
    pub database_url: Option<String>,
    pub request_timeout_secs: u64,
    pub session_ttl_hours: i64,
    /// Mark cookies `Secure`; on in production behind HTTPS, off for plain-HTTP development.
    pub cookie_secure: bool,
    /// Failed logins per e-mail address within [`Config::login_window_minutes`] before refusing.
    pub login_max_failures: u32,
    pub login_window_minutes: i64,
    pub log_json: bool,
    /// How often postings past their end date are marked expired.
    pub expiry_sweep_secs: u64,
    /// Seconds between the shutdown signal and no longer accepting connections, during which
    /// `/readyz` answers 503 so load balancers move traffic elsewhere first.
    pub shutdown_drain_secs: u64,
    /// Alerts and webhooks (see `docs/alerts.md`).
    pub alerts: AlertsConfig,
    /// Days after a round is closed before its personal data (students, preferences, rankings,
    /// results) is deleted; the aggregate report stays (see `docs/rounds.md`).
    pub rounds_retention_days: i64,
    /// Trusted proxies, the looser login throttles, bounded hashing and per-client rate limits
    /// (see `docs/security/abuse.md`). Flat in the file and the environment.
    pub abuse: AbuseConfig,
    /// The address people reach the site at (`https://chanjiao.example.cn`), for canonical links,
    /// share cards, the sitemap and robots.txt. Never taken from a request's `Host` header, which
    /// the caller chooses. `None`: `http://` and the bound address, filled in at start.
    pub public_url: Option<String>,
    /// Clients (after trusted proxies) that may read `/metrics`; everyone else gets 404.
    pub metrics_allowed: MetricsAllowed,
    /// Matches from which a search's total and facet counts are estimated from a sample instead
    /// of counted (see `docs/search.md`).
    pub search_exact_count_limit: u64,
}

/// How alerts are found and webhooks delivered. Flattened into the file and the environment
/// as `webhook_*` and `alerts_*` keys.
#[derive(Debug, Clone)]
pub struct AlertsConfig {
    /// Hosts (names or addresses, as written in URLs) that webhooks may reach although the
    /// address policy would refuse them, such as a receiver on the same machine.
    pub webhook_allowed_hosts: Vec<String>,
    /// Attempts of one delivery before it is marked failed.
    pub webhook_max_attempts: u32,
    /// The wait after the first failed attempt; it doubles after every further one.
    pub webhook_retry_base_ms: u64,
    /// The longest wait between two attempts.
    pub webhook_retry_max_ms: u64,
    /// Time allowed for connecting, sending and reading the answer of one attempt.
    pub webhook_timeout_secs: u64,
    /// How long a worker holds a delivery it is sending; after that another worker (or the
    /// same process after a restart) sends it again. Longer than the timeout.
    pub webhook_lease_secs: u64,
    /// How often new postings are checked against subscriptions, and due deliveries looked for.
    pub alerts_poll_ms: u64,
}

impl Default for AlertsConfig {
    fn default() -> Self {
        AlertsConfig {
            webhook_allowed_hosts: Vec::new(),
            webhook_max_attempts: 8,
            webhook_retry_base_ms: 30_000,
            webhook_retry_max_ms: 3_600_000,
            webhook_timeout_secs: 10,
            webhook_lease_secs: 60,
            alerts_poll_ms: 1_000,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("./data"),
            database_url: None,
            request_timeout_secs: 30,
            session_ttl_hours: 24 * 14,
            cookie_secure: false,
            login_max_failures: 5,
            login_window_minutes: 15,
            log_json: false,
            expiry_sweep_secs: 600,
            shutdown_drain_secs: 5,
            alerts: AlertsConfig::default(),
            rounds_retention_days: 365,
            abuse: AbuseConfig::default(),
            public_url: None,
            metrics_allowed: MetricsAllowed::default(),
            search_exact_count_limit: chanjiao_search::EXACT_LIMIT,
        }
    }
}

/// The shape of `chanjiao.toml`: every key optional. Serialized only to write the sample
/// ([`sample`]), in which every key appears.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    bind: Option<SocketAddr>,
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    request_timeout_secs: Option<u64>,
    session_ttl_hours: Option<i64>,
    cookie_secure: Option<bool>,
    login_max_failures: Option<u32>,
    login_window_minutes: Option<i64>,
    log_json: Option<bool>,
    expiry_sweep_secs: Option<u64>,
    shutdown_drain_secs: Option<u64>,
    webhook_allowed_hosts: Option<Vec<String>>,
    webhook_max_attempts: Option<u32>,
    webhook_retry_base_ms: Option<u64>,
    webhook_retry_max_ms: Option<u64>,
    webhook_timeout_secs: Option<u64>,
    webhook_lease_secs: Option<u64>,
    alerts_poll_ms: Option<u64>,
    rounds_retention_days: Option<i64>,
    trusted_proxies: Option<Vec<String>>,
    login_account_max_failures: Option<u32>,
    login_client_max_failures: Option<u32>,
    login_max_delay_secs: Option<u64>,
    password_hash_concurrency: Option<usize>,
    password_hash_queue: Option<usize>,
    rate_limit_search_per_minute: Option<u32>,
    rate_limit_match_per_minute: Option<u32>,
    rate_limit_export_per_minute: Option<u32>,
    rate_limit_import_per_minute: Option<u32>,
    rate_limit_register_per_minute: Option<u32>,
    rate_limit_login_per_minute: Option<u32>,
    rate_limit_statistics_per_minute: Option<u32>,
    public_url: Option<String>,
    rate_limit_api_key_per_minute: Option<u32>,
    metrics_allowed: Option<Vec<String>>,
    search_exact_count_limit: Option<u64>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("config file {path} is invalid: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("environment variable {name} is invalid: {message}")]
    Env { name: String, message: String },
}

impl Config {
    /// Defaults, then `file` if given (or `./chanjiao.toml` if it exists), then the environment.
    pub fn load(file: Option<&Path>, env: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let mut config = Config::default();
        let default_file = Path::new("chanjiao.toml");
        let file = file.or_else(|| default_file.exists().then_some(default_file));
        if let Some(path) = file {
            let text =
                std::fs::read_to_string(path).map_err(|source| ConfigError::Read { path: path.into(), source })?;
            let parsed: FileConfig =
                toml::from_str(&text).map_err(|e| ConfigError::Parse { path: path.into(), message: e.to_string() })?;
            config.apply_file(parsed).map_err(|message| ConfigError::Parse { path: path.into(), message })?;
        }
        config.apply_env(env)?;
        Ok(config)
    }

    fn apply_file(&mut self, f: FileConfig) -> Result<(), String> {
        macro_rules! take {
            ($($field:ident),*) => { $( if let Some(v) = f.$field { self.$field = v; } )* };
        }
        take!(
            bind,
            data_dir,
            request_timeout_secs,
            session_ttl_hours,
            cookie_secure,
            login_max_failures,
            login_window_minutes,
            log_json,
            expiry_sweep_secs,
            shutdown_drain_secs,
            rounds_retention_days,
            search_exact_count_limit
        );
        if f.database_url.is_some() {
            self.database_url = f.database_url;
        }
        if let Some(url) = f.public_url {
            self.public_url = Some(parse_public_url(&url).map_err(|e| format!("public_url: {e}"))?);
        }
        let alerts = &mut self.alerts;
        macro_rules! take_alerts {
            ($($field:ident),*) => { $( if let Some(v) = f.$field { alerts.$field = v; } )* };
        }
        take_alerts!(
            webhook_allowed_hosts,
            webhook_max_attempts,
            webhook_retry_base_ms,
            webhook_retry_max_ms,
            webhook_timeout_secs,
            webhook_lease_secs,
            alerts_poll_ms
        );
        let abuse = &mut self.abuse;
        macro_rules! take_abuse {
            ($($field:ident),*) => { $( if let Some(v) = f.$field { abuse.$field = v; } )* };
        }
        take_abuse!(
            login_account_max_failures,
            login_client_max_failures,
            login_max_delay_secs,
            password_hash_concurrency,
            password_hash_queue
        );
        let rates = &mut abuse.rates;
        macro_rules! take_rates {
            ($($key:ident => $field:ident),*) => { $( if let Some(v) = f.$key { rates.$field = v; } )* };
        }
        take_rates!(
            rate_limit_search_per_minute => search_per_minute,
            rate_limit_match_per_minute => match_per_minute,
            rate_limit_export_per_minute => export_per_minute,
            rate_limit_import_per_minute => import_per_minute,
            rate_limit_register_per_minute => register_per_minute,
            rate_limit_login_per_minute => login_per_minute,
            rate_limit_statistics_per_minute => statistics_per_minute,
            rate_limit_api_key_per_minute => api_key_per_minute
        );
        if let Some(proxies) = f.trusted_proxies {
            abuse.trusted_proxies = TrustedProxies::parse(proxies.iter().map(String::as_str))
                .map_err(|e| format!("trusted_proxies: {e}"))?;
        }
        if let Some(allowed) = f.metrics_allowed {
            self.metrics_allowed = MetricsAllowed::parse(allowed.iter().map(String::as_str))
                .map_err(|e| format!("metrics_allowed: {e}"))?;
        }
        Ok(())
    }

    fn apply_env(&mut self, env: impl Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
        fn parse<T: std::str::FromStr>(name: &str, value: String) -> Result<T, ConfigError>
        where
            T::Err: std::fmt::Display,
        {
            value.trim().parse().map_err(|e: T::Err| ConfigError::Env { name: name.into(), message: e.to_string() })
        }
        macro_rules! env_field {
            ($($field:ident => $name:literal),*) => {
                $( if let Some(v) = env($name) { self.$field = parse($name, v)?; } )*
            };
        }
        env_field!(
            bind => "CHANJIAO_BIND",
            data_dir => "CHANJIAO_DATA_DIR",
            request_timeout_secs => "CHANJIAO_REQUEST_TIMEOUT_SECS",
            session_ttl_hours => "CHANJIAO_SESSION_TTL_HOURS",
            cookie_secure => "CHANJIAO_COOKIE_SECURE",
            login_max_failures => "CHANJIAO_LOGIN_MAX_FAILURES",
            login_window_minutes => "CHANJIAO_LOGIN_WINDOW_MINUTES",
            log_json => "CHANJIAO_LOG_JSON",
            expiry_sweep_secs => "CHANJIAO_EXPIRY_SWEEP_SECS",
            shutdown_drain_secs => "CHANJIAO_SHUTDOWN_DRAIN_SECS",
            rounds_retention_days => "CHANJIAO_ROUNDS_RETENTION_DAYS",
            search_exact_count_limit => "CHANJIAO_SEARCH_EXACT_COUNT_LIMIT"
        );
        let alerts = &mut self.alerts;
        macro_rules! env_alerts {
            ($($field:ident => $name:literal),*) => {
                $( if let Some(v) = env($name) { alerts.$field = parse($name, v)?; } )*
            };
        }
        env_alerts!(
            webhook_max_attempts => "CHANJIAO_WEBHOOK_MAX_ATTEMPTS",
            webhook_retry_base_ms => "CHANJIAO_WEBHOOK_RETRY_BASE_MS",
            webhook_retry_max_ms => "CHANJIAO_WEBHOOK_RETRY_MAX_MS",
            webhook_timeout_secs => "CHANJIAO_WEBHOOK_TIMEOUT_SECS",
            webhook_lease_secs => "CHANJIAO_WEBHOOK_LEASE_SECS",
            alerts_poll_ms => "CHANJIAO_ALERTS_POLL_MS"
        );
        let abuse = &mut self.abuse;
        macro_rules! env_abuse {
            ($($field:ident => $name:literal),*) => {
                $( if let Some(v) = env($name) { abuse.$field = parse($name, v)?; } )*
            };
        }
        env_abuse!(
            login_account_max_failures => "CHANJIAO_LOGIN_ACCOUNT_MAX_FAILURES",
            login_client_max_failures => "CHANJIAO_LOGIN_CLIENT_MAX_FAILURES",
            login_max_delay_secs => "CHANJIAO_LOGIN_MAX_DELAY_SECS",
            password_hash_concurrency => "CHANJIAO_PASSWORD_HASH_CONCURRENCY",
            password_hash_queue => "CHANJIAO_PASSWORD_HASH_QUEUE"
        );
        let rates = &mut abuse.rates;
        macro_rules! env_rates {
            ($($field:ident => $name:literal),*) => {
                $( if let Some(v) = env($name) { rates.$field = parse($name, v)?; } )*
            };
        }
        env_rates!(
            search_per_minute => "CHANJIAO_RATE_LIMIT_SEARCH_PER_MINUTE",
            match_per_minute => "CHANJIAO_RATE_LIMIT_MATCH_PER_MINUTE",
            export_per_minute => "CHANJIAO_RATE_LIMIT_EXPORT_PER_MINUTE",
            import_per_minute => "CHANJIAO_RATE_LIMIT_IMPORT_PER_MINUTE",
            register_per_minute => "CHANJIAO_RATE_LIMIT_REGISTER_PER_MINUTE",
            login_per_minute => "CHANJIAO_RATE_LIMIT_LOGIN_PER_MINUTE",
            statistics_per_minute => "CHANJIAO_RATE_LIMIT_STATISTICS_PER_MINUTE",
            api_key_per_minute => "CHANJIAO_RATE_LIMIT_API_KEY_PER_MINUTE"
        );
        if let Some(proxies) = env("CHANJIAO_TRUSTED_PROXIES") {
            abuse.trusted_proxies = TrustedProxies::parse(proxies.split(','))
                .map_err(|message| ConfigError::Env { name: "CHANJIAO_TRUSTED_PROXIES".into(), message })?;
        }
        if let Some(allowed) = env("CHANJIAO_METRICS_ALLOWED") {
            self.metrics_allowed = MetricsAllowed::parse(allowed.split(','))
                .map_err(|message| ConfigError::Env { name: "CHANJIAO_METRICS_ALLOWED".into(), message })?;
        }
        let alerts = &mut self.alerts;
        if let Some(hosts) = env("CHANJIAO_WEBHOOK_ALLOWED_HOSTS") {
            alerts.webhook_allowed_hosts =
                hosts.split(',').map(str::trim).filter(|h| !h.is_empty()).map(str::to_owned).collect();
        }
        if let Some(url) = env("CHANJIAO_PUBLIC_URL") {
            let parsed = parse_public_url(&url)
                .map_err(|message| ConfigError::Env { name: "CHANJIAO_PUBLIC_URL".into(), message })?;
            self.public_url = Some(parsed);
        }
        // The conventional DATABASE_URL works too; the prefixed one wins when both are set.
        if let Some(url) = env("CHANJIAO_DATABASE_URL").or_else(|| env("DATABASE_URL")) {
            self.database_url = Some(url).filter(|u| !u.trim().is_empty());
        }
        Ok(())
    }

    /// The public address without a trailing slash (see [`Config::public_url`]); before start
    /// fills it in, `http://` and the configured bind address.
    pub fn public_base(&self) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => format!("http://{}", self.bind),
        }
    }

    /// The database URL to connect to, with the SQLite default filled in.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!("sqlite://{}?mode=rwc", self.data_dir.join("chanjiao.db").display()),
        }
    }

    /// The database URL with any password replaced, for logs.
    pub fn redacted_database(&self) -> String {
        let url = self.database_url();
        match (url.find("://"), url.rfind('@')) {
            (Some(scheme_end), Some(at)) if at > scheme_end => {
                let credentials = &url[scheme_end + 3..at];
                match credentials.split_once(':') {
                    Some((user, _)) => format!("{}{}:***{}", &url[..scheme_end + 3], user, &url[at..]),
                    None => url,
                }
            }
            _ => url,
        }
    }
}

/// An absolute `http(s)://host[:port][/path]` without query, fragment or trailing slash.
fn parse_public_url(raw: &str) -> Result<String, String> {
    let url = raw.trim().trim_end_matches('/');
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| "must start with http:// or https://".to_owned())?;
    let host = rest.split('/').next().unwrap_or("");
    if host.is_empty() || rest.contains(['?', '#', ' ', '"', '<', '>']) {
        return Err("an absolute URL like https://chanjiao.example.cn, without query or fragment".to_owned());
    }
    Ok(url.to_owned())
}

#[cfg(test)]
mod tests;
