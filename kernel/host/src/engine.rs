//! The process's one wasmtime [`Engine`]: its configuration, the instance pool and
//! the epoch ticker that drives call deadlines.
//!
//! The pool is sized from the largest memory cap among the manifests; where the
//! pool's address space cannot be reserved (small `ulimit -v`, strict overcommit) the
//! engine falls back to on-demand allocation and says so.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration;

use wasmtime::{Config, Enabled, Engine, InstanceAllocationStrategy, PoolingAllocationConfig};

use crate::error::HostError;

/// How often the epoch advances: the granularity of deadlines and async yields.
pub const EPOCH_TICK: Duration = Duration::from_millis(5);

/// How the engine allocates instances.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Allocation {
    /// A pre-reserved pool of instance slots.
    Pooling {
        /// Concurrent instances the pool holds.
        instances: u32,
        /// Largest linear memory of one instance, in MiB.
        max_memory_mb: u32,
    },
    /// Each instance allocated when needed; `reason` says why the pool was not used.
    OnDemand {
        /// Why pooling is off.
        reason: String,
    },
}

/// Sizing of the instance pool.
#[derive(Clone, Copy, Debug)]
pub struct PoolSizing {
    /// Concurrent plugin calls the pool serves; further calls wait for a free slot.
    pub instances: u32,
    /// Largest memory cap among the plugins, in MiB.
    pub max_memory_mb: u32,
}

impl Default for PoolSizing {
    fn default() -> Self {
        PoolSizing {
            instances: 64,
            max_memory_mb: 64,
        }
    }
}

/// Build the engine: pooling if the pool can be reserved, else on demand.
pub(crate) fn build(
    sizing: PoolSizing,
    force_on_demand: bool,
) -> Result<(Engine, Allocation), HostError> {
    if !force_on_demand {
        let mut config = base_config();
        config.allocation_strategy(InstanceAllocationStrategy::Pooling(pool_config(sizing)));
        match Engine::new(&config) {
            Ok(engine) => {
                return Ok((
                    engine,
                    Allocation::Pooling {
                        instances: sizing.instances,
                        max_memory_mb: sizing.max_memory_mb,
                    },
                ));
            }
            Err(e) => {
                tracing::warn!(error = %e, "instance pool could not be reserved; allocating on demand");
                let engine =
                    Engine::new(&base_config()).map_err(|e| HostError::Engine(e.to_string()))?;
                return Ok((
                    engine,
                    Allocation::OnDemand {
                        reason: format!("the instance pool could not be reserved: {e}"),
                    },
                ));
            }
        }
    }
    let engine = Engine::new(&base_config()).map_err(|e| HostError::Engine(e.to_string()))?;
    Ok((
        engine,
        Allocation::OnDemand {
            reason: "pooling disabled by configuration".to_string(),
        },
    ))
}

fn base_config() -> Config {
    let mut config = Config::new();
    config.wasm_component_model(true);
    config.epoch_interruption(true);
    // Room for guest recursion; the async fiber stack must exceed it.
    config.max_wasm_stack(1 << 20);
    config.async_stack_size(2 << 20);
    config
}

fn pool_config(sizing: PoolSizing) -> PoolingAllocationConfig {
    let instances = sizing.instances.max(1);
    let mut pool = PoolingAllocationConfig::default();
    pool.total_component_instances(instances);
    // A component built from Rust has a handful of core instances (the main module,
    // WASI adapter shims, fixups); allow some headroom.
    pool.max_core_instances_per_component(16);
    pool.total_core_instances(instances * 16);
    pool.max_memories_per_component(4);
    pool.total_memories(instances * 4);
    pool.max_tables_per_component(8);
    pool.total_tables(instances * 8);
    pool.total_stacks(instances);
    pool.max_memory_size((sizing.max_memory_mb.max(1) as usize) << 20);
    pool.max_unused_warm_slots(instances.min(16));
    // Reset reused slots in user space where possible: with PAGEMAP_SCAN (Linux
    // 6.7+) only the pages a call dirtied are restored, and a slot stays resident
    // instead of costing an `madvise` and page faults on every call.
    pool.pagemap_scan(Enabled::Auto);
    pool.linear_memory_keep_resident(2 << 20);
    pool.table_keep_resident(64 << 10);
    pool
}

/// Advances the engine's epoch every [`EPOCH_TICK`] until dropped.
pub(crate) struct EpochTicker {
    stop: Arc<AtomicBool>,
}

impl EpochTicker {
    pub(crate) fn start(engine: &Engine) -> EpochTicker {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let engine = engine.clone();
        let spawned = thread::Builder::new()
            .name("ralex-epoch".into())
            .spawn(move || {
                while !flag.load(Ordering::Relaxed) {
                    thread::sleep(EPOCH_TICK);
                    engine.increment_epoch();
                }
            });
        if let Err(e) = spawned {
            // Without a ticker deadlines only fire through the wall-clock timeout.
            tracing::error!(error = %e, "cannot start the epoch ticker thread");
        }
        EpochTicker { stop }
    }
}

impl Drop for EpochTicker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}
