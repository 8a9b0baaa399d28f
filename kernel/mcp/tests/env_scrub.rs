//! The environment an MCP server gets: scrubbed, whatever the kernel has.
//!
//! This file has one test: it sets variables in its own process before any
//! other thread of the test binary reads the environment.

mod support;

use ralex_mcp::{Limits, McpHub};
use support::{echo, ok_text};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_sees_only_allowed_and_configured_variables() {
    // SAFETY: the only test in this binary; set before any server starts.
    unsafe {
        std::env::set_var("MCP_TEST_API_TOKEN", "secret-token");
        std::env::set_var("ANTHROPIC_TEST_VALUE", "secret");
        std::env::set_var("MCP_TEST_PLAIN", "not-allow-listed");
    }
    let hub = McpHub::new(
        vec![echo("echo").env("MCP_TEST_MODE", "test")],
        Limits::default(),
    )
    .unwrap();
    let seen = async |name: &str| {
        let args = format!(r#"{{"name": "{name}"}}"#);
        ok_text(&hub.call_tool("echo", "env", &args).await.unwrap())
    };
    assert_eq!(seen("MCP_TEST_API_TOKEN").await, "unset");
    assert_eq!(seen("ANTHROPIC_TEST_VALUE").await, "unset");
    assert_eq!(seen("MCP_TEST_PLAIN").await, "unset");
    assert_eq!(seen("MCP_TEST_MODE").await, "set");
    if std::env::var_os("PATH").is_some() {
        assert_eq!(seen("PATH").await, "set");
    }
    // The test harness's own variables do not leak either.
    assert_eq!(seen("CARGO_MANIFEST_DIR").await, "unset");
    hub.shutdown().await;
}
