//! One started MCP server: its process plus the MCP session over its stdio.
//!
//! Owns: the handshake (within the start timeout), `tools/list` and
//! `tools/call` with the call timeout, cancelling a request on the server
//! when it times out or its caller goes away, the last tool list (to name an
//! unknown tool), and closing the session.
//!
//! Must never: report a call as "not sent" once the request left the queue
//! (the hub retries only those); wait for a server without a deadline.

use std::process::ExitStatus;
use std::sync::Mutex;
use std::time::Duration;

use rmcp::model::{
    CallToolRequestParams, CallToolResult, CancelledNotificationParam, ClientCapabilities,
    ClientConfig, ClientRequest, Implementation, JsonObject, Request, RequestId, ServerResult,
};
use rmcp::service::{PeerRequestOptions, RunningService, ServiceError};
use rmcp::transport::async_rw::AsyncRwTransport;
use rmcp::{Peer, RoleClient, ServiceExt};

use crate::process::{Pipes, ServerProcess};
use crate::{Limits, McpError, ServerConfig};

/// How long a stopping server gets to exit on its own after its stdin closes.
const STOP_GRACE: Duration = Duration::from_secs(2);

/// How long a server that failed its handshake gets to finish exiting, so
/// its exit status can be reported.
const FAILED_START_GRACE: Duration = Duration::from_millis(500);

/// A started server with a live (or lately live) MCP session.
pub(crate) struct Session {
    /// The server name.
    server: String,
    /// The handle requests go through; cheap to clone, usable concurrently.
    peer: Peer<RoleClient>,
    /// The session task, until [`Session::close`] takes it.
    service: tokio::sync::Mutex<Option<RunningService<RoleClient, ClientConfig>>>,
    /// The server process; killed when the session is dropped.
    process: ServerProcess,
    /// Tool names from the last `tools/list`.
    tool_names: Mutex<Option<Vec<String>>>,
}

/// Why a request failed: could it have reached the server?
pub(crate) enum Failure {
    /// The session was already closed: the request never left the kernel
    /// (or, for a listing, it is harmless to send again). Retry on a new
    /// session.
    NotSent,
    /// Any other failure (the request may have reached the server).
    Failed(McpError),
}

impl From<McpError> for Failure {
    fn from(error: McpError) -> Failure {
        Failure::Failed(error)
    }
}

impl Session {
    /// Starts the server of `config` and completes the MCP handshake within
    /// `limits.start_timeout`.
    pub(crate) async fn start(config: &ServerConfig, limits: &Limits) -> Result<Session, McpError> {
        let (process, Pipes { stdout, stdin }) = ServerProcess::spawn(config)?;
        let transport = AsyncRwTransport::new_client(stdout, stdin)
            .with_max_line_length(limits.max_line_bytes());
        let client = ClientConfig::new(
            ClientCapabilities::default(),
            Implementation::new("ralex", env!("CARGO_PKG_VERSION")),
        );
        let started = tokio::time::timeout(limits.start_timeout, client.serve(transport)).await;
        let service = match started {
            Ok(Ok(service)) => service,
            Ok(Err(error)) => {
                let status = process.stop(FAILED_START_GRACE).await;
                return Err(McpError::Start {
                    server: config.name.clone(),
                    command: config.command.clone(),
                    reason: format!(
                        "{} before finishing the MCP handshake ({error}); check that the command starts an MCP server speaking over stdio — its stderr is in the kernel log at debug level",
                        describe_exit(status)
                    ),
                });
            }
            Err(_elapsed) => {
                process.stop(Duration::ZERO).await;
                return Err(McpError::Timeout {
                    server: config.name.clone(),
                    operation: "start and finish the MCP handshake".to_owned(),
                    limit: "start timeout",
                    timeout: limits.start_timeout,
                });
            }
        };
        tracing::debug!(server = %config.name, info = ?service.peer().peer_info().map(|info| info.server_info.clone()), "MCP session ready");
        Ok(Session {
            server: config.name.clone(),
            peer: service.peer().clone(),
            service: tokio::sync::Mutex::new(Some(service)),
            process,
            tool_names: Mutex::new(None),
        })
    }

    /// Whether the session can still carry requests (the server has not
    /// closed its end, and the session was not closed).
    pub(crate) fn is_alive(&self) -> bool {
        !self.peer.is_transport_closed()
    }

    /// Every tool of the server (all pages), within `timeout`.
    pub(crate) async fn list_tools(
        &self,
        timeout: Duration,
    ) -> Result<Vec<rmcp::model::Tool>, Failure> {
        let operation = "tools/list";
        let tools = match tokio::time::timeout(timeout, self.peer.list_all_tools()).await {
            Ok(Ok(tools)) => tools,
            // Listing has no effect on the server, so a closed session may be
            // retried on a new one even if the request went out.
            Ok(Err(ServiceError::TransportClosed)) if !self.is_alive() => {
                return Err(Failure::NotSent);
            }
            Ok(Err(error)) => return Err(self.failure(operation, error).into()),
            Err(_elapsed) => return Err(self.timeout(operation, timeout).into()),
        };
        let names = tools.iter().map(|tool| tool.name.to_string()).collect();
        if let Ok(mut cached) = self.tool_names.lock() {
            *cached = Some(names);
        }
        Ok(tools)
    }

