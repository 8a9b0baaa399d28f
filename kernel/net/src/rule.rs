//! One entry of an `http` grant: a scheme, a host (or `*.` subdomain wildcard)
//! and a port.
//!
//! Owns: parsing rules from manifest/policy text and matching a URL's scheme,
//! host and port against them. Hosts are normalised exactly as URLs are (by the
//! `url` crate: lower case, IDNA, IP literals canonicalised), so a rule and a URL
//! naming the same host always compare equal.
//!
//! Must never: let a wildcard match the bare domain, a different domain that
//! merely ends in the same letters (`evilexample.com`), or an IP address.

use std::fmt;

use url::{Host, Url};

use crate::NetError;

/// One granted origin: `scheme://host:port`, or every subdomain with `*.`.
///
/// Written as `https://api.github.com`, `api.example.com:8443` (scheme defaults
/// to `https`), `http://10.0.0.5:8080` or `*.example.com`. A wildcard matches any
/// name *below* the domain, at any depth (`a.example.com`, `a.b.example.com`) but
/// not `example.com` itself; it is never a way to reach private addresses. No
/// port means the scheme's default (443 for https, 80 for http).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HostRule {
    scheme: String,
    host: String,
    port: Option<u16>,
}

impl HostRule {
    /// Parses a rule; see the type's documentation for the accepted forms.
    pub fn parse(text: &str) -> Result<HostRule, NetError> {
        let invalid = |reason: &str| NetError::InvalidRule {
            rule: text.to_owned(),
            reason: reason.to_owned(),
        };
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(invalid("the rule is empty"));
        }
        let (scheme, rest) = match trimmed.split_once("://") {
            Some((scheme, rest)) => (scheme.to_ascii_lowercase(), rest),
            None => ("https".to_owned(), trimmed),
        };
        if scheme != "http" && scheme != "https" {
            return Err(invalid("only http and https can be granted"));
        }
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        if rest.contains(['/', '?', '#', '@']) {
            return Err(invalid(
                "a rule names a host and optional port, not a path, query or credentials",
            ));
        }
        let (wildcard, rest) = match rest.strip_prefix("*.") {
            Some(rest) => (true, rest),
            None => (false, rest),
        };
        if rest.contains('*') {
            return Err(invalid(
                "`*` is only allowed as a whole first label, as in `*.example.com`",
            ));
        }
        let url = Url::parse(&format!("{scheme}://{rest}/"))
            .map_err(|err| invalid(&format!("the host does not parse ({err})")))?;
        let host = match url.host() {
            Some(Host::Domain(domain)) => domain.trim_end_matches('.').to_owned(),
            Some(_) if wildcard => {
                return Err(invalid("a wildcard needs a domain name, not an IP address"));
            }
            Some(_) => url.host_str().unwrap_or_default().to_owned(),
            None => return Err(invalid("there is no host")),
        };
        if host.is_empty() {
            return Err(invalid("there is no host"));
        }
        let host = if wildcard { format!("*.{host}") } else { host };
        Ok(HostRule {
            scheme,
            host,
            port: url.port(),
        })
    }

    /// `http` or `https`.
    pub fn scheme(&self) -> &str {
        &self.scheme
    }

    /// The host as normalised, `*.`-prefixed for a wildcard, `[...]` for IPv6.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The explicit port, or `None` for the scheme's default.
    pub fn port(&self) -> Option<u16> {
        self.port
    }

    /// Whether this rule is a `*.` subdomain wildcard.
    pub fn is_wildcard(&self) -> bool {
        self.host.starts_with("*.")
    }

    /// The port this rule grants (explicit, or the scheme's default).
    pub fn effective_port(&self) -> u16 {
        self.port
            .unwrap_or(if self.scheme == "http" { 80 } else { 443 })
    }

    /// Whether a URL with this scheme, normalised host and port is granted.
    /// `host_is_domain` is false for IP literals, which wildcards never match.
    pub(crate) fn matches(
        &self,
        scheme: &str,
        host: &str,
        host_is_domain: bool,
        port: u16,
    ) -> bool {
        if self.scheme != scheme || self.effective_port() != port {
            return false;
        }
        match self.host.strip_prefix("*.") {
            Some(domain) => {
                host_is_domain
                    && host.len() > domain.len() + 1
                    && host.ends_with(domain)
                    && host.as_bytes()[host.len() - domain.len() - 1] == b'.'
            }
            None => self.host == host,
        }
    }
}

impl fmt::Display for HostRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}://{}:{}",
            self.scheme,
            self.host,
            self.effective_port()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(text: &str) -> HostRule {
        HostRule::parse(text).unwrap()
    }

    #[test]
    fn parses_the_documented_forms() {
        let github = rule("https://api.github.com");
        assert_eq!(
            (github.scheme(), github.host(), github.port()),
            ("https", "api.github.com", None)
        );
        let example = rule("API.Example.com:8443");
        assert_eq!(
            (example.scheme(), example.host(), example.port()),
            ("https", "api.example.com", Some(8443))
        );
        let plain = rule("http://10.0.0.5:8080/");
        assert_eq!(
            (plain.scheme(), plain.host(), plain.port()),
            ("http", "10.0.0.5", Some(8080))
        );
        assert_eq!(rule("http://[::1]:9000").host(), "[::1]");
        assert!(rule("*.example.com").is_wildcard());
        assert_eq!(rule("https://api.github.com:443").port(), None);
    }

    #[test]
    fn refuses_malformed_rules() {
        for bad in [
            "",
            "ftp://example.com",
            "https://example.com/path",
            "https://user@example.com",
            "*",
            "*.",
            "a.*.example.com",
            "*example.com",
            "*.10.0.0.1",
            "https://exa mple.com",
            "example.com:99999",
        ] {
            let err = HostRule::parse(bad).expect_err(bad);
            assert_eq!(err.kind(), ralex_caps::ErrorKind::InvalidInput, "{bad}");
        }
    }

    #[test]
    fn exact_rules_match_scheme_host_and_port() {
        let github = rule("https://api.github.com");
        assert!(github.matches("https", "api.github.com", true, 443));
        assert!(!github.matches("http", "api.github.com", true, 80));
        assert!(!github.matches("https", "api.github.com", true, 8443));
        assert!(!github.matches("https", "github.com", true, 443));
        assert!(!github.matches("https", "xapi.github.com", true, 443));
    }

    #[test]
    fn wildcards_match_subdomains_only() {
        let any = rule("*.example.com");
        assert!(any.matches("https", "api.example.com", true, 443));
        assert!(any.matches("https", "a.b.example.com", true, 443));
        assert!(!any.matches("https", "example.com", true, 443));
        assert!(!any.matches("https", "evilexample.com", true, 443));
        assert!(!any.matches("https", "example.com.evil.org", true, 443));
        assert!(!any.matches("http", "api.example.com", true, 80));
        assert!(!any.matches("https", "1.example.com", false, 443));
    }
}
