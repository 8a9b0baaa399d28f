//! The OpenAI chat-completions wire format, driven over HTTP with reqwest.

mod common;

use std::time::{Duration, Instant};

use common::{assemble_openai, post_json, read_sse};
use ralex_model_testserver::{Reply, ScriptedServer, ScriptedToolCall, text_deltas};
use serde_json::{Value, json};

fn chat_url(server: &ScriptedServer) -> String {
    format!("{}/v1/chat/completions", server.url())
}

fn request(stream: bool) -> Value {
    let mut body = json!({
        "model": "gpt-4o-mini",
        "messages": [
            {"role": "system", "content": "be brief"},
            {"role": "user", "content": "hi there"}
        ]
    });
    if stream {
        body["stream"] = json!(true);
    }
    body
}

fn two_tools() -> Vec<ScriptedToolCall> {
    vec![
        ScriptedToolCall::new("call_a", "read_file", json!({"path": "src/main.rs"})),
        ScriptedToolCall::new("call_b", "search", json!({"query": "fn main", "limit": 3})),
    ]
}

#[tokio::test]
async fn non_streaming_text() {
    let server = ScriptedServer::start().await.unwrap();
    server.push(Reply::Chat {
        text: "Hello!".into(),
        tool_calls: vec![],
        input_tokens: 11,
        output_tokens: 3,
    });
    let resp = post_json(&chat_url(&server), request(false)).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "application/json");
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["object"], "chat.completion");
    assert_eq!(body["model"], "gpt-4o-mini");
    assert!(body["id"].as_str().is_some_and(|id| !id.is_empty()));
    assert!(body["created"].as_u64().is_some());
    let choice = &body["choices"][0];
    assert_eq!(choice["index"], 0);
    assert_eq!(choice["message"]["role"], "assistant");
    assert_eq!(choice["message"]["content"], "Hello!");
    assert!(choice["message"].get("tool_calls").is_none());
    assert_eq!(choice["finish_reason"], "stop");
    assert_eq!(
        body["usage"],
        json!({"prompt_tokens": 11, "completion_tokens": 3, "total_tokens": 14})
    );
    assert_eq!(server.pending(), 0);
}

#[tokio::test]
async fn non_streaming_tool_calls() {
    let server = ScriptedServer::start().await.unwrap();
    server.push(Reply::tool_calls("", two_tools()));
    let body: Value = post_json(&chat_url(&server), request(false))
        .await
        .json()
        .await
        .unwrap();
    let message = &body["choices"][0]["message"];
    assert_eq!(message["content"], Value::Null);
    let calls = message["tool_calls"].as_array().unwrap();
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0]["id"], "call_a");
    assert_eq!(calls[0]["type"], "function");
    assert_eq!(calls[0]["function"]["name"], "read_file");
    let args: Value =
        serde_json::from_str(calls[1]["function"]["arguments"].as_str().unwrap()).unwrap();
    assert_eq!(args, json!({"query": "fn main", "limit": 3}));
    assert_eq!(body["choices"][0]["finish_reason"], "tool_calls");
}

#[tokio::test]
async fn streaming_text_tools_and_usage() {
    let server = ScriptedServer::start().await.unwrap();
    server.push(Reply::Chat {
        text: "Let me look at that file.".into(),
        tool_calls: two_tools(),
        input_tokens: 40,
        output_tokens: 12,
    });
    let mut body = request(true);
    body["stream_options"] = json!({"include_usage": true});
    let resp = post_json(&chat_url(&server), body).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "text/event-stream");
    let stream = read_sse(resp).await;
    assert!(stream.clean_end);
    let s = assemble_openai(&stream.events);
    assert!(s.role_first, "first delta carries the role");
    assert_eq!(s.text, "Let me look at that file.");
    assert_eq!(
        s.content_deltas,
        text_deltas("Let me look at that file.").len()
    );
    assert!(s.content_deltas > 1, "text arrives in several pieces");
    assert_eq!(s.tool_calls.len(), 2);
    assert_eq!(s.tool_calls[0].0, "call_a");
    assert_eq!(s.tool_calls[0].1, "read_file");
    let args: Value = serde_json::from_str(&s.tool_calls[0].2).unwrap();
    assert_eq!(args, json!({"path": "src/main.rs"}));
    let args: Value = serde_json::from_str(&s.tool_calls[1].2).unwrap();
    assert_eq!(args, json!({"query": "fn main", "limit": 3}));
    assert_eq!(s.finish_reason.as_deref(), Some("tool_calls"));
    assert_eq!(
        s.usage,
        Some(json!({"prompt_tokens": 40, "completion_tokens": 12, "total_tokens": 52}))
    );
    assert!(s.done);
    // Argument fragments: a header chunk with empty arguments, then several pieces.
    let fragments = stream.raw.matches("\"function\":{\"arguments\":").count();
    assert!(
        fragments >= 4,
        "arguments are streamed in fragments: {fragments}"
    );
}

