//! `ralex-mcp-echo-server`: a small MCP server over stdio, for `ralex-mcp`'s
//! integration tests. The tests start it as a real child process.
//!
//! Owns: a handful of tools that exercise the client — `echo`, `add`, `fail`
//! (a tool-level error), `big` (a long result), `slow` (sleeps), `env` (whether
//! a variable is set), `pid` (its process id), `spawn` (a background `sleep`) and `crash`
//! (exits the process).
//!
//! Must never: be configured as a real server; it reports its environment.
//!
//! `--exit-at-start` makes it exit before speaking MCP (a broken server).

use std::sync::Arc;
use std::time::Duration;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, JsonObject,
    ListToolsResult, PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler, ServiceExt};
use serde_json::{Value, json};

/// The test server; stateless.
struct EchoServer;

/// A JSON Schema object with the given properties, all required.
fn schema(properties: &[(&str, &str)]) -> Arc<JsonObject> {
    let props: serde_json::Map<String, Value> = properties
        .iter()
        .map(|(name, kind)| ((*name).to_owned(), json!({ "type": kind })))
        .collect();
    let required: Vec<&str> = properties.iter().map(|(name, _)| *name).collect();
    let value = json!({ "type": "object", "properties": props, "required": required });
    match value {
        Value::Object(object) => Arc::new(object),
        _ => unreachable!("built as an object"),
    }
}

/// Every tool of the server.
fn tools() -> Vec<Tool> {
    vec![
        Tool::new(
            "echo",
            "Returns `text` unchanged.",
            schema(&[("text", "string")]),
        ),
        Tool::new(
            "add",
            "Adds the integers `a` and `b`.",
            schema(&[("a", "integer"), ("b", "integer")]),
        ),
        Tool::new("fail", "Always fails with a tool error.", schema(&[])),
        Tool::new(
            "big",
            "Returns a string of `bytes` x characters.",
            schema(&[("bytes", "integer")]),
        ),
        Tool::new(
            "slow",
            "Sleeps `ms` milliseconds.",
            schema(&[("ms", "integer")]),
        ),
        Tool::new(
            "env",
            "Whether the environment variable `name` is set.",
            schema(&[("name", "string")]),
        ),
        Tool::new("pid", "The server's process id.", schema(&[])),
        Tool::new("crash", "Exits the server process.", schema(&[])),
        Tool::new(
            "spawn",
            "Starts `sleep 60` in the background; returns its pid.",
            schema(&[]),
        ),
    ]
}

/// Argument `name` as a string, or an invalid-params error.
fn string_arg(args: &JsonObject, name: &str) -> Result<String, ErrorData> {
    args.get(name)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| ErrorData::invalid_params(format!("`{name}` must be a string"), None))
}

/// Argument `name` as an integer, or an invalid-params error.
fn int_arg(args: &JsonObject, name: &str) -> Result<i64, ErrorData> {
    args.get(name)
        .and_then(Value::as_i64)
        .ok_or_else(|| ErrorData::invalid_params(format!("`{name}` must be an integer"), None))
}

/// A successful result with one text block.
fn text(value: impl Into<String>) -> Result<CallToolResponse, ErrorData> {
    Ok(CallToolResult::success(vec![ContentBlock::text(value)]).into())
}

impl ServerHandler for EchoServer {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(tools()))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let args = request.arguments.unwrap_or_default();
        match request.name.as_ref() {
            "echo" => text(string_arg(&args, "text")?),
            "add" => text((int_arg(&args, "a")? + int_arg(&args, "b")?).to_string()),
            "fail" => Ok(CallToolResult::error(vec![ContentBlock::text("the tool failed")]).into()),
            "big" => {
                let bytes = usize::try_from(int_arg(&args, "bytes")?).unwrap_or(0);
                text("x".repeat(bytes))
            }
            "slow" => {
                let ms = u64::try_from(int_arg(&args, "ms")?).unwrap_or(0);
                tokio::time::sleep(Duration::from_millis(ms)).await;
                text(format!("slept {ms} ms"))
            }
            "env" => {
                let name = string_arg(&args, "name")?;
                text(if std::env::var_os(&name).is_some() {
                    "set"
                } else {
                    "unset"
                })
            }
            "pid" => text(std::process::id().to_string()),
            "spawn" => {
                let sleeper = std::process::Command::new("sleep")
                    .arg("60")
                    .stdin(std::process::Stdio::null())
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::null())
                    .spawn()
                    .map_err(|error| ErrorData::internal_error(error.to_string(), None))?;
                text(sleeper.id().to_string())
            }
            "crash" => {
                eprintln!("crashing on request");
                std::process::exit(3)
            }
            other => Err(ErrorData::invalid_params(
                format!("no tool named `{other}`"),
                None,
            )),
        }
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    eprintln!("echo server starting (pid {})", std::process::id());
    if std::env::args().any(|arg| arg == "--exit-at-start") {
        eprintln!("exiting at start as asked");
        std::process::exit(2);
    }
    let service = EchoServer.serve(rmcp::transport::stdio()).await?;
    service.waiting().await?;
    Ok(())
}
