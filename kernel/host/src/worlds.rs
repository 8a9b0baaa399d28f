//! The plugin worlds of `ralex:plugin@0.1.0`: what each imports and exports, which
//! ones this kernel can run, and the check that a component fits its world.

use std::fmt;

use ralex_manifest::WorldRef;
use wasmtime::Engine;
use wasmtime::component::Component;

use crate::imports::PROVIDED;

/// The WIT package plugins are built against.
pub const PACKAGE: &str = "ralex:plugin";
/// Package versions this kernel loads.
pub const SUPPORTED_VERSIONS: &[&str] = &["0.1.0"];

/// One plugin role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum World {
    /// Transcript → intent.
    CommandParser,
    /// Chooses models.
    ModelRouter,
    /// Improves prompts.
    PromptEnhancer,
    /// Reports on code.
    CodeAnalyzer,
    /// Learns from outcomes.
    PatternLearner,
    /// The coding agent.
    Agent,
    /// A workflow step (untrusted code).
    WorkflowStep,
    /// Summarises old notes.
    ContextCompressor,
    /// Finds documentation.
    DocsProvider,
}

impl World {
    /// Every world.
    pub const ALL: [World; 9] = [
        World::CommandParser,
        World::ModelRouter,
        World::PromptEnhancer,
        World::CodeAnalyzer,
        World::PatternLearner,
        World::Agent,
        World::WorkflowStep,
        World::ContextCompressor,
        World::DocsProvider,
    ];

    /// The WIT name, e.g. `command-parser`.
    pub fn name(self) -> &'static str {
        match self {
            World::CommandParser => "command-parser",
            World::ModelRouter => "model-router",
            World::PromptEnhancer => "prompt-enhancer",
            World::CodeAnalyzer => "code-analyzer",
            World::PatternLearner => "pattern-learner",
            World::Agent => "agent",
            World::WorkflowStep => "workflow-step",
            World::ContextCompressor => "context-compressor",
            World::DocsProvider => "docs-provider",
        }
    }

    /// The world a manifest names, if this kernel supports that package and version.
    pub fn from_ref(r: &WorldRef) -> Option<World> {
        if r.package != PACKAGE || !SUPPORTED_VERSIONS.contains(&r.version.as_str()) {
            return None;
        }
        World::ALL.into_iter().find(|w| w.name() == r.world)
    }

    /// Host interfaces the world imports (besides `types`).
    pub fn imports(self) -> &'static [&'static str] {
        match self {
            World::CommandParser | World::ModelRouter | World::PatternLearner => &["log", "kv"],
            World::PromptEnhancer => &["log", "kv", "workspace"],
            World::CodeAnalyzer => &["log", "kv", "progress", "workspace"],
            World::Agent => &[
                "log",
                "kv",
                "progress",
                "workspace",
                "workspace-edit",
                "git",
                "model",
                "exec",
                "mcp",
            ],
            World::WorkflowStep => &[
                "log",
                "kv",
                "progress",
                "workspace",
                "workspace-edit",
                "git",
                "model",
                "exec",
                "http",
                "mcp",
            ],
            World::ContextCompressor => &["log", "kv", "model"],
            World::DocsProvider => &["log", "kv", "workspace", "http"],
        }
    }

    /// The interface the world exports.
    pub fn export(self) -> &'static str {
        match self {
            World::CommandParser => "parser",
            World::ModelRouter => "router",
            World::PromptEnhancer => "enhancer",
            World::CodeAnalyzer => "analyzer",
            World::PatternLearner => "learner",
            World::Agent => "task-runner",
            World::WorkflowStep => "step",
            World::ContextCompressor => "compressor",
            World::DocsProvider => "docs",
        }
    }

    /// Imported interfaces this kernel does not provide yet.
    pub fn missing_capabilities(self) -> Vec<&'static str> {
        self.imports()
            .iter()
            .copied()
            .filter(|i| !PROVIDED.contains(i))
            .collect()
    }

    /// Whether this kernel can run plugins of this world.
    pub fn is_available(self) -> bool {
        self.missing_capabilities().is_empty()
    }

    /// The names of every world, for error messages.
    pub fn supported_list() -> String {
        World::ALL
            .map(|w| format!("{PACKAGE}/{}@{}", w.name(), SUPPORTED_VERSIONS.join("|")))
            .join(", ")
    }
}

impl fmt::Display for World {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// `ralex:plugin/log@0.1.0` → `Some("log")`; other packages → `None`.
fn ralex_interface(name: &str) -> Option<&str> {
    let rest = name.strip_prefix(PACKAGE)?.strip_prefix('/')?;
    let (iface, version) = rest.split_once('@')?;
    SUPPORTED_VERSIONS.contains(&version).then_some(iface)
}

/// Check a component's imports and exports against its world; the error says what
/// does not fit.
pub(crate) fn check_component(
    world: World,
    component: &Component,
    engine: &Engine,
) -> Result<(), String> {
    let ty = component.component_type();
    for (name, _) in ty.imports(engine) {
        if name.starts_with("wasi:") {
            continue;
        }
        match ralex_interface(name) {
            Some("types") => {}
            Some(iface) if world.imports().contains(&iface) => {}
            Some(_) => {
                return Err(format!(
                    "it imports `{name}`, which world `{world}` does not include (its imports: {})",
                    world.imports().join(", ")
                ));
            }
            None => {
                return Err(format!(
                    "it imports `{name}`, which is neither WASI nor part of {PACKAGE}@{}",
                    SUPPORTED_VERSIONS.join("|")
                ));
            }
        }
    }
    let wanted = world.export();
    let exports: Vec<String> = ty.exports(engine).map(|(n, _)| n.to_string()).collect();
    if !exports.iter().any(|n| ralex_interface(n) == Some(wanted)) {
        return Err(format!(
            "it does not export `{PACKAGE}/{wanted}@{}` (it exports: {})",
            SUPPORTED_VERSIONS.join("|"),
            if exports.is_empty() {
                "nothing".to_string()
            } else {
                exports.join(", ")
            }
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unsupported_versions_are_refused() {
        for w in World::ALL {
            let r = WorldRef::parse(&format!("ralex:plugin/{}@0.1.0", w.name())).unwrap();
            assert_eq!(World::from_ref(&r), Some(w));
        }
        let r = WorldRef::parse("ralex:plugin/command-parser@9.0.0").unwrap();
        assert_eq!(World::from_ref(&r), None);
        let r = WorldRef::parse("acme:plugin/command-parser@0.1.0").unwrap();
        assert_eq!(World::from_ref(&r), None);
    }

    #[test]
    fn every_world_is_available_now_that_every_capability_is_provided() {
        for world in World::ALL {
            assert!(
                world.is_available(),
                "{world}: {:?}",
                world.missing_capabilities()
            );
        }
    }

    #[test]
    fn interface_names_parse() {
        assert_eq!(ralex_interface("ralex:plugin/log@0.1.0"), Some("log"));
        assert_eq!(ralex_interface("ralex:plugin/log@0.2.0"), None);
        assert_eq!(ralex_interface("wasi:cli/stdout@0.2.0"), None);
    }
}
