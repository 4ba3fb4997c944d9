//! Who the client is, as far as the network says: the peer's address, or — when the peer is a
//! configured trusted proxy — the right-most address in `X-Forwarded-For` that is not itself a
//! trusted proxy. [`client_address`] is the one function that decides it; the [`identify`]
//! middleware runs it once per request and every per-address limit reads the result through
//! the [`ClientAddr`] extractor.

use std::convert::Infallible;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::str::FromStr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use ipnet::IpNet;

use crate::startup::AppState;

/// Networks whose `X-Forwarded-For` is believed. Empty by default: then the header is ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Parses addresses (`10.0.0.7`, `::1`) and networks (`10.0.0.0/8`, `fd00::/8`).
    pub fn parse<'a>(items: impl IntoIterator<Item = &'a str>) -> Result<Self, String> {
        let mut nets = Vec::new();
        for item in items.into_iter().map(str::trim).filter(|i| !i.is_empty()) {
            let net = match IpNet::from_str(item) {
                Ok(net) => net.trunc(),
                Err(_) => IpAddr::from_str(item)
                    .map(|ip| IpNet::from(ip.to_canonical()))
                    .map_err(|_| format!("{item:?} is not an IP address or network"))?,
            };
            nets.push(net);
        }
        Ok(TrustedProxies(nets))
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|net| net.contains(&ip))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The networks as written in the configuration (`127.0.0.1/32`).
    pub fn networks(&self) -> Vec<String> {
        self.0.iter().map(ToString::to_string).collect()
    }
}

/// One entry of `X-Forwarded-For`: an address, possibly with a port (`1.2.3.4:5678`, `[::1]:80`).
fn forwarded_entry(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    IpAddr::from_str(entry)
        .ok()
        .or_else(|| SocketAddr::from_str(entry).ok().map(|s| s.ip()))
        .map(|ip| ip.to_canonical())
}

/// The client's address: the peer unless the peer is a trusted proxy; then, walking
/// `X-Forwarded-For` from the right (the entries the proxies appended), the first address
/// that is not a trusted proxy. Entries left of an unreadable one are the client's own claims
/// and are never believed; if every readable entry is a proxy, the left-most of them is used.
pub fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &TrustedProxies) -> IpAddr {
    let peer = peer.to_canonical();
    if trusted.is_empty() || !trusted.contains(peer) {
        return peer;
    }
    let mut nearest = peer;
    // Several X-Forwarded-For headers form one list, in order.
    let values: Vec<&str> = headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).collect();
    for entry in values.iter().rev().flat_map(|v| v.rsplit(',')) {
        let Some(hop) = forwarded_entry(entry) else { return nearest };
        if !trusted.contains(hop) {
            return hop;
        }
        nearest = hop;
    }
    nearest
}

/// The client address of a request, as [`client_address`] decided it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

impl ClientAddr {
    /// The key per-address limits count under: the address itself for IPv4, its /64 network
    /// for IPv6 (one subscriber usually holds a whole /64, and could otherwise rotate
    /// addresses to escape every limit).
    pub fn limit_key(&self) -> IpAddr {
        match self.0 {
            IpAddr::V4(v4) => IpAddr::V4(v4),
            IpAddr::V6(v6) => {
                let prefix = u128::from(v6) & !((1u128 << 64) - 1);
                IpAddr::V6(Ipv6Addr::from(prefix))
            }
        }
    }
}

impl std::fmt::Display for ClientAddr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<ClientAddr>().copied().unwrap_or_else(|| {
            // Only a router served without `identify` (none in this crate) gets here.
            let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
            ClientAddr(peer.unwrap_or(IpAddr::from([0, 0, 0, 0])).to_canonical())
        }))
    }
}

/// Middleware: decides the client address once and leaves it, with the rate limiters, in the
/// request's extensions for [`ClientAddr`] and [`super::rate::limited`].
pub async fn identify(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let peer = peer.unwrap_or(IpAddr::from([0, 0, 0, 0]));
    let client = client_address(peer, request.headers(), &state.config.abuse.trusted_proxies);
    request.extensions_mut().insert(ClientAddr(client));
    request.extensions_mut().insert(Arc::clone(&state.limits));
    // A page refused by a rate limit is answered as a page (see `rate::limited`).
    request.extensions_mut().insert(Arc::clone(&state.web));
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(xff: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for value in xff {
            map.append("x-forwarded-for", HeaderValue::from_str(value).unwrap());
        }
        map
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_for_from_an_untrusted_peer_is_ignored() {
        let trusted = TrustedProxies::parse(["10.0.0.0/8"]).unwrap();
        assert_eq!(client_address(ip("203.0.113.9"), &headers(&["1.2.3.4"]), &trusted), ip("203.0.113.9"));
        let nobody = TrustedProxies::default();
        assert_eq!(client_address(ip("10.0.0.1"), &headers(&["1.2.3.4"]), &nobody), ip("10.0.0.1"));
    }

    #[test]
    fn behind_trusted_proxies_the_right_most_untrusted_address_is_the_client() {
        let trusted = TrustedProxies::parse(["10.0.0.0/8", "192.0.2.1"]).unwrap();
        // The client forged 6.6.6.6; the outer proxy 192.0.2.1 appended the real 198.51.100.7.
        let xff = headers(&["6.6.6.6, 198.51.100.7", "192.0.2.1"]);
        assert_eq!(client_address(ip("10.1.2.3"), &xff, &trusted), ip("198.51.100.7"));
        assert_eq!(client_address(ip("10.1.2.3"), &headers(&["garbage, 10.9.9.9"]), &trusted), ip("10.9.9.9"));
        assert_eq!(client_address(ip("10.1.2.3"), &headers(&[]), &trusted), ip("10.1.2.3"));
        assert_eq!(client_address(ip("10.1.2.3"), &headers(&["[2001:db8::1]:443"]), &trusted), ip("2001:db8::1"));
        assert_eq!(client_address(ip("::ffff:10.1.2.3"), &headers(&["::ffff:1.2.3.4"]), &trusted), ip("1.2.3.4"));
    }

    #[test]
    fn trusted_proxies_refuse_what_is_not_an_address() {
        assert!(TrustedProxies::parse(["10.0.0.0/8", " ::1 ", ""]).is_ok());
        let error = TrustedProxies::parse(["proxy.internal"]).unwrap_err();
        assert!(error.contains("proxy.internal"), "{error}");
        assert!(TrustedProxies::parse(["10.0.0.0/33"]).is_err());
    }

    #[test]
    fn ipv6_clients_are_limited_by_their_64_bit_network() {
        let a = ClientAddr(ip("2001:db8:1:2:aaaa::1")).limit_key();
        let b = ClientAddr(ip("2001:db8:1:2:bbbb::2")).limit_key();
        assert_eq!(a, b);
        assert_ne!(a, ClientAddr(ip("2001:db8:1:3::1")).limit_key());
        assert_eq!(ClientAddr(ip("192.0.2.5")).limit_key(), ip("192.0.2.5"));
    }
}
