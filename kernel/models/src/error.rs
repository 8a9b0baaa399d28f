//! The model layer's errors: configuration problems, and why a call failed.

use std::time::Duration;

/// A problem with the model configuration (ralex.toml, the catalogue, keys).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ConfigError {
    /// What is wrong, where, and how to fix it.
    pub message: String,
}

impl ConfigError {
    /// A configuration error with this message.
    pub fn new(message: impl Into<String>) -> ConfigError {
        ConfigError {
            message: message.into(),
        }
    }
}

/// What kind of failure one attempt at a provider met.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// HTTP 429.
    RateLimited,
    /// HTTP 5xx (or Anthropic's 529 overloaded).
    Server,
    /// No answer (or no stream chunk) in time.
    Timeout,
    /// The connection could not be made or broke before an answer.
    Connect,
    /// The stream ended before the provider said it was done.
    Truncated,
    /// The answer was not the JSON the wire format promises.
    Malformed,
    /// The prompt does not fit the model's context window.
    ContextLength,
    /// The key was refused (401/403).
    Auth,
    /// The provider refused the request as invalid (other 4xx).
    BadRequest,
}

impl FailureKind {
    /// Short name, for the ledger and the audit trail.
    pub fn as_str(self) -> &'static str {
        match self {
            FailureKind::RateLimited => "rate-limited",
            FailureKind::Server => "server-error",
            FailureKind::Timeout => "timeout",
            FailureKind::Connect => "connect-error",
            FailureKind::Truncated => "truncated",
            FailureKind::Malformed => "malformed",
            FailureKind::ContextLength => "context-length",
            FailureKind::Auth => "auth",
            FailureKind::BadRequest => "bad-request",
        }
    }

    /// Whether trying the same model again can help.
    pub fn retryable(self) -> bool {
        matches!(
            self,
            FailureKind::RateLimited
                | FailureKind::Server
                | FailureKind::Timeout
                | FailureKind::Connect
                | FailureKind::Truncated
                | FailureKind::Malformed
        )
    }

    /// Whether it says something about the provider's health (for cooldown).
    pub fn counts_against_provider(self) -> bool {
        self.retryable()
    }
}

/// One failed attempt.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// What kind.
    pub kind: FailureKind,
    /// The HTTP status, when there was one.
    pub status: Option<u16>,
    /// What the provider asked us to wait (Retry-After).
    pub retry_after: Option<Duration>,
    /// What happened, without secrets.
    pub message: String,
    /// Text received before a stream broke (metered as output).
    pub partial_output: String,
}

impl Failure {
    /// A failure without status or partial output.
    pub fn new(kind: FailureKind, message: impl Into<String>) -> Failure {
        Failure {
            kind,
            status: None,
            retry_after: None,
            message: message.into(),
            partial_output: String::new(),
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.status {
            Some(status) => write!(
                f,
                "{} (HTTP {status}): {}",
                self.kind.as_str(),
                self.message
            ),
            None => write!(f, "{}: {}", self.kind.as_str(), self.message),
        }
    }
}

/// Why a model call failed as a whole (after routing, retries and fallbacks).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ModelError {
    /// No model is configured or none fits the request.
    #[error("{0}")]
    Unavailable(String),
    /// A hard budget would be exceeded.
    #[error("{0}")]
    Budget(String),
    /// Policy refused every candidate model.
    #[error("{0}")]
    Denied(String),
    /// The request itself is invalid (e.g. tool arguments that are not JSON).
    #[error("{0}")]
    Invalid(String),
    /// Every model of the chain failed; the message lists each.
    #[error("{0}")]
    Failed(String),
    /// The ledger could not record the cost (the answer is not handed out).
    #[error("{0}")]
    Ledger(String),
}
