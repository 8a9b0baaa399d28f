//! Host implementations of the `ralex:plugin` interfaces this kernel provides.
//!
//! One file per interface, each with the same shape: check what the manifest asks
//! for, do the work through a capability provider, return a typed WIT error. The
//! interfaces not listed here (workspace-edit, git, model, exec, http, mcp) are not
//! provided yet; a world that imports them is refused at load (see `worlds`).

mod kv;
mod log;
mod progress;
mod workspace;

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
    Ok(())
}

/// Interfaces this kernel provides, by WIT name.
pub(crate) const PROVIDED: &[&str] = &["types", "log", "progress", "kv", "workspace"];

pub(crate) fn error(code: ErrorCode, message: impl Into<String>) -> WitError {
    WitError {
        code,
        message: message.into(),
    }
}
