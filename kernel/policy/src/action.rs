//! The capability operations policies decide on.
//!
//! Owns: the closed list of action names (`workspace:read`, `exec:run`, ...) that
//! the schema declares, and their parsing for `ralex policy explain`.

use std::fmt;
use std::str::FromStr;

/// One capability operation, as named in policies (`Ralex::Action::"git:push"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Read a file.
    WorkspaceRead,
    /// List a directory.
    WorkspaceList,
    /// Search file contents.
    WorkspaceSearch,
    /// Replace a file's content (also replace and patch).
    WorkspaceWrite,
    /// Create a new file.
    WorkspaceCreate,
    /// Delete a file.
    WorkspaceDelete,
    /// Move or rename a file (decided for both source and destination).
    WorkspaceMove,
    /// `git status`.
    GitStatus,
    /// `git diff`.
    GitDiff,
    /// `git log`.
    GitLog,
    /// `git commit`.
    GitCommit,
    /// Create or switch branches.
    GitBranch,
    /// `git push`.
    GitPush,
    /// `git pull` / fetch.
    GitPull,
    /// Take an undo snapshot.
    GitSnapshot,
    /// Restore (undo) to a snapshot.
    GitRestore,
    /// Outbound HTTP.
    HttpFetch,
    /// Run a program.
    ExecRun,
    /// Call a language model.
    ModelCall,
    /// Call an MCP tool.
    McpCall,
    /// Use the plugin's key-value store.
    KvUse,
    /// Run a spoken or typed command.
    CommandRun,
}

impl Action {
    /// Every action, in schema order.
    pub const ALL: [Action; 22] = [
        Action::WorkspaceRead,
        Action::WorkspaceList,
        Action::WorkspaceSearch,
        Action::WorkspaceWrite,
        Action::WorkspaceCreate,
        Action::WorkspaceDelete,
        Action::WorkspaceMove,
        Action::GitStatus,
        Action::GitDiff,
        Action::GitLog,
        Action::GitCommit,
        Action::GitBranch,
        Action::GitPush,
        Action::GitPull,
        Action::GitSnapshot,
        Action::GitRestore,
        Action::HttpFetch,
        Action::ExecRun,
        Action::ModelCall,
        Action::McpCall,
        Action::KvUse,
        Action::CommandRun,
    ];

    /// The policy name, e.g. `"workspace:write"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::WorkspaceRead => "workspace:read",
            Action::WorkspaceList => "workspace:list",
            Action::WorkspaceSearch => "workspace:search",
            Action::WorkspaceWrite => "workspace:write",
            Action::WorkspaceCreate => "workspace:create",
            Action::WorkspaceDelete => "workspace:delete",
            Action::WorkspaceMove => "workspace:move",
            Action::GitStatus => "git:status",
            Action::GitDiff => "git:diff",
            Action::GitLog => "git:log",
            Action::GitCommit => "git:commit",
            Action::GitBranch => "git:branch",
            Action::GitPush => "git:push",
            Action::GitPull => "git:pull",
            Action::GitSnapshot => "git:snapshot",
            Action::GitRestore => "git:restore",
            Action::HttpFetch => "http:fetch",
            Action::ExecRun => "exec:run",
            Action::ModelCall => "model:call",
            Action::McpCall => "mcp:call",
            Action::KvUse => "kv:use",
            Action::CommandRun => "command:run",
        }
    }

    /// The resource kind this action applies to, for messages ("path", "host", ...).
    pub fn resource_kind(self) -> &'static str {
        match self {
            Action::WorkspaceRead
            | Action::WorkspaceList
            | Action::WorkspaceSearch
            | Action::WorkspaceWrite
            | Action::WorkspaceCreate
            | Action::WorkspaceDelete
            | Action::WorkspaceMove => "path",
            Action::GitStatus
            | Action::GitDiff
            | Action::GitLog
            | Action::GitCommit
            | Action::GitBranch
            | Action::GitPush
            | Action::GitPull
            | Action::GitSnapshot
            | Action::GitRestore => "repo",
            Action::HttpFetch => "host",
            Action::ExecRun => "program",
            Action::ModelCall => "model",
            Action::McpCall => "mcp-tool",
            Action::KvUse => "kv",
            Action::CommandRun => "intent",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Action {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Action::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Action::ALL.iter().map(|a| a.as_str()).collect();
                format!(
                    "unknown action `{s}`; expected one of: {}",
                    names.join(", ")
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for action in Action::ALL {
            assert_eq!(action.as_str().parse::<Action>(), Ok(action));
        }
    }

    #[test]
    fn unknown_names_list_the_known_ones() {
        let err = "workspace:nuke".parse::<Action>().unwrap_err();
        assert!(err.contains("unknown action `workspace:nuke`"), "{err}");
        assert!(err.contains("exec:run"), "{err}");
    }
}
