//! Anthropic Messages (`POST {base}/messages`, `anthropic-version: 2023-06-01`).
//!
//! Differences from OpenAI handled here: system prompts go in a top-level
//! `system`; tool results are `tool_result` blocks in a user message (consecutive
//! results merged into one); tool calls are `tool_use` blocks with a JSON `input`
//! object; `max_tokens` is mandatory; streams are named events.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::sse::Event;
use super::{clip, kind_of_status, malformed, says_context_length};
use crate::error::{Failure, FailureKind};
use crate::types::{ChatRequest, Completion, FinishReason, Message, Role, ToolCall};

/// The API version sent in `anthropic-version`.
pub const VERSION: &str = "2023-06-01";

/// Builds the request body.
pub fn encode(
    request: &ChatRequest,
    api_name: &str,
    max_tokens: u32,
    stream: bool,
) -> Result<Value, String> {
    let system: Vec<&str> = request
        .messages
        .iter()
        .filter(|m| m.role == Role::System)
        .map(|m| m.content.as_str())
        .collect();
    let mut messages: Vec<Value> = Vec::new();
    for m in request.messages.iter().filter(|m| m.role != Role::System) {
        match m.role {
            Role::Tool => {
                let block = json!({
                    "type": "tool_result",
                    "tool_use_id": m.tool_call_id.clone().unwrap_or_default(),
                    "content": m.content,
                });
                // Merge into the previous user message of tool results.
                if let Some(last) = messages.last_mut()
                    && last["role"] == "user"
                    && last["content"]
                        .as_array()
                        .is_some_and(|blocks| blocks.iter().all(|b| b["type"] == "tool_result"))
                    && let Some(blocks) = last["content"].as_array_mut()
                {
                    blocks.push(block);
                    continue;
                }
                messages.push(json!({"role": "user", "content": [block]}));
            }
            Role::User => messages.push(json!({"role": "user", "content": m.content})),
            Role::Assistant => {
                let mut blocks = Vec::new();
                if !m.content.is_empty() {
                    blocks.push(json!({"type": "text", "text": m.content}));
                }
                for call in &m.tool_calls {
                    let input: Value = if call.arguments.trim().is_empty() {
                        json!({})
                    } else {
                        serde_json::from_str(&call.arguments).map_err(|e| {
                            format!("tool call `{}`: its arguments are not JSON: {e}", call.name)
                        })?
                    };
                    blocks.push(json!({"type": "tool_use", "id": call.id, "name": call.name, "input": input}));
                }
                messages.push(json!({"role": "assistant", "content": blocks}));
            }
            Role::System => {}
        }
    }
    let mut body = json!({
        "model": api_name,
        "max_tokens": max_tokens,
        "messages": messages,
    });
    let object = body.as_object_mut().expect("built as an object");
    if !system.is_empty() {
        object.insert("system".into(), json!(system.join("\n\n")));
    }
    if !request.tools.is_empty() {
        let mut tools = Vec::new();
        for tool in &request.tools {
            let schema: Value = serde_json::from_str(&tool.parameters).map_err(|e| {
                format!(
                    "tool `{}`: its parameters are not a JSON Schema in JSON: {e}",
                    tool.name
                )
            })?;
            tools.push(
                json!({"name": tool.name, "description": tool.description, "input_schema": schema}),
            );
        }
        object.insert("tools".into(), Value::Array(tools));
    }
    if let Some(t) = request.temperature {
        object.insert("temperature".into(), json!(t));
    }
    if stream {
        object.insert("stream".into(), json!(true));
    }
    Ok(body)
}

fn stop_reason(name: Option<&str>) -> FinishReason {
    match name {
        Some("max_tokens") => FinishReason::Length,
        Some("tool_use") => FinishReason::ToolCalls,
        Some("refusal") => FinishReason::ContentFilter,
        _ => FinishReason::Stop,
    }
}

fn count(usage: &Value, field: &str) -> u64 {
    usage.get(field).and_then(Value::as_u64).unwrap_or(0)
}

/// Prompt tokens including cache writes and reads (all are billed input).
fn input_tokens(usage: &Value) -> Option<u32> {
    usage.get("input_tokens")?.as_u64()?;
    let total = count(usage, "input_tokens")
        + count(usage, "cache_creation_input_tokens")
        + count(usage, "cache_read_input_tokens");
    Some(total.min(u32::MAX as u64) as u32)
}

fn output_tokens(usage: &Value) -> Option<u32> {
    usage
        .get("output_tokens")?
        .as_u64()
        .map(|n| n.min(u32::MAX as u64) as u32)
}