#[tokio::test]
async fn streaming_without_include_usage_has_no_usage() {
    let server = ScriptedServer::start().await.unwrap();
    server.push(Reply::text("plain answer here"));
    let stream = read_sse(post_json(&chat_url(&server), request(true)).await).await;
    let s = assemble_openai(&stream.events);
    assert_eq!(s.text, "plain answer here");
    assert_eq!(s.finish_reason.as_deref(), Some("stop"));
    assert_eq!(s.usage, None);
    assert!(!stream.raw.contains("usage"));
    assert!(s.done);
}

#[tokio::test]
async fn any_prefix_and_models_list() {
    let server = ScriptedServer::start().await.unwrap();
    server.push(Reply::text("via prefix"));
    let url = format!("{}/api/v1/chat/completions", server.url());
    let body: Value = post_json(&url, request(false)).await.json().await.unwrap();
    assert_eq!(body["choices"][0]["message"]["content"], "via prefix");

    let resp = common::client()
        .get(format!("{}/v1/models", server.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let list: Value = resp.json().await.unwrap();
    assert_eq!(list["object"], "list");
    let data = list["data"].as_array().unwrap();
    assert!(!data.is_empty());
    assert!(
        data.iter()
            .all(|m| m["object"] == "model" && m["id"].is_string())
    );
}

#[tokio::test]
async fn default_echo_when_queue_is_empty() {
    let server = ScriptedServer::start().await.unwrap();
    let body: Value = post_json(&chat_url(&server), request(false))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["choices"][0]["message"]["content"], "echo: hi there");
    assert!(body["usage"]["prompt_tokens"].as_u64().unwrap() > 0);

    // Array content parts and a trailing tool message: the last user text is echoed.
    let req = json!({
        "model": "m",
        "stream": true,
        "messages": [
            {"role": "user", "content": [{"type": "text", "text": "look it up"}]},
            {"role": "assistant", "content": null, "tool_calls": [{"id": "c", "type": "function", "function": {"name": "f", "arguments": "{}"}}]},
            {"role": "tool", "tool_call_id": "c", "content": "result"}
        ]
    });
    let s = assemble_openai(
        &read_sse(post_json(&chat_url(&server), req).await)
            .await
            .events,
    );
    assert_eq!(s.text, "echo: look it up");
    assert!(s.done);
}

async fn error_of(server: &ScriptedServer, reply: Reply) -> (u16, Option<String>, Value) {
    server.push(reply);
    let resp = post_json(&chat_url(server), request(true)).await;
    let status = resp.status().as_u16();
    let retry = resp
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_string());
    (status, retry, resp.json().await.unwrap())
}

#[tokio::test]
async fn provider_exact_errors() {
    let server = ScriptedServer::start().await.unwrap();

    let (status, retry, body) = error_of(&server, Reply::context_length()).await;
    assert_eq!((status, retry), (400, None));
    assert_eq!(body["error"]["code"], "context_length_exceeded");
    assert_eq!(body["error"]["type"], "invalid_request_error");
    assert_eq!(body["error"]["param"], Value::Null);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens")
    );

    let (status, retry, body) = error_of(&server, Reply::rate_limited(Some(7))).await;
    assert_eq!((status, retry.as_deref()), (429, Some("7")));
    assert_eq!(body["error"]["type"], "requests");
    assert_eq!(body["error"]["code"], "rate_limit_exceeded");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("gpt-4o-mini")
    );

    let (status, retry, body) = error_of(&server, Reply::rate_limited(None)).await;
    assert_eq!((status, retry), (429, None));
    assert_eq!(body["error"]["code"], "rate_limit_exceeded");

    let (status, _, body) = error_of(&server, Reply::server_error()).await;
    assert_eq!(status, 500);
    assert_eq!(body["error"]["type"], "server_error");

    let (status, _, body) = error_of(&server, Reply::overloaded()).await;
    assert_eq!(status, 503);
    assert_eq!(body["error"]["type"], "server_error");

    let (status, _, body) = error_of(&server, Reply::unauthorized()).await;
    assert_eq!(status, 401);
    assert_eq!(body["error"]["code"], "invalid_api_key");

    // Status with a null body: shaped for the status.
    let null_status = Reply::Status {
        status: 429,
        retry_after: Some(1),
        body: Value::Null,
    };
    let (status, retry, body) = error_of(&server, null_status).await;
    assert_eq!((status, retry.as_deref()), (429, Some("1")));
    assert_eq!(body["error"]["code"], "rate_limit_exceeded");

    // Status with an explicit body: sent as is.
    let custom = json!({"whatever": ["exactly", "this"]});
    let (status, _, body) = error_of(&server, Reply::status(418, custom.clone())).await;
    assert_eq!((status, body), (418, custom));
    assert_eq!(server.pending(), 0);
}

