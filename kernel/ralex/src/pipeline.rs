//! Building the orchestrator for one CLI command (and later the server): the
//! plugins of each pipeline role from the registry (with the reason when one is
//! missing), the model layer with its router, and the `[agent]` settings.

use std::sync::Arc;

use anyhow::Result;
use ralex_orchestrator::{Orchestrator, Role, Roles};

use crate::config::Config;
use crate::plugins::Registry;

/// The plugin named `name` for `role`, or why it cannot be used.
fn role(registry: &Registry, name: &str, role: &str) -> Role {
    let name = name.trim();
    if name.is_empty() {
        return Err(format!("no {role} is configured in [pipeline]"));
    }
    match registry.get(name) {
        Some(plugin) => Ok(Arc::clone(plugin)),
        None => Err(match registry.refusal(name) {
            Some(refused) => format!("the {role} plugin `{name}` was refused: {}", refused.error),
            None => format!(
                "the {role} plugin `{name}` is not installed; build the first-party plugins with `make setup` (or `cargo xtask plugins`) and check `ralex doctor`"
            ),
        }),
    }
}

/// The context compressor plugin, or why there is none.
pub fn compressor(config: &Config, registry: &Registry) -> Role {
    role(registry, &config.pipeline.compressor, "context compressor")
}

/// The orchestrator over `registry` with the configured roles and models.
pub fn open(config: &Config, registry: &Registry) -> Result<Orchestrator> {
    let settings = config.agent.settings()?;
    let opened = crate::models::open(config, registry)?;
    let roles = Roles {
        parser: role(registry, &config.pipeline.command_parser, "command parser"),
        enhancer: role(
            registry,
            &config.pipeline.prompt_enhancer,
            "prompt enhancer",
        ),
        agent: role(registry, &config.pipeline.agent, "agent"),
        compressor: compressor(config, registry),
        router: opened.router,
    };
    Ok(Orchestrator::new(
        Arc::clone(&registry.host),
        Arc::clone(&registry.store),
        roles,
        Some(opened.models),
        settings,
    ))
}

/// `orchestrator` with the workflow folders, the installed `workflow-step`
/// plugins and the run locks of this installation.
pub fn with_workflows(
    orchestrator: Orchestrator,
    home: &crate::home::Home,
    registry: &Registry,
) -> Orchestrator {
    let steps = registry
        .loaded
        .iter()
        .filter(|p| p.world() == ralex_host::World::WorkflowStep)
        .cloned()
        .collect();
    orchestrator
        .with_workflow_dirs(vec![home.workflows()])
        .with_step_plugins(steps)
        .with_run_locks(home.run_locks())
}
