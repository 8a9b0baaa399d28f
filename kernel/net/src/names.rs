//! Host names that always mean this machine or a cloud metadata service.
//!
//! Owns: refusing those names before any lookup, so the message is clear and no
//! query leaks. The resolver's address check would refuse most of them anyway;
//! this list is the first line, not the only one.

/// What a refused name stands for, or `None`. `host` is lower case, without a
/// trailing dot.
pub(crate) fn refused(host: &str) -> Option<&'static str> {
    const THIS_MACHINE: &str = "a name for this machine (loopback)";
    match host {
        "localhost" | "localhost.localdomain" | "ip6-localhost" | "ip6-loopback" => {
            Some(THIS_MACHINE)
        }
        "metadata.google.internal" | "metadata" => Some("the cloud metadata service"),
        // RFC 6761: every name under .localhost is loopback.
        _ if host.ends_with(".localhost") => Some(THIS_MACHINE),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::refused;

    #[test]
    fn refuses_this_machine_and_metadata_names() {
        for name in [
            "localhost",
            "app.localhost",
            "ip6-localhost",
            "metadata.google.internal",
        ] {
            assert!(refused(name).is_some(), "{name}");
        }
        for name in ["api.github.com", "localhost.example.com", "notlocalhost"] {
            assert!(refused(name).is_none(), "{name}");
        }
    }
}