#[tokio::test]
async fn status_with_string_body_is_raw_text() {
    let server = ScriptedServer::start().await.unwrap();
    server.push(Reply::status(
        502,
        json!("<html><body>Bad gateway</body></html>"),
    ));
    let resp = post_json(&chat_url(&server), request(false)).await;
    assert_eq!(resp.status(), 502);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert_eq!(
        resp.text().await.unwrap(),
        "<html><body>Bad gateway</body></html>"
    );
}

#[tokio::test]
async fn bad_requests_get_400_and_consume_nothing() {
    let server = ScriptedServer::start().await.unwrap();
    server.push(Reply::text("kept"));
    let resp = common::client()
        .post(chat_url(&server))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["type"], "invalid_request_error");
    assert_eq!(body["error"]["param"], Value::Null);

    for bad in [
        json!({"messages": [{"role": "user", "content": "x"}]}),
        json!({"model": "m", "messages": []}),
        json!({"model": "m", "messages": [{"role": "user", "content": "x"}], "stream_options": {"include_usage": true}}),
        json!({"model": "m", "messages": [{"role": "user", "content": "x"}], "stream": "yes"}),
        json!([1, 2, 3]),
    ] {
        let resp = post_json(&chat_url(&server), bad.clone()).await;
        assert_eq!(resp.status(), 400, "{bad}");
        let body: Value = resp.json().await.unwrap();
        assert!(body["error"]["message"].is_string(), "{bad}");
    }
    assert_eq!(server.pending(), 1, "rejected requests consume no reply");
    let body: Value = post_json(&chat_url(&server), request(false))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["choices"][0]["message"]["content"], "kept");
}

#[tokio::test]
async fn truncated_stream_lacks_done_and_usage() {
    let server = ScriptedServer::start().await.unwrap();
    let text = "one two three four five";
    server.push(Reply::truncated(text, 2));
    let mut body = request(true);
    body["stream_options"] = json!({"include_usage": true});
    let stream = read_sse(post_json(&chat_url(&server), body).await).await;
    assert!(!stream.clean_end, "the connection is cut");
    let s = assemble_openai(&stream.events);
    assert_eq!(s.text, "one two ");
    assert_eq!(s.content_deltas, 2);
    assert!(!s.done);
    assert!(!stream.raw.contains("[DONE]"));
    assert_eq!(s.usage, None);
    assert_eq!(s.finish_reason, None);
}

#[tokio::test]
async fn truncated_non_streaming_is_cut_json() {
    let server = ScriptedServer::start().await.unwrap();
    server.push(Reply::truncated("a complete sentence", 1));
    let resp = post_json(&chat_url(&server), request(false)).await;
    assert_eq!(resp.status(), 200);
    let text = resp.text().await.unwrap();
    // Key order depends on serde_json's `preserve_order` (feature unification in
    // the workspace turns it on): check the shape, not the first key.
    assert!(text.starts_with("{\""), "{text}");
    assert!(serde_json::from_str::<Value>(&text).is_err());
}

#[tokio::test]
async fn malformed_bodies() {
    let server = ScriptedServer::start().await.unwrap();
    server.push(Reply::Malformed);
    let resp = post_json(&chat_url(&server), request(false)).await;
    assert_eq!(resp.status(), 200);
    assert!(serde_json::from_str::<Value>(&resp.text().await.unwrap()).is_err());

    server.push(Reply::Malformed);
    let stream = read_sse(post_json(&chat_url(&server), request(true)).await).await;
    let bad: Vec<_> = stream
        .events
        .iter()
        .filter(|e| e.data != "[DONE]" && serde_json::from_str::<Value>(&e.data).is_err())
        .collect();
    assert_eq!(bad.len(), 1, "one data line is not JSON: {}", stream.raw);
}

#[tokio::test]
async fn slow_delays_the_headers() {
    let server = ScriptedServer::start().await.unwrap();
    let delay = Duration::from_millis(300);
    server.push(Reply::slow(delay, Reply::text("late non-stream")));
    server.push(Reply::slow(delay, Reply::text("late stream")));

    let started = Instant::now();
    let resp = post_json(&chat_url(&server), request(false)).await;
    assert!(
        started.elapsed() >= delay,
        "headers arrived after {:?}",
        started.elapsed()
    );
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["choices"][0]["message"]["content"], "late non-stream");

    let started = Instant::now();
    let resp = post_json(&chat_url(&server), request(true)).await;
    assert!(
        started.elapsed() >= delay,
        "stream headers arrived after {:?}",
        started.elapsed()
    );
    assert_eq!(
        assemble_openai(&read_sse(resp).await.events).text,
        "late stream"
    );

    // A client timeout shorter than the delay fires.
    server.push(Reply::slow(Duration::from_secs(5), Reply::text("too late")));
    let err = common::client()
        .post(chat_url(&server))
        .timeout(Duration::from_millis(100))
        .json(&request(false))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout());
}
