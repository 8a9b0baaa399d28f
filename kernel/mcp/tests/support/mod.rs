//! Helpers shared by the integration tests: the echo server's configuration,
//! hubs, and reading results.

#![allow(dead_code)]

use std::time::{Duration, Instant};

use ralex_mcp::{Limits, McpHub, ServerConfig};
use serde_json::Value;

/// The test server binary built with this package.
pub const ECHO_SERVER: &str = env!("CARGO_BIN_EXE_ralex-mcp-echo-server");

/// The echo server, configured as `name`.
pub fn echo(name: &str) -> ServerConfig {
    ServerConfig::new(name, ECHO_SERVER)
}

/// A hub with one echo server named `echo` and default limits.
pub fn echo_hub() -> McpHub {
    McpHub::new(vec![echo("echo")], Limits::default()).expect("valid configuration")
}

/// A hub with one echo server named `echo` and the given limits.
pub fn echo_hub_with(limits: Limits) -> McpHub {
    McpHub::new(vec![echo("echo")], limits).expect("valid configuration")
}

/// The parsed result text of a call.
pub fn parse(result: &str) -> Value {
    serde_json::from_str(result).expect("results are JSON")
}

/// The text of the single text block of a result, checking it is no error.
pub fn ok_text(result: &str) -> String {
    let value = parse(result);
    assert_eq!(value["is_error"], Value::Bool(false), "{value}");
    let content = value["content"].as_array().expect("content is an array");
    assert_eq!(content.len(), 1, "{value}");
    assert_eq!(content[0]["type"], "text", "{value}");
    content[0]["text"].as_str().expect("text").to_owned()
}

/// The server process id as the `pid` tool reports it.
pub async fn server_pid(hub: &McpHub, server: &str) -> u32 {
    let result = hub.call_tool(server, "pid", "{}").await.expect("pid");
    ok_text(&result).parse().expect("a number")
}

/// Whether process `pid` is running (exists and is not a zombie).
pub fn is_running(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state is the first field after the parenthesised command name.
        Ok(stat) => stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| !rest.trim_start().starts_with(['Z', 'X'])),
        Err(_) => false,
    }
}

/// Waits up to `limit` for process `pid` to stop running.
pub async fn wait_until_gone(pid: u32, limit: Duration) -> bool {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if !is_running(pid) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    !is_running(pid)
}
