//! Typed errors of the component host: starting it, loading a plugin, calling one.

use std::path::PathBuf;
use std::time::Duration;

/// The host could not start.
#[derive(Debug, thiserror::Error)]
pub enum HostError {
    /// wasmtime refused the engine configuration.
    #[error("cannot create the WebAssembly engine: {0}")]
    Engine(String),
    /// The compiled-component cache folder is unusable.
    #[error("cannot use the compiled-component cache at {}: {source}", path.display())]
    Cache {
        /// The cache folder.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// A plugin was refused at load; nothing of it runs.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The manifest is invalid.
    #[error(transparent)]
    Manifest(#[from] ralex_manifest::ManifestError),
    /// The component file could not be read.
    #[error("plugin `{plugin}`: cannot read component {}: {source}", path.display())]
    ReadComponent {
        /// Plugin name.
        plugin: String,
        /// Component path.
        path: PathBuf,
        /// I/O error.
        source: std::io::Error,
    },
    /// The manifest records no digest, so the component cannot be checked.
    #[error(
        "plugin `{plugin}`: {} records no `sha256` for its component; install it with `ralex plugin install` or build first-party plugins with `cargo xtask plugins`, which record it",
        manifest.display()
    )]
    MissingDigest {
        /// Plugin name.
        plugin: String,
        /// Manifest path.
        manifest: PathBuf,
    },
    /// The component's bytes are not the ones the manifest names.
    #[error(
        "plugin `{plugin}`: component {} has sha256 {actual} but its manifest expects {expected}; the file was changed or replaced after it was built — reinstall the plugin",
        path.display()
    )]
    DigestMismatch {
        /// Plugin name.
        plugin: String,
        /// Component path.
        path: PathBuf,
        /// Digest in the manifest.
        expected: String,
        /// Digest of the file.
        actual: String,
    },
    /// The manifest names a world this kernel does not know.
    #[error(
        "plugin `{plugin}`: world `{world}` is not supported by this kernel; supported worlds: {supported}"
    )]
    UnknownWorld {
        /// Plugin name.
        plugin: String,
        /// The world the manifest names.
        world: String,
        /// Worlds the kernel supports.
        supported: String,
    },
    /// The world needs capabilities this kernel does not provide yet.
    #[error(
        "plugin `{plugin}`: world `{world}` needs the capabilit{} `{}`, which this kernel does not provide yet; it cannot be loaded",
        if missing.len() == 1 { "y" } else { "ies" },
        missing.join("`, `")
    )]
    CapabilityUnavailable {
        /// Plugin name.
        plugin: String,
        /// The world.
        world: String,
        /// Interfaces the kernel lacks.
        missing: Vec<&'static str>,
    },
    /// The bytes are not a valid component (truncated, corrupt, a core module, ...).
    #[error("plugin `{plugin}`: {} is not a valid WebAssembly component: {reason}", path.display())]
    InvalidComponent {
        /// Plugin name.
        plugin: String,
        /// Component path.
        path: PathBuf,
        /// wasmtime's reason.
        reason: String,
    },
    /// The component's imports or exports do not match its world.
    #[error("plugin `{plugin}`: the component does not implement world `{world}`: {reason}")]
    WorldMismatch {
        /// Plugin name.
        plugin: String,
        /// The manifest's world.
        world: String,
        /// What differs.
        reason: String,
    },
    /// The manifest asks for more memory than the host's pool allows.
    #[error(
        "plugin `{plugin}`: limits.memory_mb = {asked} is more than this kernel allows per plugin ({max} MiB); lower it in the manifest or raise the kernel's `max_plugin_memory_mb`"
    )]
    MemoryTooLarge {
        /// Plugin name.
        plugin: String,
        /// MiB asked.
        asked: u32,
        /// MiB allowed.
        max: u32,
    },
    /// An installed copy failed its check at load (files changed since install,
    /// a signature that no longer verifies or whose key is no longer trusted).
    #[error("plugin `{plugin}` was not loaded: {reason}")]
    Unverified {
        /// Plugin name.
        plugin: String,
        /// What failed.
        reason: String,
    },
}

/// A call into a plugin failed. The kernel and every other plugin go on.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    /// The call ran past its wall-clock timeout (a runaway loop, a stuck host call).
    #[error("plugin `{plugin}` did not finish within its {} ms timeout and was stopped", timeout.as_millis())]
    Timeout {
        /// Plugin name.
        plugin: String,
        /// The manifest's timeout.
        timeout: Duration,
    },
    /// The call tried to use more memory than the manifest allows.
    #[error(
        "plugin `{plugin}` tried to use more than its {limit_mb} MiB memory limit and was stopped"
    )]
    MemoryLimit {
        /// Plugin name.
        plugin: String,
        /// The manifest's cap.
        limit_mb: u32,
    },
    /// The call recursed past the WebAssembly stack limit.
    #[error("plugin `{plugin}` overflowed its stack (runaway recursion) and was stopped")]
    StackOverflow {
        /// Plugin name.
        plugin: String,
    },
    /// The plugin trapped: a panic, `unreachable`, an out-of-bounds access, ...
    #[error("plugin `{plugin}` crashed: {trap}")]
    Trap {
        /// Plugin name.
        plugin: String,
        /// What trapped, with the wasm backtrace when available.
        trap: String,
    },
    /// The plugin could not be instantiated for this call.
    #[error("plugin `{plugin}` could not be started: {reason}")]
    Instantiate {
        /// Plugin name.
        plugin: String,
        /// Why.
        reason: String,
    },
    /// The plugin returned an error of its own.
    #[error("plugin `{plugin}` reported {code:?}: {message}")]
    Plugin {
        /// Plugin name.
        plugin: String,
        /// The plugin's error code.
        code: crate::ErrorCode,
        /// The plugin's message.
        message: String,
    },
    /// The plugin is of another world than the call needs.
    #[error("plugin `{plugin}` is a `{actual}` plugin, not a `{expected}` plugin")]
    WrongWorld {
        /// Plugin name.
        plugin: String,
        /// World the call needs.
        expected: &'static str,
        /// The plugin's world.
        actual: &'static str,
    },
}

impl CallError {
    /// The plugin the error is about.
    pub fn plugin(&self) -> &str {
        match self {
            CallError::Timeout { plugin, .. }
            | CallError::MemoryLimit { plugin, .. }
            | CallError::StackOverflow { plugin }
            | CallError::Trap { plugin, .. }
            | CallError::Instantiate { plugin, .. }
            | CallError::Plugin { plugin, .. }
            | CallError::WrongWorld { plugin, .. } => plugin,
        }
    }
}
