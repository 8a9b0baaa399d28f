//! Scripted replies: what the server answers to the next model request.
//!
//! Owns [`Reply`], [`ScriptedToolCall`] and [`ApiError`] plus the helpers that build
//! them, and the deterministic text/argument splitting shared by both wire formats
//! ([`text_deltas`], [`estimate_tokens`]). Rendering a reply into a concrete wire
//! format is the job of `openai.rs`, `anthropic.rs` and `transcription.rs`.

use std::time::Duration;

use serde_json::Value;

/// One tool call the scripted model makes.
#[derive(Debug, Clone, PartialEq)]
pub struct ScriptedToolCall {
    /// The call id (`call_...` for OpenAI, `toolu_...` for Anthropic; any string works).
    pub id: String,
    /// The tool (function) name.
    pub name: String,
    /// The arguments, normally a JSON object. OpenAI receives it serialised as a
    /// string, Anthropic as the `input` object.
    pub arguments: Value,
}

impl ScriptedToolCall {
    /// Builds a tool call.
    pub fn new(id: &str, name: &str, arguments: Value) -> ScriptedToolCall {
        ScriptedToolCall {
            id: id.to_string(),
            name: name.to_string(),
            arguments,
        }
    }
}

/// A provider error, rendered at request time in the shape of the endpoint called
/// (OpenAI `{"error":{...}}` or Anthropic `{"type":"error","error":{...}}`).
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The prompt is too long for the model. HTTP 400; OpenAI code
    /// `context_length_exceeded`, Anthropic `invalid_request_error` "prompt is too long: ...".
    ContextLength,
    /// Rate limited. HTTP 429; OpenAI type `requests` / code `rate_limit_exceeded`,
    /// Anthropic `rate_limit_error`.
    RateLimited,
    /// Internal error. HTTP 500; OpenAI `server_error`, Anthropic `api_error`.
    ServerError,
    /// Overloaded. OpenAI HTTP 503 `server_error`, Anthropic HTTP 529 `overloaded_error`.
    Overloaded,
    /// Bad API key. HTTP 401; OpenAI code `invalid_api_key`, Anthropic `authentication_error`.
    Authentication,
    /// A malformed request. HTTP 400 `invalid_request_error` with this message.
    InvalidRequest(String),
    /// Unknown URL or model. HTTP 404 with this message.
    NotFound(String),
}

/// What the server answers to one model request. Pushed FIFO onto a
/// [`ScriptedServer`](crate::ScriptedServer); each model request (chat completion,
/// message, transcription) consumes one.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// A normal answer in the format of the endpoint asked, streamed as SSE when the
    /// request has `"stream": true`. An empty `text` with tool calls yields
    /// `content: null` (OpenAI) or only `tool_use` blocks (Anthropic).
    Chat {
        /// The assistant text.
        text: String,
        /// Tool calls made after the text.
        tool_calls: Vec<ScriptedToolCall>,
        /// Reported prompt/input tokens.
        input_tokens: u32,
        /// Reported completion/output tokens.
        output_tokens: u32,
    },
    /// Any status with a body; `retry_after` (seconds) sets the `Retry-After` header.
    /// A JSON object/array body is sent as is; a JSON string body is sent as raw text
    /// (`text/html` when it starts with `<`, e.g. a proxy error page); `Value::Null`
    /// renders the provider-shaped error body for that status.
    Status {
        /// The HTTP status code (an invalid code becomes 500).
        status: u16,
        /// `Retry-After` header value in seconds.
        retry_after: Option<u64>,
        /// The body (see above).
        body: Value,
    },
    /// A provider-shaped error for the endpoint called (see [`ApiError`]).
    Error {
        /// Which error.
        error: ApiError,
        /// `Retry-After` header value in seconds.
        retry_after: Option<u64>,
    },
    /// Wait, then answer with `then`. The delay is before the response headers, for
    /// streaming and non-streaming requests alike.
    Slow {
        /// How long to wait before answering.
        delay: Duration,
        /// The reply sent after the delay.
        then: Box<Reply>,
    },
    /// HTTP 200 and a stream that stops mid-way: the preamble (OpenAI role chunk /
    /// Anthropic `message_start` + `content_block_start`), then the first `chunks`
    /// pieces of [`text_deltas`]`(text)`, then the connection is aborted (the chunked
    /// body never terminates) without `[DONE]` / `message_stop` and without the final
    /// usage. For a non-streaming request: the complete JSON body cut in the middle
    /// (with a matching `Content-Length`).
    Truncated {
        /// The full text that would have been sent.
        text: String,
        /// How many text deltas are sent before the cut.
        chunks: usize,
    },
    /// HTTP 200 with a body that is not valid JSON; for streams, an SSE `data:` line
    /// that is not JSON (followed by the normal end marker).
    Malformed,
    /// A transcription answer for `/v1/audio/transcriptions`: `{"text": ...}`.
    /// (On a chat endpoint it is answered like [`Reply::text`].)
    Transcription {
        /// The transcript.
        text: String,
    },
}

