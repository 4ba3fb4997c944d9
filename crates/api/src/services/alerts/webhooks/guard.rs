//! The address guard: a webhook URL is parsed, its host resolved, and every address it
//! resolves to judged by [`chanjiao_domain::alerts::address`], unless an administrator allowed
//! the host in configuration. The worker connects to the addresses vetted here (see
//! [`Target::addrs`]), never to a second lookup's, so a name that resolves to a public address
//! when checked and to 127.0.0.1 a moment later (DNS rebinding) still reaches only the first.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use chanjiao_domain::alerts::address::{Refusal, first_refusal, host_refusal};
use reqwest::Url;

/// How long a host-name lookup may take before the URL is taken for unresolvable.
const LOOKUP_TIMEOUT: Duration = Duration::from_secs(5);

/// A webhook URL that passed the policy, and the addresses to connect to.
#[derive(Debug, Clone)]
pub struct Target {
    pub url: Url,
    /// The host as it appears in the URL (without brackets for IPv6).
    pub host: String,
    /// Every address the host resolved to, all of them vetted; never empty.
    pub addrs: Vec<SocketAddr>,
}

/// Parses `raw` as an http(s) URL with a host and without credentials.
pub fn parse(raw: &str) -> Result<Url, Refusal> {
    let url = Url::parse(raw.trim()).map_err(|_| Refusal::NotHttp)?;
    let credentials = !url.username().is_empty() || url.password().is_some();
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() || credentials || raw.len() > 2000 {
        return Err(Refusal::NotHttp);
    }
    Ok(url)
}

fn allowed(host: &str, allowed_hosts: &[String]) -> bool {
    allowed_hosts.iter().any(|a| a.trim().trim_start_matches('[').trim_end_matches(']').eq_ignore_ascii_case(host))
}

/// Checks a URL and resolves its host. Hosts in `allowed_hosts` skip the address policy (they
/// are still resolved, and the address pinned).
pub async fn vet(raw: &str, allowed_hosts: &[String]) -> Result<Target, Refusal> {
    let url = parse(raw)?;
    let port = url.port_or_known_default().ok_or(Refusal::NotHttp)?;
    // The URL parser has already normalised numeric hosts (0x7f000001 is 127.0.0.1).
    let host =
        url.host_str().ok_or(Refusal::NotHttp)?.trim_start_matches('[').trim_end_matches(']').to_ascii_lowercase();
    let exempt = allowed(&host, allowed_hosts);
    let addrs: Vec<SocketAddr> = match host.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => {
            if !exempt && let Some(refused) = host_refusal(&host) {
                return Err(refused);
            }
            let lookup = tokio::net::lookup_host((host.as_str(), port));
            match tokio::time::timeout(LOOKUP_TIMEOUT, lookup).await {
                Ok(Ok(found)) => found.collect(),
                _ => return Err(Refusal::Unresolvable),
            }
        }
    };
    if !exempt && let Some(refused) = first_refusal(addrs.iter().map(SocketAddr::ip)) {
        return Err(refused);
    }
    if addrs.is_empty() {
        return Err(Refusal::Unresolvable);
    }
    Ok(Target { url, host, addrs })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn internal_targets_are_refused_and_allowed_hosts_pass() {
        for (raw, expected) in [
            ("http://127.0.0.1:9/", Refusal::Loopback),
            ("http://0x7f000001/", Refusal::Loopback),
            ("http://2130706433/", Refusal::Loopback),
            ("http://[::1]/", Refusal::Loopback),
            ("http://[::ffff:127.0.0.1]/", Refusal::Loopback),
            ("http://10.0.0.1/", Refusal::Private),
            ("http://169.254.169.254/latest/meta-data/", Refusal::LinkLocal),
            ("http://metadata.google.internal/", Refusal::MetadataHost),
            ("http://localhost:8080/", Refusal::Loopback), // by what it resolves to
            ("ftp://example.com/", Refusal::NotHttp),
            ("file:///etc/passwd", Refusal::NotHttp),
            ("gopher://127.0.0.1/", Refusal::NotHttp),
            ("http://user:pw@example.com/", Refusal::NotHttp),
            ("not a url", Refusal::NotHttp),
        ] {
            assert_eq!(vet(raw, &[]).await.unwrap_err(), expected, "{raw}");
        }
        let allowed = vec!["127.0.0.1".to_owned(), "[::1]".to_owned()];
        let target = vet("http://127.0.0.1:4000/hook", &allowed).await.unwrap();
        assert_eq!(target.addrs, ["127.0.0.1:4000".parse().unwrap()]);
        assert!(vet("http://[::1]:4000/hook", &allowed).await.is_ok());
        assert_eq!(vet("http://10.0.0.1/", &allowed).await.unwrap_err(), Refusal::Private, "only the listed hosts");
    }
}