    /// The tool names from the last listing, listing now when there is none.
    pub(crate) async fn tool_names(
        &self,
        timeout: Duration,
        refresh: bool,
    ) -> Result<Vec<String>, Failure> {
        if !refresh && let Some(names) = self.tool_names.lock().ok().and_then(|names| names.clone())
        {
            return Ok(names);
        }
        let tools = self.list_tools(timeout).await?;
        Ok(tools.iter().map(|tool| tool.name.to_string()).collect())
    }

    /// Calls tool `name` with `arguments`, within `timeout`. A timed-out or
    /// abandoned call is cancelled on the server.
    pub(crate) async fn call_tool(
        &self,
        name: &str,
        arguments: JsonObject,
        timeout: Duration,
    ) -> Result<CallToolResult, Failure> {
        let operation = format!("tools/call `{name}`");
        let params = CallToolRequestParams::new(name.to_owned()).with_arguments(arguments);
        let request = ClientRequest::CallToolRequest(Request::new(params));
        let handle = match self
            .peer
            .send_request_with_option(request, PeerRequestOptions::no_options())
            .await
        {
            Ok(handle) => handle,
            // Refused before it was queued: the session's task has ended.
            Err(ServiceError::TransportClosed) => return Err(Failure::NotSent),
            Err(error) => return Err(self.failure(&operation, error).into()),
        };
        let mut guard = CancelOnDrop {
            peer: self.peer.clone(),
            id: Some(handle.id.clone()),
        };
        let answer = tokio::time::timeout(timeout, handle.await_response()).await;
        let answer = match answer {
            Ok(answer) => {
                guard.id = None;
                answer
            }
            Err(_elapsed) => return Err(self.timeout(&operation, timeout).into()),
        };
        match answer {
            Ok(ServerResult::CallToolResult(result)) => Ok(result),
            // An empty answer is a result without content.
            Ok(ServerResult::EmptyResult(_)) => Ok(CallToolResult::success(Vec::new())),
            Ok(ServerResult::InputRequiredResult(_)) => Err(self
                .protocol(
                    &operation,
                    "the tool asked for more input from the user (MRTR), which Ralex does not support",
                )
                .into()),
            Ok(ServerResult::CreateTaskResult(_)) => Err(self
                .protocol(
                    &operation,
                    "the tool started a long-running task, which Ralex does not support",
                )
                .into()),
            Ok(_) => Err(self
                .protocol(&operation, "the answer is not a tool result")
                .into()),
            Err(error) => Err(self.failure(&operation, error).into()),
        }
    }

    /// Closes the session (closing the server's stdin) and stops the server.
    pub(crate) async fn close(&self) {
        let service = self.service.lock().await.take();
        if let Some(mut service) = service
            && service.close_with_timeout(STOP_GRACE).await.is_err()
        {
            tracing::debug!(server = %self.server, "MCP session task failed while closing");
        }
        self.process.stop(STOP_GRACE).await;
    }

    /// The error for a failed request.
    fn failure(&self, operation: &str, error: ServiceError) -> McpError {
        match error {
            ServiceError::McpError(data) => McpError::Rejected {
                server: self.server.clone(),
                operation: operation.to_owned(),
                code: data.code.0,
                message: data.message.into_owned(),
            },
            ServiceError::TransportClosed | ServiceError::TransportSend(_) => McpError::Exited {
                server: self.server.clone(),
                operation: operation.to_owned(),
            },
            ServiceError::Cancelled { reason } => McpError::Exited {
                server: self.server.clone(),
                operation: format!(
                    "{operation} (cancelled: {})",
                    reason.as_deref().unwrap_or("no reason given")
                ),
            },
            ServiceError::UnexpectedResponse => self.protocol(operation, "unexpected answer"),
            other => self.protocol(operation, &other.to_string()),
        }
    }

    /// The error for a request that ran out of time.
    fn timeout(&self, operation: &str, timeout: Duration) -> McpError {
        McpError::Timeout {
            server: self.server.clone(),
            operation: format!("answer {operation}"),
            limit: "call timeout",
            timeout,
        }
    }

    /// The error for an answer this client cannot use.
    fn protocol(&self, operation: &str, reason: &str) -> McpError {
        McpError::Protocol {
            server: self.server.clone(),
            operation: operation.to_owned(),
            reason: reason.to_owned(),
        }
    }
}

/// Tells the server to stop working on a request nobody waits for any more.
struct CancelOnDrop {
    peer: Peer<RoleClient>,
    /// The request, until its answer arrived.
    id: Option<RequestId>,
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        let Some(id) = self.id.take() else {
            return;
        };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let peer = self.peer.clone();
        runtime.spawn(async move {
            let params = CancelledNotificationParam::new(
                Some(id),
                Some("the kernel stopped waiting (timeout or cancelled call)".to_owned()),
            );
            if let Err(error) = peer.notify_cancelled(params).await {
                tracing::trace!(%error, "cannot send notifications/cancelled");
            }
        });
    }
}

/// How a server that failed to start ended, for a message.
fn describe_exit(status: Option<ExitStatus>) -> String {
    use std::os::unix::process::ExitStatusExt;
    match status {
        Some(status) if status.code().is_some() => {
            format!(
                "it exited with status {}",
                status.code().unwrap_or_default()
            )
        }
        Some(status) if status.signal() == Some(libc::SIGKILL) => {
            "it stopped answering and was killed".to_owned()
        }
        Some(status) => format!("it ended ({status})"),
        None => "it stopped answering".to_owned(),
    }
}
