//! The model catalogue: which providers and models exist, what they cost, and which
//! of them this machine can use.
//!
//! Owns: the shipped catalogue (`catalogue.toml`, real list prices, replaceable by
//! the user's own copy), merging the user's `[[providers]]`/`[[models]]` and the
//! single-model `RALEX_OPENAI_BASE_URL`/`RALEX_MODEL` environment over it,
//! validation with messages that say where and how to fix, and cost arithmetic.
//!
//! A provider is *enabled* when the user declared it, or its key variable is set.
//! Models on a local provider (loopback unless `local` says otherwise) cost 0.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;
use std::path::Path;

use serde::Deserialize;

use crate::config::{ModelConfig, ModelsConfig, ProviderConfig, ProviderKind};
use crate::error::ConfigError;
use crate::key::KeySource;

/// The catalogue shipped with Ralex.
pub const SHIPPED: &str = include_str!("../catalogue.toml");

/// Name of the provider made from `RALEX_OPENAI_BASE_URL`.
pub const ENV_PROVIDER: &str = "env";

/// Nano-dollars per dollar (the ledger's unit).
const NANO: f64 = 1e9;

/// A catalogue file: the shipped one or the user's replacement.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogueFile {
    /// When the prices were taken.
    #[serde(default)]
    pub as_of: Option<String>,
    /// Providers.
    #[serde(default)]
    pub providers: Vec<ProviderConfig>,
    /// Models.
    #[serde(default)]
    pub models: Vec<ModelConfig>,
}

impl CatalogueFile {
    /// Parses a catalogue; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<CatalogueFile, ConfigError> {
        toml::from_str(text).map_err(|e| ConfigError::new(format!("{origin}: {e}")))
    }

    /// Reads and parses a catalogue file.
    pub fn read(path: &Path) -> Result<CatalogueFile, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            ConfigError::new(format!("cannot read the catalogue {}: {e}", path.display()))
        })?;
        CatalogueFile::parse(&text, &path.display().to_string())
    }
}

/// A usable description of one model.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelSpec {
    /// Catalogue name.
    pub name: String,
    /// Provider name.
    pub provider: String,
    /// The id sent to the provider.
    pub api_name: String,
    /// Context window in tokens.
    pub context_window: u32,
    /// Largest completion.
    pub max_output_tokens: Option<u32>,
    /// USD per million input tokens (0 for local models).
    pub input_per_mtok: f64,
    /// USD per million output tokens (0 for local models).
    pub output_per_mtok: f64,
    /// Capabilities.
    pub capabilities: Vec<String>,
    /// Quality tier 1..=3.
    pub tier: u8,
    /// Runs on this machine or network: free and never blocked by budgets.
    pub local: bool,
}

impl ModelSpec {
    /// Whether the model has a capability ("tools", "vision").
    pub fn has(&self, capability: &str) -> bool {
        self.capabilities.iter().any(|c| c == capability)
    }

    /// The price of these token counts, in nano-dollars.
    pub fn cost_nusd(&self, input_tokens: u64, output_tokens: u64) -> i64 {
        let usd = input_tokens as f64 * self.input_per_mtok / 1e6
            + output_tokens as f64 * self.output_per_mtok / 1e6;
        (usd * NANO).round() as i64
    }

    /// Whether it costs nothing.
    pub fn free(&self) -> bool {
        self.local || (self.input_per_mtok == 0.0 && self.output_per_mtok == 0.0)
    }
}

/// A provider with its key source.
#[derive(Debug, Clone, PartialEq)]
pub struct ProviderSpec {
    /// The configuration.
    pub config: ProviderConfig,
    /// Where its key comes from.
    pub key: KeySource,
    /// Loopback or marked local.
    pub local: bool,
}

/// Providers and models, merged and validated.
#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    /// When the prices were taken.
    pub as_of: Option<String>,
    providers: BTreeMap<String, ProviderSpec>,
    models: BTreeMap<String, ModelSpec>,
    enabled: BTreeSet<String>,
    /// The model `RALEX_MODEL` names, if any.
    pub env_model: Option<String>,
}

fn is_loopback(base_url: &str) -> bool {
    let Ok(url) = reqwest::Url::parse(base_url) else {
        return false;
    };
    match url.host_str() {
        Some("localhost") => true,
        Some(host) => host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback()),
        None => false,
    }
}