/// Parses a whole (non-streamed) answer.
pub fn decode(body: &[u8]) -> Result<Completion, Failure> {
    let value: Value = serde_json::from_slice(body).map_err(|e| malformed("answer", e))?;
    if value["type"] == "error" {
        return Err(error_value(None, &value["error"]));
    }
    let blocks = value["content"]
        .as_array()
        .ok_or_else(|| malformed("answer", "it has no content array"))?;
    let mut text = String::new();
    let mut calls = Vec::new();
    for block in blocks {
        match block["type"].as_str() {
            Some("text") => text.push_str(block["text"].as_str().unwrap_or_default()),
            Some("tool_use") => calls.push(ToolCall {
                id: block["id"].as_str().unwrap_or_default().to_string(),
                name: block["name"]
                    .as_str()
                    .ok_or_else(|| malformed("answer", "a tool_use block has no name"))?
                    .to_string(),
                arguments: block
                    .get("input")
                    .map_or_else(|| "{}".into(), Value::to_string),
            }),
            _ => {}
        }
    }
    let usage = &value["usage"];
    Ok(Completion {
        finish_reason: stop_reason(value["stop_reason"].as_str()),
        message: Message {
            role: Role::Assistant,
            content: text,
            tool_calls: calls,
            tool_call_id: None,
        },
        input_tokens: input_tokens(usage),
        output_tokens: output_tokens(usage),
    })
}

/// Classifies an error response.
pub fn error(status: u16, body: &[u8]) -> Failure {
    let value: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    if value["type"] == "error" {
        return error_value(Some(status), &value["error"]);
    }
    let text = String::from_utf8_lossy(body);
    let mut failure = Failure::new(kind_of_status(status), clip(text.trim(), 300));
    if says_context_length(&text) {
        failure.kind = FailureKind::ContextLength;
    }
    failure.status = Some(status);
    failure
}

fn error_value(status: Option<u16>, error: &Value) -> Failure {
    let message = error["message"].as_str().unwrap_or("no message");
    let kind = match error["type"].as_str() {
        _ if says_context_length(message) => FailureKind::ContextLength,
        Some("rate_limit_error") => FailureKind::RateLimited,
        Some("overloaded_error" | "api_error") => FailureKind::Server,
        Some("authentication_error" | "permission_error") => FailureKind::Auth,
        Some("invalid_request_error" | "not_found_error" | "request_too_large") => {
            FailureKind::BadRequest
        }
        _ => status.map_or(FailureKind::Server, kind_of_status),
    };
    let mut failure = Failure::new(kind, clip(message, 300));
    failure.status = status;
    failure
}

#[derive(Debug)]
enum Block {
    Text,
    Tool(ToolCall),
}

