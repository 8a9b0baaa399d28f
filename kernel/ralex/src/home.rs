//! Where Ralex keeps its state and finds its configuration (DESIGN.md §5):
//! `$RALEX_HOME` (default: the XDG data dir + `ralex`), holding the SQLite store and
//! the compiled-component cache; the config file from `--config`, `$RALEX_CONFIG`
//! or `$RALEX_HOME/ralex.toml`.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use etcetera::BaseStrategy;

/// Paths of one Ralex installation.
#[derive(Clone, Debug)]
pub struct Home {
    /// `$RALEX_HOME`.
    pub root: PathBuf,
}

impl Home {
    /// Resolve `$RALEX_HOME` or the default.
    pub fn locate() -> Result<Home> {
        let root = match std::env::var_os("RALEX_HOME").filter(|v| !v.is_empty()) {
            Some(dir) => PathBuf::from(dir),
            None => etcetera::choose_base_strategy()
                .context("cannot find your home directory; set RALEX_HOME")?
                .data_dir()
                .join("ralex"),
        };
        Ok(Home { root })
    }

    /// The SQLite store.
    pub fn database(&self) -> PathBuf {
        self.root.join("ralex.db")
    }

    /// The compiled-component cache.
    pub fn component_cache(&self) -> PathBuf {
        self.root.join("cache").join("components")
    }

    /// The keys of publishers the user trusts (part of the policy folder).
    pub fn publishers(&self) -> PathBuf {
        self.policies().join("publishers")
    }

    /// Grants written by `ralex plugin install`.
    pub fn grants(&self) -> PathBuf {
        self.policies().join("grants")
    }

    /// Plugin authors' signing keys (`ralex plugin keygen`).
    pub fn keys(&self) -> PathBuf {
        self.root.join("keys")
    }

    /// The user's own workflow files (used in every project).
    pub fn workflows(&self) -> PathBuf {
        self.root.join("workflows")
    }

    /// Locks of the workflow runs this machine drives.
    pub fn run_locks(&self) -> PathBuf {
        self.root.join("runs")
    }

    /// The projects' symbol indexes (a cache: deleting it only costs a rebuild).
    pub fn index_cache(&self) -> PathBuf {
        self.root.join("cache").join("index")
    }

    /// The user's policies: grants and replacements of the shipped defaults.
    pub fn policies(&self) -> PathBuf {
        self.root.join("policies")
    }

    /// Installed plugins.
    pub fn plugins(&self) -> PathBuf {
        self.root.join("plugins")
    }

    /// The config file to use: explicit, `$RALEX_CONFIG`, or `ralex.toml` here.
    pub fn config_file(&self, explicit: Option<&Path>) -> PathBuf {
        if let Some(path) = explicit {
            return path.to_path_buf();
        }
        match std::env::var_os("RALEX_CONFIG").filter(|v| !v.is_empty()) {
            Some(path) => PathBuf::from(path),
            None => self.root.join("ralex.toml"),
        }
    }
}
