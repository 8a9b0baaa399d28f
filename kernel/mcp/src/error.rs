//! Why an MCP call failed.
//!
//! Owns: [`McpError`] and its WIT error code ([`McpError::kind`]). Messages say
//! what failed, on which server, and how to fix it. A tool that runs and
//! reports an error (`isError`) is not an error here: it is a result with
//! `"is_error": true`.
//!
//! Must never: carry a server's stderr or environment into a message (plugins
//! read these messages; the stderr is in the kernel log).

use std::time::Duration;

use ralex_caps::ErrorKind;

/// Why an MCP call (or setting up the hub) failed.
#[derive(Debug, thiserror::Error)]
pub enum McpError {
    /// A server configuration or the limits cannot be used.
    #[error("{}: {reason}", match server {
        Some(name) => format!("invalid configuration of MCP server `{name}`"),
        None => "invalid MCP configuration".to_owned(),
    })]
    InvalidConfig {
        /// The server, when one server is at fault.
        server: Option<String>,
        /// What is wrong and how to fix it.
        reason: String,
    },

    /// No server of that name is configured.
    #[error(
        "no MCP server named `{name}` is configured (configured: {}); use one of those names",
        list(configured)
    )]
    UnknownServer {
        /// The name asked for.
        name: String,
        /// The configured server names.
        configured: Vec<String>,
    },

    /// The server offers no tool of that name.
    #[error(
        "MCP server `{server}` has no tool `{name}` (it offers: {}); call `list-tools` for the current list",
        list(available)
    )]
    UnknownTool {
        /// The server.
        server: String,
        /// The tool asked for.
        name: String,
        /// The tools the server offers.
        available: Vec<String>,
    },

    /// The caller's input is malformed (e.g. arguments that are not a JSON object).
    #[error("invalid input for MCP tool `{tool}` of server `{server}`: {reason}")]
    InvalidInput {
        /// The server.
        server: String,
        /// The tool.
        tool: String,
        /// What is wrong and how to fix it.
        reason: String,
    },

    /// The server could not be started or did not complete the MCP handshake.
    #[error("cannot start MCP server `{server}` (`{command}`): {reason}")]
    Start {
        /// The server.
        server: String,
        /// The configured command.
        command: String,
        /// What went wrong and what to check.
        reason: String,
    },

    /// The server did not answer within a limit.
    #[error(
        "MCP server `{server}` did not {operation} within {} (the {limit}); it may be stuck or the work may need longer — raise the kernel's MCP {limit} if it is expected",
        seconds(*timeout)
    )]
    Timeout {
        /// The server.
        server: String,
        /// What it did not do, e.g. `answer tools/call \`build\``.
        operation: String,
        /// Which limit, e.g. `call timeout`.
        limit: &'static str,
        /// The limit's value.
        timeout: Duration,
    },

    /// The server process went away while a call was in flight.
    #[error(
        "MCP server `{server}` exited or closed its connection during {operation}; the call may or may not have taken effect. The server is restarted on the next call; its stderr is in the kernel log"
    )]
    Exited {
        /// The server.
        server: String,
        /// What was in flight, e.g. `tools/call \`build\``.
        operation: String,
    },

    /// The server rejected the request with a JSON-RPC error.
    #[error("MCP server `{server}` rejected {operation}: {message} (JSON-RPC error {code})")]
    Rejected {
        /// The server.
        server: String,
        /// The request, e.g. `tools/call \`add\``.
        operation: String,
        /// The JSON-RPC error code.
        code: i32,
        /// The server's message.
        message: String,
    },

    /// The server answered something this client cannot use.
    #[error("MCP server `{server}` answered {operation} in a way Ralex cannot use: {reason}")]
    Protocol {
        /// The server.
        server: String,
        /// The request.
        operation: String,
        /// What was wrong with the answer.
        reason: String,
    },

    /// A tool result is larger than the limit.
    #[error(
        "the result of MCP tool `{tool}` of server `{server}` is {size} bytes, more than the limit of {limit} bytes; ask the tool for less (a narrower query, a page) or raise the kernel's MCP result limit"
    )]
    TooLarge {
        /// The server.
        server: String,
        /// The tool.
        tool: String,
        /// The size of the result as JSON text.
        size: usize,
        /// The limit in bytes.
        limit: usize,
    },

    /// The hub was shut down; no more calls are served.
    #[error(
        "the MCP hub is shut down (the kernel is stopping); no MCP server can be used any more"
    )]
    ShutDown,

    /// Something failed inside the kernel.
    #[error("internal error talking to MCP server `{server}`: {reason}")]
    Internal {
        /// The server.
        server: String,
        /// What failed.
        reason: String,
    },
}

impl McpError {
    /// The WIT error code for this error.
    pub fn kind(&self) -> ErrorKind {
        use McpError as E;
        match self {
            E::InvalidConfig { .. } | E::InvalidInput { .. } => ErrorKind::InvalidInput,
            E::Rejected { code, .. } if *code == rmcp::model::ErrorCode::INVALID_PARAMS.0 => {
                ErrorKind::InvalidInput
            }
            E::UnknownServer { .. } | E::UnknownTool { .. } => ErrorKind::NotFound,
            E::Start { .. } | E::Exited { .. } | E::ShutDown => ErrorKind::Unavailable,
            E::Timeout { .. } => ErrorKind::LimitExceeded,
            E::TooLarge { .. } => ErrorKind::TooLarge,
            E::Rejected { .. } | E::Protocol { .. } | E::Internal { .. } => ErrorKind::Internal,
        }
    }
}

/// A name list for a message: `a, b` or `none`.
fn list(names: &[String]) -> String {
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(", ")
    }
}

/// A duration for a message: `60 s` or `250 ms`.
fn seconds(duration: Duration) -> String {
    if duration.subsec_millis() == 0 {
        format!("{} s", duration.as_secs())
    } else {
        format!("{} ms", duration.as_millis())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_what_and_where() {
        let error = McpError::UnknownServer {
            name: "gitt".to_owned(),
            configured: vec!["git".to_owned(), "jira".to_owned()],
        };
        assert_eq!(error.kind(), ErrorKind::NotFound);
        assert!(error.to_string().contains("(configured: git, jira)"));

        let error = McpError::Timeout {
            server: "git".to_owned(),
            operation: "answer tools/call `log`".to_owned(),
            limit: "call timeout",
            timeout: Duration::from_millis(1500),
        };
        assert_eq!(error.kind(), ErrorKind::LimitExceeded);
        assert!(
            error
                .to_string()
                .contains("within 1500 ms (the call timeout)")
        );

        let error = McpError::UnknownTool {
            server: "git".to_owned(),
            name: "x".to_owned(),
            available: vec![],
        };
        assert!(error.to_string().contains("(it offers: none)"));
    }

    #[test]
    fn rejected_arguments_are_invalid_input() {
        let rejected = |code| McpError::Rejected {
            server: "s".to_owned(),
            operation: "tools/call `t`".to_owned(),
            code,
            message: "m".to_owned(),
        };
        assert_eq!(rejected(-32602).kind(), ErrorKind::InvalidInput);
        assert_eq!(rejected(-32603).kind(), ErrorKind::Internal);
    }
}
