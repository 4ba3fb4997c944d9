//! Abuse resistance that is not about who may do what: who the client is (its address, taken
//! from `X-Forwarded-For` only behind configured proxies), per-client rate limits on the
//! expensive endpoints, and the settings of both. The login throttle's rule is in
//! `chanjiao_domain::throttle` and its counters in [`crate::services::login_throttle`];
//! bounded password hashing is [`crate::auth::password::Hasher`].

pub mod client;
pub mod rate;

pub use client::{ClientAddr, TrustedProxies};
pub use rate::{Group, RateLimits};

/// The limits of this module and of the login throttle, with defaults generous enough that a
/// person (or the test suite) never meets them. A rate of 0 turns that group's limit off.
#[derive(Debug, Clone)]
pub struct AbuseConfig {
    /// Peers whose `X-Forwarded-For` is believed (reverse proxies, load balancers).
    pub trusted_proxies: TrustedProxies,
    /// Failed logins for one account, from all clients together, before waits begin.
    pub login_account_max_failures: u32,
    /// Failed logins from one client, across all accounts, before waits begin.
    pub login_client_max_failures: u32,
    /// The longest wait the login throttle imposes between two attempts.
    pub login_max_delay_secs: u64,
    /// Password hashes (or checks) computed at once; each takes about 19 MiB.
    pub password_hash_concurrency: usize,
    /// Further hashes allowed to wait for a turn; beyond that requests get 503.
    pub password_hash_queue: usize,
    /// Requests per client and minute, per group of endpoints.
    pub rates: RateSettings,
}

/// Requests per minute for one client, per [`Group`], and for one API key over all its calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateSettings {
    pub search_per_minute: u32,
    pub match_per_minute: u32,
    pub export_per_minute: u32,
    pub import_per_minute: u32,
    pub register_per_minute: u32,
    pub login_per_minute: u32,
    pub statistics_per_minute: u32,
    /// All API calls of one API key together (keys are counted per key, not per address).
    pub api_key_per_minute: u32,
}

impl Default for RateSettings {
    fn default() -> Self {
        RateSettings {
            search_per_minute: 600,
            match_per_minute: 120,
            export_per_minute: 30,
            import_per_minute: 20,
            register_per_minute: 10,
            login_per_minute: 60,
            statistics_per_minute: 300,
            api_key_per_minute: 1200,
        }
    }
}

impl RateSettings {
    pub fn per_minute(&self, group: Group) -> u32 {
        match group {
            Group::Search => self.search_per_minute,
            Group::Match => self.match_per_minute,
            Group::Export => self.export_per_minute,
            Group::Import => self.import_per_minute,
            Group::Register => self.register_per_minute,
            Group::Login => self.login_per_minute,
            Group::Statistics => self.statistics_per_minute,
        }
    }
}

impl Default for AbuseConfig {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map(usize::from).unwrap_or(1);
        AbuseConfig {
            trusted_proxies: TrustedProxies::default(),
            login_account_max_failures: 50,
            login_client_max_failures: 100,
            login_max_delay_secs: 600,
            password_hash_concurrency: 2 * cores,
            password_hash_queue: 32,
            rates: RateSettings::default(),
        }
    }
}
