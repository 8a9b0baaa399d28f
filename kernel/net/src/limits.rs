//! The kernel's limits on one `http` call.
//!
//! Owns: the defaults and the hard ceiling on the timeout. A plugin may ask for
//! a shorter or longer timeout per request, never one above [`MAX_TIMEOUT`].

use std::time::Duration;

use crate::NetError;

/// The longest any request may take, whatever the limits or the request say.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(120);

/// The kernel's limits on `http` calls (defaults in one place: [`Default`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Timeout of a request that names none; covers every hop and the body.
    /// Clamped to [`MAX_TIMEOUT`].
    pub timeout: Duration,
    /// Largest response body, in bytes; reading stops just past it.
    pub max_response_bytes: usize,
    /// Most redirects followed before failing with `limit-exceeded`.
    pub max_redirects: usize,
    /// Largest request body, in bytes.
    pub max_request_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            timeout: Duration::from_secs(30),
            max_response_bytes: 10 * 1024 * 1024,
            max_redirects: 5,
            max_request_bytes: 4 * 1024 * 1024,
        }
    }
}

impl Limits {
    /// The timeout for one request: the request's own or the default, at most
    /// [`MAX_TIMEOUT`]. Zero is refused.
    pub(crate) fn timeout_for(&self, asked: Option<Duration>) -> Result<Duration, NetError> {
        let timeout = asked.unwrap_or(self.timeout);
        if timeout.is_zero() {
            return Err(NetError::InvalidTimeout);
        }
        Ok(timeout.min(MAX_TIMEOUT))
    }
}