impl Reply {
    /// A text answer with plausible token counts (input 25, output from [`estimate_tokens`]).
    pub fn text(s: &str) -> Reply {
        Reply::Chat {
            text: s.to_string(),
            tool_calls: Vec::new(),
            input_tokens: 25,
            output_tokens: estimate_tokens(s),
        }
    }

    /// An answer with some text (possibly empty) followed by tool calls, with plausible
    /// token counts.
    pub fn tool_calls(text: &str, calls: Vec<ScriptedToolCall>) -> Reply {
        let args: String = calls.iter().map(|c| c.arguments.to_string()).collect();
        Reply::Chat {
            text: text.to_string(),
            input_tokens: 25,
            output_tokens: estimate_tokens(text) + estimate_tokens(&args) + 10 * calls.len() as u32,
            tool_calls: calls,
        }
    }

    /// HTTP 429 with the provider-shaped rate-limit body and optional `Retry-After`.
    pub fn rate_limited(retry_after: Option<u64>) -> Reply {
        Reply::Error {
            error: ApiError::RateLimited,
            retry_after,
        }
    }

    /// HTTP 500 with the provider-shaped internal-error body.
    pub fn server_error() -> Reply {
        Reply::Error {
            error: ApiError::ServerError,
            retry_after: None,
        }
    }

    /// Overloaded: HTTP 529 `overloaded_error` (Anthropic) or 503 (OpenAI).
    pub fn overloaded() -> Reply {
        Reply::Error {
            error: ApiError::Overloaded,
            retry_after: None,
        }
    }

    /// HTTP 400 with the provider-exact "context too long" error.
    pub fn context_length() -> Reply {
        Reply::Error {
            error: ApiError::ContextLength,
            retry_after: None,
        }
    }

    /// HTTP 401 with the provider-shaped invalid-API-key error.
    pub fn unauthorized() -> Reply {
        Reply::Error {
            error: ApiError::Authentication,
            retry_after: None,
        }
    }

    /// Any status with an explicit body (see [`Reply::Status`]).
    pub fn status(status: u16, body: Value) -> Reply {
        Reply::Status {
            status,
            retry_after: None,
            body,
        }
    }

    /// Waits `delay` before answering with `then`.
    pub fn slow(delay: Duration, then: Reply) -> Reply {
        Reply::Slow {
            delay,
            then: Box::new(then),
        }
    }

    /// A stream cut after `chunks` text deltas (see [`Reply::Truncated`]).
    pub fn truncated(text: &str, chunks: usize) -> Reply {
        Reply::Truncated {
            text: text.to_string(),
            chunks,
        }
    }

    /// A transcription answer.
    pub fn transcription(text: &str) -> Reply {
        Reply::Transcription {
            text: text.to_string(),
        }
    }
}

/// A normal answer, whichever reply it came from.
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    pub text: String,
    pub tool_calls: Vec<ScriptedToolCall>,
    pub input_tokens: u32,
    pub output_tokens: u32,
}

impl Answer {
    /// The default answer when nothing is queued: `"echo: <last user text>"`.
    pub fn echo(last_user_text: &str, input_tokens: u32) -> Answer {
        let text = format!("echo: {last_user_text}");
        Answer {
            output_tokens: estimate_tokens(&text),
            text,
            tool_calls: Vec::new(),
            input_tokens,
        }
    }

