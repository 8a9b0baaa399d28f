//! Intents that need no model, run directly on the kernel's capabilities: `read`
//! (show a file or lines of it), `search` (where something appears), `test` (the
//! project's test command, through the exec sandbox), `git` status / diff / log /
//! commit. They work with no model configured. Each capability use is decided for
//! the person asking and audited by the [`Gate`].

mod git;
mod read;
mod search;
pub(crate) mod tests;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ralex_caps::workspace::Workspace;
use ralex_exec::Sandbox;
use ralex_intent::{Intent, IntentKind};

use crate::answer::{ChangeOut, Status, TestReport};
use crate::gate::Gate;

pub use search::SymbolUses;

/// What a directly executed intent produced.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// How it ended.
    pub status: Status,
    /// One or two sentences to read aloud.
    pub response: String,
    /// What to show on a screen.
    pub output: Option<String>,
    /// The test run, if tests ran.
    pub tests: Option<TestReport>,
    /// Files changed.
    pub changes: Vec<ChangeOut>,
}

impl Outcome {
    fn completed(response: impl Into<String>, output: Option<String>) -> Outcome {
        Outcome {
            status: Status::Completed,
            response: response.into(),
            output,
            tests: None,
            changes: Vec::new(),
        }
    }

    fn failed(response: impl Into<String>) -> Outcome {
        Outcome {
            status: Status::Failed,
            response: response.into(),
            output: None,
            tests: None,
            changes: Vec::new(),
        }
    }

    fn denied(what: &str, why: &str) -> Outcome {
        Outcome {
            status: Status::Denied,
            response: format!("I may not {what}: {why}"),
            output: None,
            tests: None,
            changes: Vec::new(),
        }
    }
}

/// The capabilities of one project, for direct execution.
pub struct Direct {
    root: PathBuf,
    workspace: Arc<Workspace>,
    repo: Option<Mutex<ralex_git::Repo>>,
    gate: Gate,
    sandbox: Sandbox,
    test_timeout: Duration,
    uses: Option<SymbolUses>,
}

impl Direct {
    /// Direct execution in the project at `root` for the person behind `gate`,
    /// running programs in `sandbox` (detect it once: [`Sandbox::detect`] starts a
    /// probe process). A project that is not a git repository can still read,
    /// search and test.
    pub fn new(root: PathBuf, workspace: Arc<Workspace>, gate: Gate, sandbox: Sandbox) -> Direct {
        let repo = ralex_git::Repo::open(&root).ok().map(Mutex::new);
        Direct {
            root,
            workspace,
            repo,
            gate,
            sandbox,
            test_timeout: Duration::from_secs(600),
            uses: None,
        }
    }

    /// Limits a test run to `timeout` (default 10 minutes).
    pub fn with_test_timeout(mut self, timeout: Duration) -> Direct {
        self.test_timeout = timeout;
        self
    }

    /// Answers a `search` for a symbol from the symbol index: where it is
    /// defined and used, instead of a text search.
    pub fn with_uses(mut self, uses: Option<SymbolUses>) -> Direct {
        self.uses = uses;
        self
    }

    /// Runs the project's tests (after the agent's changes, for instance).
    pub async fn run_tests(&self) -> Outcome {
        tests::run(self).await
    }

    /// Runs `intent` if it needs no model; `None` when it does (the coding agent's
    /// work). `normalized` is the cleaned transcript (a search falls back to it).
    pub async fn execute(&self, intent: &Intent, normalized: &str) -> Option<Outcome> {
        match intent.kind {
            IntentKind::Read => Some(read::run(self, intent)),
            IntentKind::Search => Some(search::run(self, intent, normalized)),
            IntentKind::Test => Some(tests::run(self).await),
            IntentKind::Git => git::run(self, intent),
            _ => None,
        }
    }
}
