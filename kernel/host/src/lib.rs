//! `ralex-host`: the component host. The only crate of the kernel that knows
//! wasmtime: one [`Engine`] per process, the compiled-component cache, the instance
//! pool, per-call limits, the WIT bindings and the host side of the interfaces.
//!
//! Everything else calls plugins through this crate's small typed API:
//! [`Host::load`] a plugin from its manifest, then e.g. [`Host::parse_command`].
//! It must never let a plugin fault escape as a panic or hang the caller: every call
//! ends within its manifest's timeout with a value or a [`CallError`].

mod bindings;
mod cache;
mod call;
pub mod calls;
mod engine;
mod error;
mod gate;
mod imports;
mod journal;
mod limits;
pub mod model;
mod output;
mod plugin;
mod state;
mod worlds;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ralex_policy::{Policy, Trust};
use ralex_store::Store as KernelStore;
use tokio::sync::Semaphore;
use wasmtime::Engine;
use wasmtime::component::Linker;

pub use bindings::ErrorCode;
pub use cache::CacheOutcome;
pub use call::{CallOutcome, CallStats};
pub use calls::parser::ParsedCommand;
pub use engine::{Allocation, EPOCH_TICK, PoolSizing};
pub use error::{CallError, HostError, LoadError};
pub use journal::{BeforeFirstWrite, WriteJournal};
pub use plugin::Plugin;
pub use state::{CallContext, ProgressEvent, ProgressSink};
pub use worlds::{PACKAGE, SUPPORTED_VERSIONS, World};

use crate::plugin::{PluginGrants, WorldPre};
use crate::state::CallState;

/// How to build the host.
#[derive(Clone, Debug)]
pub struct HostConfig {
    /// Folder of the compiled-component cache.
    pub cache_dir: PathBuf,
    /// Instance pool sizing.
    pub pool: PoolSizing,
    /// Use the pooling allocator when it can be reserved (default true).
    pub pooling: bool,
    /// The policy every capability call is decided by (default: the shipped
    /// defaults).
    pub policy: Arc<Policy>,
    /// Folders holding the plugins built with this kernel: a plugin loaded from
    /// one of them whose publisher is `ralex` is first-party.
    pub first_party_dirs: Vec<PathBuf>,
    /// Publishers the user trusts (trust `trusted`; grants still come from policy).
    pub trusted_publishers: Vec<String>,
    /// Secret files granted to plugins by name (plugin name → paths).
    pub secret_reads: HashMap<String, Vec<String>>,
    /// Plugins allowed to reach loopback, private and link-local addresses — only
    /// on hosts their manifest names exactly (never through a wildcard).
    pub private_network: Vec<String>,
}

impl HostConfig {
    /// Defaults for a cache folder.
    pub fn new(cache_dir: impl Into<PathBuf>) -> HostConfig {
        HostConfig {
            cache_dir: cache_dir.into(),
            pool: PoolSizing::default(),
            pooling: true,
            policy: Arc::new(
                Policy::defaults().expect("the built-in default policies validate (tested)"),
            ),
            first_party_dirs: Vec::new(),
            trusted_publishers: Vec::new(),
            secret_reads: HashMap::new(),
            private_network: Vec::new(),
        }
    }
}

/// The component host.
pub struct Host {
    engine: Engine,
    linker: Linker<CallState>,
    cache: cache::ComponentCache,
    kernel_store: Arc<KernelStore>,
    policy: Arc<Policy>,
    first_party_dirs: Vec<PathBuf>,
    trusted_publishers: Vec<String>,
    secret_reads: HashMap<String, Vec<String>>,
    private_network: Vec<String>,
    allocation: Allocation,
    max_memory_mb: u32,
    permits: Arc<Semaphore>,
    _ticker: engine::EpochTicker,
}

impl Host {
    /// Build the engine (pooling if possible), the linker with every provided
    /// interface, and open the cache.
    pub fn new(config: HostConfig, kernel_store: Arc<KernelStore>) -> Result<Host, HostError> {
        let (engine, allocation) = engine::build(config.pool, !config.pooling)?;
        let mut linker = Linker::new(&engine);
        imports::add_to_linker(&mut linker).map_err(|e| HostError::Engine(e.to_string()))?;
        let cache = cache::ComponentCache::open(&config.cache_dir, &engine)?;
        let max_memory_mb = match &allocation {
            Allocation::Pooling { max_memory_mb, .. } => *max_memory_mb,
            Allocation::OnDemand { .. } => ralex_manifest::MAX_MEMORY_MB,
        };
        let ticker = engine::EpochTicker::start(&engine);
        Ok(Host {
            permits: Arc::new(Semaphore::new(config.pool.instances.max(1) as usize)),
            engine,
            linker,
            cache,
            kernel_store,
            policy: config.policy,
            first_party_dirs: config
                .first_party_dirs
                .iter()
                .filter_map(|d| d.canonicalize().ok())
                .collect(),
            trusted_publishers: config.trusted_publishers,
            secret_reads: config.secret_reads,
            private_network: config.private_network,
            allocation,
            max_memory_mb,
            _ticker: ticker,
        })
    }

