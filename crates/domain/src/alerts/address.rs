//! Which addresses a webhook may never be sent to: the server-side request forgery policy.
//!
//! A webhook URL is chosen by a user, but the request comes from inside our network. Without
//! this policy a user could make the server call its own admin ports (loopback), machines on
//! the private network, or a cloud's instance-metadata service (169.254.169.254, or
//! 100.100.100.200 on Alibaba Cloud, which sits in the shared 100.64/10 range) and read the
//! answers in the delivery log. The API crate asks [`refusal`] about every address a host name
//! resolves to, both when a subscription is made and right before each delivery (the name may
//! resolve differently by then), and connects only to an address that passed.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Why an address or host is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Loopback,
    Private,
    LinkLocal,
    Unspecified,
    Broadcast,
    Multicast,
    SharedAddressSpace,
    Reserved,
    MetadataHost,
    /// Not an http(s) URL with a host, or one carrying a user name or password.
    NotHttp,
    /// The host name has no address (checked when a subscription is made).
    Unresolvable,
}

impl Refusal {
    /// The reason in English; also the text of `Invalid::NotAllowed`.
    pub fn en(self) -> &'static str {
        match self {
            Refusal::Loopback => "webhook URLs may not point to a loopback address",
            Refusal::Private => "webhook URLs may not point to a private network address",
            Refusal::LinkLocal => "webhook URLs may not point to a link-local or metadata address",
            Refusal::Unspecified => "webhook URLs may not point to an unspecified address",
            Refusal::Broadcast => "webhook URLs may not point to a broadcast address",
            Refusal::Multicast => "webhook URLs may not point to a multicast address",
            Refusal::SharedAddressSpace => "webhook URLs may not point to a carrier-grade NAT address",
            Refusal::Reserved => "webhook URLs may not point to a reserved address",
            Refusal::MetadataHost => "webhook URLs may not point to a cloud metadata service",
            Refusal::NotHttp => "webhook URLs must be http or https URLs with a host and without credentials",
            Refusal::Unresolvable => "the host name of the webhook URL could not be resolved",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Refusal::Loopback => "回调地址不能指向本机回环地址",
            Refusal::Private => "回调地址不能指向内网地址",
            Refusal::LinkLocal => "回调地址不能指向链路本地地址或元数据地址",
            Refusal::Unspecified => "回调地址不能指向未指定地址",
            Refusal::Broadcast => "回调地址不能指向广播地址",
            Refusal::Multicast => "回调地址不能指向组播地址",
            Refusal::SharedAddressSpace => "回调地址不能指向运营商级 NAT 地址",
            Refusal::Reserved => "回调地址不能指向保留地址",
            Refusal::MetadataHost => "回调地址不能指向云服务器元数据服务",
            Refusal::NotHttp => "回调地址须为带主机名的 http 或 https 地址，且不能包含用户名或密码",
            Refusal::Unresolvable => "回调地址的主机名无法解析",
        }
    }
}

#[cfg(test)]
const ALL: [Refusal; 11] = [
    Refusal::Loopback,
    Refusal::Private,
    Refusal::LinkLocal,
    Refusal::Unspecified,
    Refusal::Broadcast,
    Refusal::Multicast,
    Refusal::SharedAddressSpace,
    Refusal::Reserved,
    Refusal::MetadataHost,
    Refusal::NotHttp,
    Refusal::Unresolvable,
];

/// Host names of instance-metadata services, refused before any lookup (the names resolve to
/// link-local addresses inside a cloud, but a private resolver could map them elsewhere).
const METADATA_HOSTS: [&str; 7] = [
    "metadata",
    "metadata.google.internal",
    "metadata.goog",
    "metadata.azure.internal",
    "instance-data",
    "instance-data.ec2.internal",
    "metadata.tencentyun.com",
];

/// Whether a host name is refused by name alone: the metadata services. Every other name
/// (`localhost` included) is judged by the addresses it resolves to.
pub fn host_refusal(host: &str) -> Option<Refusal> {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    METADATA_HOSTS.contains(&host.as_str()).then_some(Refusal::MetadataHost)
}

/// The first refusal among the addresses a name resolves to. Every one must pass: a name with
/// one public and one internal address could be connected to either.
pub fn first_refusal(addrs: impl IntoIterator<Item = IpAddr>) -> Option<Refusal> {
    addrs.into_iter().find_map(refusal)
}

/// Why a webhook may not connect to `ip`, or `None` when it may (a public unicast address).
pub fn refusal(ip: IpAddr) -> Option<Refusal> {
    match ip {
        IpAddr::V4(v4) => v4_refusal(v4),
        IpAddr::V6(v6) => v6_refusal(v6),
    }
}

fn v4_refusal(ip: Ipv4Addr) -> Option<Refusal> {
    let [a, b, c, _] = ip.octets();
    Some(if ip.is_unspecified() || a == 0 {
        Refusal::Unspecified
    } else if ip.is_loopback() {
        Refusal::Loopback
    } else if ip.is_private() {
        Refusal::Private
    } else if ip.is_link_local() {
        Refusal::LinkLocal
    } else if ip.is_broadcast() {
        Refusal::Broadcast
    } else if ip.is_multicast() {
        Refusal::Multicast
    } else if a == 100 && (64..128).contains(&b) {
        Refusal::SharedAddressSpace
    } else if a >= 240
        || (a == 192 && b == 0 && c == 0)
        || (a == 192 && b == 0 && c == 2)
        || (a == 198 && (b == 18 || b == 19))
        || (a == 198 && b == 51 && c == 100)
        || (a == 203 && b == 0 && c == 113)
    {
        // Future use, IETF protocol assignments, benchmarking and documentation ranges.
        Refusal::Reserved
    } else {
        return None;
    })
}

