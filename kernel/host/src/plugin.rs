//! A loaded plugin: its manifest, its verified component, what it may touch, and
//! its pre-instantiated form (imports resolved once, so each call only instantiates).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use globset::{GlobSet, GlobSetBuilder};
use ralex_manifest::Manifest;
use wasmtime::component::InstancePre;

use crate::bindings;
use crate::cache::CacheOutcome;
use crate::state::CallState;
use ralex_policy::{Principal, Trust};

use crate::worlds::World;

/// What a plugin may use, fixed at load from its manifest.
#[derive(Debug)]
pub(crate) struct PluginGrants {
    pub(crate) name: String,
    pub(crate) memory_mb: u32,
    pub(crate) timeout: Duration,
    pub(crate) kv: bool,
    read: GlobSet,
    write: GlobSet,
    /// `[permissions] git`.
    pub(crate) git: ralex_manifest::GitPermission,
    /// `[permissions] http.hosts`, parsed (hosts that do not parse are dropped
    /// with a warning at load; the manifest validates them first).
    pub(crate) http: ralex_net::Grant,
    /// `[permissions] exec`, parsed.
    pub(crate) exec: Vec<ralex_exec::Allowed>,
    /// `[permissions] model`.
    pub(crate) model: bool,
    /// `[permissions] mcp.servers`.
    pub(crate) mcp_servers: Vec<String>,
    /// Who the plugin is to the policy.
    pub(crate) principal: Principal,
    /// `plugin:NAME`, the audit trail's actor.
    pub(crate) actor: String,
    pub(crate) trust: Trust,
}

impl PluginGrants {
    pub(crate) fn from_manifest(
        manifest: &Manifest,
        trust: Trust,
        digest: &str,
        secret_reads: &[String],
        private_network: bool,
    ) -> PluginGrants {
        let mut read = GlobSetBuilder::new();
        for glob in &manifest.permissions.workspace.read {
            read.add(
                ralex_manifest::workspace_glob(glob)
                    .expect("globs are validated when the manifest is parsed"),
            );
        }
        let read = read.build().unwrap_or_else(|_| GlobSet::empty());
        let mut write = GlobSetBuilder::new();
        for glob in &manifest.permissions.workspace.write {
            write.add(
                ralex_manifest::workspace_glob(glob)
                    .expect("globs are validated when the manifest is parsed"),
            );
        }
        let write = write.build().unwrap_or_else(|_| GlobSet::empty());
        let name = &manifest.plugin.name;
        let hosts = manifest
            .permissions
            .http
            .hosts
            .iter()
            .filter_map(|h| match ralex_net::HostRule::parse(h) {
                Ok(rule) => Some(rule),
                Err(e) => {
                    tracing::warn!(plugin = %name, host = %h, error = %e, "http grant ignored");
                    None
                }
            })
            .collect();
        let exec = manifest
            .permissions
            .exec
            .iter()
            .filter_map(|entry| match ralex_exec::Allowed::parse(entry) {
                Ok(allowed) => Some(allowed),
                Err(e) => {
                    tracing::warn!(plugin = %name, entry = %entry, error = %e, "exec entry ignored");
                    None
                }
            })
            .collect();
        PluginGrants {
            name: manifest.plugin.name.clone(),
            memory_mb: manifest.limits.memory_mb,
            timeout: Duration::from_millis(manifest.limits.timeout_ms),
            kv: manifest.permissions.kv,
            read,
            write,
            git: manifest.permissions.git.clone(),
            http: ralex_net::Grant {
                allow_private: private_network,
                ..ralex_net::Grant::new(hosts)
            },
            exec,
            model: manifest.permissions.model,
            mcp_servers: manifest.permissions.mcp.servers.clone(),
            principal: Principal::plugin(
                &manifest.plugin.name,
                &manifest.plugin.publisher,
                trust,
                &manifest.plugin.world.world,
                digest,
                secret_reads,
            ),
            actor: format!("plugin:{}", manifest.plugin.name),
            trust,
        }
    }

    pub(crate) fn reads_workspace(&self) -> bool {
        !self.read.is_empty()
    }

    pub(crate) fn write_globs_empty(&self) -> bool {
        self.write.is_empty()
    }

