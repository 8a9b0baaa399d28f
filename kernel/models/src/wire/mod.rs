//! Provider wire formats: request bodies, answers, stream events and error bodies.
//!
//! Each format turns a [`crate::types::ChatRequest`] into the provider's JSON,
//! parses a whole answer or an SSE stream back into a [`crate::types::Completion`],
//! and classifies error responses into a [`crate::error::Failure`] (rate limit,
//! server fault, context too long, bad key, ...).

pub mod anthropic;
pub mod openai;
pub mod sse;

use crate::error::{Failure, FailureKind};

/// A streamed answer being put together.
pub trait StreamState: Send {
    /// Takes one event; returns the text delta it carried, if any.
    fn event(&mut self, event: &sse::Event) -> Result<Option<String>, Failure>;
    /// Text received so far.
    fn partial(&self) -> &str;
}

impl StreamState for openai::Stream {
    fn event(&mut self, event: &sse::Event) -> Result<Option<String>, Failure> {
        openai::Stream::event(self, event)
    }
    fn partial(&self) -> &str {
        openai::Stream::partial(self)
    }
}

impl StreamState for anthropic::Stream {
    fn event(&mut self, event: &sse::Event) -> Result<Option<String>, Failure> {
        anthropic::Stream::event(self, event)
    }
    fn partial(&self) -> &str {
        anthropic::Stream::partial(self)
    }
}

/// Classifies an HTTP error status (before the body is read).
pub(crate) fn kind_of_status(status: u16) -> FailureKind {
    match status {
        429 => FailureKind::RateLimited,
        401 | 403 => FailureKind::Auth,
        408 => FailureKind::Timeout,
        500..=599 => FailureKind::Server,
        _ => FailureKind::BadRequest,
    }
}

/// Messages providers use for "the prompt does not fit".
pub(crate) fn says_context_length(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    m.contains("context_length_exceeded")
        || m.contains("maximum context length")
        || m.contains("context length")
        || m.contains("prompt is too long")
        || m.contains("context window")
        || m.contains("too many tokens")
}

/// A failure for an answer whose body could not be understood.
pub(crate) fn malformed(what: &str, error: impl std::fmt::Display) -> Failure {
    Failure::new(
        FailureKind::Malformed,
        format!("the provider's {what} is not the expected JSON: {error}"),
    )
}

/// The first `max` characters of a provider's error text (they can be long, and
/// they are shown to people).
pub(crate) fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}
