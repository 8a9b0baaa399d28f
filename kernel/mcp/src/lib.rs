//! `ralex-mcp`: the kernel's client for MCP (Model Context Protocol) servers —
//! the host side of the WIT `mcp` interface (`list-tools`, `call-tool`).
//!
//! Owns: the configured servers ([`ServerConfig`], stdio transport: the kernel
//! starts each server as its own child process), starting a server lazily on
//! first use with a scrubbed environment in its own process group, keeping the
//! session for later calls, restarting a server that died (at most once per
//! call), the per-call time and size limits ([`Limits`]), turning tool results
//! into JSON text, and killing every server on [`McpHub::shutdown`] or drop.
//!
//! Must never: pass a secret-looking environment variable to a server (the
//! environment starts empty; see [`ServerConfig::env`]); let a server write to
//! the kernel's terminal (its stderr goes to `tracing` at debug level); put a
//! server's stderr into an error a plugin sees; retry a tool call that may
//! have reached the server (only a call that could not be sent is retried);
//! leave a server's process group running after the hub is shut down or
//! dropped.
//!
//! What this crate does not decide: which plugin may use which server or tool.
//! That is the policy's job; the hub runs whatever it is asked to.

mod config;
mod env;
mod error;
mod hub;
mod limits;
mod process;
mod result;
mod session;
mod tool;

pub use config::ServerConfig;
pub use env::PASSED_VARIABLES;
pub use error::McpError;
pub use hub::McpHub;
pub use limits::Limits;
pub use tool::Tool;
