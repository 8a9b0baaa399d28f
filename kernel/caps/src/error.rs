//! The error codes capability providers report, mirroring the WIT `error-code`.
//!
//! Owns: the mapping target of every provider's typed error. The host glue
//! converts an [`ErrorKind`] one-to-one into `ralex:plugin/types.error-code`.

use std::fmt;

/// Machine-readable reason for a failure (the WIT `error-code`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The input was malformed or made no sense.
    InvalidInput,
    /// A file, key or resource does not exist.
    NotFound,
    /// The operation is not allowed (outside the root, not a regular file, ...).
    Denied,
    /// A file or value is larger than the limit allows.
    TooLarge,
    /// A quota or limit of the call was reached.
    LimitExceeded,
    /// The capability is not available in this kernel or configuration.
    Unavailable,
    /// The operation conflicts with the current state.
    Conflict,
    /// Something failed inside the host.
    Internal,
}

impl ErrorKind {
    /// The WIT name of the code, e.g. `"invalid-input"`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidInput => "invalid-input",
            ErrorKind::NotFound => "not-found",
            ErrorKind::Denied => "denied",
            ErrorKind::TooLarge => "too-large",
            ErrorKind::LimitExceeded => "limit-exceeded",
            ErrorKind::Unavailable => "unavailable",
            ErrorKind::Conflict => "conflict",
            ErrorKind::Internal => "internal",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
