//! `ralex.toml`: the kernel's configuration. Unknown fields are refused, errors say
//! file and line, and every default lives in this file.

use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow};
use serde::Deserialize;

/// The whole configuration file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Kernel settings.
    #[serde(default)]
    pub kernel: KernelConfig,
    /// Which plugin plays which role.
    #[serde(default)]
    pub pipeline: PipelineConfig,
    /// Trust and named grants that policies read.
    #[serde(default)]
    pub policy: PolicyConfig,
    /// MCP servers plugins may call (through the `mcp` capability, by policy).
    #[serde(default)]
    pub mcp_servers: Vec<McpServerEntry>,
    /// `[[providers]]`: model providers (added to the shipped catalogue's).
    #[serde(default)]
    pub providers: Vec<ralex_models::ProviderConfig>,
    /// `[[models]]`: models (override catalogue entries of the same name).
    #[serde(default)]
    pub models: Vec<ralex_models::ModelConfig>,
    /// `[budgets]`: spending limits for model calls.
    #[serde(default)]
    pub budgets: ralex_models::BudgetConfig,
    /// `[model_calls]`: retries, timeouts, cooldown, default model.
    #[serde(default)]
    pub model_calls: ralex_models::CallConfig,
    /// `catalogue = FILE`: replaces the shipped model catalogue.
    #[serde(default)]
    pub catalogue: Option<PathBuf>,
    /// `[agent]`: limits of model-backed commands.
    #[serde(default)]
    pub agent: AgentConfig,
}

/// `[agent]`: what one model-backed command may do.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentConfig {
    /// Most model round trips of one command.
    #[serde(default = "default_max_steps")]
    pub max_steps: u32,
    /// Most money one command may spend, USD.
    #[serde(default = "default_max_cost_usd")]
    pub max_cost_usd: f64,
    /// Run the project's tests after every change (else only when asked or fixing).
    #[serde(default)]
    pub run_tests: bool,
    /// Tokens of project context given to the agent.
    #[serde(default = "default_context_tokens")]
    pub context_tokens: usize,
    /// Seconds a destructive command waits for its confirmation.
    #[serde(default = "default_confirmation_seconds")]
    pub confirmation_seconds: u64,
}

impl Default for AgentConfig {
    fn default() -> Self {
        AgentConfig {
            max_steps: default_max_steps(),
            max_cost_usd: default_max_cost_usd(),
            run_tests: false,
            context_tokens: default_context_tokens(),
            confirmation_seconds: default_confirmation_seconds(),
        }
    }
}

impl AgentConfig {
    /// The orchestrator's settings.
    pub fn settings(&self) -> Result<ralex_orchestrator::Settings> {
        if self.max_steps == 0 {
            return Err(anyhow!("[agent] max_steps must be at least 1"));
        }
        if !(self.max_cost_usd.is_finite() && self.max_cost_usd > 0.0) {
            return Err(anyhow!(
                "[agent] max_cost_usd must be a positive number of dollars, e.g. 0.5"
            ));
        }
        if self.confirmation_seconds == 0 {
            return Err(anyhow!("[agent] confirmation_seconds must be at least 1"));
        }
        Ok(ralex_orchestrator::Settings {
            max_steps: self.max_steps,
            max_cost_usd: self.max_cost_usd,
            always_run_tests: self.run_tests,
            context_tokens: self.context_tokens,
            confirmation_ttl: std::time::Duration::from_secs(self.confirmation_seconds),
            ..ralex_orchestrator::Settings::default()
        })
    }
}

fn default_max_steps() -> u32 {
    16
}

fn default_max_cost_usd() -> f64 {
    0.5
}

fn default_context_tokens() -> usize {
    6_000
}

fn default_confirmation_seconds() -> u64 {
    120
}

/// One `[[mcp_servers]]` entry: a server the kernel starts over stdio on first use.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct McpServerEntry {
    /// The name plugins use (`mcp = { servers = [...] }` in their manifest).
    pub name: String,
    /// The program: a name on `PATH` or a path.
    pub command: String,
    /// Its arguments (no shell).
    #[serde(default)]
    pub args: Vec<String>,
    /// Extra environment variables (secret-looking names are refused).
    #[serde(default)]
    pub env: std::collections::BTreeMap<String, String>,
    /// Working directory.
    #[serde(default)]
    pub cwd: Option<PathBuf>,
}

impl Config {
    /// The configured MCP servers as a hub (servers start on first use), or
    /// `None` when none are configured. Invalid entries are an error naming them.
    pub fn mcp_hub(&self) -> Result<Option<ralex_mcp::McpHub>> {
        if self.mcp_servers.is_empty() {
            return Ok(None);
        }
        let servers = self
            .mcp_servers
            .iter()
            .map(|s| ralex_mcp::ServerConfig {
                name: s.name.clone(),
                command: s.command.clone(),
                args: s.args.clone(),
                env: s.env.clone().into_iter().collect(),
                cwd: s.cwd.clone(),
            })
            .collect();
        ralex_mcp::McpHub::new(servers, ralex_mcp::Limits::default())
            .map(Some)
            .map_err(|e| anyhow!("[[mcp_servers]]: {e}"))
    }
}

