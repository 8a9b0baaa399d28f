//! Finding and loading plugins: the folders searched, in order, and the registry
//! of what loaded and what was refused (with why).
//!
//! Search order (first plugin of a name wins; later ones are reported as shadowed):
//! `$RALEX_PLUGIN_PATH` (colon-separated), `[kernel] plugin_dirs` of the config,
//! `$RALEX_HOME/plugins` (installed by the user), and the first-party plugins shipped
//! with the binary (`<dir of ralex>/plugins` or `<dir of ralex>/../plugins`, where
//! `cargo xtask plugins` stages them).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use ralex_host::{Host, HostConfig, LoadError, Plugin, PoolSizing};
use ralex_policy::Trust;
use ralex_store::Store;

use crate::config::Config;
use crate::home::Home;

/// The folders to search for plugins, in order, without duplicates.
pub fn search_dirs(home: &Home, config: &Config) -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(path) = std::env::var_os("RALEX_PLUGIN_PATH") {
        dirs.extend(std::env::split_paths(&path).filter(|p| !p.as_os_str().is_empty()));
    }
    dirs.extend(config.kernel.plugin_dirs.iter().cloned());
    dirs.push(home.plugins());
    if let Some(bundled) = bundled_dir() {
        dirs.push(bundled);
    }
    let mut seen = HashSet::new();
    dirs.retain(|d| seen.insert(d.clone()));
    dirs
}

/// The first-party plugins beside the binary, if any.
pub fn bundled_dir() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let dir = exe.parent()?;
    [dir.join("plugins"), dir.join("..").join("plugins")]
        .into_iter()
        .find(|d| d.is_dir())
        .map(|d| d.canonicalize().unwrap_or(d))
}

/// Every `<dir>/<name>/plugin.toml` under the search folders.
pub fn manifests(dirs: &[PathBuf]) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        let mut here: Vec<PathBuf> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.path().join("plugin.toml"))
            .filter(|p| p.is_file())
            .collect();
        here.sort();
        found.extend(here);
    }
    found
}

/// A plugin's manifest found by name, without compiling the plugin.
#[derive(Debug)]
pub struct Found {
    /// Where its `plugin.toml` is.
    pub path: PathBuf,
    /// The manifest.
    pub manifest: ralex_manifest::Manifest,
}

/// The first readable manifest of a plugin named `name`, in search order (the one
/// the kernel would load), and the names of every readable manifest found.
pub fn find_manifest(home: &Home, config: &Config, name: &str) -> (Option<Found>, Vec<String>) {
    let mut names = Vec::new();
    let mut found = None;
    for path in manifests(&search_dirs(home, config)) {
        let Ok(manifest) = ralex_manifest::load(&path) else {
            continue;
        };
        if found.is_none() && manifest.plugin.name == name {
            found = Some(Found {
                path: path.clone(),
                manifest: manifest.clone(),
            });
        }
        if !names.contains(&manifest.plugin.name) {
            names.push(manifest.plugin.name);
        }
    }
    names.sort();
    (found, names)
}

/// A plugin's trust, decided as the host decides it: first-party when the
/// publisher is `ralex` and the plugin lies in the bundled plugin folder;
/// trusted when the publisher is in `[policy] trusted_publishers`; else untrusted.
pub fn trust_of(manifest_path: &Path, publisher: &str, config: &Config) -> Trust {
    let dir = manifest_path.parent().unwrap_or(Path::new("."));
    let in_first_party_dir = match (dir.canonicalize(), bundled_dir()) {
        (Ok(dir), Some(bundled)) => dir.starts_with(bundled),
        _ => false,
    };
    if publisher == "ralex" && in_first_party_dir {
        Trust::FirstParty
    } else if config
        .policy
        .trusted_publishers
        .iter()
        .any(|p| p == publisher)
    {
        Trust::Trusted
    } else {
        Trust::Untrusted
    }
}

/// A plugin that was found but not loaded.
#[derive(Debug)]
pub struct Refused {
    /// Its manifest.
    pub manifest: PathBuf,
    /// The plugin's name, when the manifest could be read.
    pub name: Option<String>,
    /// Why.
    pub error: LoadError,
}

