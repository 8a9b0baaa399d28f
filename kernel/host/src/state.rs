//! The data of one call's `Store`: WASI context, limits, quotas and the capabilities
//! the call may use. A fresh one is made for every call and dropped after it, so
//! nothing a plugin does survives between calls except what it put in its kv.

use std::sync::Arc;

use ralex_caps::workspace::Workspace;
use ralex_policy::Policy;

use crate::journal::WriteJournal;
use crate::model::ModelAccess;
use ralex_store::Store as KernelStore;
use wasmtime::component::ResourceTable;
use wasmtime_wasi::{WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};

use crate::limits::{CallLimiter, Quota};
use crate::output::CapturedOutput;
use crate::plugin::PluginGrants;

/// Bytes of stdout/stderr kept per call.
const STDIO_CAPTURE_BYTES: usize = 64 * 1024;
/// Log lines and bytes accepted per call.
pub(crate) const LOG_MAX_LINES: u32 = 2_000;
pub(crate) const LOG_MAX_BYTES: usize = 256 * 1024;
/// Longest log line kept (longer ones are cut).
pub(crate) const LOG_MAX_LINE: usize = 4 * 1024;
/// Progress reports accepted per call.
const PROGRESS_MAX: u32 = 500;

/// A progress report from a plugin, for the UI.
#[derive(Clone, Debug, PartialEq)]
pub struct ProgressEvent {
    /// The plugin that reported it.
    pub plugin: String,
    /// What it is doing.
    pub message: String,
    /// Share done, 0 to 1, when known.
    pub fraction: Option<f32>,
}

/// Where progress events go.
pub type ProgressSink = Arc<dyn Fn(ProgressEvent) + Send + Sync>;

/// What a call may touch besides its own memory.
#[derive(Clone, Default)]
pub struct CallContext {
    /// The project the command works on, if any.
    pub workspace: Option<Arc<Workspace>>,
    /// Receiver of progress events, if anyone listens.
    pub progress: Option<ProgressSink>,
    /// Where writes are recorded (and the snapshot hook runs); writes are refused
    /// without one, so no change can escape undo.
    pub journal: Option<Arc<WriteJournal>>,
    /// The project's repository, for `git`.
    pub git: Option<Arc<std::sync::Mutex<ralex_git::Repo>>>,
    /// Outbound HTTP, for `http`.
    pub egress: Option<Arc<ralex_net::Egress>>,
    /// Program runner in the project, for `exec`.
    pub runner: Option<Arc<ralex_exec::Runner>>,
    /// Configured MCP servers, for `mcp`.
    pub mcp: Option<Arc<ralex_mcp::McpHub>>,
    /// Model calls, for `model` (the model layer provides one).
    pub model: Option<Arc<ModelAccess>>,
}

/// Store data of one call.
pub(crate) struct CallState {
    wasi: WasiCtx,
    table: ResourceTable,
    pub(crate) limiter: CallLimiter,
    pub(crate) plugin: Arc<PluginGrants>,
    pub(crate) kernel_store: Arc<KernelStore>,
    pub(crate) policy: Arc<Policy>,
    pub(crate) context: CallContext,
    pub(crate) log_quota: Quota,
    pub(crate) progress_quota: Quota,
    pub(crate) stdout: CapturedOutput,
    pub(crate) stderr: CapturedOutput,
}

impl CallState {
    pub(crate) fn new(
        plugin: Arc<PluginGrants>,
        kernel_store: Arc<KernelStore>,
        policy: Arc<Policy>,
        context: CallContext,
    ) -> CallState {
        let stdout = CapturedOutput::new(STDIO_CAPTURE_BYTES);
        let stderr = CapturedOutput::new(STDIO_CAPTURE_BYTES);
        // No preopened directories, no environment, no arguments, no network:
        // plain WASI gives clocks, randomness and captured stdio only.
        let wasi = WasiCtxBuilder::new()
            .stdout(stdout.clone())
            .stderr(stderr.clone())
            .build();
        CallState {
            wasi,
            table: ResourceTable::new(),
            limiter: CallLimiter::new(plugin.memory_mb),
            plugin,
            kernel_store,
            policy,
            context,
            log_quota: Quota::new(LOG_MAX_LINES, LOG_MAX_BYTES),
            progress_quota: Quota::new(PROGRESS_MAX, PROGRESS_MAX as usize * 1024),
            stdout,
            stderr,
        }
    }
}

impl WasiView for CallState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}
