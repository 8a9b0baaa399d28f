//! How the kernel configures one MCP server.
//!
//! Owns: [`ServerConfig`] and the checks [`crate::McpHub::new`] runs on it
//! (names, command, working directory, environment).
//!
//! Must never: accept a configured variable that looks like a secret; accept
//! two servers with one name.

use std::path::PathBuf;

use crate::{McpError, env};

/// One MCP server the kernel may start, spoken to over stdio: the kernel
/// starts `command args…` as a child process and talks MCP on its
/// stdin/stdout.
///
/// ```
/// use ralex_mcp::ServerConfig;
///
/// let git = ServerConfig::new("git", "uvx")
///     .arg("mcp-server-git")
///     .env("LOG_LEVEL", "warn");
/// assert_eq!(git.args, ["mcp-server-git"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerConfig {
    /// The name plugins use (`server` in the WIT): lowercase ASCII letters,
    /// digits, `-` and `_`, unique among the servers.
    pub name: String,
    /// The program: a name looked up on the kernel's `PATH`, or a path.
    pub command: String,
    /// Its arguments, passed as they are (no shell).
    pub args: Vec<String>,
    /// Variables set for the server on top of `PATH`, `HOME`, `LANG` and
    /// `TMPDIR` from the kernel's environment. Names that look like secrets
    /// (see [`ralex_exec::is_secret_name`]) are refused.
    pub env: Vec<(String, String)>,
    /// Working directory of the server; the kernel's own when `None`.
    pub cwd: Option<PathBuf>,
}

impl ServerConfig {
    /// A server named `name` started as `command`, without arguments, extra
    /// variables or working directory.
    pub fn new(name: impl Into<String>, command: impl Into<String>) -> ServerConfig {
        ServerConfig {
            name: name.into(),
            command: command.into(),
            args: Vec::new(),
            env: Vec::new(),
            cwd: None,
        }
    }

    /// Adds one argument.
    pub fn arg(mut self, arg: impl Into<String>) -> ServerConfig {
        self.args.push(arg.into());
        self
    }

    /// Adds one environment variable.
    pub fn env(mut self, name: impl Into<String>, value: impl Into<String>) -> ServerConfig {
        self.env.push((name.into(), value.into()));
        self
    }

    /// Sets the working directory.
    pub fn cwd(mut self, cwd: impl Into<PathBuf>) -> ServerConfig {
        self.cwd = Some(cwd.into());
        self
    }

    /// Checks one server on its own (uniqueness is the hub's check).
    pub(crate) fn check(&self) -> Result<(), McpError> {
        let refuse = |reason: String| {
            Err(McpError::InvalidConfig {
                server: Some(self.name.clone()),
                reason,
            })
        };
        let name_ok = !self.name.is_empty()
            && self.name.len() <= 64
            && self
                .name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
        if !name_ok {
            return refuse(
                "the name must be 1 to 64 characters of lowercase letters, digits, `-` and `_`, e.g. `git` or `issue-tracker`".to_owned(),
            );
        }
        if self.command.trim().is_empty() {
            return refuse(
                "the command is empty; give the server's program, e.g. `npx` or `/usr/local/bin/my-server`".to_owned(),
            );
        }
        if self.command.contains('\0') || self.args.iter().any(|arg| arg.contains('\0')) {
            return refuse(
                "the command or an argument contains a NUL byte, which no program can receive; remove it".to_owned(),
            );
        }
        if let Some(cwd) = &self.cwd
            && !cwd.is_dir()
        {
            return refuse(format!(
                "the working directory `{}` is not an existing folder; create it or fix the path",
                cwd.display()
            ));
        }
        for (name, value) in &self.env {
            if let Some(reason) = env::refuse(name, value) {
                return refuse(reason);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_server_is_accepted() {
        let config = ServerConfig::new("issue-tracker_2", "npx")
            .arg("-y")
            .env("LOG", "1");
        assert!(config.check().is_ok());
    }

    #[test]
    fn bad_servers_are_refused_with_their_name() {
        for config in [
            ServerConfig::new("Git", "git-mcp"),
            ServerConfig::new("", "git-mcp"),
            ServerConfig::new("a b", "git-mcp"),
            ServerConfig::new("git", " "),
            ServerConfig::new("git", "git-mcp").arg("a\0b"),
            ServerConfig::new("git", "git-mcp").env("GITHUB_TOKEN", "x"),
            ServerConfig::new("git", "git-mcp").cwd("/no/such/folder/anywhere"),
        ] {
            let error = config.check().unwrap_err();
            assert_eq!(error.kind(), ralex_caps::ErrorKind::InvalidInput);
            let message = error.to_string();
            assert!(message.contains("MCP server"), "{message}");
        }
    }
}
