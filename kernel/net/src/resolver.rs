//! The DNS resolver the HTTP client connects through: it resolves with the
//! system resolver, checks every address, and hands the connector only checked
//! addresses.
//!
//! Owns: the address check for host names, done *after* resolution and on the
//! very addresses that are then connected to, so a name cannot resolve to a
//! public address for the check and to `127.0.0.1` for the connection (DNS
//! rebinding). Also the typed errors it reports through reqwest.
//!
//! Must never: return an address it did not check, or return some addresses of a
//! name after refusing others (a name with any internal address is refused whole).
//! Host names listed in `private_names` (exact grant rules with `allow_private`)
//! skip the address check; nothing else does.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use crate::address;

/// A resolver that refuses internal addresses.
#[derive(Debug, Default)]
pub(crate) struct GuardedResolver {
    /// Normalised host names that may resolve to internal addresses.
    private_names: Arc<HashSet<String>>,
}

impl GuardedResolver {
    /// A resolver letting exactly `private_names` resolve to internal addresses.
    pub(crate) fn new(private_names: Vec<String>) -> GuardedResolver {
        GuardedResolver {
            private_names: Arc::new(private_names.into_iter().collect()),
        }
    }
}

/// A name resolved to an internal address and was refused.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{host} resolves to {what}")]
pub(crate) struct Blocked {
    pub(crate) host: String,
    /// E.g. `127.0.0.1 is a loopback address`, rephrased below.
    pub(crate) what: String,
}

/// The name did not resolve.
#[derive(Debug, Clone, thiserror::Error)]
#[error("cannot resolve {host}: {detail}")]
pub(crate) struct LookupFailed {
    pub(crate) host: String,
    pub(crate) detail: String,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().trim_end_matches('.').to_ascii_lowercase();
        let private_ok = self.private_names.contains(&host);
        Box::pin(async move {
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await
                .map_err(|err| LookupFailed {
                    host: host.clone(),
                    detail: err.to_string(),
                })?
                .collect();
            if addrs.is_empty() {
                return Err(LookupFailed {
                    host,
                    detail: "the name has no addresses".to_owned(),
                }
                .into());
            }
            if !private_ok {
                for addr in &addrs {
                    if let Some(class) = address::classify(addr.ip()) {
                        tracing::debug!(%host, ip = %addr.ip(), "refusing a name that resolves to an internal address");
                        return Err(Blocked {
                            what: format!("{}, {}", addr.ip(), class.describe()),
                            host,
                        }
                        .into());
                    }
                }
            }
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}
