//! The kernel's limits on MCP calls.
//!
//! Owns: the defaults (one place: [`Default`]) and their validation.

use std::time::Duration;

use crate::McpError;

/// The kernel's limits on talking to MCP servers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Longest wait for one `list-tools` or `call-tool` answer (default 60 s).
    /// A call that runs out is cancelled on the server and fails with
    /// [`McpError::Timeout`]; the session stays up for the next call.
    pub call_timeout: Duration,
    /// Longest wait for a server to start and finish the MCP handshake
    /// (default 20 s).
    pub start_timeout: Duration,
    /// Most bytes of a tool result, measured as the JSON text handed to the
    /// plugin (default 1 MiB). Larger results fail with [`McpError::TooLarge`].
    pub max_result_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            call_timeout: Duration::from_secs(60),
            start_timeout: Duration::from_secs(20),
            max_result_bytes: 1024 * 1024,
        }
    }
}

impl Limits {
    /// Refuses limits no call could meet (a zero timeout or size).
    pub(crate) fn check(&self) -> Result<(), McpError> {
        let zero = if self.call_timeout.is_zero() {
            Some("call_timeout")
        } else if self.start_timeout.is_zero() {
            Some("start_timeout")
        } else if self.max_result_bytes == 0 {
            Some("max_result_bytes")
        } else {
            None
        };
        match zero {
            Some(name) => Err(McpError::InvalidConfig {
                server: None,
                reason: format!(
                    "the MCP limit `{name}` is zero, so no call could succeed; leave it unset for the default or give a positive value"
                ),
            }),
            None => Ok(()),
        }
    }

    /// The longest single JSON-RPC line read from a server: room for a result
    /// of [`Limits::max_result_bytes`] even when every byte is escaped, so an
    /// oversized result is reported as too large instead of being dropped by
    /// the transport; never below rmcp's own 16 MiB default.
    pub(crate) fn max_line_bytes(&self) -> usize {
        self.max_result_bytes
            .saturating_mul(6)
            .saturating_add(64 * 1024)
            .max(rmcp::transport::async_rw::DEFAULT_MAX_LINE_LENGTH)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        let limits = Limits::default();
        assert!(limits.check().is_ok());
        assert_eq!(limits.call_timeout, Duration::from_secs(60));
        assert_eq!(limits.start_timeout, Duration::from_secs(20));
        assert_eq!(limits.max_result_bytes, 1 << 20);
    }

    #[test]
    fn zero_limits_are_refused() {
        for limits in [
            Limits {
                call_timeout: Duration::ZERO,
                ..Limits::default()
            },
            Limits {
                start_timeout: Duration::ZERO,
                ..Limits::default()
            },
            Limits {
                max_result_bytes: 0,
                ..Limits::default()
            },
        ] {
            let error = limits.check().unwrap_err();
            assert_eq!(error.kind(), ralex_caps::ErrorKind::InvalidInput, "{error}");
        }
    }

    #[test]
    fn line_limit_fits_an_escaped_result() {
        let limits = Limits {
            max_result_bytes: 10 << 20,
            ..Limits::default()
        };
        assert!(limits.max_line_bytes() >= 60 << 20);
    }
}
