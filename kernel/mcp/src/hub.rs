//! The configured MCP servers and their sessions.
//!
//! Owns: [`McpHub`] — looking servers up by name, starting a server on first
//! use and keeping its session, replacing a session whose server died (at
//! most one restart per call), checking call arguments and tool names, and
//! shutting every server down.
//!
//! Must never: start a server after [`McpHub::shutdown`]; start two processes
//! for one server at once; retry a tool call that may have reached the server.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use rmcp::model::JsonObject;
use serde_json::Value;

use crate::session::{Failure, Session};
use crate::{Limits, McpError, ServerConfig, Tool, result};

/// The kernel's MCP servers: owns their configuration, processes and
/// sessions. `Send + Sync`; share it behind an [`Arc`] and call it from any
/// number of tasks at once (calls to one server run concurrently over its one
/// session).
///
/// ```no_run
/// # async fn demo() -> Result<(), ralex_mcp::McpError> {
/// use ralex_mcp::{Limits, McpHub, ServerConfig};
///
/// let hub = McpHub::new(
///     vec![ServerConfig::new("git", "uvx").arg("mcp-server-git")],
///     Limits::default(),
/// )?;
/// let tools = hub.list_tools("git").await?;
/// let status = hub.call_tool("git", "git_status", r#"{"repo_path": "."}"#).await?;
/// hub.shutdown().await;
/// # Ok(()) }
/// ```
pub struct McpHub {
    /// One slot per configured server, in configuration order.
    slots: Vec<Slot>,
    /// The limits of every call.
    limits: Limits,
    /// Set by [`McpHub::shutdown`].
    shut_down: AtomicBool,
}

/// One configured server and its current session, if started.
struct Slot {
    config: ServerConfig,
    /// Locked while the server starts, so one server never starts twice.
    session: tokio::sync::Mutex<Option<Arc<Session>>>,
}

impl McpHub {
    /// A hub for `servers`; starts nothing yet. Refuses duplicate or invalid
    /// names (lowercase letters, digits, `-`, `_`), empty commands, missing
    /// working directories, secret-looking variables and zero limits.
    pub fn new(servers: Vec<ServerConfig>, limits: Limits) -> Result<McpHub, McpError> {
        limits.check()?;
        let mut slots: Vec<Slot> = Vec::with_capacity(servers.len());
        for config in servers {
            config.check()?;
            if slots.iter().any(|slot| slot.config.name == config.name) {
                return Err(McpError::InvalidConfig {
                    server: Some(config.name.clone()),
                    reason: "two servers have this name; give each server its own name".to_owned(),
                });
            }
            slots.push(Slot {
                config,
                session: tokio::sync::Mutex::new(None),
            });
        }
        Ok(McpHub {
            slots,
            limits,
            shut_down: AtomicBool::new(false),
        })
    }

    /// The configured server names, in configuration order.
    pub fn servers(&self) -> Vec<String> {
        self.slots
            .iter()
            .map(|slot| slot.config.name.clone())
            .collect()
    }

    /// The limits every call runs under.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Every tool of `server`, asking the server (starting it if needed).
    pub async fn list_tools(&self, server: &str) -> Result<Vec<Tool>, McpError> {
        let slot = self.slot(server)?;
        let timeout = self.limits.call_timeout;
        let tools = self
            .with_session(slot, "tools/list", |session| async move {
                session.list_tools(timeout).await
            })
            .await?;
        Ok(tools
            .iter()
            .map(|tool| Tool::from_rmcp(server, tool))
            .collect())
    }

    /// Calls `tool` of `server` with `arguments_json` (a JSON object) and
    /// returns the result as JSON text: `{"content": [...], "is_error": bool}`
    /// (plus `"structured_content"` when the tool sent one). A tool that
    /// reports an error still returns `Ok`, with `"is_error": true`.
    ///
    /// Fails with [`McpError::InvalidInput`] for arguments that are not a JSON
    /// object, [`McpError::UnknownTool`] for a tool the server does not list,
    /// [`McpError::TooLarge`] for a result over [`Limits::max_result_bytes`]
    /// and [`McpError::Timeout`] after [`Limits::call_timeout`] (the call is
    /// then cancelled on the server).
    pub async fn call_tool(
        &self,
        server: &str,
        tool: &str,
        arguments_json: &str,
    ) -> Result<String, McpError> {
        let slot = self.slot(server)?;
        let arguments = parse_arguments(server, tool, arguments_json)?;
        let timeout = self.limits.call_timeout;
        let limit = self.limits.max_result_bytes;
        let operation = format!("tools/call `{tool}`");
        let arguments = &arguments;
        self.with_session(slot, &operation, |session| async move {
            let mut names = session.tool_names(timeout, false).await?;
            if !names.iter().any(|name| name == tool) {
                // The list may be stale: the server can add tools at any time.
                names = session.tool_names(timeout, true).await?;
            }
            if !names.iter().any(|name| name == tool) {
                return Err(Failure::Failed(McpError::UnknownTool {
                    server: server.to_owned(),
                    name: tool.to_owned(),
                    available: names,
                }));
            }
            let answer = session.call_tool(tool, arguments.clone(), timeout).await?;
            Ok(result::to_json_text(server, tool, answer, limit)?)
        })
        .await
    }

