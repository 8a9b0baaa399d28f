//! `ralex-sdk`: everything a plugin author needs to write a Ralex plugin in Rust.
//!
//! Pick your plugin's role with one cargo feature (the world of the same name in
//! `ralex:plugin@0.1.0`), implement the generated `Guest` trait of the interface your
//! world exports, and hand your type to that world's `export!` macro:
//!
//! ```ignore
//! use ralex_sdk::command_parser::exports::ralex::plugin::parser::{Guest, ParseRequest, ParsedCommand};
//! use ralex_sdk::command_parser::ralex::plugin::types::{Error, Intent, IntentKind, Risk};
//!
//! struct Echo;
//!
//! impl Guest for Echo {
//!     fn parse(request: ParseRequest) -> Result<ParsedCommand, Error> {
//!         ralex_sdk::log::info(&format!("heard {:?}", request.transcript));
//!         Ok(ParsedCommand {
//!             normalized: request.transcript.clone(),
//!             intent: Intent { kind: IntentKind::Chat, targets: vec![], params: vec![],
//!                              risk: Risk::ReadOnly, confidence: 0.5 },
//!         })
//!     }
//! }
//!
//! ralex_sdk::command_parser::export!(Echo);
//! ```
//!
//! The bindings are generated from the same `wit/` folder the kernel reads, so the
//! WIT files are the reference for every type and function. Build with
//! `cargo build --target wasm32-wasip2` (the kernel's `cargo xtask plugins` does this
//! for first-party plugins).

#![allow(missing_docs)] // generated bindings carry the WIT doc comments

/// Generates one world's bindings in its own module, with its `export!` macro.
macro_rules! world_module {
    ($feature:literal, $module:ident, $bindings:literal) => {
        #[cfg(feature = $feature)]
        #[doc = concat!("Bindings of the `", $feature, "` world: imports to call, the export to implement, and `export!`.")]
        pub mod $module {
            wit_bindgen::generate!({
                world: $feature,
                path: "../wit",
                pub_export_macro: true,
                export_macro_name: "export",
                default_bindings_module: $bindings,
                generate_all,
            });
        }
    };
}

world_module!(
    "command-parser",
    command_parser,
    "ralex_sdk::command_parser"
);
world_module!("model-router", model_router, "ralex_sdk::model_router");
world_module!(
    "prompt-enhancer",
    prompt_enhancer,
    "ralex_sdk::prompt_enhancer"
);
world_module!("code-analyzer", code_analyzer, "ralex_sdk::code_analyzer");
world_module!(
    "pattern-learner",
    pattern_learner,
    "ralex_sdk::pattern_learner"
);
world_module!("agent", agent, "ralex_sdk::agent");
world_module!("workflow-step", workflow_step, "ralex_sdk::workflow_step");
world_module!(
    "context-compressor",
    context_compressor,
    "ralex_sdk::context_compressor"
);
world_module!("docs-provider", docs_provider, "ralex_sdk::docs_provider");

#[cfg(any(
    feature = "command-parser",
    feature = "model-router",
    feature = "prompt-enhancer",
    feature = "code-analyzer",
    feature = "pattern-learner",
    feature = "agent",
    feature = "workflow-step",
    feature = "context-compressor",
    feature = "docs-provider"
))]
pub mod log;