/// Plugins found, loaded or refused.
pub struct Registry {
    /// The host they run in.
    pub host: Arc<Host>,
    /// The kernel's store (kv, audit trail).
    pub store: Arc<Store>,
    /// Loaded plugins, in search order.
    pub loaded: Vec<Arc<Plugin>>,
    /// Refused plugins.
    pub refused: Vec<Refused>,
    /// Manifests skipped because an earlier plugin had the same name.
    pub shadowed: Vec<(String, PathBuf)>,
    /// Time to load all plugins.
    pub load_time: Duration,
}

impl Registry {
    /// Start the host and load every plugin found.
    pub fn open(home: &Home, config: &Config) -> Result<Registry> {
        let store = Arc::new(Store::open(&home.database()).with_context(|| {
            format!(
                "cannot open the Ralex store at {}",
                home.database().display()
            )
        })?);
        let paths = manifests(&search_dirs(home, config));
        // Size the pool from what the plugins ask for (bounded by the config).
        let max_asked = paths
            .iter()
            .filter_map(|p| ralex_manifest::load(p).ok())
            .map(|m| m.limits.memory_mb)
            .max()
            .unwrap_or(64);
        let host = Host::new(
            HostConfig {
                cache_dir: home.component_cache(),
                pool: PoolSizing {
                    instances: config.kernel.pool_instances,
                    max_memory_mb: max_asked.min(config.kernel.max_plugin_memory_mb),
                },
                pooling: config.kernel.pooling,
                policy: crate::policy::load(home)?,
                first_party_dirs: bundled_dir().into_iter().collect(),
                trusted_publishers: config.policy.trusted_publishers.clone(),
                secret_reads: config.policy.secret_reads.clone(),
                private_network: config.policy.private_network.clone(),
            },
            Arc::clone(&store),
        )?;
        let started = Instant::now();
        let mut loaded: Vec<Arc<Plugin>> = Vec::new();
        let mut refused = Vec::new();
        let mut shadowed = Vec::new();
        let trusted = ralex_package::TrustedKeys::in_dir(home.publishers());
        for path in paths {
            // An installed copy is checked again before it loads: its files are
            // what was verified at install, its signature still verifies.
            if let Some(dir) = path.parent().filter(|d| d.starts_with(home.plugins()))
                && let Err(e) = ralex_package::verify_installed(dir, &trusted)
            {
                let name = ralex_manifest::load(&path).ok().map(|m| m.plugin.name);
                tracing::warn!(manifest = %path.display(), error = %e, "installed plugin refused");
                refused.push(Refused {
                    manifest: path.clone(),
                    error: LoadError::Unverified {
                        plugin: name.clone().unwrap_or_default(),
                        reason: e.to_string(),
                    },
                    name,
                });
                continue;
            }
            match host.load(&path) {
                Ok(plugin) if loaded.iter().any(|p| p.name() == plugin.name()) => {
                    shadowed.push((plugin.name().to_string(), path));
                }
                Ok(plugin) => loaded.push(Arc::new(plugin)),
                Err(error) => {
                    let name = ralex_manifest::load(&path).ok().map(|m| m.plugin.name);
                    tracing::warn!(manifest = %path.display(), %error, "plugin refused");
                    refused.push(Refused {
                        manifest: path,
                        name,
                        error,
                    });
                }
            }
        }
        Ok(Registry {
            host: Arc::new(host),
            store,
            loaded,
            refused,
            shadowed,
            load_time: started.elapsed(),
        })
    }

    /// A loaded plugin by name.
    pub fn get(&self, name: &str) -> Option<&Arc<Plugin>> {
        self.loaded.iter().find(|p| p.name() == name)
    }

    /// Why a plugin of this name is not loaded, if it was found.
    pub fn refusal(&self, name: &str) -> Option<&Refused> {
        self.refused
            .iter()
            .find(|r| r.name.as_deref() == Some(name))
    }
}

/// A short digest for display.
pub fn short_digest(digest: &str) -> &str {
    &digest[..digest.len().min(12)]
}

/// Display a path relative to the current directory when shorter.
pub fn display_path(path: &Path) -> String {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(|p| p.display().to_string()))
        .unwrap_or_else(|| path.display().to_string())
}
