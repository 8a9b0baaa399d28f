//! Host implementations of the `ralex:plugin` interfaces this kernel provides.
//!
//! One file per interface, each with the same shape: check what the manifest asks
//! for, do the work through a capability provider, return a typed WIT error. The
//! interfaces not listed here (workspace-edit, git, model, exec, http, mcp) are not
//! provided yet; a world that imports them is refused at load (see `worlds`).

mod exec;
mod git;
mod http;
mod kv;
mod log;
mod mcp;
mod model;
mod progress;
mod workspace;
mod workspace_edit;

use wasmtime::component::{HasSelf, Linker};

use crate::bindings::workflow_step::ralex::plugin as wit;
use crate::bindings::{ErrorCode, WitError};
use crate::state::CallState;

impl wit::types::Host for CallState {}

/// Add every provided interface (and WASI) to `linker`.
pub(crate) fn add_to_linker(linker: &mut Linker<CallState>) -> wasmtime::Result<()> {
    wasmtime_wasi::p2::add_to_linker_async(linker)?;
    wit::types::add_to_linker::<_, HasSelf<CallState>>(linker, |s| s)?;
    wit::log::add_to_linker::<_, HasSelf<CallState>>(linker, |s| s)?;
    wit::progress::add_to_linker::<_, HasSelf<CallState>>(linker, |s| s)?;
    wit::kv::add_to_linker::<_, HasSelf<CallState>>(linker, |s| s)?;
    wit::workspace::add_to_linker::<_, HasSelf<CallState>>(linker, |s| s)?;
    wit::workspace_edit::add_to_linker::<_, HasSelf<CallState>>(linker, |s| s)?;
    wit::git::add_to_linker::<_, HasSelf<CallState>>(linker, |s| s)?;
    wit::http::add_to_linker::<_, HasSelf<CallState>>(linker, |s| s)?;
    wit::exec::add_to_linker::<_, HasSelf<CallState>>(linker, |s| s)?;
    wit::model::add_to_linker::<_, HasSelf<CallState>>(linker, |s| s)?;
    wit::mcp::add_to_linker::<_, HasSelf<CallState>>(linker, |s| s)?;
    Ok(())
}

/// Interfaces this kernel provides, by WIT name.
pub(crate) const PROVIDED: &[&str] = &[
    "types",
    "log",
    "progress",
    "kv",
    "workspace",
    "workspace-edit",
    "git",
    "http",
    "exec",
    "model",
    "mcp",
];

pub(crate) fn error(code: ErrorCode, message: impl Into<String>) -> WitError {
    WitError {
        code,
        message: message.into(),
    }
}

/// A capability provider's error kind as the WIT error code.
pub(crate) fn code_of(kind: ralex_caps::ErrorKind) -> ErrorCode {
    use ralex_caps::ErrorKind;
    match kind {
        ErrorKind::InvalidInput => ErrorCode::InvalidInput,
        ErrorKind::NotFound => ErrorCode::NotFound,
        ErrorKind::Denied => ErrorCode::Denied,
        ErrorKind::TooLarge => ErrorCode::TooLarge,
        ErrorKind::LimitExceeded => ErrorCode::LimitExceeded,
        ErrorKind::Unavailable => ErrorCode::Unavailable,
        ErrorKind::Conflict => ErrorCode::Conflict,
        ErrorKind::Internal => ErrorCode::Internal,
    }
}

impl CallState {
    /// A capability provider's error for the plugin: its code, and its message
    /// with the host's absolute paths (the project root, and `extra_root` such as
    /// the repository's work tree) replaced by `<project-name>`, so plugins learn
    /// nothing about the machine's layout (user names, folders).
    pub(crate) fn provider_error(
        &self,
        kind: ralex_caps::ErrorKind,
        message: String,
        extra_root: Option<&std::path::Path>,
    ) -> WitError {
        let code = code_of(kind);
        if code == ErrorCode::Denied {
            tracing::warn!(plugin = %self.plugin.name, error = %message, "capability refused the call");
        }
        let (root, label) = match &self.context.workspace {
            Some(ws) => (Some(ws.root()), format!("<{}>", ws.project_name())),
            None => (None, "<project>".to_string()),
        };
        let mut message = message;
        for path in [root, extra_root].into_iter().flatten() {
            message = message.replace(&path.display().to_string(), &label);
        }
        error(code, message)
    }
}
