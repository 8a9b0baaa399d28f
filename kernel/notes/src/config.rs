//! The `[context]` table of a project's `.ralex/config.toml`: how Ralex keeps
//! and syncs the notes. Every key is optional; defaults live here.
//!
//! ```toml
//! [context]
//! record = true                 # session notes and decisions after each command
//! commit = true                 # commit note changes (a separate "ralex: context:" commit)
//! remote = "origin"             # where notes are pushed and pulled ("" turns sync off)
//! sync_interval_seconds = 300   # background sync while `ralex serve` runs
//! compress_after_days = 14      # sessions older than this are compressed
//! ```

use std::path::Path;

use serde::Deserialize;

use crate::NotesError;
use crate::layout::CONFIG;

/// How notes are kept and synced for one project.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct ContextConfig {
    /// Write session notes and decisions after each command.
    pub record: bool,
    /// Commit note changes in their own labelled commit.
    pub commit: bool,
    /// The remote notes are synced with; empty turns sync off.
    pub remote: String,
    /// Seconds between background syncs.
    pub sync_interval_seconds: u64,
    /// Sessions older than this many days are compressed into the archive.
    pub compress_after_days: u32,
}

impl Default for ContextConfig {
    fn default() -> Self {
        ContextConfig {
            record: true,
            commit: true,
            remote: "origin".into(),
            sync_interval_seconds: 300,
            compress_after_days: 14,
        }
    }
}

#[derive(Deserialize)]
struct File {
    #[serde(default)]
    context: Option<toml::Value>,
}

impl ContextConfig {
    /// The project's settings: defaults when `.ralex/config.toml` or its
    /// `[context]` table is missing; an error naming the key when it is wrong.
    pub fn load(root: &Path) -> Result<ContextConfig, NotesError> {
        let path = root.join(CONFIG);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(ContextConfig::default());
            }
            Err(e) => return Err(NotesError::io(path, "reading")(e)),
        };
        ContextConfig::parse(&text)
    }

    /// The `[context]` table of a config file's text.
    pub fn parse(text: &str) -> Result<ContextConfig, NotesError> {
        let file: File =
            toml::from_str(text).map_err(|e| NotesError::Config(e.message().trim().to_string()))?;
        let Some(table) = file.context else {
            return Ok(ContextConfig::default());
        };
        let config: ContextConfig = table.try_into().map_err(|e: toml::de::Error| {
            NotesError::Config(format!("[context]: {}", e.message().trim()))
        })?;
        if config.sync_interval_seconds == 0 {
            return Err(NotesError::Config(
                "[context] sync_interval_seconds must be at least 1".into(),
            ));
        }
        Ok(config)
    }

    /// The remote to sync with, if sync is on.
    pub fn remote(&self) -> Option<&str> {
        Some(self.remote.trim()).filter(|r| !r.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_overrides() {
        assert_eq!(ContextConfig::parse("").unwrap(), ContextConfig::default());
        assert_eq!(
            ContextConfig::parse("[project]\ntest_command = \"x\"\n").unwrap(),
            ContextConfig::default()
        );
        let c = ContextConfig::parse("[context]\ncommit = false\nremote = \"\"\n").unwrap();
        assert!(!c.commit && c.record);
        assert_eq!(c.remote(), None);
    }

    #[test]
    fn mistakes_are_named() {
        let e = ContextConfig::parse("[context]\ncomit = false\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("comit"), "{e}");
        let e = ContextConfig::parse("[context]\nrecord = \"yes\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("[context]") && e.contains("bool"), "{e}");
        assert!(ContextConfig::parse("[context]\nsync_interval_seconds = 0\n").is_err());
    }
}