    /// A plain text answer with estimated output tokens.
    pub fn plain(text: &str) -> Answer {
        Answer {
            text: text.to_string(),
            tool_calls: Vec::new(),
            input_tokens: 25,
            output_tokens: estimate_tokens(text),
        }
    }
}

/// The text of the last user message that has any text, for the default echo.
/// Understands both `content: "..."` and content arrays of `{"type":"text","text":...}`
/// parts (OpenAI and Anthropic alike); tool results carry no user text and are skipped.
pub(crate) fn last_user_text(messages: &[Value]) -> String {
    messages
        .iter()
        .rev()
        .filter(|m| m.get("role").and_then(Value::as_str) == Some("user"))
        .map(|m| content_text(m.get("content")))
        .find(|t| !t.is_empty())
        .unwrap_or_default()
}

fn content_text(content: Option<&Value>) -> String {
    match content {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(parts)) => parts
            .iter()
            .filter(|p| p.get("type").and_then(Value::as_str) == Some("text"))
            .filter_map(|p| p.get("text").and_then(Value::as_str))
            .collect::<Vec<_>>()
            .join("\n"),
        _ => String::new(),
    }
}

/// A rough token estimate: one token per four bytes, at least one.
pub fn estimate_tokens(s: &str) -> u32 {
    let n = s.len().div_ceil(4).max(1);
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// How a text is split into streamed deltas: each piece is a word plus the whitespace
/// that follows it, so `"Hello big world"` streams as `["Hello ", "big ", "world"]`.
/// The pieces concatenate back to `text`; an empty text has no pieces.
/// [`Reply::Truncated`] sends the first `chunks` of these.
pub fn text_deltas(text: &str) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        let after_space = current.chars().last().is_some_and(char::is_whitespace);
        if after_space && !c.is_whitespace() {
            pieces.push(std::mem::take(&mut current));
        }
        current.push(c);
    }
    if !current.is_empty() {
        pieces.push(current);
    }
    pieces
}

/// Splits a tool-argument JSON string into up to three fragments (at char boundaries)
/// that concatenate back to `s`.
pub(crate) fn fragments(s: &str) -> Vec<String> {
    let chars: Vec<char> = s.chars().collect();
    if chars.is_empty() {
        return Vec::new();
    }
    let n = chars.len().min(3);
    let size = chars.len().div_ceil(n);
    chars.chunks(size).map(|c| c.iter().collect()).collect()
}

/// The body cut roughly in half at a char boundary: never valid JSON for an object.
pub(crate) fn cut_in_half(s: &str) -> String {
    let mut cut = s.len() / 2;
    while cut > 0 && !s.is_char_boundary(cut) {
        cut -= 1;
    }
    s[..cut].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deltas_concatenate_back() {
        for text in ["", "one", "Hello big world", "  lead and trail  ", "é à ü"] {
            let pieces = text_deltas(text);
            assert_eq!(pieces.concat(), text);
        }
        assert_eq!(
            text_deltas("Hello big world"),
            vec!["Hello ", "big ", "world"]
        );
    }

    #[test]
    fn fragments_concatenate_back() {
        for s in ["", "{}", r#"{"path":"src/main.rs","n":3}"#, "é"] {
            assert_eq!(fragments(s).concat(), s);
            assert!(fragments(s).len() <= 3);
        }
        assert_eq!(fragments(r#"{"a":1}"#).len(), 3);
    }

    #[test]
    fn last_user_text_skips_tool_results() {
        let messages = vec![
            serde_json::json!({"role": "user", "content": "first"}),
            serde_json::json!({"role": "user", "content": [{"type": "text", "text": "second"}]}),
            serde_json::json!({"role": "assistant", "content": "ok"}),
            serde_json::json!({"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t", "content": "x"}]}),
        ];
        assert_eq!(last_user_text(&messages), "second");
        assert_eq!(last_user_text(&[]), "");
    }

    #[test]
    fn cut_is_not_json() {
        let body = serde_json::json!({"text": "ééééé", "n": 1}).to_string();
        let cut = cut_in_half(&body);
        assert!(cut.len() < body.len());
        assert!(serde_json::from_str::<Value>(&cut).is_err());
    }
}
