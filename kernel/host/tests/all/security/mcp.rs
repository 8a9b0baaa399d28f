//! MCP: only manifest-listed servers and policy-allowed tools, audited.

use super::*;

/// The real MCP server `ralex-mcp` builds for its tests (rmcp over stdio).
fn echo_server() -> PathBuf {
    let path = crate::support::target_debug().join("ralex-mcp-echo-server");
    assert!(
        path.is_file(),
        "{} is missing: build it with `cargo build -p ralex-mcp` (`cargo test --workspace` does)",
        path.display()
    );
    path
}

#[tokio::test]
async fn mcp_calls_go_to_listed_servers_only_and_are_audited() {
    let lab = Lab::with_grant(
        "permit (principal == Ralex::Plugin::\"intruder\", action, resource)\n\
         unless { resource is Ralex::McpTool && resource.tool == \"add\" };",
    );
    let hub = ralex_mcp::McpHub::new(
        vec![
            ralex_mcp::ServerConfig::new("echo", echo_server().display().to_string()),
            ralex_mcp::ServerConfig::new("other", echo_server().display().to_string()),
        ],
        ralex_mcp::Limits::default(),
    )
    .unwrap();
    let context = CallContext {
        mcp: Some(Arc::new(hub)),
        ..lab.context.clone()
    };
    // Only the manifest's server, only the tools the policy allows.
    let listed = lab
        .call_with(context.clone(), json!({"op": "mcp-list"}))
        .await;
    let tools: Vec<&str> = listed["ok"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(tools.contains(&"echo/echo"), "{tools:?}");
    assert!(!tools.contains(&"echo/add"), "{tools:?}");
    assert!(!tools.iter().any(|t| t.starts_with("other/")), "{tools:?}");
    let out = lab
        .call_with(context.clone(), json!({"op": "mcp-call", "server": "echo", "tool": "echo", "arguments": "{\"text\":\"hi\"}"}))
        .await;
    assert!(out["ok"].as_str().unwrap().contains("hi"), "{out}");
    assert_eq!(lab.last_audit().action, "mcp:call");
    let out = lab
        .call_with(context.clone(), json!({"op": "mcp-call", "server": "echo", "tool": "add", "arguments": "{\"a\":1,\"b\":2}"}))
        .await;
    assert_eq!(out["error"]["code"], "Denied", "{out}");
    assert_eq!(lab.last_audit().rule, "default-deny");
    let out = lab
        .call_with(
            context,
            json!({"op": "mcp-call", "server": "other", "tool": "echo", "arguments": "{}"}),
        )
        .await;
    assert_eq!(out["error"]["code"], "Denied", "{out}");
    assert!(
        out["error"]["message"]
            .as_str()
            .unwrap()
            .contains("does not list this server"),
        "{out}"
    );
}
