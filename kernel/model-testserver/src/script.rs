//! Script files: replies written as JSON, for the binary and the control endpoint.
//!
//! Owns [`ScriptReply`], the serde mirror of [`Reply`] (tagged by `"kind"`, delays in
//! milliseconds), and [`parse_script`]. The format is documented in the crate header.

use std::time::Duration;

use anyhow::Context;
use serde::Deserialize;
use serde_json::Value;

use crate::reply::{Reply, ScriptedToolCall, estimate_tokens};

/// A tool call in a script. `id` defaults to `call_<n>` (its position, from 1).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScriptToolCall {
    /// The call id.
    #[serde(default)]
    pub id: Option<String>,
    /// The tool name.
    pub name: String,
    /// The arguments (default `{}`).
    #[serde(default = "empty_object")]
    pub arguments: Value,
}

fn empty_object() -> Value {
    Value::Object(serde_json::Map::new())
}

/// One reply in a script file, tagged by `"kind"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ScriptReply {
    /// `{"kind":"text","text":"..."}` → [`Reply::text`].
    Text {
        /// The answer.
        text: String,
    },
    /// `{"kind":"chat","text":"...","tool_calls":[...],"input_tokens":N,"output_tokens":N}`;
    /// everything optional, token counts estimated when absent.
    Chat {
        /// The answer text (default empty).
        #[serde(default)]
        text: String,
        /// Tool calls (default none).
        #[serde(default)]
        tool_calls: Vec<ScriptToolCall>,
        /// Input tokens (default 25).
        #[serde(default)]
        input_tokens: Option<u32>,
        /// Output tokens (default estimated).
        #[serde(default)]
        output_tokens: Option<u32>,
    },
    /// `{"kind":"status","status":503,"retry_after":2,"body":{...}}`; body optional
    /// (absent/null = the provider-shaped body for the status).
    Status {
        /// HTTP status.
        status: u16,
        /// `Retry-After` seconds.
        #[serde(default)]
        retry_after: Option<u64>,
        /// The body.
        #[serde(default)]
        body: Value,
    },
    /// `{"kind":"rate_limited","retry_after":3}` → [`Reply::rate_limited`].
    RateLimited {
        /// `Retry-After` seconds.
        #[serde(default)]
        retry_after: Option<u64>,
    },
    /// `{"kind":"server_error"}` → [`Reply::server_error`].
    ServerError,
    /// `{"kind":"overloaded"}` → [`Reply::overloaded`].
    Overloaded,
    /// `{"kind":"context_length"}` → [`Reply::context_length`].
    ContextLength,
    /// `{"kind":"unauthorized"}` → [`Reply::unauthorized`].
    Unauthorized,
    /// `{"kind":"slow","delay_ms":1500,"then":{...}}` → [`Reply::Slow`].
    Slow {
        /// Delay before the headers, in milliseconds.
        delay_ms: u64,
        /// The reply after the delay.
        then: Box<ScriptReply>,
    },
    /// `{"kind":"truncated","text":"...","chunks":2}` → [`Reply::Truncated`].
    Truncated {
        /// The full text.
        text: String,
        /// Deltas sent before the cut.
        chunks: usize,
    },
    /// `{"kind":"malformed"}` → [`Reply::Malformed`].
    Malformed,
    /// `{"kind":"transcription","text":"..."}` → [`Reply::Transcription`].
    Transcription {
        /// The transcript.
        text: String,
    },
}

impl From<ScriptReply> for Reply {
    fn from(s: ScriptReply) -> Reply {
        match s {
            ScriptReply::Text { text } => Reply::text(&text),
            ScriptReply::Chat {
                text,
                tool_calls,
                input_tokens,
                output_tokens,
            } => {
                let calls: Vec<ScriptedToolCall> = tool_calls
                    .into_iter()
                    .enumerate()
                    .map(|(i, c)| ScriptedToolCall {
                        id: c.id.unwrap_or_else(|| format!("call_{}", i + 1)),
                        name: c.name,
                        arguments: c.arguments,
                    })
                    .collect();
                let estimated = match Reply::tool_calls(&text, calls.clone()) {
                    Reply::Chat { output_tokens, .. } => output_tokens,
                    _ => estimate_tokens(&text),
                };
                Reply::Chat {
                    text,
                    tool_calls: calls,
                    input_tokens: input_tokens.unwrap_or(25),
                    output_tokens: output_tokens.unwrap_or(estimated),
                }
            }
            ScriptReply::Status {
                status,
                retry_after,
                body,
            } => Reply::Status {
                status,
                retry_after,
                body,
            },
            ScriptReply::RateLimited { retry_after } => Reply::rate_limited(retry_after),
            ScriptReply::ServerError => Reply::server_error(),
            ScriptReply::Overloaded => Reply::overloaded(),
            ScriptReply::ContextLength => Reply::context_length(),
            ScriptReply::Unauthorized => Reply::unauthorized(),
            ScriptReply::Slow { delay_ms, then } => {
                Reply::slow(Duration::from_millis(delay_ms), (*then).into())
            }
            ScriptReply::Truncated { text, chunks } => Reply::Truncated { text, chunks },
            ScriptReply::Malformed => Reply::Malformed,
            ScriptReply::Transcription { text } => Reply::Transcription { text },
        }
    }
}

/// Parses a script: a JSON array of replies, or a single reply object.
pub fn parse_script(json: &str) -> anyhow::Result<Vec<Reply>> {
    let value: Value = serde_json::from_str(json).context("script is not valid JSON")?;
    let items = match value {
        Value::Array(items) => items,
        single => vec![single],
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            serde_json::from_value::<ScriptReply>(item)
                .map(Reply::from)
                .with_context(|| format!("script reply #{i}"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_kind() {
        let script = r#"[
            {"kind": "text", "text": "hi"},
            {"kind": "chat", "tool_calls": [{"name": "read", "arguments": {"path": "a"}}]},
            {"kind": "status", "status": 502, "body": "<html>bad gateway</html>"},
            {"kind": "rate_limited", "retry_after": 3},
            {"kind": "server_error"},
            {"kind": "overloaded"},
            {"kind": "context_length"},
            {"kind": "unauthorized"},
            {"kind": "slow", "delay_ms": 250, "then": {"kind": "text", "text": "late"}},
            {"kind": "truncated", "text": "a b c", "chunks": 1},
            {"kind": "malformed"},
            {"kind": "transcription", "text": "spoken"}
        ]"#;
        let replies = parse_script(script).expect("valid script");
        assert_eq!(replies.len(), 12);
        assert_eq!(replies[0], Reply::text("hi"));
        match &replies[1] {
            Reply::Chat {
                tool_calls, text, ..
            } => {
                assert_eq!(text, "");
                assert_eq!(tool_calls[0].id, "call_1");
                assert_eq!(tool_calls[0].arguments["path"], "a");
            }
            other => panic!("not a chat: {other:?}"),
        }
        assert_eq!(replies[3], Reply::rate_limited(Some(3)));
        assert_eq!(
            replies[8],
            Reply::slow(Duration::from_millis(250), Reply::text("late"))
        );
    }

    #[test]
    fn single_object_and_errors() {
        assert_eq!(
            parse_script(r#"{"kind":"malformed"}"#).ok(),
            Some(vec![Reply::Malformed])
        );
        assert!(parse_script(r#"[{"kind":"nope"}]"#).is_err());
        assert!(parse_script(r#"[{"kind":"text","text":"x","typo":1}]"#).is_err());
        assert!(parse_script("not json").is_err());
    }
}