    /// How instances are allocated.
    pub fn allocation(&self) -> &Allocation {
        &self.allocation
    }

    /// The policy calls are decided by.
    pub fn policy(&self) -> &Arc<Policy> {
        &self.policy
    }

    /// First-party: publisher `ralex` and loaded from a folder of plugins built
    /// with this kernel. Trusted: a publisher the user trusts. Else untrusted.
    fn trust_of(&self, dir: &Path, publisher: &str) -> Trust {
        let in_first_party_dir = dir
            .canonicalize()
            .is_ok_and(|d| self.first_party_dirs.iter().any(|f| d.starts_with(f)));
        if publisher == "ralex" && in_first_party_dir {
            Trust::FirstParty
        } else if self.trusted_publishers.iter().any(|p| p == publisher) {
            Trust::Trusted
        } else {
            Trust::Untrusted
        }
    }

    /// The wasmtime version this host embeds.
    pub fn wasmtime_version() -> &'static str {
        "48.0.8"
    }

    /// Load a plugin from its manifest: validate it, check the component's digest
    /// and world, compile it (or take it from the cache) and pre-instantiate it.
    pub fn load(&self, manifest_path: &Path) -> Result<Plugin, LoadError> {
        let manifest = ralex_manifest::load(manifest_path)?;
        let name = manifest.plugin.name.clone();
        let world =
            World::from_ref(&manifest.plugin.world).ok_or_else(|| LoadError::UnknownWorld {
                plugin: name.clone(),
                world: manifest.plugin.world.to_string(),
                supported: World::supported_list(),
            })?;
        let missing = world.missing_capabilities();
        if !missing.is_empty() {
            return Err(LoadError::CapabilityUnavailable {
                plugin: name,
                world: world.name().to_string(),
                missing,
            });
        }
        if manifest.limits.memory_mb > self.max_memory_mb {
            return Err(LoadError::MemoryTooLarge {
                plugin: name,
                asked: manifest.limits.memory_mb,
                max: self.max_memory_mb,
            });
        }
        let expected = manifest
            .plugin
            .sha256
            .clone()
            .ok_or_else(|| LoadError::MissingDigest {
                plugin: name.clone(),
                manifest: manifest_path.to_path_buf(),
            })?;
        let dir = manifest_path.parent().unwrap_or(Path::new("."));
        let component_path = dir.join(&manifest.plugin.component);
        let bytes = std::fs::read(&component_path).map_err(|source| LoadError::ReadComponent {
            plugin: name.clone(),
            path: component_path.clone(),
            source,
        })?;
        let actual = ralex_manifest::sha256_hex(&bytes);
        if actual != expected {
            return Err(LoadError::DigestMismatch {
                plugin: name,
                path: component_path,
                expected,
                actual,
            });
        }
        let (component, cache) = self
            .cache
            .load(&self.engine, &actual, &bytes)
            .map_err(|e| LoadError::InvalidComponent {
                plugin: name.clone(),
                path: component_path.clone(),
                reason: format!("{e:#}"),
            })?;
        let mismatch = |reason: String| LoadError::WorldMismatch {
            plugin: name.clone(),
            world: world.name().to_string(),
            reason,
        };
        worlds::check_component(world, &component, &self.engine).map_err(mismatch)?;
        let pre = self
            .linker
            .instantiate_pre(&component)
            .map_err(|e| mismatch(format!("{e:#}")))?;
        let pre = WorldPre::new(world, pre).map_err(|e| mismatch(format!("{e:#}")))?;
        tracing::debug!(plugin = %name, world = %world, digest = %actual, ?cache, "plugin loaded");
        let trust = self.trust_of(dir, &manifest.plugin.publisher);
        let secret_reads = self.secret_reads.get(&name).cloned().unwrap_or_default();
        Ok(Plugin {
            grants: Arc::new(PluginGrants::from_manifest(
                &manifest,
                trust,
                &actual,
                &secret_reads,
                self.private_network.contains(&name),
            )),
            manifest,
            manifest_path: manifest_path.to_path_buf(),
            component_path,
            digest: actual,
            world,
            pre,
            cache,
        })
    }
}