fn check_provider(p: &ProviderConfig, origin: &str) -> Result<ProviderSpec, ConfigError> {
    let at = format!("{origin}: provider `{}`", p.name);
    if p.name.trim().is_empty() {
        return Err(ConfigError::new(format!(
            "{origin}: a provider has an empty name"
        )));
    }
    let url = reqwest::Url::parse(&p.base_url).map_err(|e| {
        ConfigError::new(format!(
            "{at}: base_url {:?} is not a URL ({e}); write e.g. \"https://api.openai.com/v1\"",
            p.base_url
        ))
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(ConfigError::new(format!(
            "{at}: base_url must start with http:// or https://, not {:?}",
            p.base_url
        )));
    }
    let key = match (&p.api_key_env, &p.api_key_file) {
        (Some(_), Some(_)) => {
            return Err(ConfigError::new(format!(
                "{at}: set api_key_env or api_key_file, not both"
            )));
        }
        (Some(env), None) => KeySource::Env(env.clone()),
        (None, Some(file)) => KeySource::File(file.clone()),
        (None, None) => KeySource::None,
    };
    Ok(ProviderSpec {
        config: p.clone(),
        key,
        local: p.local.unwrap_or_else(|| is_loopback(&p.base_url)),
    })
}

fn check_model(
    m: &ModelConfig,
    origin: &str,
    providers: &BTreeMap<String, ProviderSpec>,
) -> Result<ModelSpec, ConfigError> {
    let at = format!("{origin}: model `{}`", m.name);
    if m.name.trim().is_empty() {
        return Err(ConfigError::new(format!(
            "{origin}: a model has an empty name"
        )));
    }
    let provider = providers.get(&m.provider).ok_or_else(|| {
        let known: Vec<&str> = providers.keys().map(String::as_str).collect();
        ConfigError::new(format!(
            "{at}: unknown provider `{}` (known: {}); add a [[providers]] entry named `{}`",
            m.provider,
            known.join(", "),
            m.provider
        ))
    })?;
    if m.context_window == 0 {
        return Err(ConfigError::new(format!(
            "{at}: context_window must be above 0"
        )));
    }
    for (field, price) in [
        ("input_per_mtok", m.input_per_mtok),
        ("output_per_mtok", m.output_per_mtok),
    ] {
        if !price.is_finite() || price < 0.0 {
            return Err(ConfigError::new(format!(
                "{at}: {field} must be a price in USD per million tokens, 0 or more (got {price})"
            )));
        }
    }
    if !(1..=3).contains(&m.tier) {
        return Err(ConfigError::new(format!(
            "{at}: tier must be 1 (small), 2 (strong) or 3 (frontier), not {}",
            m.tier
        )));
    }
    let local = provider.local;
    Ok(ModelSpec {
        name: m.name.clone(),
        provider: m.provider.clone(),
        api_name: m.api_name.clone().unwrap_or_else(|| m.name.clone()),
        context_window: m.context_window,
        max_output_tokens: m.max_output_tokens,
        input_per_mtok: if local { 0.0 } else { m.input_per_mtok },
        output_per_mtok: if local { 0.0 } else { m.output_per_mtok },
        capabilities: m.capabilities.clone(),
        tier: m.tier,
        local,
    })
}

fn no_duplicates<'a>(
    names: impl Iterator<Item = &'a str>,
    what: &str,
    origin: &str,
) -> Result<(), ConfigError> {
    let mut seen = BTreeSet::new();
    for name in names {
        if !seen.insert(name) {
            return Err(ConfigError::new(format!(
                "{origin}: two {what} are named `{name}`; names must be unique"
            )));
        }
    }
    Ok(())
}

