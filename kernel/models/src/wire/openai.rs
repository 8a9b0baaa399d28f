//! OpenAI chat completions (`POST {base}/chat/completions`), the format spoken by
//! OpenAI, OpenRouter, Ollama, llama.cpp's server, vLLM and LiteLLM.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::sse::Event;
use super::{clip, kind_of_status, malformed, says_context_length};
use crate::error::{Failure, FailureKind};
use crate::types::{ChatRequest, Completion, FinishReason, Message, Role, ToolCall};

/// Builds the request body. `completion_field` is `max_tokens` or, for OpenAI's
/// own API (newer models refuse the old name), `max_completion_tokens`.
pub fn encode(
    request: &ChatRequest,
    api_name: &str,
    max_tokens: u32,
    completion_field: &str,
    stream: bool,
) -> Result<Value, String> {
    let messages: Vec<Value> = request.messages.iter().map(message).collect();
    let mut body = json!({
        "model": api_name,
        "messages": messages,
    });
    let object = body.as_object_mut().expect("built as an object");
    object.insert(completion_field.into(), json!(max_tokens));
    if !request.tools.is_empty() {
        let mut tools = Vec::with_capacity(request.tools.len());
        for tool in &request.tools {
            let parameters: Value = serde_json::from_str(&tool.parameters).map_err(|e| {
                format!(
                    "tool `{}`: its parameters are not a JSON Schema in JSON: {e}",
                    tool.name
                )
            })?;
            tools.push(json!({
                "type": "function",
                "function": {"name": tool.name, "description": tool.description, "parameters": parameters},
            }));
        }
        object.insert("tools".into(), Value::Array(tools));
    }
    if let Some(t) = request.temperature {
        object.insert("temperature".into(), json!(t));
    }
    if stream {
        object.insert("stream".into(), json!(true));
        object.insert("stream_options".into(), json!({"include_usage": true}));
    }
    Ok(body)
}

fn message(m: &Message) -> Value {
    match m.role {
        Role::System => json!({"role": "system", "content": m.content}),
        Role::User => json!({"role": "user", "content": m.content}),
        Role::Tool => json!({
            "role": "tool",
            "tool_call_id": m.tool_call_id.clone().unwrap_or_default(),
            "content": m.content,
        }),
        Role::Assistant => {
            let mut value = json!({
                "role": "assistant",
                "content": if m.content.is_empty() && !m.tool_calls.is_empty() { Value::Null } else { json!(m.content) },
            });
            if !m.tool_calls.is_empty() {
                value["tool_calls"] = m
                    .tool_calls
                    .iter()
                    .map(|c| {
                        json!({"id": c.id, "type": "function",
                               "function": {"name": c.name, "arguments": c.arguments}})
                    })
                    .collect();
            }
            value
        }
    }
}

fn finish_reason(name: Option<&str>, has_tools: bool) -> FinishReason {
    match name {
        Some("length") => FinishReason::Length,
        Some("tool_calls" | "function_call") => FinishReason::ToolCalls,
        Some("content_filter") => FinishReason::ContentFilter,
        _ if has_tools => FinishReason::ToolCalls,
        _ => FinishReason::Stop,
    }
}

fn tokens(usage: &Value, field: &str) -> Option<u32> {
    usage
        .get(field)?
        .as_u64()
        .map(|n| n.min(u32::MAX as u64) as u32)
}

/// Parses a whole (non-streamed) answer.
pub fn decode(body: &[u8]) -> Result<Completion, Failure> {
    let value: Value = serde_json::from_slice(body).map_err(|e| malformed("answer", e))?;
    if let Some(error) = value.get("error") {
        return Err(error_value(None, error));
    }
    let choice = value
        .get("choices")
        .and_then(|c| c.get(0))
        .ok_or_else(|| malformed("answer", "it has no choices[0]"))?;
    let msg = choice
        .get("message")
        .ok_or_else(|| malformed("answer", "choices[0] has no message"))?;
    let content = msg
        .get("content")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let mut calls = Vec::new();
    if let Some(list) = msg.get("tool_calls").and_then(Value::as_array) {
        for call in list {
            let function = call.get("function").unwrap_or(&Value::Null);
            calls.push(ToolCall {
                id: call
                    .get("id")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                name: function
                    .get("name")
                    .and_then(Value::as_str)
                    .ok_or_else(|| malformed("answer", "a tool call has no function name"))?
                    .to_string(),
                arguments: match function.get("arguments") {
                    Some(Value::String(s)) => s.clone(),
                    Some(other) => other.to_string(),
                    None => "{}".into(),
                },
            });
        }
    }
    let usage = value.get("usage").unwrap_or(&Value::Null);
    Ok(Completion {
        finish_reason: finish_reason(
            choice.get("finish_reason").and_then(Value::as_str),
            !calls.is_empty(),
        ),
        message: Message {
            role: Role::Assistant,
            content: content.to_string(),
            tool_calls: calls,
            tool_call_id: None,
        },
        input_tokens: tokens(usage, "prompt_tokens"),
        output_tokens: tokens(usage, "completion_tokens"),
    })
}

