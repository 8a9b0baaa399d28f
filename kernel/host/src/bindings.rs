//! Host bindings generated from `wit/` — the only place the WIT becomes Rust here.
//!
//! The `workflow-step` world imports every host interface, so its bindings define
//! them once; every other world maps its imports onto those (`with`), so one host
//! implementation serves all worlds.

/// Every host interface, and the `workflow-step` world.
pub mod workflow_step {
    wasmtime::component::bindgen!({
        world: "workflow-step",
        path: "../../wit",
        imports: { default: async },
        exports: { default: async },
    });
}

/// Generates a world's bindings, reusing the shared host interfaces it imports.
macro_rules! world_bindings {
    ($module:ident, $world:literal, { $($iface:literal => $path:ident),* $(,)? }) => {
        #[doc = concat!("The `", $world, "` world.")]
        pub mod $module {
            wasmtime::component::bindgen!({
                world: $world,
                path: "../../wit",
                imports: { default: async },
                exports: { default: async },
                with: {
                    "ralex:plugin/types": super::workflow_step::ralex::plugin::types,
                    $($iface: super::workflow_step::ralex::plugin::$path,)*
                },
            });
        }
    };
}

world_bindings!(command_parser, "command-parser", {
    "ralex:plugin/log" => log,
    "ralex:plugin/kv" => kv,
});
world_bindings!(model_router, "model-router", {
    "ralex:plugin/log" => log,
    "ralex:plugin/kv" => kv,
});
world_bindings!(prompt_enhancer, "prompt-enhancer", {
    "ralex:plugin/log" => log,
    "ralex:plugin/kv" => kv,
    "ralex:plugin/workspace" => workspace,
});
world_bindings!(code_analyzer, "code-analyzer", {
    "ralex:plugin/log" => log,
    "ralex:plugin/kv" => kv,
    "ralex:plugin/progress" => progress,
    "ralex:plugin/workspace" => workspace,
});
world_bindings!(pattern_learner, "pattern-learner", {
    "ralex:plugin/log" => log,
    "ralex:plugin/kv" => kv,
});
world_bindings!(agent, "agent", {
    "ralex:plugin/log" => log,
    "ralex:plugin/kv" => kv,
    "ralex:plugin/progress" => progress,
    "ralex:plugin/workspace" => workspace,
    "ralex:plugin/workspace-edit" => workspace_edit,
    "ralex:plugin/git" => git,
    "ralex:plugin/model" => model,
    "ralex:plugin/exec" => exec,
    "ralex:plugin/mcp" => mcp,
});
world_bindings!(context_compressor, "context-compressor", {
    "ralex:plugin/log" => log,
    "ralex:plugin/kv" => kv,
    "ralex:plugin/model" => model,
});
world_bindings!(docs_provider, "docs-provider", {
    "ralex:plugin/log" => log,
    "ralex:plugin/kv" => kv,
    "ralex:plugin/workspace" => workspace,
    "ralex:plugin/http" => http,
});

pub use workflow_step::ralex::plugin::types::{Error as WitError, ErrorCode};
