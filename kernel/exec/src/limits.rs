//! The kernel's limits on one `exec` call.
//!
//! Owns: the defaults and the hard ceiling on the timeout.

use std::time::Duration;

use crate::ExecError;

/// The longest any program may run, whatever the limits or the call say.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// The kernel's limits on `exec` calls (defaults in one place: [`Default`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Timeout of a call that names none; clamped to [`MAX_TIMEOUT`].
    pub timeout: Duration,
    /// Most bytes kept per stream (stdout and stderr each); the rest is read
    /// and discarded so the program never blocks on a full pipe.
    pub max_output_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            timeout: Duration::from_secs(120),
            max_output_bytes: 1024 * 1024,
        }
    }
}

impl Limits {
    /// The timeout for one call: the call's own or the default, at most
    /// [`MAX_TIMEOUT`]. Zero is refused.
    pub(crate) fn timeout_for(&self, asked: Option<Duration>) -> Result<Duration, ExecError> {
        let timeout = asked.unwrap_or(self.timeout);
        if timeout.is_zero() {
            return Err(ExecError::InvalidTimeout);
        }
        Ok(timeout.min(MAX_TIMEOUT))
    }
}
