//! A plugin's `http` grant: the hosts it may reach, and whether private
//! addresses are open to the hosts it names exactly.
//!
//! Owns: deciding whether a URL's origin is granted, and which host names may
//! resolve to private addresses.
//!
//! Must never: open private addresses through a wildcard rule, or by default.

use crate::{HostRule, NetError};

/// What a plugin may reach over `http`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grant {
    /// The granted origins; a request must match one of them.
    pub hosts: Vec<HostRule>,
    /// Lets hosts named *exactly* by a rule (not through a wildcard) be, or
    /// resolve to, loopback, private, link-local and other internal addresses.
    /// Only true when the policy explicitly grants it.
    pub allow_private: bool,
}

impl Grant {
    /// A grant of the given rules, without private addresses.
    pub fn new(hosts: Vec<HostRule>) -> Grant {
        Grant {
            hosts,
            allow_private: false,
        }
    }

    /// Parses every rule (see [`HostRule::parse`]); private addresses stay closed.
    pub fn parse<S: AsRef<str>>(rules: &[S]) -> Result<Grant, NetError> {
        let hosts = rules
            .iter()
            .map(|rule| HostRule::parse(rule.as_ref()))
            .collect::<Result<_, _>>()?;
        Ok(Grant::new(hosts))
    }

    /// The rule granting this origin, if any.
    pub(crate) fn rule_for(
        &self,
        scheme: &str,
        host: &str,
        host_is_domain: bool,
        port: u16,
    ) -> Option<&HostRule> {
        self.hosts
            .iter()
            .find(|rule| rule.matches(scheme, host, host_is_domain, port))
    }

    /// Whether `host` (normalised) may be, or resolve to, a private address:
    /// `allow_private` is set and a non-wildcard rule names it.
    pub(crate) fn private_ok(&self, host: &str) -> bool {
        self.allow_private
            && self
                .hosts
                .iter()
                .any(|rule| !rule.is_wildcard() && rule.host() == host)
    }

    /// The host names (not IP literals) that may resolve to private addresses.
    pub(crate) fn private_names(&self) -> Vec<String> {
        if !self.allow_private {
            return Vec::new();
        }
        self.hosts
            .iter()
            .filter(|rule| !rule.is_wildcard())
            .map(|rule| rule.host().to_owned())
            .collect()
    }

    /// The rules for messages: `https://a:443, http://b:80`, or `nothing`.
    pub(crate) fn describe(&self) -> String {
        if self.hosts.is_empty() {
            return "nothing".to_owned();
        }
        self.hosts
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_addresses_need_the_flag_and_an_exact_rule() {
        let mut grant = Grant::parse(&["http://db.internal:5984", "*.corp.example"]).unwrap();
        assert!(!grant.private_ok("db.internal"));
        grant.allow_private = true;
        assert!(grant.private_ok("db.internal"));
        assert!(!grant.private_ok("x.corp.example"));
        assert_eq!(grant.private_names(), vec!["db.internal".to_owned()]);
    }
}
