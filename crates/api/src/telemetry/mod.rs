//! What an operator sees of a running server: structured logs through `tracing` (human-readable
//! by default, JSON lines for log shippers), one access-log line per request ([`access`]), and
//! the Prometheus metrics served at `/metrics` ([`metrics`]). See `docs/monitoring.md`.

pub mod access;
pub mod metrics;

use tracing_subscriber::EnvFilter;

/// The filter when `RUST_LOG` is not set: `info` lets the access log (target `access`) through,
/// while the database drivers, which log every statement at info, are kept to warnings.
pub const DEFAULT_FILTER: &str = "info,sqlx=warn,sea_orm=warn";

/// Installs the global subscriber once; later calls (tests start many apps) do nothing. Logs go
/// to standard error, leaving standard output to what commands print (JSON, tables, ids). Colours
/// only on a terminal: under systemd the journal would store the escape codes.
pub fn init(json: bool) {
    use std::io::IsTerminal;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    let _ = if json { builder.json().try_init() } else { builder.try_init() };
}
