//! Opening the model layer for a command: the catalogue and providers from the
//! configuration and environment, the kernel store for the ledger, and the
//! configured `model-router` plugin behind the router seam.

use std::sync::Arc;

use anyhow::{Result, anyhow};
use ralex_host::calls::router::PluginRouter;
use ralex_models::Models;

use crate::config::Config;
use crate::plugins::Registry;

/// Why routing falls back to the default model, if it does.
pub struct Opened {
    /// The model layer.
    pub models: Arc<Models>,
    /// The router plugin in use, if any.
    pub router: Option<Arc<PluginRouter>>,
    /// Why there is no router, when there is none.
    pub router_problem: Option<String>,
}

/// Builds the model layer with the configured router plugin.
pub fn open(config: &Config, registry: &Registry) -> Result<Opened> {
    let mut models = Models::new(
        &config.models_config(),
        Arc::clone(&registry.store),
        &|name| std::env::var(name).ok(),
    )
    .map_err(|e| anyhow!("model configuration: {e}"))?;
    let name = config.pipeline.model_router.trim();
    let (router, router_problem) = if name.is_empty() {
        (
            None,
            Some("no router is configured ([pipeline] model_router = \"\")".to_string()),
        )
    } else {
        match registry.get(name) {
            Some(plugin) => {
                let router = Arc::new(PluginRouter::new(
                    Arc::clone(&registry.host),
                    Arc::clone(plugin),
                ));
                models.set_router(router.clone());
                (Some(router), None)
            }
            None => {
                let why = match registry.refusal(name) {
                    Some(refused) => {
                        format!("the router plugin `{name}` was refused: {}", refused.error)
                    }
                    None => format!("the router plugin `{name}` is not installed"),
                };
                (None, Some(why))
            }
        }
    };
    Ok(Opened {
        models: Arc::new(models),
        router,
        router_problem,
    })
}
