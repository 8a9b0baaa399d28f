//! The Anthropic Messages wire format, driven over HTTP with reqwest.

mod common;

use common::{assemble_anthropic, post_anthropic, read_sse};
use ralex_model_testserver::{Reply, ScriptedServer, ScriptedToolCall, text_deltas};
use serde_json::{Value, json};

fn messages_url(server: &ScriptedServer) -> String {
    format!("{}/v1/messages", server.url())
}

fn request(stream: bool) -> Value {
    json!({
        "model": "claude-sonnet-4-5",
        "max_tokens": 1024,
        "system": "be brief",
        "stream": stream,
        "messages": [{"role": "user", "content": "hello claude"}]
    })
}

fn tool_reply() -> Reply {
    Reply::Chat {
        text: "I will read it now.".into(),
        tool_calls: vec![
            ScriptedToolCall::new("toolu_01", "read_file", json!({"path": "Cargo.toml"})),
            ScriptedToolCall::new("toolu_02", "list_dir", json!({"dir": "src", "depth": 2})),
        ],
        input_tokens: 321,
        output_tokens: 45,
    }
}

#[tokio::test]
async fn non_streaming_text_and_tool_use() {
    let server = ScriptedServer::start().await.unwrap();
    server.push(tool_reply());
    let resp = post_anthropic(&messages_url(&server), request(false)).await;
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["type"], "message");
    assert_eq!(body["role"], "assistant");
    assert_eq!(body["model"], "claude-sonnet-4-5");
    assert!(body["id"].as_str().is_some_and(|id| id.starts_with("msg_")));
    assert_eq!(
        body["content"][0],
        json!({"type": "text", "text": "I will read it now."})
    );
    assert_eq!(
        body["content"][1],
        json!({"type": "tool_use", "id": "toolu_01", "name": "read_file", "input": {"path": "Cargo.toml"}})
    );
    assert_eq!(
        body["content"][2]["input"],
        json!({"dir": "src", "depth": 2})
    );
    assert_eq!(body["stop_reason"], "tool_use");
    assert_eq!(body["stop_sequence"], Value::Null);
    assert_eq!(body["usage"]["input_tokens"], 321);
    assert_eq!(body["usage"]["output_tokens"], 45);

    server.push(Reply::text("just text"));
    let body: Value = post_anthropic(&messages_url(&server), request(false))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        body["content"],
        json!([{"type": "text", "text": "just text"}])
    );
    assert_eq!(body["stop_reason"], "end_turn");
}

#[tokio::test]
async fn streaming_event_sequence() {
    let server = ScriptedServer::start().await.unwrap();
    server.push(tool_reply());
    let resp = post_anthropic(&messages_url(&server), request(true)).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "text/event-stream");
    let stream = read_sse(resp).await;
    assert!(stream.clean_end);
    let s = assemble_anthropic(&stream.events);
    assert_eq!(s.names.first().map(String::as_str), Some("message_start"));
    assert_eq!(s.names.last().map(String::as_str), Some("message_stop"));
    assert_eq!(s.names[s.names.len() - 2], "message_delta");
    assert_eq!(s.text, "I will read it now.");
    assert_eq!(s.text_deltas, text_deltas("I will read it now.").len());
    assert!(s.text_deltas > 1);
    assert_eq!(s.tool_uses.len(), 2);
    assert_eq!(
        (s.tool_uses[0].0.as_str(), s.tool_uses[0].1.as_str()),
        ("toolu_01", "read_file")
    );
    let input: Value = serde_json::from_str(&s.tool_uses[0].2).unwrap();
    assert_eq!(input, json!({"path": "Cargo.toml"}));
    let input: Value = serde_json::from_str(&s.tool_uses[1].2).unwrap();
    assert_eq!(input, json!({"dir": "src", "depth": 2}));
    assert!(
        s.names
            .iter()
            .filter(|n| *n == "content_block_delta")
            .count()
            > s.text_deltas + 2,
        "tool input arrives in several input_json_delta fragments"
    );
    assert_eq!(s.input_tokens, Some(321));
    assert_eq!(s.output_tokens, Some(45));
    assert_eq!(s.stop_reason.as_deref(), Some("tool_use"));
    assert!(s.stopped);
    assert_eq!(
        s.names
            .iter()
            .filter(|n| *n == "content_block_start")
            .count(),
        3
    );
}

#[tokio::test]
async fn streaming_tool_only_and_prefix() {
    let server = ScriptedServer::start().await.unwrap();
    server.push(Reply::tool_calls(
        "",
        vec![ScriptedToolCall::new("toolu_x", "noop", json!({}))],
    ));
    let url = format!("{}/anthropic/v1/messages", server.url());
    let s = assemble_anthropic(
        &read_sse(post_anthropic(&url, request(true)).await)
            .await
            .events,
    );
    assert_eq!(s.text, "");
    assert_eq!(s.tool_uses.len(), 1);
    assert_eq!(s.tool_uses[0].2, "{}");
    assert_eq!(s.stop_reason.as_deref(), Some("tool_use"));
    assert!(s.stopped);
}

