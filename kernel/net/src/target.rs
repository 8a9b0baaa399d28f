//! Checking one hop's URL before anything is sent: scheme, grant, and the
//! SSRF rules that can be decided without DNS.
//!
//! Owns: parsing the URL (the `url` crate normalises `http://2130706433/`,
//! `http://0x7f.1/` and `http://127.1/` to `127.0.0.1`, so every IPv4 spelling
//! arrives here as an address), matching it against the grant, refusing IP
//! literals of internal addresses (they never reach the resolver) and refused
//! names.
//!
//! Must never: pass a URL with an internal IP literal unless the grant opens
//! private addresses for exactly that host. Names are checked again, by address,
//! in [`crate::resolver`].

use url::{Host, Url};

use crate::{Grant, NetError, address, names};

/// A URL that passed every check that does not need DNS.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    pub(crate) url: Url,
    /// `(scheme, host, port)`, to tell when a redirect changes origin.
    pub(crate) origin: (String, String, u16),
}

/// Parses `url` and checks it against `grant`.
pub(crate) fn check_str(url: &str, grant: &Grant) -> Result<Target, NetError> {
    let parsed = Url::parse(url).map_err(|err| NetError::InvalidUrl {
        url: url.to_owned(),
        reason: format!("{err}; give an absolute URL such as https://api.example.com/path"),
    })?;
    check(parsed, grant)
}

/// Checks an already-parsed URL (a redirect target) against `grant`.
pub(crate) fn check(url: Url, grant: &Grant) -> Result<Target, NetError> {
    let invalid = |reason: &str| NetError::InvalidUrl {
        url: url.to_string(),
        reason: reason.to_owned(),
    };
    let scheme = url.scheme().to_owned();
    if scheme != "http" && scheme != "https" {
        return Err(invalid("only http:// and https:// URLs can be fetched"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(
            "credentials in the URL are not allowed; send them in an Authorization header",
        ));
    }
    let (host, is_domain) = match url.host() {
        Some(Host::Domain(domain)) => (domain.trim_end_matches('.').to_owned(), true),
        Some(_) => (url.host_str().unwrap_or_default().to_owned(), false),
        None => return Err(invalid("the URL has no host")),
    };
    if host.is_empty() {
        return Err(invalid("the URL has no host"));
    }
    let port = url
        .port_or_known_default()
        .ok_or_else(|| invalid("the URL has no port"))?;

    if grant.rule_for(&scheme, &host, is_domain, port).is_none() {
        return Err(NetError::NotGranted {
            host,
            scheme,
            port,
            granted: grant.describe(),
        });
    }
    if !grant.private_ok(&host) {
        refuse_internal(&url, &host)?;
    }
    Ok(Target {
        origin: (scheme, host, port),
        url,
    })
}

/// Refuses an internal IP literal or a refused name.
fn refuse_internal(url: &Url, host: &str) -> Result<(), NetError> {
    let ip = match url.host() {
        Some(Host::Ipv4(v4)) => Some(std::net::IpAddr::V4(v4)),
        Some(Host::Ipv6(v6)) => Some(std::net::IpAddr::V6(v6)),
        _ => None,
    };
    if let Some(ip) = ip {
        if let Some(what) = address::refusal(ip) {
            return Err(NetError::PrivateAddress {
                host: host.to_owned(),
                what,
            });
        }
    } else if let Some(what) = names::refused(host) {
        return Err(NetError::ForbiddenName {
            host: host.to_owned(),
            what,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ralex_caps::ErrorKind;

    fn grant(rules: &[&str]) -> Grant {
        Grant::parse(rules).unwrap()
    }

    #[test]
    fn every_ipv4_spelling_of_loopback_is_refused() {
        let grant = grant(&["http://127.0.0.1"]);
        for url in [
            "http://127.0.0.1/",
            "http://2130706433/",
            "http://0x7f.1/",
            "http://0x7f000001/",
            "http://127.1/",
            "http://0177.0.0.1/",
        ] {
            let err = check_str(url, &grant).expect_err(url);
            assert_eq!(err.kind(), ErrorKind::Denied, "{url}");
            assert!(err.to_string().contains("loopback"), "{url}: {err}");
        }
    }

    #[test]
    fn grant_is_checked_before_addresses() {
        let err = check_str("https://evil.com/x", &grant(&["https://api.github.com"])).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Denied);
        assert_eq!(
            err.to_string(),
            "host evil.com (https, port 443) is not in this plugin's http grant \
             (granted: https://api.github.com:443); add it to the plugin's policy grant"
        );
    }

    #[test]
    fn refuses_other_schemes_and_credentials() {
        let grant = grant(&["https://example.com"]);
        for url in [
            "ftp://example.com/",
            "file:///etc/passwd",
            "https://u:p@example.com/",
            "not a url",
        ] {
            let err = check_str(url, &grant).expect_err(url);
            assert_eq!(err.kind(), ErrorKind::InvalidInput, "{url}");
        }
    }

    #[test]
    fn trailing_dot_names_the_same_host() {
        let grant = grant(&["https://api.github.com"]);
        assert!(check_str("https://api.github.com./x", &grant).is_ok());
        let local =
            check_str("http://localhost./", &self::grant(&["http://localhost"])).unwrap_err();
        assert!(local.to_string().contains("loopback"), "{local}");
    }
}