/// Classifies an error response.
pub fn error(status: u16, body: &[u8]) -> Failure {
    let value: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    match value.get("error") {
        Some(error) => error_value(Some(status), error),
        None => {
            let text = String::from_utf8_lossy(body);
            let mut failure = Failure::new(kind_of_status(status), clip(text.trim(), 300));
            if says_context_length(&text) {
                failure.kind = FailureKind::ContextLength;
            }
            failure.status = Some(status);
            failure
        }
    }
}

fn error_value(status: Option<u16>, error: &Value) -> Failure {
    let message = error
        .get("message")
        .and_then(Value::as_str)
        .or_else(|| error.as_str())
        .unwrap_or("no message");
    let code = error
        .get("code")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let kind = if code == "context_length_exceeded" || says_context_length(message) {
        FailureKind::ContextLength
    } else if code == "rate_limit_exceeded" {
        FailureKind::RateLimited
    } else {
        status.map_or(FailureKind::Server, kind_of_status)
    };
    let mut failure = Failure::new(kind, clip(message, 300));
    failure.status = status;
    failure
}

/// Accumulates a streamed answer.
#[derive(Debug, Default)]
pub struct Stream {
    text: String,
    calls: BTreeMap<u64, ToolCall>,
    finish: Option<String>,
    input_tokens: Option<u32>,
    output_tokens: Option<u32>,
    done: bool,
}

impl Stream {
    /// A stream at its start.
    pub fn new() -> Stream {
        Stream::default()
    }

    /// Text received so far.
    pub fn partial(&self) -> &str {
        &self.text
    }

    /// Takes one event; returns the text delta it carried, if any.
    pub fn event(&mut self, event: &Event) -> Result<Option<String>, Failure> {
        let data = event.data.trim();
        if data == "[DONE]" {
            self.done = true;
            return Ok(None);
        }
        let value: Value = serde_json::from_str(data).map_err(|e| malformed("stream chunk", e))?;
        if let Some(error) = value.get("error") {
            return Err(error_value(None, error));
        }
        if let Some(usage) = value.get("usage").filter(|u| u.is_object()) {
            self.input_tokens = tokens(usage, "prompt_tokens").or(self.input_tokens);
            self.output_tokens = tokens(usage, "completion_tokens").or(self.output_tokens);
        }
        let Some(choice) = value.get("choices").and_then(|c| c.get(0)) else {
            return Ok(None);
        };
        if let Some(reason) = choice.get("finish_reason").and_then(Value::as_str) {
            self.finish = Some(reason.to_string());
        }
        let Some(delta) = choice.get("delta") else {
            return Ok(None);
        };
        if let Some(calls) = delta.get("tool_calls").and_then(Value::as_array) {
            for call in calls {
                let index = call.get("index").and_then(Value::as_u64).unwrap_or(0);
                let entry = self.calls.entry(index).or_insert_with(|| ToolCall {
                    id: String::new(),
                    name: String::new(),
                    arguments: String::new(),
                });
                if let Some(id) = call.get("id").and_then(Value::as_str) {
                    entry.id = id.to_string();
                }
                let function = call.get("function").unwrap_or(&Value::Null);
                if let Some(name) = function.get("name").and_then(Value::as_str) {
                    entry.name.push_str(name);
                }
                if let Some(args) = function.get("arguments").and_then(Value::as_str) {
                    entry.arguments.push_str(args);
                }
            }
        }
        match delta.get("content").and_then(Value::as_str) {
            Some(text) if !text.is_empty() => {
                self.text.push_str(text);
                Ok(Some(text.to_string()))
            }
            _ => Ok(None),
        }
    }

