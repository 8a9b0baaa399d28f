//! Why an `http` call failed.
//!
//! Owns: [`NetError`] and its WIT error code ([`NetError::kind`]). Messages say
//! what was refused, where, and how to fix it; they never contain request or
//! response bodies, and never header values (they may be credentials).

use std::time::Duration;

use ralex_caps::ErrorKind;

/// Why an `http` call failed.
#[derive(Debug, thiserror::Error)]
pub enum NetError {
    /// A grant rule does not parse.
    #[error(
        "invalid http grant rule `{rule}`: {reason}; rules look like `https://api.github.com`, `api.example.com:8443` or `*.example.com`"
    )]
    InvalidRule {
        /// The rule as written.
        rule: String,
        /// What is wrong with it.
        reason: String,
    },

    /// The URL does not parse or cannot be fetched as given.
    #[error("invalid URL `{url}`: {reason}")]
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },

    /// The method is not one the capability sends.
    #[error(
        "HTTP method `{method}` is not supported; use one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"
    )]
    InvalidMethod {
        /// The method as given.
        method: String,
    },

    /// A header name or value is malformed.
    #[error("invalid request header `{name}`: {reason}")]
    InvalidHeader {
        /// The header name as given.
        name: String,
        /// What is wrong with it.
        reason: String,
    },

    /// A header the kernel controls (`Host`, hop-by-hop headers, `Content-Length`).
    #[error("request header `{name}` may not be set by a plugin: {reason}; remove it")]
    ForbiddenHeader {
        /// The header name as given.
        name: String,
        /// Why the kernel owns it.
        reason: &'static str,
    },

    /// The timeout asked for is zero.
    #[error(
        "a timeout of zero cannot succeed; leave it unset for the default or give a positive duration"
    )]
    InvalidTimeout,

    /// The host, scheme or port is not in the plugin's grant.
    #[error(
        "host {host} ({scheme}, port {port}) is not in this plugin's http grant (granted: {granted}); add it to the plugin's policy grant"
    )]
    NotGranted {
        /// The host as it appears in the URL.
        host: String,
        /// `http` or `https`.
        scheme: String,
        /// The port, explicit or the scheme's default.
        port: u16,
        /// The rules of the grant, comma-separated (or `nothing`).
        granted: String,
    },

    /// The host is, or resolves to, an address on this machine or a private network.
    #[error(
        "{what}; plugins may not reach this machine or private networks (the grant must set allow_private and name the host exactly)"
    )]
    PrivateAddress {
        /// The host as it appears in the URL.
        host: String,
        /// The refused address and its class, e.g. `127.0.0.1 is a loopback address`.
        what: String,
    },

    /// The host name always means this machine or a cloud metadata service.
    #[error(
        "{host} is {what}; plugins may not reach this machine or private networks (the grant must set allow_private and name the host exactly)"
    )]
    ForbiddenName {
        /// The host as it appears in the URL.
        host: String,
        /// What the name stands for, e.g. `a name for this machine (loopback)`.
        what: &'static str,
    },

    /// The request body is larger than the limit.
    #[error("the request body is {size} bytes, over the limit of {limit} bytes; send less data")]
    RequestTooLarge {
        /// The body size.
        size: usize,
        /// The limit.
        limit: usize,
    },

    /// The response body grew past the limit; reading stopped there.
    #[error(
        "the response from {url} is larger than the limit of {limit} bytes; ask for less (a range, a page, a smaller resource) or raise the kernel's http response limit"
    )]
    ResponseTooLarge {
        /// The URL that answered.
        url: String,
        /// The limit.
        limit: usize,
    },

    /// More redirects than the limit.
    #[error("{url} redirected more than {limit} times; request the final URL directly")]
    TooManyRedirects {
        /// The URL of the last hop.
        url: String,
        /// The limit.
        limit: usize,
    },

    /// The server sent a redirect the kernel cannot follow.
    #[error("{url} sent a redirect that cannot be followed: {reason}")]
    BadRedirect {
        /// The URL that redirected.
        url: String,
        /// What is wrong with it.
        reason: String,
    },

    /// The whole call (all hops, including the body) took longer than allowed.
    #[error(
        "the request to {url} did not finish within the timeout of {}; the server may be slow or unreachable (the longest allowed timeout is {} s)",
        humanize(*timeout),
        crate::MAX_TIMEOUT.as_secs()
    )]
    Timeout {
        /// The URL as requested.
        url: String,
        /// The timeout that ran out.
        timeout: Duration,
    },

    /// The name could not be resolved.
    #[error("cannot resolve {host}: {detail}; check the host name")]
    Resolve {
        /// The host name.
        host: String,
        /// The resolver's explanation.
        detail: String,
    },

    /// The connection failed or broke (refused, reset, TLS failure, ...).
    #[error("the request to {url} failed: {detail}")]
    Connection {
        /// The URL of the hop that failed.
        url: String,
        /// The transport's explanation, with its causes.
        detail: String,
    },

    /// The HTTP client could not be set up (a kernel problem).
    #[error("cannot set up the http client: {detail}")]
    Client {
        /// The builder's explanation.
        detail: String,
    },
}

impl NetError {
    /// The WIT error code for this error.
    pub fn kind(&self) -> ErrorKind {
        use NetError as E;
        match self {
            E::InvalidRule { .. }
            | E::InvalidUrl { .. }
            | E::InvalidMethod { .. }
            | E::InvalidHeader { .. }
            | E::InvalidTimeout => ErrorKind::InvalidInput,
            E::ForbiddenHeader { .. }
            | E::NotGranted { .. }
            | E::PrivateAddress { .. }
            | E::ForbiddenName { .. } => ErrorKind::Denied,
            E::RequestTooLarge { .. } | E::ResponseTooLarge { .. } => ErrorKind::TooLarge,
            E::TooManyRedirects { .. } | E::Timeout { .. } => ErrorKind::LimitExceeded,
            E::BadRedirect { .. } | E::Resolve { .. } | E::Connection { .. } => {
                ErrorKind::Unavailable
            }
            E::Client { .. } => ErrorKind::Internal,
        }
    }
}

/// An error and all its causes, `: `-separated (reqwest's own `Display` hides them).
pub(crate) fn with_causes(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

fn humanize(duration: Duration) -> String {
    if duration.subsec_millis() == 0 {
        format!("{} s", duration.as_secs())
    } else {
        format!("{} ms", duration.as_millis())
    }
}