    pub(crate) fn may_write(&self, path: &str) -> bool {
        self.write.is_match(path)
    }

    pub(crate) fn may_read(&self, path: &str) -> bool {
        self.read.is_match(path)
    }
}

/// The pre-instantiated component, typed by world where the host calls it.
#[derive(Clone)]
pub(crate) enum WorldPre {
    CommandParser(bindings::command_parser::CommandParserPre<CallState>),
    CodeAnalyzer(bindings::code_analyzer::CodeAnalyzerPre<CallState>),
    ModelRouter(bindings::model_router::ModelRouterPre<CallState>),
    PromptEnhancer(bindings::prompt_enhancer::PromptEnhancerPre<CallState>),
    PatternLearner(bindings::pattern_learner::PatternLearnerPre<CallState>),
    WorkflowStep(bindings::workflow_step::WorkflowStepPre<CallState>),
    // Loadable now that every capability is provided; the orchestrator, context
    // and docs issues add their typed calls.
    #[allow(dead_code)]
    Agent(bindings::agent::AgentPre<CallState>),
    #[allow(dead_code)]
    ContextCompressor(bindings::context_compressor::ContextCompressorPre<CallState>),
    #[allow(dead_code)]
    DocsProvider(bindings::docs_provider::DocsProviderPre<CallState>),
}

impl WorldPre {
    pub(crate) fn new(world: World, pre: InstancePre<CallState>) -> wasmtime::Result<WorldPre> {
        Ok(match world {
            World::CommandParser => {
                WorldPre::CommandParser(bindings::command_parser::CommandParserPre::new(pre)?)
            }
            World::CodeAnalyzer => {
                WorldPre::CodeAnalyzer(bindings::code_analyzer::CodeAnalyzerPre::new(pre)?)
            }
            World::ModelRouter => {
                WorldPre::ModelRouter(bindings::model_router::ModelRouterPre::new(pre)?)
            }
            World::PromptEnhancer => {
                WorldPre::PromptEnhancer(bindings::prompt_enhancer::PromptEnhancerPre::new(pre)?)
            }
            World::PatternLearner => {
                WorldPre::PatternLearner(bindings::pattern_learner::PatternLearnerPre::new(pre)?)
            }
            World::WorkflowStep => {
                WorldPre::WorkflowStep(bindings::workflow_step::WorkflowStepPre::new(pre)?)
            }
            World::Agent => WorldPre::Agent(bindings::agent::AgentPre::new(pre)?),
            World::ContextCompressor => WorldPre::ContextCompressor(
                bindings::context_compressor::ContextCompressorPre::new(pre)?,
            ),
            World::DocsProvider => {
                WorldPre::DocsProvider(bindings::docs_provider::DocsProviderPre::new(pre)?)
            }
        })
    }
}

/// A plugin ready to be called.
pub struct Plugin {
    pub(crate) manifest: Manifest,
    pub(crate) manifest_path: PathBuf,
    pub(crate) component_path: PathBuf,
    pub(crate) digest: String,
    pub(crate) world: World,
    pub(crate) grants: Arc<PluginGrants>,
    pub(crate) pre: WorldPre,
    pub(crate) cache: CacheOutcome,
}

impl Plugin {
    /// The plugin's name.
    pub fn name(&self) -> &str {
        &self.manifest.plugin.name
    }

    /// How far it is trusted (decides which default policies apply).
    pub fn trust(&self) -> Trust {
        self.grants.trust
    }

    /// Its world.
    pub fn world(&self) -> World {
        self.world
    }

    /// Its validated manifest.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// Where the manifest is.
    pub fn manifest_path(&self) -> &Path {
        &self.manifest_path
    }

    /// Where the component is.
    pub fn component_path(&self) -> &Path {
        &self.component_path
    }

    /// The component's verified sha256.
    pub fn digest(&self) -> &str {
        &self.digest
    }

    /// Whether the compiled code came from the cache.
    pub fn cache_outcome(&self) -> CacheOutcome {
        self.cache
    }
}

impl std::fmt::Debug for Plugin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Plugin")
            .field("name", &self.name())
            .field("world", &self.world)
            .field("digest", &self.digest)
            .finish_non_exhaustive()
    }
}
