//! The model layer's configuration as it appears in `ralex.toml`: `[[providers]]`,
//! `[[models]]`, `[budgets]` and `[model_calls]`, with defaults and validation.

use std::path::PathBuf;

use serde::Deserialize;

/// Which wire format a provider speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderKind {
    /// OpenAI chat completions (OpenAI, OpenRouter, Ollama, llama.cpp, vLLM, LiteLLM).
    Openai,
    /// Anthropic Messages.
    Anthropic,
}

/// A `[[providers]]` entry.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderConfig {
    /// Name models refer to.
    pub name: String,
    /// Wire format.
    pub kind: ProviderKind,
    /// API base, e.g. `https://api.openai.com/v1` (requests go to `{base_url}/chat/completions`
    /// or `{base_url}/messages`).
    pub base_url: String,
    /// Environment variable holding the key.
    #[serde(default)]
    pub api_key_env: Option<String>,
    /// File holding the key.
    #[serde(default)]
    pub api_key_file: Option<PathBuf>,
    /// Model used for speech-to-text on this provider (`/audio/transcriptions`).
    #[serde(default)]
    pub stt_model: Option<String>,
    /// Local (free, never budget-blocked)? Unset: local exactly when `base_url` is
    /// on loopback. Set `false` for a loopback proxy to paid APIs (e.g. LiteLLM),
    /// `true` for a model server elsewhere on your network.
    #[serde(default)]
    pub local: Option<bool>,
}

/// A `[[models]]` entry.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelConfig {
    /// Catalogue name (what plugins and the router use).
    pub name: String,
    /// Provider name.
    pub provider: String,
    /// The provider's model id, when it differs from `name`.
    #[serde(default)]
    pub api_name: Option<String>,
    /// Context window in tokens.
    pub context_window: u32,
    /// Largest completion the model produces.
    #[serde(default)]
    pub max_output_tokens: Option<u32>,
    /// USD per million input tokens.
    #[serde(default)]
    pub input_per_mtok: f64,
    /// USD per million output tokens.
    #[serde(default)]
    pub output_per_mtok: f64,
    /// "tools", "vision", ...
    #[serde(default)]
    pub capabilities: Vec<String>,
    /// 1 small, 2 strong, 3 frontier.
    #[serde(default = "default_tier")]
    pub tier: u8,
}

fn default_tier() -> u8 {
    2
}

/// `[budgets]`: money and tokens the model layer may spend. Unset = unlimited.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BudgetConfig {
    /// USD per UTC day.
    #[serde(default)]
    pub day_usd: Option<f64>,
    /// USD per UTC month.
    #[serde(default)]
    pub month_usd: Option<f64>,
    /// USD per session (a conversation from one device).
    #[serde(default)]
    pub session_usd: Option<f64>,
    /// Tokens (input + output) per UTC day, paid models only.
    #[serde(default)]
    pub day_tokens: Option<u64>,
    /// true: budgets only warn (soft); false: they refuse (hard).
    #[serde(default)]
    pub soft: bool,
    /// Warn when a request takes a budget past this fraction.
    #[serde(default = "default_warn_at")]
    pub warn_at: f64,
}

fn default_warn_at() -> f64 {
    0.8
}

impl Default for BudgetConfig {
    fn default() -> Self {
        BudgetConfig {
            day_usd: None,
            month_usd: None,
            session_usd: None,
            day_tokens: None,
            soft: false,
            warn_at: default_warn_at(),
        }
    }
}

/// `[model_calls]`: retries, timeouts, cooldown and defaults.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallConfig {
    /// Attempts per model for retryable failures (429, 5xx, timeouts, broken streams).
    #[serde(default = "default_attempts")]
    pub max_attempts: u32,
    /// First backoff delay.
    #[serde(default = "default_base_delay")]
    pub base_delay_ms: u64,
    /// Longest backoff delay, and the longest Retry-After honoured before moving on.
    #[serde(default = "default_max_delay")]
    pub max_delay_ms: u64,
    /// Time to the response headers.
    #[serde(default = "default_timeout")]
    pub timeout_s: u64,
    /// Longest silence between two stream chunks (and for a whole non-streamed body).
    #[serde(default = "default_idle")]
    pub idle_timeout_s: u64,
    /// Consecutive failures that put a provider in cooldown.
    #[serde(default = "default_cooldown_after")]
    pub cooldown_after: u32,
    /// Cooldown length.
    #[serde(default = "default_cooldown")]
    pub cooldown_s: u64,
    /// Model used when no router plugin is configured or the router fails.
    #[serde(default)]
    pub default_model: Option<String>,
    /// Completion tokens reserved when a request names no max_tokens.
    #[serde(default = "default_reserve_output")]
    pub reserve_output_tokens: u32,
}

fn default_attempts() -> u32 {
    3
}
fn default_base_delay() -> u64 {
    500
}
fn default_max_delay() -> u64 {
    20_000
}
fn default_timeout() -> u64 {
    60
}
fn default_idle() -> u64 {
    60
}
fn default_cooldown_after() -> u32 {
    3
}
fn default_cooldown() -> u64 {
    60
}
fn default_reserve_output() -> u32 {
    2048
}

impl Default for CallConfig {
    fn default() -> Self {
        CallConfig {
            max_attempts: default_attempts(),
            base_delay_ms: default_base_delay(),
            max_delay_ms: default_max_delay(),
            timeout_s: default_timeout(),
            idle_timeout_s: default_idle(),
            cooldown_after: default_cooldown_after(),
            cooldown_s: default_cooldown(),
            default_model: None,
            reserve_output_tokens: default_reserve_output(),
        }
    }
}

/// Everything the model layer reads from `ralex.toml`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ModelsConfig {
    /// `[[providers]]`.
    pub providers: Vec<ProviderConfig>,
    /// `[[models]]`.
    pub models: Vec<ModelConfig>,
    /// `[budgets]`.
    pub budgets: BudgetConfig,
    /// `[model_calls]`.
    pub calls: CallConfig,
    /// `catalogue = FILE`: replaces the shipped catalogue.
    pub catalogue: Option<PathBuf>,
}
