//! Starting, restarting, timing out and stopping real MCP server processes.

mod support;

use std::time::{Duration, Instant};

use ralex_caps::ErrorKind;
use ralex_mcp::{Limits, McpError, McpHub, ServerConfig};
use support::{echo, echo_hub, echo_hub_with, is_running, ok_text, server_pid, wait_until_gone};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_timed_out_call_is_limit_exceeded_and_the_next_call_works() {
    let hub = echo_hub_with(Limits {
        call_timeout: Duration::from_millis(500),
        ..Limits::default()
    });
    let pid = server_pid(&hub, "echo").await;
    let started = Instant::now();
    let error = hub
        .call_tool("echo", "slow", r#"{"ms": 10000}"#)
        .await
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(error.kind(), ErrorKind::LimitExceeded);
    assert!(matches!(error, McpError::Timeout { .. }), "{error}");
    let message = error.to_string();
    assert!(message.contains("500 ms (the call timeout)"), "{message}");
    assert!(message.contains("tools/call `slow`"), "{message}");

    let result = hub
        .call_tool("echo", "echo", r#"{"text": "still here"}"#)
        .await
        .unwrap();
    assert_eq!(ok_text(&result), "still here");
    assert_eq!(server_pid(&hub, "echo").await, pid, "the session stayed up");
    hub.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_command_is_a_start_error_naming_it() {
    let hub = McpHub::new(
        vec![ServerConfig::new("ghost", "ralex-no-such-mcp-server")],
        Limits::default(),
    )
    .unwrap();
    let error = hub.list_tools("ghost").await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Unavailable);
    assert!(matches!(error, McpError::Start { .. }), "{error}");
    let message = error.to_string();
    assert!(message.contains("`ralex-no-such-mcp-server`"), "{message}");
    assert!(
        message.contains("not found on the kernel's PATH"),
        "{message}"
    );

    let hub = McpHub::new(
        vec![ServerConfig::new("ghost", "/no/such/dir/mcp-server")],
        Limits::default(),
    )
    .unwrap();
    let error = hub.call_tool("ghost", "x", "{}").await.unwrap_err();
    assert!(
        error
            .to_string()
            .contains("`/no/such/dir/mcp-server` does not exist"),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_exits_at_once_is_a_start_error_with_its_status() {
    let hub = McpHub::new(
        vec![echo("broken").arg("--exit-at-start")],
        Limits::default(),
    )
    .unwrap();
    let started = Instant::now();
    let error = hub.list_tools("broken").await.unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(error.kind(), ErrorKind::Unavailable);
    assert!(matches!(error, McpError::Start { .. }), "{error}");
    let message = error.to_string();
    assert!(message.contains("exited with status 2"), "{message}");
    assert!(message.contains("MCP handshake"), "{message}");
    // The server's stderr ("exiting at start as asked") stays in the kernel log.
    assert!(!message.contains("as asked"), "{message}");

    // Each later call tries again, and fails the same way.
    let error = hub.call_tool("broken", "echo", "{}").await.unwrap_err();
    assert!(matches!(error, McpError::Start { .. }), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_never_speaks_times_out_at_start() {
    // `sleep` reads nothing and writes nothing: the handshake never ends.
    let hub = McpHub::new(
        vec![ServerConfig::new("mute", "sleep").arg("30")],
        Limits {
            start_timeout: Duration::from_millis(300),
            ..Limits::default()
        },
    )
    .unwrap();
    let started = Instant::now();
    let error = hub.list_tools("mute").await.unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(error.kind(), ErrorKind::LimitExceeded);
    assert!(
        error.to_string().contains("300 ms (the start timeout)"),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_died_is_restarted_on_the_next_call() {
    let hub = echo_hub();
    let first = server_pid(&hub, "echo").await;

    let error = hub.call_tool("echo", "crash", "{}").await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Unavailable);
    assert!(matches!(error, McpError::Exited { .. }), "{error}");
    assert!(
        error.to_string().contains("restarted on the next call"),
        "{error}"
    );
    assert!(wait_until_gone(first, Duration::from_secs(5)).await);

    let result = hub
        .call_tool("echo", "echo", r#"{"text": "again"}"#)
        .await
        .unwrap();
    assert_eq!(ok_text(&result), "again");
    let second = server_pid(&hub, "echo").await;
    assert_ne!(first, second, "a new process serves the session");
    hub.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_from_outside_is_restarted() {
    let hub = echo_hub();
    let first = server_pid(&hub, "echo").await;
    let pid = libc::pid_t::try_from(first).unwrap();
    // SAFETY: sends a signal to our own child.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGKILL) }, 0);
    assert!(wait_until_gone(first, Duration::from_secs(5)).await);
    // Give the session a moment to see the closed pipe, as a real idle gap would.
    tokio::time::sleep(Duration::from_millis(100)).await;

    let tools = hub.list_tools("echo").await.unwrap();
    assert!(tools.iter().any(|tool| tool.name == "echo"));
    assert_ne!(server_pid(&hub, "echo").await, first);
    hub.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn servers_start_lazily_and_shutdown_stops_them() {
    let hub = McpHub::new(vec![echo("a"), echo("b")], Limits::default()).unwrap();
    let a = server_pid(&hub, "a").await;
    let b = server_pid(&hub, "b").await;
    assert_ne!(a, b, "each server has its own process");
    assert!(is_running(a) && is_running(b));

    hub.shutdown().await;
    assert!(!is_running(a), "server a still runs after shutdown");
    assert!(!is_running(b), "server b still runs after shutdown");

    let error = hub
        .call_tool("a", "echo", r#"{"text": "x"}"#)
        .await
        .unwrap_err();
    assert!(matches!(error, McpError::ShutDown), "{error}");
    assert_eq!(error.kind(), ErrorKind::Unavailable);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_the_hub_kills_its_servers_and_their_children() {
    let hub = echo_hub();
    let pid = server_pid(&hub, "echo").await;
    let sleeper = background_sleeper(&hub).await;
    assert!(is_running(pid) && is_running(sleeper));
    drop(hub);
    assert!(
        wait_until_gone(pid, Duration::from_secs(5)).await,
        "the server outlived the hub"
    );
    assert!(
        wait_until_gone(sleeper, Duration::from_secs(5)).await,
        "the server's child outlived the hub"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_kills_what_the_server_started() {
    let hub = echo_hub();
    let sleeper = background_sleeper(&hub).await;
    assert!(is_running(sleeper));
    hub.shutdown().await;
    assert!(
        wait_until_gone(sleeper, Duration::from_secs(5)).await,
        "the server's child outlived the shutdown"
    );
}

/// Has the echo server start `sleep 60` in the background; returns its pid.
async fn background_sleeper(hub: &McpHub) -> u32 {
    let result = hub.call_tool("echo", "spawn", "{}").await.unwrap();
    ok_text(&result).parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_working_directory_is_the_configured_one() {
    let dir = std::env::temp_dir();
    let hub = McpHub::new(vec![echo("echo").cwd(&dir)], Limits::default()).unwrap();
    let pid = server_pid(&hub, "echo").await;
    let cwd = std::fs::read_link(format!("/proc/{pid}/cwd")).unwrap();
    assert_eq!(cwd.canonicalize().unwrap(), dir.canonicalize().unwrap());
    hub.shutdown().await;
}

#[test]
fn invalid_configurations_are_refused() {
    let error = McpHub::new(vec![ServerConfig::new("Echo", "x")], Limits::default())
        .err()
        .unwrap();
    assert_eq!(error.kind(), ErrorKind::InvalidInput);
    assert!(error.to_string().contains("`Echo`"), "{error}");

    let error = McpHub::new(vec![ServerConfig::new("echo", "")], Limits::default())
        .err()
        .unwrap();
    assert!(error.to_string().contains("command is empty"), "{error}");

    let error = McpHub::new(
        vec![echo("echo").env("GITHUB_TOKEN", "ghp_x")],
        Limits::default(),
    )
    .err()
    .unwrap();
    assert!(
        error
            .to_string()
            .contains("`GITHUB_TOKEN` looks like a secret"),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_server_does_not_affect_the_others() {
    // A server whose command does not exist is harmless until it is used.
    let hub = McpHub::new(
        vec![
            echo("echo"),
            ServerConfig::new("ghost", "ralex-no-such-mcp-server"),
        ],
        Limits::default(),
    )
    .unwrap();
    let result = hub
        .call_tool("echo", "echo", r#"{"text": "ok"}"#)
        .await
        .unwrap();
    assert_eq!(ok_text(&result), "ok");
    let error = hub.list_tools("ghost").await.unwrap_err();
    assert!(matches!(error, McpError::Start { .. }), "{error}");
    let result = hub
        .call_tool("echo", "add", r#"{"a": 2, "b": 2}"#)
        .await
        .unwrap();
    assert_eq!(ok_text(&result), "4");
    hub.shutdown().await;
}