fn v6_refusal(ip: Ipv6Addr) -> Option<Refusal> {
    // An IPv4 address inside IPv6 (mapped ::ffff:a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16)
    // reaches that IPv4 host, so it is judged as that host.
    if let Some(v4) = ip.to_ipv4_mapped() {
        return v4_refusal(v4);
    }
    let segments = ip.segments();
    if segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        let [_, _, _, _, _, _, _, _, _, _, _, _, a, b, c, d] = ip.octets();
        return v4_refusal(Ipv4Addr::new(a, b, c, d));
    }
    if segments[0] == 0x2002 {
        let [_, _, a, b, c, d, ..] = ip.octets();
        if let Some(refusal) = v4_refusal(Ipv4Addr::new(a, b, c, d)) {
            return Some(refusal);
        }
    }
    Some(if ip.is_unspecified() {
        Refusal::Unspecified
    } else if ip.is_loopback() {
        Refusal::Loopback
    } else if ip.is_multicast() {
        Refusal::Multicast
    } else if segments[0] & 0xfe00 == 0xfc00 {
        // Unique local addresses, fc00::/7: IPv6's private networks.
        Refusal::Private
    } else if segments[0] & 0xffc0 == 0xfe80 {
        Refusal::LinkLocal
    } else if segments[0] & 0xffc0 == 0xfec0 {
        // Site-local (deprecated, but still routed inside some networks).
        Refusal::Private
    } else if segments[..2] == [0x2001, 0xdb8] || segments[..6] == [0, 0, 0, 0, 0, 0] {
        // Documentation, and the old IPv4-compatible form ::a.b.c.d.
        Refusal::Reserved
    } else {
        return None;
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(text: &str) -> Option<Refusal> {
        refusal(text.parse().unwrap())
    }

    #[test]
    fn internal_ipv4_addresses_are_refused_with_their_reason() {
        assert_eq!(refused("127.0.0.1"), Some(Refusal::Loopback));
        assert_eq!(refused("127.255.0.9"), Some(Refusal::Loopback));
        for private in ["10.0.0.1", "172.16.5.4", "172.31.255.255", "192.168.1.1"] {
            assert_eq!(refused(private), Some(Refusal::Private), "{private}");
        }
        assert_eq!(refused("169.254.169.254"), Some(Refusal::LinkLocal));
        assert_eq!(refused("0.0.0.0"), Some(Refusal::Unspecified));
        assert_eq!(refused("0.1.2.3"), Some(Refusal::Unspecified));
        assert_eq!(refused("255.255.255.255"), Some(Refusal::Broadcast));
        assert_eq!(refused("224.0.0.1"), Some(Refusal::Multicast));
        assert_eq!(refused("100.64.0.1"), Some(Refusal::SharedAddressSpace));
        assert_eq!(refused("100.100.100.200"), Some(Refusal::SharedAddressSpace), "Alibaba Cloud metadata");
        assert_eq!(refused("240.0.0.1"), Some(Refusal::Reserved));
        assert_eq!(refused("192.0.2.10"), Some(Refusal::Reserved));
    }

    #[test]
    fn public_addresses_are_allowed() {
        for public in ["8.8.8.8", "114.114.114.114", "172.32.0.1", "100.128.0.1", "2400:3200::1", "2606:4700::1111"] {
            assert_eq!(refused(public), None, "{public}");
        }
    }

    #[test]
    fn internal_ipv6_addresses_and_ipv4_inside_ipv6_are_refused() {
        assert_eq!(refused("::1"), Some(Refusal::Loopback));
        assert_eq!(refused("::"), Some(Refusal::Unspecified));
        assert_eq!(refused("fc00::1"), Some(Refusal::Private));
        assert_eq!(refused("fd12:3456::1"), Some(Refusal::Private));
        assert_eq!(refused("fe80::1"), Some(Refusal::LinkLocal));
        assert_eq!(refused("ff02::1"), Some(Refusal::Multicast));
        assert_eq!(refused("::ffff:127.0.0.1"), Some(Refusal::Loopback));
        assert_eq!(refused("::ffff:169.254.169.254"), Some(Refusal::LinkLocal));
        assert_eq!(refused("::ffff:10.1.2.3"), Some(Refusal::Private));
        assert_eq!(refused("64:ff9b::a9fe:a9fe"), Some(Refusal::LinkLocal), "NAT64 of 169.254.169.254");
        assert_eq!(refused("2002:7f00:1::"), Some(Refusal::Loopback), "6to4 of 127.0.0.1");
        assert_eq!(refused("::ffff:8.8.8.8"), None);
    }

    #[test]
    fn metadata_names_are_refused_before_any_lookup() {
        assert_eq!(host_refusal("metadata.google.internal"), Some(Refusal::MetadataHost));
        assert_eq!(host_refusal("METADATA.tencentyun.com."), Some(Refusal::MetadataHost));
        assert_eq!(host_refusal("localhost"), None, "judged by what it resolves to");
        assert_eq!(host_refusal("hooks.example.com"), None);
    }

    #[test]
    fn one_internal_address_among_public_ones_refuses_the_name() {
        let public: IpAddr = "8.8.8.8".parse().unwrap();
        let private: IpAddr = "192.168.0.10".parse().unwrap();
        assert_eq!(first_refusal([public, public]), None);
        assert_eq!(first_refusal([public, private]), Some(Refusal::Private));
    }

    #[test]
    fn every_reason_has_a_chinese_text() {
        for r in ALL {
            assert!(r.zh().chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{}", r.en());
        }
    }
}
