//! The context a model-backed command starts with, until the project-context
//! index lands: the files its intent targets and `.ralex/project.md`, read for the
//! person asking (policy-checked and audited like any read), within a token budget.
//!
//! Owns: [`load`] and the estimate it budgets with (4 characters ≈ 1 token).

use ralex_caps::workspace::Workspace;
use ralex_intent::Intent;
use ralex_policy::{Action, Resource};

use crate::gate::Gate;

/// One piece of context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// Where it comes from.
    pub source: String,
    /// The text (cut to fit, with a marker, when needed).
    pub content: String,
}

/// What was loaded, and why things were left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Loaded {
    /// The items, targets first.
    pub items: Vec<Item>,
    /// Notes for the trace and the answer.
    pub notes: Vec<String>,
}

impl Loaded {
    /// The items as prompt text.
    pub fn text(&self) -> String {
        self.items
            .iter()
            .map(|i| format!("### {}\n```\n{}\n```\n", i.source, i.content))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Estimated tokens of `text`.
pub fn tokens(text: &str) -> usize {
    text.chars().count().div_ceil(4)
}

/// Loads the targeted files and `.ralex/project.md` within `budget_tokens`.
pub fn load(workspace: &Workspace, gate: &Gate, intent: &Intent, budget_tokens: usize) -> Loaded {
    let mut loaded = Loaded::default();
    let mut paths: Vec<String> = Vec::new();
    for target in &intent.targets {
        if let Some(path) = target.path.as_ref().filter(|_| target.resolved)
            && !paths.contains(path)
        {
            paths.push(path.clone());
        }
    }
    paths.push(".ralex/project.md".to_string());
    let mut left = budget_tokens;
    for path in paths {
        let optional = path == ".ralex/project.md";
        if optional && !workspace.root().join(&path).is_file() {
            continue;
        }
        if let Err(why) = gate.allow(
            Action::WorkspaceRead,
            &Resource::Path(path.clone()),
            &[path.as_bytes()],
            true,
        ) {
            loaded.notes.push(format!("{path} was not read: {why}"));
            continue;
        }
        let text = match workspace.read(&path) {
            Ok(text) => text,
            Err(e) => {
                loaded.notes.push(format!("{path} could not be read: {e}"));
                continue;
            }
        };
        let need = tokens(&text);
        if need <= left {
            left -= need;
            loaded.items.push(Item {
                source: path,
                content: text,
            });
        } else if left >= 256 {
            let keep: String = text.chars().take(left * 4).collect();
            let cut = keep.rfind('\n').map_or(keep.as_str(), |i| &keep[..i]);
            loaded.notes.push(format!(
                "{path} was cut to fit the context budget ({need} tokens, {left} left)"
            ));
            loaded.items.push(Item {
                source: path,
                content: format!("{cut}\n… (cut to fit the context budget)"),
            });
            left = 0;
        } else {
            loaded.notes.push(format!(
                "{path} was left out: the context budget is used up"
            ));
        }
    }
    loaded
}
