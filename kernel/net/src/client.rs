//! The reqwest clients the capability sends through.
//!
//! Owns: the one place a `reqwest::Client` is configured. Every client resolves
//! through [`GuardedResolver`], follows no redirects itself, ignores proxy
//! settings from the environment (a proxy would connect on our behalf to
//! addresses we never checked), and sends no `Referer`.

use std::sync::Arc;

use crate::NetError;
use crate::resolver::GuardedResolver;

/// A client whose resolver lets exactly `private_names` resolve to internal
/// addresses (empty for the shared, strict client).
pub(crate) fn build(private_names: Vec<String>) -> Result<reqwest::Client, NetError> {
    reqwest::Client::builder()
        .use_rustls_tls()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .referer(false)
        .user_agent(concat!("ralex/", env!("CARGO_PKG_VERSION")))
        .dns_resolver(Arc::new(GuardedResolver::new(private_names)))
        .build()
        .map_err(|err| NetError::Client {
            detail: crate::error::with_causes(&err),
        })
}
