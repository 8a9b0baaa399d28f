//! Logging helpers over the `log` import every world has.
//!
//! Lines go into the kernel's trace tagged with your plugin's name. Each call has a
//! quota of lines and bytes; what goes past it is dropped and counted by the kernel.

/// The world whose bindings these helpers use: the first enabled world feature.
macro_rules! with_world_log {
    ($level:ident, $msg:expr) => {{
        #[cfg(all(
            not(any(
                feature = "command-parser",
                feature = "model-router",
                feature = "prompt-enhancer",
                feature = "code-analyzer",
                feature = "pattern-learner"
            )),
            feature = "agent"
        ))]
        use crate::agent::ralex::plugin::log as world_log;
        #[cfg(all(
            not(any(
                feature = "command-parser",
                feature = "model-router",
                feature = "prompt-enhancer"
            )),
            feature = "code-analyzer"
        ))]
        use crate::code_analyzer::ralex::plugin::log as world_log;
        #[cfg(feature = "command-parser")]
        use crate::command_parser::ralex::plugin::log as world_log;
        #[cfg(all(
            not(any(
                feature = "command-parser",
                feature = "model-router",
                feature = "prompt-enhancer",
                feature = "code-analyzer",
                feature = "pattern-learner",
                feature = "agent",
                feature = "workflow-step"
            )),
            feature = "context-compressor"
        ))]
        use crate::context_compressor::ralex::plugin::log as world_log;
        #[cfg(all(
            not(any(
                feature = "command-parser",
                feature = "model-router",
                feature = "prompt-enhancer",
                feature = "code-analyzer",
                feature = "pattern-learner",
                feature = "agent",
                feature = "workflow-step",
                feature = "context-compressor"
            )),
            feature = "docs-provider"
        ))]
        use crate::docs_provider::ralex::plugin::log as world_log;
        #[cfg(all(not(feature = "command-parser"), feature = "model-router"))]
        use crate::model_router::ralex::plugin::log as world_log;
        #[cfg(all(
            not(any(
                feature = "command-parser",
                feature = "model-router",
                feature = "prompt-enhancer",
                feature = "code-analyzer"
            )),
            feature = "pattern-learner"
        ))]
        use crate::pattern_learner::ralex::plugin::log as world_log;
        #[cfg(all(
            not(any(feature = "command-parser", feature = "model-router")),
            feature = "prompt-enhancer"
        ))]
        use crate::prompt_enhancer::ralex::plugin::log as world_log;
        #[cfg(all(
            not(any(
                feature = "command-parser",
                feature = "model-router",
                feature = "prompt-enhancer",
                feature = "code-analyzer",
                feature = "pattern-learner",
                feature = "agent"
            )),
            feature = "workflow-step"
        ))]
        use crate::workflow_step::ralex::plugin::log as world_log;
        world_log::log(world_log::Level::$level, $msg)
    }};
}

/// Log a line at `trace` level.
pub fn trace(message: &str) {
    with_world_log!(Trace, message)
}

/// Log a line at `debug` level.
pub fn debug(message: &str) {
    with_world_log!(Debug, message)
}

/// Log a line at `info` level.
pub fn info(message: &str) {
    with_world_log!(Info, message)
}

/// Log a line at `warn` level.
pub fn warn(message: &str) {
    with_world_log!(Warn, message)
}

/// Log a line at `error` level.
pub fn error(message: &str) {
    with_world_log!(Error, message)
}
