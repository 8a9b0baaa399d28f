//! API keys: where they come from and how they never leak.
//!
//! Owns: loading a provider's key from the environment variable or the file the
//! user named (never from the config file itself), and [`ApiKey`], whose `Debug`
//! and `Display` print `[redacted]` so a key cannot reach a log or the audit trail
//! by accident.

use std::path::{Path, PathBuf};

use crate::error::ConfigError;

/// A secret API key.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// The key itself, for the one header that carries it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiKey([redacted])")
    }
}

impl std::fmt::Display for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Where a provider's key comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// No key (local servers).
    None,
    /// An environment variable.
    Env(String),
    /// A file holding the key (surrounding whitespace ignored).
    File(PathBuf),
}

impl KeySource {
    /// Reads the key. `Ok(None)` when the source is `None` or the variable is
    /// unset or empty; an unreadable or empty key file is an error naming it.
    pub fn load(
        &self,
        provider: &str,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Option<ApiKey>, ConfigError> {
        match self {
            KeySource::None => Ok(None),
            KeySource::Env(name) => Ok(env(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .map(ApiKey)),
            KeySource::File(path) => read_key_file(provider, path).map(Some),
        }
    }

    /// Where the key would come from, for messages ("$OPENAI_API_KEY").
    pub fn describe(&self) -> String {
        match self {
            KeySource::None => "no key".into(),
            KeySource::Env(name) => format!("${name}"),
            KeySource::File(path) => path.display().to_string(),
        }
    }
}

fn read_key_file(provider: &str, path: &Path) -> Result<ApiKey, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError::new(format!(
        "provider `{provider}`: cannot read its key file {}: {e} (api_key_file must name a readable file holding only the key)",
        path.display()
    )))?;
    let key = text.trim();
    if key.is_empty() {
        return Err(ConfigError::new(format!(
            "provider `{provider}`: its key file {} is empty",
            path.display()
        )));
    }
    Ok(ApiKey(key.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_never_print() {
        let key = ApiKey("sk-secret-123".into());
        assert!(!format!("{key:?}").contains("sk-secret"));
        assert!(!format!("{key}").contains("sk-secret"));
        assert_eq!(key.expose(), "sk-secret-123");
    }

    #[test]
    fn env_and_file_sources() {
        let env = |name: &str| (name == "K").then(|| " sk-1 \n".to_string());
        let got = KeySource::Env("K".into()).load("p", &env).expect("env");
        assert_eq!(got.expect("set").expose(), "sk-1");
        assert!(
            KeySource::Env("UNSET".into())
                .load("p", &env)
                .expect("unset")
                .is_none()
        );
        let dir = tempfile::tempdir().expect("dir");
        let file = dir.path().join("key");
        std::fs::write(&file, "sk-file\n").expect("write");
        let got = KeySource::File(file.clone()).load("p", &env).expect("file");
        assert_eq!(got.expect("key").expose(), "sk-file");
        std::fs::write(&file, "  \n").expect("write");
        let err = KeySource::File(file).load("p", &env).expect_err("empty");
        assert!(err.to_string().contains("empty"), "{err}");
        let err = KeySource::File(dir.path().join("nope"))
            .load("p", &env)
            .expect_err("missing");
        assert!(err.to_string().contains("cannot read"), "{err}");
    }
}
