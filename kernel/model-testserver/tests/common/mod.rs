//! Test helpers: a reqwest client, an SSE reader and re-assemblers for both formats.
#![allow(dead_code)]

use futures_util::StreamExt;
use serde_json::{Value, json};

/// One parsed SSE event: the `event:` name (if any) and the `data:` payload.
#[derive(Debug, Clone)]
pub struct Event {
    pub name: Option<String>,
    pub data: String,
}

impl Event {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.data)
            .unwrap_or_else(|e| panic!("event data is not JSON ({e}): {}", self.data))
    }
}

/// The events of a stream and whether the body ended cleanly (false when the
/// connection was cut).
pub struct Stream {
    pub events: Vec<Event>,
    pub clean_end: bool,
    pub raw: String,
}

pub fn client() -> reqwest::Client {
    reqwest::Client::new()
}

pub async fn post_json(url: &str, body: Value) -> reqwest::Response {
    client()
        .post(url)
        .json(&body)
        .send()
        .await
        .expect("request sent")
}

pub async fn post_anthropic(url: &str, body: Value) -> reqwest::Response {
    client()
        .post(url)
        .header("x-api-key", "sk-ant-test")
        .header("anthropic-version", "2023-06-01")
        .json(&body)
        .send()
        .await
        .expect("request sent")
}

/// Reads a whole SSE body, tolerating a cut connection.
pub async fn read_sse(resp: reqwest::Response) -> Stream {
    let mut bytes = Vec::new();
    let mut clean_end = true;
    let mut stream = resp.bytes_stream();
    while let Some(chunk) = stream.next().await {
        match chunk {
            Ok(b) => bytes.extend_from_slice(&b),
            Err(_) => {
                clean_end = false;
                break;
            }
        }
    }
    let raw = String::from_utf8(bytes).expect("utf-8 stream");
    let events = raw
        .split("\n\n")
        .filter(|block| !block.trim().is_empty())
        .map(|block| {
            let mut name = None;
            let mut data = Vec::new();
            for line in block.lines() {
                if let Some(n) = line.strip_prefix("event: ") {
                    name = Some(n.to_string());
                } else if let Some(d) = line.strip_prefix("data: ") {
                    data.push(d);
                }
            }
            Event {
                name,
                data: data.join("\n"),
            }
        })
        .collect();
    Stream {
        events,
        clean_end,
        raw,
    }
}

/// An OpenAI stream re-assembled.
#[derive(Debug, Default)]
pub struct OpenAiStream {
    pub role_first: bool,
    pub text: String,
    pub content_deltas: usize,
    /// (id, name, arguments string) by index.
    pub tool_calls: Vec<(String, String, String)>,
    pub finish_reason: Option<String>,
    pub usage: Option<Value>,
    pub done: bool,
}

pub fn assemble_openai(events: &[Event]) -> OpenAiStream {
    let mut out = OpenAiStream::default();
    for (i, event) in events.iter().enumerate() {
        assert!(event.name.is_none(), "OpenAI events are unnamed");
        if event.data == "[DONE]" {
            assert_eq!(i, events.len() - 1, "[DONE] is last");
            out.done = true;
            continue;
        }
        let v = event.json();
        assert_eq!(v["object"], "chat.completion.chunk");
        if let Some(u) = v.get("usage").filter(|u| !u.is_null()) {
            assert_eq!(v["choices"], json!([]), "the usage chunk has no choices");
            out.usage = Some(u.clone());
        }
        let Some(choice) = v["choices"].get(0) else {
            continue;
        };
        let delta = &choice["delta"];
        if i == 0 {
            out.role_first = delta["role"] == "assistant";
        }
        if let Some(c) = delta["content"].as_str() {
            out.text.push_str(c);
            out.content_deltas += 1;
        }
        if let Some(calls) = delta["tool_calls"].as_array() {
            for call in calls {
                let index = call["index"].as_u64().expect("index") as usize;
                if out.tool_calls.len() <= index {
                    out.tool_calls.resize(index + 1, Default::default());
                }
                let slot = &mut out.tool_calls[index];
                if let Some(id) = call["id"].as_str() {
                    assert_eq!(call["type"], "function");
                    slot.0 = id.to_string();
                }
                if let Some(name) = call["function"]["name"].as_str() {
                    slot.1 = name.to_string();
                }
                if let Some(args) = call["function"]["arguments"].as_str() {
                    slot.2.push_str(args);
                }
            }
        }
        if let Some(f) = choice["finish_reason"].as_str() {
            out.finish_reason = Some(f.to_string());
        }
    }
    out
}

/// An Anthropic stream re-assembled.
#[derive(Debug, Default)]
pub struct AnthropicStream {
    pub names: Vec<String>,
    pub text: String,
    pub text_deltas: usize,
    /// (id, name, partial_json concatenated) per tool_use block.
    pub tool_uses: Vec<(String, String, String)>,
    pub input_tokens: Option<u64>,
    pub output_tokens: Option<u64>,
    pub stop_reason: Option<String>,
    pub stopped: bool,
}

pub fn assemble_anthropic(events: &[Event]) -> AnthropicStream {
    let mut out = AnthropicStream::default();
    let mut open: Option<(u64, String)> = None;
    for event in events {
        let name = event.name.clone().expect("Anthropic events are named");
        let v = event.json();
        assert_eq!(v["type"], name.as_str(), "event name matches data.type");
        out.names.push(name.clone());
        match name.as_str() {
            "message_start" => {
                assert_eq!(v["message"]["role"], "assistant");
                out.input_tokens = v["message"]["usage"]["input_tokens"].as_u64();
            }
            "content_block_start" => {
                assert!(open.is_none(), "blocks do not overlap");
                let index = v["index"].as_u64().expect("index");
                let block = &v["content_block"];
                let kind = block["type"].as_str().expect("type").to_string();
                if kind == "tool_use" {
                    out.tool_uses.push((
                        block["id"].as_str().expect("id").to_string(),
                        block["name"].as_str().expect("name").to_string(),
                        String::new(),
                    ));
                }
                open = Some((index, kind));
            }
            "content_block_delta" => {
                let (index, kind) = open.clone().expect("delta inside a block");
                assert_eq!(v["index"].as_u64(), Some(index));
                let delta = &v["delta"];
                match (kind.as_str(), delta["type"].as_str()) {
                    ("text", Some("text_delta")) => {
                        out.text.push_str(delta["text"].as_str().expect("text"));
                        out.text_deltas += 1;
                    }
                    ("tool_use", Some("input_json_delta")) => {
                        let last = out.tool_uses.last_mut().expect("tool block");
                        last.2
                            .push_str(delta["partial_json"].as_str().expect("partial_json"));
                    }
                    other => panic!("unexpected delta {other:?}"),
                }
            }
            "content_block_stop" => {
                let (index, _) = open.take().expect("stop of an open block");
                assert_eq!(v["index"].as_u64(), Some(index));
            }
            "message_delta" => {
                out.stop_reason = v["delta"]["stop_reason"].as_str().map(str::to_string);
                out.output_tokens = v["usage"]["output_tokens"].as_u64();
            }
            "message_stop" => out.stopped = true,
            "ping" => {}
            other => panic!("unexpected event {other}"),
        }
    }
    out
}