/// Accumulates a streamed answer.
#[derive(Debug, Default)]
pub struct Stream {
    text: String,
    blocks: BTreeMap<u64, Block>,
    stop: Option<String>,
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
        if event.name == "ping" {
            return Ok(None);
        }
        let value: Value =
            serde_json::from_str(&event.data).map_err(|e| malformed("stream event", e))?;
        let kind = value["type"].as_str().unwrap_or(event.name.as_str());
        match kind {
            "message_start" => {
                let usage = &value["message"]["usage"];
                self.input_tokens = input_tokens(usage);
                self.output_tokens = output_tokens(usage);
            }
            "content_block_start" => {
                let index = value["index"].as_u64().unwrap_or(0);
                let block = &value["content_block"];
                let entry = if block["type"] == "tool_use" {
                    Block::Tool(ToolCall {
                        id: block["id"].as_str().unwrap_or_default().to_string(),
                        name: block["name"].as_str().unwrap_or_default().to_string(),
                        arguments: String::new(),
                    })
                } else {
                    Block::Text
                };
                self.blocks.insert(index, entry);
            }
            "content_block_delta" => {
                let index = value["index"].as_u64().unwrap_or(0);
                let delta = &value["delta"];
                match delta["type"].as_str() {
                    Some("text_delta") => {
                        let text = delta["text"].as_str().unwrap_or_default();
                        self.text.push_str(text);
                        return Ok((!text.is_empty()).then(|| text.to_string()));
                    }
                    Some("input_json_delta") => {
                        if let Some(Block::Tool(call)) = self.blocks.get_mut(&index) {
                            call.arguments
                                .push_str(delta["partial_json"].as_str().unwrap_or_default());
                        }
                    }
                    _ => {}
                }
            }
            "message_delta" => {
                if let Some(reason) = value["delta"]["stop_reason"].as_str() {
                    self.stop = Some(reason.to_string());
                }
                if let Some(out) = output_tokens(&value["usage"]) {
                    self.output_tokens = Some(out);
                }
                if let Some(input) = input_tokens(&value["usage"]) {
                    self.input_tokens = Some(input);
                }
            }
            "message_stop" => self.done = true,
            "error" => return Err(error_value(None, &value["error"])),
            _ => {}
        }
        Ok(None)
    }

    /// The answer, once the stream has ended; without `message_stop` it is
    /// [`FailureKind::Truncated`].
    pub fn finish(self) -> Result<Completion, Failure> {
        if !self.done {
            let mut failure = Failure::new(
                FailureKind::Truncated,
                "the stream ended before the provider finished its answer",
            );
            failure.partial_output = self.text;
            return Err(failure);
        }
        let calls = self
            .blocks
            .into_values()
            .filter_map(|b| match b {
                Block::Tool(mut call) => {
                    if call.arguments.trim().is_empty() {
                        call.arguments = "{}".into();
                    }
                    Some(call)
                }
                Block::Text => None,
            })
            .collect();
        Ok(Completion {
            finish_reason: stop_reason(self.stop.as_deref()),
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

    #[test]
    fn encodes_system_tool_results_and_tool_use() {
        let request = ChatRequest {
            messages: vec![
                Message::text(Role::System, "rules"),
                Message::text(Role::User, "hi"),
                Message {
                    role: Role::Assistant,
                    content: "looking".into(),
                    tool_calls: vec![
                        ToolCall {
                            id: "t1".into(),
                            name: "a".into(),
                            arguments: "{\"x\":1}".into(),
                        },
                        ToolCall {
                            id: "t2".into(),
                            name: "b".into(),
                            arguments: String::new(),
                        },
                    ],
                    tool_call_id: None,
                },
                Message {
                    role: Role::Tool,
                    content: "A".into(),
                    tool_calls: vec![],
                    tool_call_id: Some("t1".into()),
                },
                Message {
                    role: Role::Tool,
                    content: "B".into(),
                    tool_calls: vec![],
                    tool_call_id: Some("t2".into()),
                },
            ],
            ..ChatRequest::default()
        };
        let body = encode(&request, "claude-x", 512, true).expect("encode");
        assert_eq!(body["system"], "rules");
        assert_eq!(body["max_tokens"], 512);
        let messages = body["messages"].as_array().expect("messages");
        assert_eq!(messages.len(), 3);
        assert_eq!(messages[1]["content"][1]["input"]["x"], 1);
        assert_eq!(messages[1]["content"][2]["input"], json!({}));
        assert_eq!(messages[2]["content"].as_array().expect("results").len(), 2);
        assert_eq!(messages[2]["content"][1]["tool_use_id"], "t2");
        let mut bad = request;
        bad.messages[2].tool_calls[0].arguments = "{oops".into();
        assert!(encode(&bad, "m", 1, false).is_err());
    }

    #[test]
    fn decodes_answers_and_errors() {
        let body = br#"{"type":"message","content":[{"type":"text","text":"ok "},{"type":"tool_use","id":"u","name":"f","input":{"a":2}}],"stop_reason":"tool_use","usage":{"input_tokens":10,"cache_read_input_tokens":5,"output_tokens":4}}"#;
        let c = decode(body).expect("decode");
        assert_eq!(c.finish_reason, FinishReason::ToolCalls);
        assert_eq!(c.message.tool_calls[0].arguments, "{\"a\":2}");
        assert_eq!(c.input_tokens, Some(15));
        let ctx = error(400, br#"{"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 210000 tokens > 200000 maximum"}}"#);
        assert_eq!(ctx.kind, FailureKind::ContextLength);
        let busy = error(
            529,
            br#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#,
        );
        assert_eq!(busy.kind, FailureKind::Server);
        assert_eq!(
            error(
                429,
                br#"{"type":"error","error":{"type":"rate_limit_error","message":"slow"}}"#
            )
            .kind,
            FailureKind::RateLimited
        );
    }

    #[test]
    fn stream_events() {
        let ev = |name: &str, data: &str| Event {
            name: name.into(),
            data: data.into(),
        };
        let mut s = Stream::new();
        s.event(&ev(
            "message_start",
            r#"{"type":"message_start","message":{"usage":{"input_tokens":9,"output_tokens":1}}}"#,
        ))
        .expect("e");
        s.event(&ev(
            "content_block_start",
            r#"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#,
        ))
        .expect("e");
        assert_eq!(s.event(&ev("content_block_delta", r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}"#)).expect("e").as_deref(), Some("Hi"));
        s.event(&ev("ping", "{}")).expect("ping");
        s.event(&ev("content_block_start", r#"{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"u1","name":"f","input":{}}}"#)).expect("e");
        s.event(&ev("content_block_delta", r#"{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"k\":"}}"#)).expect("e");
        s.event(&ev("content_block_delta", r#"{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"true}"}}"#)).expect("e");
        s.event(&ev("message_delta", r#"{"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":6}}"#)).expect("e");
        let mut truncated = Stream::new();
        truncated.event(&ev("content_block_delta", r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"par"}}"#)).expect("e");
        assert_eq!(
            truncated.finish().expect_err("cut").kind,
            FailureKind::Truncated
        );
        s.event(&ev("message_stop", r#"{"type":"message_stop"}"#))
            .expect("e");
        let c = s.finish().expect("done");
        assert_eq!(c.message.content, "Hi");
        assert_eq!(c.message.tool_calls[0].arguments, "{\"k\":true}");
        assert_eq!((c.input_tokens, c.output_tokens), (Some(9), Some(6)));
        let mut failing = Stream::new();
        let err = failing
            .event(&ev(
                "error",
                r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#,
            ))
            .expect_err("error event");
        assert_eq!(err.kind, FailureKind::Server);
    }
}
