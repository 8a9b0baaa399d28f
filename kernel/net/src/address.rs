//! Which IP addresses a plugin may never reach: this machine, private and
//! internal networks, and the special-purpose ranges.
//!
//! Owns: the classification of an address, including IPv4 addresses embedded in
//! IPv6 (mapped `::ffff:a.b.c.d`, compatible `::a.b.c.d`, NAT64 `64:ff9b::/96`,
//! 6to4 `2002::/16`), which are judged by the IPv4 address they carry.
//!
//! Must never: call an address public because it is written in an unusual form;
//! callers pass `std::net` addresses, already parsed and canonical.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Why an address is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AddressClass {
    Unspecified,
    Loopback,
    Private,
    LinkLocal,
    CloudMetadata,
    SharedCgnat,
    Multicast,
    Broadcast,
    Documentation,
    Reserved,
}

impl AddressClass {
    /// "a loopback address", for messages.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            AddressClass::Unspecified => "an unspecified (\"this host\") address",
            AddressClass::Loopback => "a loopback address",
            AddressClass::Private => "a private-network address",
            AddressClass::LinkLocal => "a link-local address",
            AddressClass::CloudMetadata => "the cloud metadata service address",
            AddressClass::SharedCgnat => "a carrier-grade NAT (shared) address",
            AddressClass::Multicast => "a multicast address",
            AddressClass::Broadcast => "the broadcast address",
            AddressClass::Documentation => "a documentation-only address",
            AddressClass::Reserved => "a reserved special-purpose address",
        }
    }
}

/// The class of a refused address, or `None` for an ordinary public address.
pub(crate) fn classify(ip: IpAddr) -> Option<AddressClass> {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => classify_v6(v6),
    }
}

/// `"::ffff:127.0.0.1 is a loopback address (it embeds 127.0.0.1)"`, or `None`.
pub(crate) fn refusal(ip: IpAddr) -> Option<String> {
    let class = classify(ip)?;
    let embedded = match ip {
        IpAddr::V6(v6) => embedded_v4(v6)
            .map(|v4| format!(" (it embeds the IPv4 address {v4})"))
            .unwrap_or_default(),
        IpAddr::V4(_) => String::new(),
    };
    Some(format!("{ip} is {}{embedded}", class.describe()))
}

fn classify_v4(ip: Ipv4Addr) -> Option<AddressClass> {
    let [a, b, c, d] = ip.octets();
    let class = match (a, b, c, d) {
        (0, ..) => AddressClass::Unspecified,
        (127, ..) => AddressClass::Loopback,
        (10, ..) => AddressClass::Private,
        (172, 16..=31, ..) => AddressClass::Private,
        (192, 168, ..) => AddressClass::Private,
        (169, 254, 169, 254) => AddressClass::CloudMetadata,
        (169, 254, ..) => AddressClass::LinkLocal,
        (100, 64..=127, ..) => AddressClass::SharedCgnat,
        (255, 255, 255, 255) => AddressClass::Broadcast,
        (224..=239, ..) => AddressClass::Multicast,
        (240..=255, ..) => AddressClass::Reserved,
        (192, 0, 2, _) | (198, 51, 100, _) | (203, 0, 113, _) => AddressClass::Documentation,
        // IETF protocol assignments, benchmarking, the old 6to4 relay anycast.
        (192, 0, 0, _) | (198, 18..=19, ..) | (192, 88, 99, _) => AddressClass::Reserved,
        _ => return None,
    };
    Some(class)
}

fn classify_v6(ip: Ipv6Addr) -> Option<AddressClass> {
    if ip.is_unspecified() {
        return Some(AddressClass::Unspecified);
    }
    if ip.is_loopback() {
        return Some(AddressClass::Loopback);
    }
    if let Some(v4) = embedded_v4(ip) {
        return classify_v4(v4);
    }
    let segments = ip.segments();
    let class = match segments {
        // AWS's IPv6 instance metadata endpoint (inside the unique-local range).
        [0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x0254] => AddressClass::CloudMetadata,
        [first, ..] if first & 0xfe00 == 0xfc00 => AddressClass::Private,
        [first, ..] if first & 0xffc0 == 0xfe80 => AddressClass::LinkLocal,
        // Site-local, deprecated but still routed privately by some networks.
        [first, ..] if first & 0xffc0 == 0xfec0 => AddressClass::Private,
        [first, ..] if first & 0xff00 == 0xff00 => AddressClass::Multicast,
        [0x2001, 0x0db8, ..] => AddressClass::Documentation,
        // Teredo tunnels (the IPv4 endpoints are obfuscated) and the discard prefix.
        [0x2001, 0, ..] | [0x0100, 0, 0, 0, ..] => AddressClass::Reserved,
        _ => return None,
    };
    Some(class)
}