/// `[policy]`: the data policies decide on. The rules themselves are Cedar files
/// (the shipped defaults and `$RALEX_HOME/policies/`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyConfig {
    /// Publishers whose plugins get trust `trusted` (what they may do still comes
    /// from policy grants).
    #[serde(default)]
    pub trusted_publishers: Vec<String>,
    /// Secret files a plugin may read, granted by name: `plugin = [".env.test"]`.
    #[serde(default)]
    pub secret_reads: std::collections::HashMap<String, Vec<String>>,
    /// Plugins that may reach loopback, private and link-local addresses, on the
    /// hosts their manifest names exactly: `private_network = ["local-docs"]`.
    #[serde(default)]
    pub private_network: Vec<String>,
}

/// `[kernel]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KernelConfig {
    /// Extra folders to look for plugins in (each holds `<name>/plugin.toml`).
    #[serde(default)]
    pub plugin_dirs: Vec<PathBuf>,
    /// Largest memory cap a plugin may ask for, in MiB.
    #[serde(default = "default_max_plugin_memory_mb")]
    pub max_plugin_memory_mb: u32,
    /// Concurrent plugin instances.
    #[serde(default = "default_pool_instances")]
    pub pool_instances: u32,
    /// Use the pooling allocator when possible.
    #[serde(default = "default_true")]
    pub pooling: bool,
}

impl Default for KernelConfig {
    fn default() -> Self {
        KernelConfig {
            plugin_dirs: Vec::new(),
            max_plugin_memory_mb: default_max_plugin_memory_mb(),
            pool_instances: default_pool_instances(),
            pooling: true,
        }
    }
}

/// `[pipeline]`: plugin names per role.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PipelineConfig {
    /// The command parser.
    #[serde(default = "default_command_parser")]
    pub command_parser: String,
    /// The model router ("" for none: the default model is used).
    #[serde(default = "default_model_router")]
    pub model_router: String,
    /// The prompt enhancer ("" for none: the agent gets the plain prompt).
    #[serde(default = "default_prompt_enhancer")]
    pub prompt_enhancer: String,
    /// The coding agent.
    #[serde(default = "default_agent")]
    pub agent: String,
    /// Summarises old session notes (`ralex context compress`; "" turns it off).
    #[serde(default = "default_compressor")]
    pub compressor: String,
}

impl Default for PipelineConfig {
    fn default() -> Self {
        PipelineConfig {
            command_parser: default_command_parser(),
            model_router: default_model_router(),
            prompt_enhancer: default_prompt_enhancer(),
            agent: default_agent(),
            compressor: default_compressor(),
        }
    }
}

fn default_prompt_enhancer() -> String {
    "prompt-enhancer".to_string()
}

fn default_agent() -> String {
    "agent".to_string()
}

fn default_compressor() -> String {
    ralex_orchestrator::compress::DEFAULT_COMPRESSOR.to_string()
}

fn default_model_router() -> String {
    "model-router".to_string()
}

fn default_max_plugin_memory_mb() -> u32 {
    256
}

fn default_pool_instances() -> u32 {
    64
}

fn default_true() -> bool {
    true
}

fn default_command_parser() -> String {
    "command-parser".to_string()
}

impl Config {
    /// Load `path`; a missing file means defaults unless it was named explicitly.
    pub fn load(path: &Path, explicit: bool) -> Result<Config> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => {
                return Ok(Config::default());
            }
            Err(e) => return Err(anyhow!("cannot read config file {}: {e}", path.display())),
        };
        let config: Config = toml::from_str(&text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
            match line {
                Some(line) => anyhow!("{}:{line}: {}", path.display(), e.message().trim()),
                None => anyhow!("{}: {}", path.display(), e.message().trim()),
            }
        })?;
        // Validate the MCP servers now, so a bad entry stops start-up clearly.
        config
            .mcp_hub()
            .map_err(|e| anyhow!("{}: {e:#}", path.display()))?;
        // And the model catalogue (keys are read later, when models are used).
        ralex_models::Catalogue::build(&config.models_config(), &|name| std::env::var(name).ok())
            .map_err(|e| {
            let message = e.to_string();
            let message = message.strip_prefix("ralex.toml: ").unwrap_or(&message);
            anyhow!("{}: {message}", path.display())
        })?;
        Ok(config)
    }

    /// The model layer's part of the configuration.
    pub fn models_config(&self) -> ralex_models::ModelsConfig {
        ralex_models::ModelsConfig {
            providers: self.providers.clone(),
            models: self.models.clone(),
            budgets: self.budgets.clone(),
            calls: self.model_calls.clone(),
            catalogue: self.catalogue.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_errors_with_lines() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("none.toml");
        let c = Config::load(&missing, false).unwrap();
        assert_eq!(c.kernel.max_plugin_memory_mb, 256);
        assert_eq!(c.pipeline.command_parser, "command-parser");
        assert!(Config::load(&missing, true).is_err());

        let bad = dir.path().join("bad.toml");
        std::fs::write(&bad, "[kernel]\npool_instances = 4\nsurprise = 1\n").unwrap();
        let err = Config::load(&bad, true).unwrap_err().to_string();
        assert!(err.contains("bad.toml:3"), "{err}");
        assert!(err.contains("surprise"), "{err}");
    }
}