    /// Stops every started server (closing its stdin, then killing its
    /// process group) and refuses every later call with
    /// [`McpError::ShutDown`]. Calls in flight fail.
    pub async fn shutdown(&self) {
        self.shut_down.store(true, Ordering::SeqCst);
        for slot in &self.slots {
            let session = slot.session.lock().await.take();
            if let Some(session) = session {
                tracing::debug!(server = %slot.config.name, "stopping MCP server");
                session.close().await;
            }
        }
    }

    /// The slot of `server`, or the error listing the configured names.
    fn slot(&self, server: &str) -> Result<&Slot, McpError> {
        self.slots
            .iter()
            .find(|slot| slot.config.name == server)
            .ok_or_else(|| McpError::UnknownServer {
                name: server.to_owned(),
                configured: self.servers(),
            })
    }

    /// Runs `request` on the session of `slot`; when the session turns out to
    /// be closed before the request left the kernel, restarts the server once
    /// and runs `request` again.
    async fn with_session<T, F, Fut>(
        &self,
        slot: &Slot,
        operation: &str,
        request: F,
    ) -> Result<T, McpError>
    where
        F: Fn(Arc<Session>) -> Fut,
        Fut: Future<Output = Result<T, Failure>>,
    {
        let mut dead: Option<Arc<Session>> = None;
        loop {
            let session = self.session(slot, dead.as_ref()).await?;
            match request(session.clone()).await {
                Ok(value) => return Ok(value),
                Err(Failure::Failed(error)) => return Err(error),
                Err(Failure::NotSent) if dead.is_none() => dead = Some(session),
                Err(Failure::NotSent) => {
                    return Err(McpError::Exited {
                        server: slot.config.name.clone(),
                        operation: operation.to_owned(),
                    });
                }
            }
        }
    }

    /// The live session of `slot`, starting the server when it has none, its
    /// server died, or its session is `dead`.
    async fn session(
        &self,
        slot: &Slot,
        dead: Option<&Arc<Session>>,
    ) -> Result<Arc<Session>, McpError> {
        let mut current = slot.session.lock().await;
        // Checked under the lock: shutdown takes every lock after setting it.
        if self.shut_down.load(Ordering::SeqCst) {
            return Err(McpError::ShutDown);
        }
        if let Some(session) = current.as_ref() {
            let known_dead = dead.is_some_and(|dead| Arc::ptr_eq(dead, session));
            if session.is_alive() && !known_dead {
                return Ok(session.clone());
            }
            tracing::info!(server = %slot.config.name, "MCP server exited; restarting it");
            if let Some(old) = current.take() {
                old.close().await;
            }
        }
        let session = Arc::new(Session::start(&slot.config, &self.limits).await?);
        tracing::info!(server = %slot.config.name, "MCP server started");
        *current = Some(session.clone());
        Ok(session)
    }
}

/// The arguments of a call: `arguments_json` must be a JSON object.
fn parse_arguments(server: &str, tool: &str, arguments_json: &str) -> Result<JsonObject, McpError> {
    let invalid = |reason: String| McpError::InvalidInput {
        server: server.to_owned(),
        tool: tool.to_owned(),
        reason,
    };
    let value: Value = serde_json::from_str(arguments_json).map_err(|error| {
        invalid(format!(
            "the arguments are not valid JSON ({error}); pass a JSON object such as {{\"text\": \"hi\"}}, or {{}} for none"
        ))
    })?;
    match value {
        Value::Object(object) => Ok(object),
        other => Err(invalid(format!(
            "the arguments are a JSON {}, but must be a JSON object such as {{\"text\": \"hi\"}}, or {{}} for none",
            json_type(&other)
        ))),
    }
}

/// The JSON type name of `value`, for a message.
fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hub_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<McpHub>();
    }

    #[test]
    fn duplicate_names_are_refused() {
        let error = McpHub::new(
            vec![ServerConfig::new("a", "x"), ServerConfig::new("a", "y")],
            Limits::default(),
        )
        .err()
        .unwrap();
        assert!(error.to_string().contains("two servers"), "{error}");
    }

    #[test]
    fn arguments_must_be_an_object() {
        assert!(parse_arguments("s", "t", r#"{"a": 1}"#).is_ok());
        for (json, expected) in [
            ("[1]", "a JSON array"),
            ("\"x\"", "a JSON string"),
            ("{", "not valid JSON"),
            ("", "not valid JSON"),
        ] {
            let error = parse_arguments("s", "t", json).unwrap_err();
            assert_eq!(error.kind(), ralex_caps::ErrorKind::InvalidInput);
            assert!(error.to_string().contains(expected), "{error}");
        }
    }
}
