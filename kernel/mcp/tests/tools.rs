//! Listing and calling tools of a real MCP server (the echo server, started
//! as a child process).

mod support;

use std::sync::Arc;

use ralex_caps::ErrorKind;
use ralex_mcp::{Limits, McpError, McpHub};
use serde_json::Value;
use support::{echo, echo_hub, echo_hub_with, ok_text, parse};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_the_servers_tools_with_their_schemas() {
    let hub = echo_hub();
    assert_eq!(hub.servers(), ["echo"]);
    let tools = hub.list_tools("echo").await.unwrap();
    let names: Vec<&str> = tools.iter().map(|tool| tool.name.as_str()).collect();
    for expected in ["echo", "add", "fail", "big", "slow", "env", "pid", "crash"] {
        assert!(
            names.contains(&expected),
            "{expected} missing from {names:?}"
        );
    }
    let add = tools.iter().find(|tool| tool.name == "add").unwrap();
    assert_eq!(add.server, "echo");
    assert_eq!(add.description, "Adds the integers `a` and `b`.");
    let schema: Value = serde_json::from_str(&add.input_schema_json).unwrap();
    assert_eq!(schema["type"], "object");
    assert_eq!(schema["properties"]["a"]["type"], "integer");
    hub.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_echo_and_add() {
    let hub = echo_hub();
    let result = hub
        .call_tool("echo", "echo", r#"{"text": "hello, wörld"}"#)
        .await
        .unwrap();
    assert_eq!(ok_text(&result), "hello, wörld");
    let result = hub
        .call_tool("echo", "add", r#"{"a": 40, "b": 2}"#)
        .await
        .unwrap();
    assert_eq!(ok_text(&result), "42");
    hub.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tool_error_is_a_result_with_is_error() {
    let hub = echo_hub();
    let result = hub.call_tool("echo", "fail", "{}").await.unwrap();
    let value = parse(&result);
    assert_eq!(value["is_error"], Value::Bool(true), "{value}");
    assert_eq!(value["content"][0]["text"], "the tool failed");
    hub.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn arguments_the_server_rejects_are_invalid_input() {
    let hub = echo_hub();
    // Valid JSON object, but `a` is not an integer: the server says invalid params.
    let error = hub
        .call_tool("echo", "add", r#"{"a": "x", "b": 2}"#)
        .await
        .unwrap_err();
    assert!(matches!(error, McpError::Rejected { .. }), "{error}");
    assert_eq!(error.kind(), ErrorKind::InvalidInput);
    assert!(
        error.to_string().contains("`a` must be an integer"),
        "{error}"
    );
    // The session is fine afterwards.
    let result = hub
        .call_tool("echo", "add", r#"{"a": 1, "b": 2}"#)
        .await
        .unwrap();
    assert_eq!(ok_text(&result), "3");
    hub.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_server_names_the_configured_ones() {
    let hub = McpHub::new(vec![echo("echo"), echo("other")], Limits::default()).unwrap();
    for error in [
        hub.call_tool("ecko", "echo", "{}").await.unwrap_err(),
        hub.list_tools("ecko").await.unwrap_err(),
    ] {
        assert_eq!(error.kind(), ErrorKind::NotFound);
        match &error {
            McpError::UnknownServer { name, configured } => {
                assert_eq!(name, "ecko");
                assert_eq!(configured, &["echo", "other"]);
            }
            other => panic!("expected UnknownServer, got {other}"),
        }
        assert!(
            error.to_string().contains("configured: echo, other"),
            "{error}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_tool_names_the_available_ones() {
    let hub = echo_hub();
    let error = hub.call_tool("echo", "ech", "{}").await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::NotFound);
    match &error {
        McpError::UnknownTool {
            server,
            name,
            available,
        } => {
            assert_eq!(server, "echo");
            assert_eq!(name, "ech");
            assert!(available.iter().any(|tool| tool == "echo"), "{available:?}");
        }
        other => panic!("expected UnknownTool, got {other}"),
    }
    hub.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn arguments_must_be_a_json_object() {
    let hub = echo_hub();
    let error = hub
        .call_tool("echo", "echo", r#"{"text": "unterminated"#)
        .await
        .unwrap_err();
    assert!(matches!(error, McpError::InvalidInput { .. }), "{error}");
    assert_eq!(error.kind(), ErrorKind::InvalidInput);
    assert!(error.to_string().contains("not valid JSON"), "{error}");

    for (json, kind) in [(r#"["hi"]"#, "array"), ("42", "number"), ("null", "null")] {
        let error = hub.call_tool("echo", "echo", json).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidInput, "{json}");
        assert!(
            error.to_string().contains(&format!("a JSON {kind}")),
            "{json}: {error}"
        );
    }
    hub.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_result_over_the_limit_is_too_large() {
    let hub = echo_hub_with(Limits {
        max_result_bytes: 4096,
        ..Limits::default()
    });
    let error = hub
        .call_tool("echo", "big", r#"{"bytes": 10000}"#)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::TooLarge);
    match &error {
        McpError::TooLarge { size, limit, .. } => {
            assert!(*size > 10_000, "{size}");
            assert_eq!(*limit, 4096);
        }
        other => panic!("expected TooLarge, got {other}"),
    }
    // Just under the limit passes, and the session is intact.
    let result = hub
        .call_tool("echo", "big", r#"{"bytes": 3000}"#)
        .await
        .unwrap();
    assert_eq!(ok_text(&result).len(), 3000);
    hub.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_megabyte_result_fits_the_default_limit() {
    let hub = echo_hub();
    let bytes = 1_000_000;
    let result = hub
        .call_tool("echo", "big", &format!(r#"{{"bytes": {bytes}}}"#))
        .await
        .unwrap();
    assert_eq!(ok_text(&result).len(), bytes);
    hub.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_calls_share_one_server() {
    let hub = Arc::new(echo_hub());
    let mut tasks = Vec::new();
    for task in 0..8i64 {
        let hub = hub.clone();
        tasks.push(tokio::spawn(async move {
            let mut pids = Vec::new();
            for step in 0..5i64 {
                // A slow call in between keeps several requests in flight at once.
                if step == 2 {
                    hub.call_tool("echo", "slow", r#"{"ms": 100}"#)
                        .await
                        .unwrap();
                }
                let args = format!(r#"{{"a": {task}, "b": {step}}}"#);
                let result = hub.call_tool("echo", "add", &args).await.unwrap();
                assert_eq!(ok_text(&result), (task + step).to_string());
                pids.push(support::server_pid(&hub, "echo").await);
            }
            pids
        }));
    }
    let mut pids = Vec::new();
    for task in tasks {
        pids.extend(task.await.unwrap());
    }
    pids.dedup();
    assert_eq!(
        pids.len(),
        1,
        "one server process serves every task: {pids:?}"
    );
    hub.shutdown().await;
}
