//! `ralex-net`: the kernel's `http` capability — outbound requests, only to
//! granted hosts, never to this machine or its private networks.
//!
//! Owns: the allow-list ([`Grant`] of [`HostRule`]s), the SSRF guard (address
//! classes, refused names, a resolver that checks every address it hands to the
//! connector), redirect following with a re-check on every hop, and the size and
//! time limits of one call ([`Limits`]). [`Egress::fetch`] is the only entry point.
//!
//! Must never: connect to an address that was not checked (IP literals are
//! checked before the request, names inside the resolver, so there is no window
//! between check and connect); follow a redirect without re-checking it; use a
//! proxy from the environment (it would bypass the address check); buffer a
//! response body past the limit; or let a plugin set `Host` or hop-by-hop headers.
//!
//! Private addresses are reachable only when the grant says `allow_private` *and*
//! names the host exactly (a wildcard rule never opens private addresses). There
//! is no other switch, in tests or elsewhere.

mod address;
mod body;
mod client;
mod egress;
mod error;
mod grant;
mod headers;
mod limits;
mod message;
mod names;
mod redirect;
mod resolver;
mod rule;
mod send;
mod target;

pub use egress::Egress;
pub use error::NetError;
pub use grant::Grant;
pub use limits::{Limits, MAX_TIMEOUT};
pub use message::{Request, Response};
pub use rule::HostRule;
