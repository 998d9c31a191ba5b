//! The client's address when requests arrive through reverse proxies.
//!
//! The TCP peer of a request behind a proxy is the proxy. Proxies append the address
//! they received the request from to `X-Forwarded-For`, so the header reads
//! `client, proxy1, proxy2, …` with the peer itself not in it. Anyone can send the
//! header, so only entries added by proxies we trust count: starting from the peer and
//! walking the header right to left, every trusted address is a hop to skip and the
//! first untrusted one is the client. A peer we do not trust is the client, whatever
//! the header says.
//!
//! The proxies are `TRUSTED_PROXIES`: comma-separated addresses or CIDR ranges, IPv4 or
//! IPv6. Empty (the default) trusts nobody, and the header is ignored.

use axum::http::HeaderMap;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

pub const FORWARDED_FOR: &str = "x-forwarded-for";

/// An address range: `addr/prefix`, with no bits set past the prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Cidr {
    addr: IpAddr,
    prefix: u8,
}

impl Cidr {
    fn parse(entry: &str) -> Result<Self, String> {
        let (addr, prefix) = match entry.split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix)),
            None => (entry, None),
        };
        let addr: IpAddr = addr
            .parse()
            .map_err(|_| format!("{entry:?} is not an IP address or CIDR range"))?;
        let addr = addr.to_canonical();
        let bits = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => bits,
            Some(raw) => match raw.parse::<u8>() {
                Ok(n) if n <= bits && raw.bytes().all(|b| b.is_ascii_digit()) => n,
                _ => {
                    return Err(format!(
                        "{entry:?}: the prefix length must be a whole number from 0 to {bits}"
                    ));
                }
            },
        };
        let cidr = Self { addr, prefix };
        if cidr.network() != addr {
            return Err(format!(
                "{entry:?} has address bits set past /{prefix}: did you mean {}/{prefix}?",
                cidr.network()
            ));
        }
        Ok(cidr)
    }

    /// The range's first address (`addr` with the bits past the prefix cleared).
    fn network(&self) -> IpAddr {
        match self.addr {
            IpAddr::V4(v4) => Ipv4Addr::from(u32::from(v4) & mask_v4(self.prefix)).into(),
            IpAddr::V6(v6) => Ipv6Addr::from(u128::from(v6) & mask_v6(self.prefix)).into(),
        }
    }

    fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                u32::from(ip) & mask_v4(self.prefix) == u32::from(net)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                u128::from(ip) & mask_v6(self.prefix) == u128::from(net)
            }
            _ => false,
        }
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

fn mask_v4(prefix: u8) -> u32 {
    u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0)
}

fn mask_v6(prefix: u8) -> u128 {
    u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0)
}

/// The reverse proxies whose `X-Forwarded-For` entries are believed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies {
    ranges: Vec<Cidr>,
}

impl TrustedProxies {
    /// Trusts nobody: the peer address is the client.
    pub fn none() -> Self {
        Self::default()
    }

    /// `TRUSTED_PROXIES`: comma-separated IP addresses or CIDR ranges (`10.0.0.0/8`,
    /// `2001:db8::/32`, `192.0.2.7`). Empty trusts nobody. Every entry must be valid:
    /// a typo here would otherwise silently trust too much or too little.
    pub fn parse(raw: &str) -> Result<Self, String> {
        if raw.trim().is_empty() {
            return Ok(Self::none());
        }
        let mut ranges = Vec::new();
        let mut problems = Vec::new();
        for (position, entry) in raw.split(',').map(str::trim).enumerate() {
            if entry.is_empty() {
                problems.push(format!("entry {} is empty", position + 1));
                continue;
            }
            match Cidr::parse(entry) {
                Ok(cidr) => ranges.push(cidr),
                Err(problem) => problems.push(problem),
            }
        }
        if problems.is_empty() {
            Ok(Self { ranges })
        } else {
            Err(problems.join("; "))
        }
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    pub fn trusts(&self, ip: IpAddr) -> bool {
        self.ranges.iter().any(|range| range.contains(ip))
    }

    /// The client's address, from the TCP `peer` and the request's headers.
    ///
    /// A peer we do not trust is the client (its `X-Forwarded-For` is ignored). Otherwise
    /// the header's entries are walked from the right, skipping trusted hops; the first
    /// untrusted address is the client. An entry that is not an address (`unknown`,
    /// garbage, an empty item) ends the walk: what lies left of it cannot be attributed,
    /// so the last trusted hop reached stands for the client. If every entry is trusted,
    /// the leftmost one is the client.
    pub fn client_ip(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = peer.to_canonical();
        if !self.trusts(peer) {
            return peer;
        }
        // Several header lines are one list, in order.
        let mut entries = Vec::new();
        for value in headers.get_all(FORWARDED_FOR) {
            match value.to_str() {
                Ok(text) => entries.extend(text.split(',').map(str::trim)),
                Err(_) => entries.push(""), // not text: not an address
            }
        }
        let mut client = peer;
        for entry in entries.into_iter().rev() {
            let Some(ip) = parse_forwarded_entry(entry) else {
                break;
            };
            client = ip;
            if !self.trusts(ip) {
                break;
            }
        }
        client
    }
}

impl fmt::Display for TrustedProxies {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ranges: Vec<String> = self.ranges.iter().map(Cidr::to_string).collect();
        write!(f, "{}", ranges.join(","))
    }
}

