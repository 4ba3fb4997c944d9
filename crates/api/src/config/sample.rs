//! The commented sample of `chanjiao.toml`, generated from the configuration itself: every key
//! [`FileConfig`] accepts, its meaning, and its value in a given [`Config`]. Keys whose value
//! differs from the built-in default are written active; the others are commented out with the
//! default, so an operator sees every knob and what it is set to without reading the code.
//!
//! The Debian package installs [`packaged`]'s rendering as `/etc/chanjiao/chanjiao.toml`
//! (`deploy/debian/chanjiao.toml`); a test keeps that file, the keys and their documentation in
//! step with [`FileConfig`] (a key added to the file format without a line here fails it).

use std::path::PathBuf;

use super::{Config, FileConfig};
use crate::abuse::TrustedProxies;

/// One key's documentation: its section, what it means, and an example for keys unset by default.
struct Key {
    name: &'static str,
    doc: &'static str,
    example: Option<&'static str>,
}

const fn key(name: &'static str, doc: &'static str) -> Key {
    Key { name, doc, example: None }
}

const fn example(name: &'static str, doc: &'static str, example: &'static str) -> Key {
    Key { name, doc, example: Some(example) }
}

/// Every key of the file, in the order and sections the sample shows them.
const SECTIONS: &[(&str, &[Key])] = &[
    (
        "Server",
        &[
            key("bind", "Address and port to listen on. Behind nginx keep it on loopback or a private address."),
            key(
                "data_dir",
                "Folder for the SQLite database (when database_url is unset) and this node's search index.",
            ),
            example(
                "database_url",
                "postgres://user:password@host/db for PostgreSQL (production), or sqlite://path?mode=rwc.\n\
                 Unset: the SQLite file chanjiao.db in data_dir. Secrets are better kept in\n\
                 /etc/chanjiao/environment as DATABASE_URL=… (read by the systemd unit).",
                "postgres://chanjiao@127.0.0.1/chanjiao",
            ),
            example(
                "public_url",
                "The address people reach the site at: canonical links, share cards, the sitemap.\n\
                 Never taken from a request's Host header.",
                "https://chanjiao.example.cn",
            ),
            key("request_timeout_secs", "Longest time one request may take before it is answered 408."),
            key(
                "shutdown_drain_secs",
                "On SIGTERM, seconds the node keeps serving while /readyz answers 503 (so a balancer\n\
                 stops sending it requests) before it stops accepting and finishes those in flight.",
            ),
            key("log_json", "Write logs as JSON lines (for log shippers) instead of text."),
        ],
    ),
    (
        "Sessions and sign-in",
        &[
            key("session_ttl_hours", "How long a sign-in lasts."),
            key("cookie_secure", "Mark cookies Secure and send HSTS: on whenever the site is served over HTTPS."),
            key("login_max_failures", "Failed sign-ins per e-mail address within the window before refusing."),
            key("login_window_minutes", "The window the sign-in failures above are counted in."),
            key("login_account_max_failures", "Failed sign-ins of one account, from all clients, before waits begin."),
            key("login_client_max_failures", "Failed sign-ins from one client, over all accounts, before waits begin."),
            key("login_max_delay_secs", "The longest wait the sign-in throttle imposes between two attempts."),
            key("password_hash_concurrency", "Password hashes computed at once (each takes about 19 MiB)."),
            key("password_hash_queue", "Further hashes allowed to wait for a turn; beyond that requests get 503."),
        ],
    ),
    (
        "Proxies and rate limits (per node and minute)",
        &[
            key(
                "trusted_proxies",
                "Addresses or networks of the reverse proxies whose X-Forwarded-For is believed.\n\
                 Empty: the header is ignored and the peer address is the client.",
            ),
            key("rate_limit_search_per_minute", "Searches per client."),
            key("rate_limit_match_per_minute", "Matching requests per client."),
            key("rate_limit_export_per_minute", "Spreadsheet exports per client."),
            key("rate_limit_import_per_minute", "Spreadsheet imports per client."),
            key("rate_limit_register_per_minute", "Registrations per client."),
            key("rate_limit_login_per_minute", "Sign-in attempts per client."),
            key("rate_limit_statistics_per_minute", "Statistics pages and reports per client."),
            key("rate_limit_api_key_per_minute", "All calls of one API key together."),
        ],
    ),
    (
        "Monitoring",
        &[key(
            "metrics_allowed",
            "Addresses or networks (after trusted proxies) that may read /metrics; everyone else gets 404.\n\
             Add Prometheus' address; never nginx's. Empty: nobody. See docs/monitoring.md.",
        )],
    ),
    (
        "Search",
        &[key(
            "search_exact_count_limit",
            "Matches from which a search's total and facet counts are estimated from a uniform sample\n\
             (shown as 约 N, within a few percent) instead of counted one by one. Lower is faster.",
        )],
    ),
    (
        "Background work",
        &[
            key("expiry_sweep_secs", "How often postings past their end date are expired and old sessions pruned."),
            key("rounds_retention_days", "Days after a round closes before its personal data is deleted."),
            key("alerts_poll_ms", "How often new postings are checked against subscriptions."),
        ],
    ),
    (
        "Webhooks",
        &[
            key(
                "webhook_allowed_hosts",
                "Hosts webhooks may reach although the address policy refuses them (e.g. a receiver\n\
                 on a private network).",
            ),
            key("webhook_max_attempts", "Attempts of one delivery before it is marked failed."),
            key("webhook_retry_base_ms", "Wait after the first failed attempt; it doubles after every further one."),
            key("webhook_retry_max_ms", "The longest wait between two attempts."),
            key("webhook_timeout_secs", "Time for connecting, sending and reading the answer of one attempt."),
            key("webhook_lease_secs", "How long a node holds a delivery it is sending before another may retry it."),
        ],
    ),
];