/// The IPv4 address an IPv6 address stands for, in the forms that reach it.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let low = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    match s {
        // IPv4-mapped ::ffff:a.b.c.d and IPv4-translated ::ffff:0:a.b.c.d.
        [0, 0, 0, 0, 0, 0xffff, ..] | [0, 0, 0, 0, 0xffff, 0, ..] => Some(low),
        // IPv4-compatible ::a.b.c.d (deprecated; :: and ::1 are handled before).
        [0, 0, 0, 0, 0, 0, ..] => Some(low),
        // NAT64 well-known prefix 64:ff9b::/96 and local-use 64:ff9b:1::/48.
        [0x64, 0xff9b, 0, 0, 0, 0, ..] => Some(low),
        [0x64, 0xff9b, 1, ..] => Some(low),
        // 6to4: 2002:AABB:CCDD::/48 carries AA.BB.CC.DD.
        [0x2002, high, low16, ..] => Some(Ipv4Addr::new(
            (high >> 8) as u8,
            high as u8,
            (low16 >> 8) as u8,
            low16 as u8,
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(text: &str) -> Option<AddressClass> {
        classify(text.parse().unwrap())
    }

    #[test]
    fn refuses_internal_ipv4() {
        use AddressClass::*;
        for (ip, expected) in [
            ("127.0.0.1", Loopback),
            ("127.255.0.9", Loopback),
            ("0.0.0.0", Unspecified),
            ("10.0.0.1", Private),
            ("172.16.0.1", Private),
            ("172.31.255.255", Private),
            ("192.168.1.1", Private),
            ("169.254.169.254", CloudMetadata),
            ("169.254.1.1", LinkLocal),
            ("100.64.0.1", SharedCgnat),
            ("100.127.255.255", SharedCgnat),
            ("224.0.0.1", Multicast),
            ("255.255.255.255", Broadcast),
            ("240.0.0.1", Reserved),
            ("192.0.2.10", Documentation),
        ] {
            assert_eq!(class(ip), Some(expected), "{ip}");
        }
    }

    #[test]
    fn refuses_internal_ipv6_and_embedded_ipv4() {
        use AddressClass::*;
        for (ip, expected) in [
            ("::1", Loopback),
            ("::", Unspecified),
            ("::ffff:127.0.0.1", Loopback),
            ("::ffff:0:127.0.0.1", Loopback),
            ("::127.0.0.1", Loopback),
            ("::ffff:169.254.169.254", CloudMetadata),
            ("::ffff:10.1.2.3", Private),
            ("64:ff9b::7f00:1", Loopback),
            ("2002:7f00:1::", Loopback),
            ("2002:a00:1::1", Private),
            ("fc00::1", Private),
            ("fd12:3456::1", Private),
            ("fd00:ec2::254", CloudMetadata),
            ("fe80::1", LinkLocal),
            ("fec0::1", Private),
            ("ff02::1", Multicast),
            ("2001:db8::1", Documentation),
            ("2001:0:4136:e378::1", Reserved),
        ] {
            assert_eq!(class(ip), Some(expected), "{ip}");
        }
    }

    #[test]
    fn lets_public_addresses_through() {
        for ip in [
            "1.1.1.1",
            "8.8.8.8",
            "140.82.112.3",
            "172.32.0.1",
            "100.128.0.1",
            "169.255.0.1",
            "2606:4700:4700::1111",
            "2a00:1450:4001::200e",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
            "2002:808:808::1",
        ] {
            assert_eq!(class(ip), None, "{ip}");
        }
    }

    #[test]
    fn refusals_name_the_address_and_its_class() {
        assert_eq!(
            refusal("127.0.0.1".parse().unwrap()).unwrap(),
            "127.0.0.1 is a loopback address"
        );
        assert_eq!(
            refusal("::ffff:127.0.0.1".parse().unwrap()).unwrap(),
            "::ffff:127.0.0.1 is a loopback address (it embeds the IPv4 address 127.0.0.1)"
        );
        assert_eq!(refusal("8.8.8.8".parse().unwrap()), None);
    }
}