/// One `X-Forwarded-For` item: an address, or an address with a port as some proxies
/// write it (`192.0.2.1:4711`, `[2001:db8::1]:4711`, `[2001:db8::1]`).
fn parse_forwarded_entry(entry: &str) -> Option<IpAddr> {
    if let Ok(ip) = entry.parse::<IpAddr>() {
        return Some(ip.to_canonical());
    }
    if let Ok(socket) = entry.parse::<std::net::SocketAddr>() {
        return Some(socket.ip().to_canonical());
    }
    entry
        .strip_prefix('[')
        .and_then(|rest| rest.strip_suffix(']'))
        .and_then(|inner| inner.parse::<Ipv6Addr>().ok())
        .map(|v6| IpAddr::V6(v6).to_canonical())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(FORWARDED_FOR, HeaderValue::from_str(value).unwrap());
        }
        headers
    }

    fn proxies(raw: &str) -> TrustedProxies {
        TrustedProxies::parse(raw).unwrap()
    }

    #[test]
    fn addresses_and_ranges_parse_strictly() {
        assert!(TrustedProxies::parse("").unwrap().is_empty());
        assert!(TrustedProxies::parse("  ").unwrap().is_empty());
        let parsed = proxies(" 10.0.0.0/8, 192.0.2.7 ,2001:db8::/32, ::1, 0.0.0.0/0");
        assert_eq!(
            parsed.to_string(),
            "10.0.0.0/8,192.0.2.7/32,2001:db8::/32,::1/128,0.0.0.0/0"
        );
        for (raw, says) in [
            ("10.0.0.0/33", "from 0 to 32"),
            ("2001:db8::/129", "from 0 to 128"),
            ("10.0.0.0/", "from 0 to 32"),
            ("10.0.0.0/+8", "from 0 to 32"),
            ("10.0.0.1/8", "did you mean 10.0.0.0/8?"),
            ("2001:db8::1/32", "did you mean 2001:db8::/32?"),
            ("proxy.internal", "not an IP address"),
            ("10.0.0", "not an IP address"),
            ("10.0.0.0/8,,192.0.2.1", "entry 2 is empty"),
            ("10.0.0.0/8,", "entry 2 is empty"),
        ] {
            let err = TrustedProxies::parse(raw).unwrap_err();
            assert!(err.contains(says), "{raw:?}: {err}");
        }
        let both = TrustedProxies::parse("nope, 10.0.0.1/8").unwrap_err();
        assert!(
            both.contains("nope") && both.contains("10.0.0.1/8"),
            "{both}"
        );
    }

    #[test]
    fn ranges_match_by_prefix() {
        let p = proxies("10.0.0.0/8,172.16.0.0/12,2001:db8:abcd::/48,192.0.2.7");
        for inside in [
            "10.0.0.0",
            "10.255.255.255",
            "172.31.1.1",
            "2001:db8:abcd:12::1",
            "192.0.2.7",
            // An IPv4 address as a dual-stack socket reports it.
            "::ffff:10.1.2.3",
        ] {
            assert!(p.trusts(ip(inside)), "{inside}");
        }
        for outside in [
            "11.0.0.0",
            "172.32.0.1",
            "2001:db8:abce::1",
            "192.0.2.8",
            "::ffff:11.1.2.3",
        ] {
            assert!(!p.trusts(ip(outside)), "{outside}");
        }
        assert!(proxies("0.0.0.0/0").trusts(ip("203.0.113.1")));
        assert!(!proxies("0.0.0.0/0").trusts(ip("2001:db8::1")));
        assert!(proxies("::/0").trusts(ip("2001:db8::1")));
        assert!(!TrustedProxies::none().trusts(ip("127.0.0.1")));
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_claims() {
        let p = proxies("10.0.0.0/8");
        let spoofed = forwarded(&["198.51.100.1"]);
        assert_eq!(p.client_ip(ip("203.0.113.9"), &spoofed), ip("203.0.113.9"));
        // Nobody trusted (the default): the header never counts.
        assert_eq!(
            TrustedProxies::none().client_ip(ip("10.0.0.5"), &spoofed),
            ip("10.0.0.5")
        );
    }

    #[test]
    fn a_trusted_peer_hands_over_the_address_it_saw() {
        let p = proxies("10.0.0.0/8");
        assert_eq!(
            p.client_ip(ip("10.0.0.5"), &forwarded(&["198.51.100.1"])),
            ip("198.51.100.1")
        );
        // No header: the proxy is all we know.
        assert_eq!(
            p.client_ip(ip("10.0.0.5"), &HeaderMap::new()),
            ip("10.0.0.5")
        );
    }

    #[test]
    fn a_chain_of_proxies_is_walked_from_the_right() {
        // client → CDN edge (trusted range) → load balancer (10/8) → us.
        let p = proxies("10.0.0.0/8, 104.16.0.0/13");
        let chain = forwarded(&["203.0.113.50, 104.22.17.40"]);
        assert_eq!(p.client_ip(ip("10.21.157.68"), &chain), ip("203.0.113.50"));
        // Whatever the client wrote before its real address is left alone: the walk stops
        // at the first untrusted address from the right.
        let spoofed = forwarded(&["1.2.3.4, 10.9.9.9, 203.0.113.50, 104.22.17.40"]);
        assert_eq!(
            p.client_ip(ip("10.21.157.68"), &spoofed),
            ip("203.0.113.50")
        );
        // Header lines are one list.
        let lines = forwarded(&["198.51.100.7", "10.1.1.1"]);
        assert_eq!(p.client_ip(ip("10.0.0.2"), &lines), ip("198.51.100.7"));
        // Only trusted addresses: the farthest one is the client.
        let internal = forwarded(&["10.3.3.3, 10.2.2.2"]);
        assert_eq!(p.client_ip(ip("10.0.0.2"), &internal), ip("10.3.3.3"));
    }

    #[test]
    fn garbage_ends_the_walk_at_the_last_trusted_hop() {
        let p = proxies("10.0.0.0/8");
        for header in [
            "unknown",
            "",
            "198.51.100.1, not-an-ip",
            "198.51.100.1,,",
            "198.51.100.1, 10.0.0.9, <script>",
            "999.1.1.1",
        ] {
            assert_eq!(
                p.client_ip(ip("10.0.0.2"), &forwarded(&[header])),
                ip("10.0.0.2"),
                "{header:?}"
            );
        }
        assert_eq!(
            p.client_ip(
                ip("10.0.0.2"),
                &forwarded(&["198.51.100.1, junk, 10.0.0.9"])
            ),
            ip("10.0.0.9"),
            "the hop that passed the junk on stands for the client"
        );
        assert_eq!(
            p.client_ip(ip("10.0.0.2"), &forwarded(&["garbage, 198.51.100.1"])),
            ip("198.51.100.1"),
            "garbage left of the client does not matter"
        );
        let mut not_text = HeaderMap::new();
        not_text.append(
            FORWARDED_FOR,
            HeaderValue::from_bytes(b"198.51.100.1\xff").unwrap(),
        );
        assert_eq!(p.client_ip(ip("10.0.0.2"), &not_text), ip("10.0.0.2"));
    }

    #[test]
    fn ipv6_and_ports_are_understood() {
        let p = proxies("fd00::/8, 10.0.0.0/8");
        assert_eq!(
            p.client_ip(ip("fd12::1"), &forwarded(&["2001:db8::7"])),
            ip("2001:db8::7")
        );
        assert_eq!(
            p.client_ip(ip("fd12::1"), &forwarded(&["[2001:db8::7]:4711"])),
            ip("2001:db8::7")
        );
        assert_eq!(
            p.client_ip(ip("fd12::1"), &forwarded(&["[2001:db8::7]"])),
            ip("2001:db8::7")
        );
        assert_eq!(
            p.client_ip(ip("10.0.0.1"), &forwarded(&["198.51.100.1:5555"])),
            ip("198.51.100.1")
        );
        // A dual-stack listener reports IPv4 peers as mapped IPv6; they match IPv4
        // ranges and come out as plain IPv4.
        assert_eq!(
            p.client_ip(ip("::ffff:10.0.0.1"), &forwarded(&["::ffff:198.51.100.1"])),
            ip("198.51.100.1")
        );
        assert_eq!(
            TrustedProxies::none().client_ip(ip("::ffff:203.0.113.1"), &HeaderMap::new()),
            ip("203.0.113.1")
        );
    }
}