/// The configuration the Debian package installs: the data directory under /var/lib, HTTPS
/// behind a local nginx (Secure cookies, the proxy trusted), everything else as built in.
pub fn packaged() -> Config {
    let mut config = Config { data_dir: PathBuf::from("/var/lib/chanjiao"), cookie_secure: true, ..Config::default() };
    // Infallible: two literal addresses.
    config.abuse.trusted_proxies = TrustedProxies::parse(["127.0.0.1", "::1"]).unwrap_or_default();
    config
}

/// `config` as a commented `chanjiao.toml`.
pub fn render(config: &Config) -> String {
    let values = table(config);
    let defaults = table(&Config::default());
    let mut out = String::from(
        "# Chanjiao configuration (chanjiao.toml). Generated by `chanjiao config sample`; every key is\n\
         # optional. Commented keys show the built-in default. Environment variables CHANJIAO_<KEY>\n\
         # (upper case) override this file, and command-line flags override both. See docs/operations.md.\n",
    );
    for (section, keys) in SECTIONS {
        out.push_str(&format!("\n# ---- {section} ----\n"));
        for key in *keys {
            out.push('\n');
            for line in key.doc.lines() {
                out.push_str(&format!("# {}\n", line.trim()));
            }
            match (values.get(key.name), defaults.get(key.name)) {
                (Some(value), default) if Some(value) != default => {
                    out.push_str(&format!("{} = {value}\n", key.name));
                }
                (Some(value), _) => out.push_str(&format!("# {} = {value}\n", key.name)),
                (None, _) => {
                    let example = key.example.map(|e| format!("{:?}", e)).unwrap_or_default();
                    out.push_str(&format!("# {} = {example}\n", key.name));
                }
            }
        }
    }
    out
}

/// `config` as the file's keys and TOML values (keys unset in `config` are absent).
fn table(config: &Config) -> toml::Table {
    toml::Table::try_from(FileConfig::of(config)).unwrap_or_default()
}

impl FileConfig {
    /// Every key of the file with its value in `config`. A struct literal, so that a key added
    /// to the file format cannot be forgotten here (and then in the sample).
    fn of(config: &Config) -> FileConfig {
        let alerts = &config.alerts;
        let abuse = &config.abuse;
        let rates = &abuse.rates;
        FileConfig {
            bind: Some(config.bind),
            data_dir: Some(config.data_dir.clone()),
            database_url: config.database_url.clone(),
            request_timeout_secs: Some(config.request_timeout_secs),
            shutdown_drain_secs: Some(config.shutdown_drain_secs),
            session_ttl_hours: Some(config.session_ttl_hours),
            cookie_secure: Some(config.cookie_secure),
            login_max_failures: Some(config.login_max_failures),
            login_window_minutes: Some(config.login_window_minutes),
            log_json: Some(config.log_json),
            expiry_sweep_secs: Some(config.expiry_sweep_secs),
            webhook_allowed_hosts: Some(alerts.webhook_allowed_hosts.clone()),
            webhook_max_attempts: Some(alerts.webhook_max_attempts),
            webhook_retry_base_ms: Some(alerts.webhook_retry_base_ms),
            webhook_retry_max_ms: Some(alerts.webhook_retry_max_ms),
            webhook_timeout_secs: Some(alerts.webhook_timeout_secs),
            webhook_lease_secs: Some(alerts.webhook_lease_secs),
            alerts_poll_ms: Some(alerts.alerts_poll_ms),
            rounds_retention_days: Some(config.rounds_retention_days),
            trusted_proxies: Some(abuse.trusted_proxies.networks()),
            login_account_max_failures: Some(abuse.login_account_max_failures),
            login_client_max_failures: Some(abuse.login_client_max_failures),
            login_max_delay_secs: Some(abuse.login_max_delay_secs),
            password_hash_concurrency: Some(abuse.password_hash_concurrency),
            password_hash_queue: Some(abuse.password_hash_queue),
            rate_limit_search_per_minute: Some(rates.search_per_minute),
            rate_limit_match_per_minute: Some(rates.match_per_minute),
            rate_limit_export_per_minute: Some(rates.export_per_minute),
            rate_limit_import_per_minute: Some(rates.import_per_minute),
            rate_limit_register_per_minute: Some(rates.register_per_minute),
            rate_limit_login_per_minute: Some(rates.login_per_minute),
            rate_limit_statistics_per_minute: Some(rates.statistics_per_minute),
            public_url: config.public_url.clone(),
            rate_limit_api_key_per_minute: Some(rates.api_key_per_minute),
            metrics_allowed: Some(config.metrics_allowed.networks()),
            search_exact_count_limit: Some(config.search_exact_count_limit),
        }
    }
}

#[cfg(test)]
mod tests;