#[tokio::test]
async fn default_echo_skips_tool_results() {
    let server = ScriptedServer::start().await.unwrap();
    let body: Value = post_anthropic(&messages_url(&server), request(false))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["content"][0]["text"], "echo: hello claude");

    let req = json!({
        "model": "claude", "max_tokens": 100, "stream": true,
        "messages": [
            {"role": "user", "content": [{"type": "text", "text": "find it"}]},
            {"role": "assistant", "content": [{"type": "tool_use", "id": "t1", "name": "f", "input": {}}]},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t1", "content": "found"}]}
        ]
    });
    let s = assemble_anthropic(
        &read_sse(post_anthropic(&messages_url(&server), req).await)
            .await
            .events,
    );
    assert_eq!(s.text, "echo: find it");
    assert_eq!(s.stop_reason.as_deref(), Some("end_turn"));
}

async fn error_of(server: &ScriptedServer, reply: Reply) -> (u16, Option<String>, Value) {
    server.push(reply);
    let resp = post_anthropic(&messages_url(server), request(true)).await;
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
    assert_eq!(
        body,
        json!({"type": "error", "error": {"type": "invalid_request_error", "message": "prompt is too long: 210000 tokens > 200000 maximum"}})
    );

    let (status, retry, body) = error_of(&server, Reply::rate_limited(Some(30))).await;
    assert_eq!((status, retry.as_deref()), (429, Some("30")));
    assert_eq!(body["type"], "error");
    assert_eq!(body["error"]["type"], "rate_limit_error");

    let (status, _, body) = error_of(&server, Reply::server_error()).await;
    assert_eq!(status, 500);
    assert_eq!(body["error"]["type"], "api_error");

    let (status, _, body) = error_of(&server, Reply::overloaded()).await;
    assert_eq!(status, 529);
    assert_eq!(
        body["error"],
        json!({"type": "overloaded_error", "message": "Overloaded"})
    );

    let (status, _, body) = error_of(&server, Reply::unauthorized()).await;
    assert_eq!(status, 401);
    assert_eq!(body["error"]["type"], "authentication_error");

    let null_status = Reply::Status {
        status: 403,
        retry_after: None,
        body: Value::Null,
    };
    let (status, _, body) = error_of(&server, null_status).await;
    assert_eq!(status, 403);
    assert_eq!(body["error"]["type"], "permission_error");

    let custom = json!({"type": "error", "error": {"type": "custom", "message": "as is"}});
    let (status, _, body) = error_of(&server, Reply::status(400, custom.clone())).await;
    assert_eq!((status, body), (400, custom));
}

#[tokio::test]
async fn invalid_requests_are_rejected_like_the_real_api() {
    let server = ScriptedServer::start().await.unwrap();
    server.push(Reply::text("kept"));

    let resp = common::post_json(&messages_url(&server), request(false)).await;
    assert_eq!(resp.status(), 400, "anthropic-version is required");
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["type"], "error");
    assert_eq!(body["error"]["type"], "invalid_request_error");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("anthropic-version")
    );

    let no_max = json!({"model": "claude", "messages": [{"role": "user", "content": "x"}]});
    let resp = post_anthropic(&messages_url(&server), no_max).await;
    assert_eq!(resp.status(), 400);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["message"], "max_tokens: Field required");

    let resp = common::client()
        .post(messages_url(&server))
        .header("anthropic-version", "2023-06-01")
        .body("garbage")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    assert_eq!(server.pending(), 1);
}

#[tokio::test]
async fn truncated_stream_lacks_message_stop() {
    let server = ScriptedServer::start().await.unwrap();
    server.push(Reply::truncated("alpha beta gamma delta", 3));
    let stream = read_sse(post_anthropic(&messages_url(&server), request(true)).await).await;
    assert!(!stream.clean_end, "the connection is cut");
    let s = assemble_anthropic(&stream.events);
    assert_eq!(s.text, "alpha beta gamma ");
    assert_eq!(s.text_deltas, 3);
    assert!(!s.stopped);
    assert!(
        !s.names
            .iter()
            .any(|n| n == "message_delta" || n == "message_stop")
    );
    assert_eq!(s.output_tokens, None);
}

#[tokio::test]
async fn truncated_and_malformed_non_streaming() {
    let server = ScriptedServer::start().await.unwrap();
    server.push(Reply::truncated("some words", 1));
    server.push(Reply::Malformed);
    for _ in 0..2 {
        let resp = post_anthropic(&messages_url(&server), request(false)).await;
        assert_eq!(resp.status(), 200);
        assert!(serde_json::from_str::<Value>(&resp.text().await.unwrap()).is_err());
    }
}

#[tokio::test]
async fn malformed_stream_has_a_non_json_data_line() {
    let server = ScriptedServer::start().await.unwrap();
    server.push(Reply::Malformed);
    let stream = read_sse(post_anthropic(&messages_url(&server), request(true)).await).await;
    let bad = stream
        .events
        .iter()
        .filter(|e| serde_json::from_str::<Value>(&e.data).is_err())
        .count();
    assert_eq!(bad, 1, "{}", stream.raw);
}

#[tokio::test]
async fn count_tokens_consumes_nothing() {
    let server = ScriptedServer::start().await.unwrap();
    server.push(Reply::text("kept"));
    let url = format!("{}/v1/messages/count_tokens", server.url());
    let body = json!({"model": "claude", "messages": [{"role": "user", "content": "count me"}]});
    let resp = post_anthropic(&url, body).await;
    assert_eq!(resp.status(), 200);
    let v: Value = resp.json().await.unwrap();
    assert!(v["input_tokens"].as_u64().unwrap() > 0);
    assert_eq!(server.pending(), 1);
}