impl Catalogue {
    /// Merges the base catalogue (the user's file, else the shipped one), the
    /// user's `[[providers]]`/`[[models]]` and the single-model environment.
    pub fn build(
        config: &ModelsConfig,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Catalogue, ConfigError> {
        let (base, origin) = match &config.catalogue {
            Some(path) => (CatalogueFile::read(path)?, path.display().to_string()),
            None => (
                CatalogueFile::parse(SHIPPED, "the shipped catalogue")?,
                "the shipped catalogue".to_string(),
            ),
        };
        no_duplicates(
            base.providers.iter().map(|p| p.name.as_str()),
            "providers",
            &origin,
        )?;
        no_duplicates(
            base.models.iter().map(|m| m.name.as_str()),
            "models",
            &origin,
        )?;
        no_duplicates(
            config.providers.iter().map(|p| p.name.as_str()),
            "[[providers]]",
            "ralex.toml",
        )?;
        no_duplicates(
            config.models.iter().map(|m| m.name.as_str()),
            "[[models]]",
            "ralex.toml",
        )?;

        let mut catalogue = Catalogue {
            as_of: base.as_of.clone(),
            ..Catalogue::default()
        };
        for p in &base.providers {
            catalogue
                .providers
                .insert(p.name.clone(), check_provider(p, &origin)?);
        }
        for p in &config.providers {
            catalogue
                .providers
                .insert(p.name.clone(), check_provider(p, "ralex.toml")?);
            catalogue.enabled.insert(p.name.clone());
        }

        // RALEX_OPENAI_BASE_URL + RALEX_MODEL: one OpenAI-compatible model, no file.
        let env_base = env("RALEX_OPENAI_BASE_URL").filter(|v| !v.trim().is_empty());
        let env_model = env("RALEX_MODEL").filter(|v| !v.trim().is_empty());
        match (&env_base, &env_model) {
            (Some(base_url), Some(_)) => {
                let p = ProviderConfig {
                    name: ENV_PROVIDER.into(),
                    kind: ProviderKind::Openai,
                    base_url: base_url.trim().to_string(),
                    api_key_env: Some("RALEX_OPENAI_API_KEY".into()),
                    api_key_file: None,
                    stt_model: env("RALEX_STT_MODEL").filter(|v| !v.trim().is_empty()),
                    local: None,
                };
                catalogue.providers.insert(
                    ENV_PROVIDER.into(),
                    check_provider(&p, "RALEX_OPENAI_BASE_URL")?,
                );
                catalogue.enabled.insert(ENV_PROVIDER.into());
            }
            (Some(_), None) => {
                return Err(ConfigError::new(
                    "RALEX_OPENAI_BASE_URL is set but RALEX_MODEL is not: set RALEX_MODEL to the model id the server serves",
                ));
            }
            (None, Some(_)) => {
                return Err(ConfigError::new(
                    "RALEX_MODEL is set but RALEX_OPENAI_BASE_URL is not: set it to the server's API base, e.g. http://127.0.0.1:11434/v1",
                ));
            }
            (None, None) => {}
        }

        // Key variables set in the environment enable their catalogue providers.
        for (name, spec) in &catalogue.providers {
            if let KeySource::Env(var) = &spec.key
                && env(var).is_some_and(|v| !v.trim().is_empty())
            {
                catalogue.enabled.insert(name.clone());
            }
        }

        for m in &base.models {
            let spec = check_model(m, &origin, &catalogue.providers)?;
            catalogue.models.insert(m.name.clone(), spec);
        }
        for m in &config.models {
            let spec = check_model(m, "ralex.toml", &catalogue.providers)?;
            catalogue.models.insert(m.name.clone(), spec);
        }
        if let (Some(_), Some(model)) = (env_base, env_model) {
            let model = model.trim().to_string();
            let known = catalogue.models.get(&model).cloned();
            let local = catalogue.providers[ENV_PROVIDER].local;
            let spec = match known {
                Some(mut spec) => {
                    spec.provider = ENV_PROVIDER.into();
                    spec.local = local;
                    if local {
                        spec.input_per_mtok = 0.0;
                        spec.output_per_mtok = 0.0;
                    }
                    spec
                }
                None => ModelSpec {
                    name: model.clone(),
                    provider: ENV_PROVIDER.into(),
                    api_name: model.clone(),
                    context_window: env("RALEX_MODEL_CONTEXT")
                        .and_then(|v| v.trim().parse().ok())
                        .unwrap_or(32_768),
                    max_output_tokens: None,
                    input_per_mtok: 0.0,
                    output_per_mtok: 0.0,
                    capabilities: vec!["tools".into()],
                    tier: 2,
                    local,
                },
            };
            catalogue.models.insert(model.clone(), spec);
            catalogue.env_model = Some(model);
        }
        Ok(catalogue)
    }

    /// A model by catalogue name.
    pub fn model(&self, name: &str) -> Option<&ModelSpec> {
        self.models.get(name)
    }

    /// A provider by name.
    pub fn provider(&self, name: &str) -> Option<&ProviderSpec> {
        self.providers.get(name)
    }

    /// Every model, usable or not, by name.
    pub fn models(&self) -> impl Iterator<Item = &ModelSpec> {
        self.models.values()
    }

    /// Every provider, by name.
    pub fn providers(&self) -> impl Iterator<Item = &ProviderSpec> {
        self.providers.values()
    }

    /// Whether a provider is usable here (declared, or its key variable is set).
    pub fn enabled(&self, provider: &str) -> bool {
        self.enabled.contains(provider)
    }

    /// Models whose provider is enabled.
    pub fn available(&self) -> impl Iterator<Item = &ModelSpec> {
        self.models.values().filter(|m| self.enabled(&m.provider))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn shipped_catalogue_parses_and_nothing_is_enabled_without_keys() {
        let catalogue = Catalogue::build(&ModelsConfig::default(), &no_env).expect("build");
        assert!(catalogue.models().count() >= 10);
        assert_eq!(catalogue.available().count(), 0);
        let gpt = catalogue.model("gpt-4.1-mini").expect("gpt-4.1-mini");
        assert_eq!(gpt.input_per_mtok, 0.40);
        // 1M in + 1M out = $2.00
        assert_eq!(gpt.cost_nusd(1_000_000, 1_000_000), 2_000_000_000);
        let local = catalogue.model("qwen2.5-coder").expect("local");
        assert!(local.local && local.free());
    }

    #[test]
    fn a_key_variable_enables_its_provider() {
        let env = |name: &str| (name == "ANTHROPIC_API_KEY").then(|| "sk-ant".to_string());
        let catalogue = Catalogue::build(&ModelsConfig::default(), &env).expect("build");
        assert!(catalogue.enabled("anthropic"));
        assert!(!catalogue.enabled("openai"));
        assert!(catalogue.available().all(|m| m.provider == "anthropic"));
    }

    #[test]
    fn user_entries_override_and_declared_providers_are_enabled() {
        let config = ModelsConfig {
            providers: vec![ProviderConfig {
                name: "ollama".into(),
                kind: ProviderKind::Openai,
                base_url: "http://localhost:11434/v1".into(),
                api_key_env: None,
                api_key_file: None,
                stt_model: None,
                local: None,
            }],
            models: vec![ModelConfig {
                name: "gpt-4.1-mini".into(),
                provider: "openai".into(),
                api_name: None,
                context_window: 1000,
                max_output_tokens: None,
                input_per_mtok: 9.0,
                output_per_mtok: 9.0,
                capabilities: vec![],
                tier: 1,
            }],
            ..ModelsConfig::default()
        };
        let catalogue = Catalogue::build(&config, &no_env).expect("build");
        assert!(catalogue.enabled("ollama"));
        assert_eq!(
            catalogue.model("gpt-4.1-mini").expect("m").input_per_mtok,
            9.0
        );
        assert!(catalogue.available().any(|m| m.name == "qwen2.5-coder"));
    }

    #[test]
    fn single_model_environment() {
        let env = |name: &str| match name {
            "RALEX_OPENAI_BASE_URL" => Some("http://127.0.0.1:8080/v1".to_string()),
            "RALEX_MODEL" => Some("my-model".to_string()),
            _ => None,
        };
        let catalogue = Catalogue::build(&ModelsConfig::default(), &env).expect("build");
        let model = catalogue.model("my-model").expect("env model");
        assert_eq!(model.provider, ENV_PROVIDER);
        assert!(model.local);
        assert_eq!(catalogue.env_model.as_deref(), Some("my-model"));
        let half = |name: &str| (name == "RALEX_MODEL").then(|| "m".to_string());
        let err = Catalogue::build(&ModelsConfig::default(), &half).expect_err("half");
        assert!(err.to_string().contains("RALEX_OPENAI_BASE_URL"), "{err}");
    }

    #[test]
    fn bad_entries_are_named_with_a_fix() {
        let mut model = ModelConfig {
            name: "m".into(),
            provider: "nowhere".into(),
            api_name: None,
            context_window: 10,
            max_output_tokens: None,
            input_per_mtok: 0.0,
            output_per_mtok: 0.0,
            capabilities: vec![],
            tier: 2,
        };
        let config = |m: ModelConfig| ModelsConfig {
            models: vec![m],
            ..ModelsConfig::default()
        };
        let err = Catalogue::build(&config(model.clone()), &no_env).expect_err("provider");
        assert!(
            err.to_string().contains("unknown provider `nowhere`"),
            "{err}"
        );
        model.provider = "openai".into();
        model.tier = 7;
        let err = Catalogue::build(&config(model.clone()), &no_env).expect_err("tier");
        assert!(err.to_string().contains("tier must be"), "{err}");
        model.tier = 1;
        model.input_per_mtok = -1.0;
        let err = Catalogue::build(&config(model), &no_env).expect_err("price");
        assert!(err.to_string().contains("input_per_mtok"), "{err}");
        let bad = CatalogueFile::parse("[[models]]\nname = 1", "x.toml").expect_err("toml");
        assert!(bad.to_string().starts_with("x.toml"), "{bad}");
    }
}