    /// The answer, once the stream has ended; a stream that stopped before the
    /// provider said it was done is [`FailureKind::Truncated`].
    pub fn finish(self) -> Result<Completion, Failure> {
        if !self.done && self.finish.is_none() {
            let mut failure = Failure::new(
                FailureKind::Truncated,
                "the stream ended before the provider finished its answer",
            );
            failure.partial_output = self.text;
            return Err(failure);
        }
        let calls: Vec<ToolCall> = self
            .calls
            .into_values()
            .map(|mut c| {
                if c.arguments.trim().is_empty() {
                    c.arguments = "{}".into();
                }
                c
            })
            .collect();
        Ok(Completion {
            finish_reason: finish_reason(self.finish.as_deref(), !calls.is_empty()),
            message: Message {
                role: Role::Assistant,
                content: self.text,
                tool_calls: calls,
                tool_call_id: None,
            },
            input_tokens: self.input_tokens,
            output_tokens: self.output_tokens,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::ToolSpec;

    #[test]
    fn encodes_tools_tool_calls_and_stream_options() {
        let request = ChatRequest {
            messages: vec![
                Message::text(Role::System, "be brief"),
                Message {
                    role: Role::Assistant,
                    content: String::new(),
                    tool_calls: vec![ToolCall {
                        id: "c1".into(),
                        name: "read".into(),
                        arguments: "{\"p\":1}".into(),
                    }],
                    tool_call_id: None,
                },
                Message {
                    role: Role::Tool,
                    content: "ok".into(),
                    tool_calls: vec![],
                    tool_call_id: Some("c1".into()),
                },
            ],
            tools: vec![ToolSpec {
                name: "read".into(),
                description: "r".into(),
                parameters: "{\"type\":\"object\"}".into(),
            }],
            max_tokens: None,
            temperature: Some(0.2),
        };
        let body = encode(&request, "gpt-x", 100, "max_completion_tokens", true).expect("encode");
        assert_eq!(body["model"], "gpt-x");
        assert_eq!(body["max_completion_tokens"], 100);
        assert_eq!(body["messages"][1]["content"], Value::Null);
        assert_eq!(
            body["messages"][1]["tool_calls"][0]["function"]["arguments"],
            "{\"p\":1}"
        );
        assert_eq!(body["messages"][2]["tool_call_id"], "c1");
        assert_eq!(body["tools"][0]["function"]["parameters"]["type"], "object");
        assert_eq!(body["stream_options"]["include_usage"], true);
        let mut bad = request.clone();
        bad.tools[0].parameters = "{nope".into();
        assert!(
            encode(&bad, "m", 1, "max_tokens", false)
                .expect_err("bad schema")
                .contains("tool `read`")
        );
    }

    #[test]
    fn decodes_answers_and_errors() {
        let body = br#"{"choices":[{"message":{"role":"assistant","content":null,"tool_calls":[{"id":"a","type":"function","function":{"name":"f","arguments":"{}"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":12,"completion_tokens":3}}"#;
        let c = decode(body).expect("decode");
        assert_eq!(c.finish_reason, FinishReason::ToolCalls);
        assert_eq!(c.message.tool_calls[0].name, "f");
        assert_eq!((c.input_tokens, c.output_tokens), (Some(12), Some(3)));
        assert_eq!(
            decode(b"{not json").expect_err("bad").kind,
            FailureKind::Malformed
        );
        let ctx = error(400, br#"{"error":{"message":"This model's maximum context length is 8192 tokens.","type":"invalid_request_error","code":"context_length_exceeded"}}"#);
        assert_eq!(ctx.kind, FailureKind::ContextLength);
        assert_eq!(error(429, b"{}").kind, FailureKind::RateLimited);
        assert_eq!(error(503, b"upstream down").kind, FailureKind::Server);
        assert_eq!(
            error(401, br#"{"error":{"message":"bad key"}}"#).kind,
            FailureKind::Auth
        );
    }

    #[test]
    fn stream_reassembles_text_and_tool_arguments() {
        let mut s = Stream::new();
        let ev = |d: &str| Event {
            name: "message".into(),
            data: d.into(),
        };
        assert_eq!(
            s.event(&ev(r#"{"choices":[{"delta":{"role":"assistant"}}]}"#))
                .expect("e"),
            None
        );
        assert_eq!(
            s.event(&ev(r#"{"choices":[{"delta":{"content":"Hel"}}]}"#))
                .expect("e")
                .as_deref(),
            Some("Hel")
        );
        s.event(&ev(r#"{"choices":[{"delta":{"content":"lo"}}]}"#))
            .expect("e");
        s.event(&ev(r#"{"choices":[{"delta":{"tool_calls":[{"index":0,"id":"c","type":"function","function":{"name":"f","arguments":""}}]}}]}"#)).expect("e");
        s.event(&ev(r#"{"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"a\":"}}]}}]}"#)).expect("e");
        s.event(&ev(
            r#"{"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":"1}"}}]}}]}"#,
        ))
        .expect("e");
        s.event(&ev(
            r#"{"choices":[{"delta":{},"finish_reason":"tool_calls"}]}"#,
        ))
        .expect("e");
        s.event(&ev(
            r#"{"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":7}}"#,
        ))
        .expect("e");
        s.event(&ev("[DONE]")).expect("done");
        let c = s.finish().expect("complete");
        assert_eq!(c.message.content, "Hello");
        assert_eq!(c.message.tool_calls[0].arguments, "{\"a\":1}");
        assert_eq!(c.output_tokens, Some(7));
        let mut cut = Stream::new();
        cut.event(&ev(r#"{"choices":[{"delta":{"content":"par"}}]}"#))
            .expect("e");
        let failure = cut.finish().expect_err("truncated");
        assert_eq!(failure.kind, FailureKind::Truncated);
        assert_eq!(failure.partial_output, "par");
    }
}
