//! The context a model-backed command starts with, within a token budget: the
//! relevant `.ralex` notes (`project.md`, the newest decisions and
//! preferences), then code ranked by `ralex-context` — the targeted files and
//! symbols, their callers and callees, and a repository map of the files that
//! rank highest on the definition/reference graph (personalised PageRank seeded
//! by the targets and the session's recent files). Every file is read for the
//! person asking: policy-checked and audited like any read.
//!
//! Owns: [`load`], the split of the budget between notes and code, and the
//! explanation of the choice (one trace line per decision, `context` events).
//! When the symbol index cannot be used, the targeted files are read whole as
//! far as the budget goes (and the trace says why).

use std::sync::{Arc, Mutex, PoisonError};

use ralex_caps::workspace::Workspace;
use ralex_context::select::{Seeds, Selection, SymbolSeed};
use ralex_intent::Intent;
use ralex_policy::{Action, Resource};

use crate::gate::Gate;
use crate::symbols::SymbolIndexes;

pub use ralex_context::select::tokens;

/// Share of the budget the `.ralex` notes may take.
const NOTES_SHARE: usize = 5;
/// Newest decision lines given.
const DECISION_LINES: usize = 20;

/// One piece of context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// Where it comes from (a path, with lines and why for code).
    pub source: String,
    /// The text (cut to fit, with a marker, when needed).
    pub content: String,
}

/// What was loaded, and why things were left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Loaded {
    /// The items: notes first, then code in ranked order.
    pub items: Vec<Item>,
    /// Notes for the answer (reads refused or failed).
    pub notes: Vec<String>,
    /// Why each piece went in or was left out, for the trace.
    pub explain: Vec<String>,
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

    fn used(&self) -> usize {
        self.items
            .iter()
            .map(|i| tokens(&i.source) + tokens(&i.content))
            .sum()
    }
}

/// A read for the person asking: policy first, then the workspace.
fn read_for(workspace: &Workspace, gate: &Gate, path: &str) -> Result<String, String> {
    gate.allow(
        Action::WorkspaceRead,
        &Resource::Path(path.to_string()),
        &[path.as_bytes()],
        true,
    )
    .map_err(|why| format!("{path} was not read: {why}"))?;
    workspace
        .read(path)
        .map_err(|e| format!("{path} could not be read: {e}"))
}

/// The seeds of the ranking: resolved targets and the session's recent files.
pub fn seeds(intent: &Intent, recent: &[String]) -> Seeds {
    let mut seeds = Seeds {
        recent: recent.to_vec(),
        ..Seeds::default()
    };
    for target in intent.targets.iter().filter(|t| t.resolved) {
        let Some(path) = &target.path else { continue };
        match &target.symbol {
            Some(name) => seeds.symbols.push(SymbolSeed {
                path: path.clone(),
                name: name.clone(),
            }),
            None if !seeds.files.contains(path) => seeds.files.push(path.clone()),
            None => {}
        }
    }
    seeds
}

/// Loads the notes and the ranked code for `intent` within `budget_tokens`;
/// `recent` are the session's recently changed files, most recent first.
pub(crate) async fn load(
    symbols: &SymbolIndexes,
    workspace: &Arc<Workspace>,
    gate: &Gate,
    intent: &Intent,
    recent: &[String],
    budget_tokens: usize,
) -> Loaded {
    let mut loaded = Loaded::default();
    notes(workspace, gate, budget_tokens / NOTES_SHARE, &mut loaded);
    let left = budget_tokens.saturating_sub(loaded.used());
    let refused = Arc::new(Mutex::new(Vec::new()));
    let read = {
        let (workspace, gate, refused) =
            (Arc::clone(workspace), gate.clone(), Arc::clone(&refused));
        move |path: &str| match read_for(&workspace, &gate, path) {
            Ok(text) => Some(text),
            Err(why) => {
                refused
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(why);
                None
            }
        }
    };
    let seeds = seeds(intent, recent);
    match symbols.select(workspace.root(), seeds, left, read).await {
        Ok(selection) => add_selection(&mut loaded, selection),
        Err(why) => {
            loaded.explain.push(format!(
                "the symbol index could not be used ({why}): targeted files read whole"
            ));
            whole_targets(workspace, gate, intent, left, &mut loaded);
        }
    }
    loaded.notes.extend(
        refused
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .drain(..),
    );
    for line in &loaded.explain {
        tracing::info!(target: "ralex::context", "{line}");
    }
    loaded
}

/// The ranked chunks as items.
fn add_selection(loaded: &mut Loaded, selection: Selection) {
    loaded.explain.push(format!(
        "code context: {} pieces, {} of {} tokens",
        selection.items.len(),
        selection.tokens,
        selection.budget
    ));
    loaded.explain.extend(selection.explain);
    for chunk in selection.items {
        let (header, body) = chunk.text.split_once('\n').unwrap_or((&chunk.text, ""));
        loaded.items.push(Item {
            source: format!("{header} ({})", chunk.role.name()),
            content: body.trim_end_matches('\n').to_string(),
        });
    }
}

/// `.ralex/project.md` and the newest decisions, within `budget` tokens.
fn notes(workspace: &Workspace, gate: &Gate, budget: usize, loaded: &mut Loaded) {
    let mut left = budget;
    for (path, tail) in [
        (".ralex/project.md", None),
        (".ralex/decisions.md", Some(DECISION_LINES)),
    ] {
        if !workspace.root().join(path).is_file() {
            continue;
        }
        let text = match read_for(workspace, gate, path) {
            Ok(text) => text,
            Err(why) => {
                loaded.notes.push(why);
                continue;
            }
        };
        let text = match tail {
            Some(n) => {
                let lines: Vec<&str> = text.lines().filter(|l| l.starts_with("- ")).collect();
                if lines.is_empty() {
                    continue;
                }
                lines[lines.len().saturating_sub(n)..].join("\n")
            }
            None => text,
        };
        match fit(&text, left) {
            Some((content, need)) => {
                left -= need;
                loaded.explain.push(format!("note {path}: {need} tokens"));
                loaded.items.push(Item {
                    source: path.to_string(),
                    content,
                });
            }
            None => loaded.explain.push(format!(
                "note {path} left out: the notes' share of the budget is used up"
            )),
        }
    }
}

/// `text` whole or cut at a line within `left` tokens, and what it costs;
/// `None` when too little is left to be useful.
fn fit(text: &str, left: usize) -> Option<(String, usize)> {
    let need = tokens(text);
    if need <= left {
        return Some((text.to_string(), need));
    }
    if left < 64 {
        return None;
    }
    let keep: String = text.chars().take((left - 8) * 4).collect();
    let cut = keep.rfind('\n').map_or(keep.as_str(), |i| &keep[..i]);
    let content = format!("{cut}\n… (cut to fit)");
    let need = tokens(&content);
    Some((content, need))
}

/// The targeted files read whole as far as `budget` goes (the index's fallback).
fn whole_targets(
    workspace: &Workspace,
    gate: &Gate,
    intent: &Intent,
    budget: usize,
    loaded: &mut Loaded,
) {
    let mut left = budget;
    let mut paths: Vec<&String> = Vec::new();
    for path in intent
        .targets
        .iter()
        .filter(|t| t.resolved)
        .filter_map(|t| t.path.as_ref())
    {
        if !paths.contains(&path) {
            paths.push(path);
        }
    }
    for path in paths {
        let text = match read_for(workspace, gate, path) {
            Ok(text) => text,
            Err(why) => {
                loaded.notes.push(why);
                continue;
            }
        };
        match fit(&text, left) {
            Some((content, need)) => {
                left -= need;
                loaded.items.push(Item {
                    source: path.clone(),
                    content,
                });
            }
            None => loaded.notes.push(format!(
                "{path} was left out: the context budget is used up"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ralex_intent::{IntentKind, Risk, Target};

    #[test]
    fn resolved_targets_seed_the_ranking_and_unplaced_ones_do_not() {
        let target = |path: &str, symbol: Option<&str>, resolved: bool| Target {
            path: Some(path.into()),
            symbol: symbol.map(Into::into),
            resolved,
            ..Target::default()
        };
        let intent = Intent {
            kind: IntentKind::Docs,
            targets: vec![
                target("inventory/config.py", Some("parse_config"), true),
                target("inventory/api.py", None, true),
                target("inventory/api.py", None, true),
                target("missing.py", None, false),
            ],
            params: Default::default(),
            risk: Risk::Modify,
            confidence: 0.9,
        };
        let seeds = seeds(&intent, &["inventory/models.py".to_string()]);
        assert_eq!(seeds.files, vec!["inventory/api.py"]);
        assert_eq!(seeds.symbols.len(), 1);
        assert_eq!(seeds.symbols[0].name, "parse_config");
        assert_eq!(seeds.recent, vec!["inventory/models.py"]);
    }

    #[test]
    fn text_is_cut_at_a_line_within_the_budget() {
        let text = "line one\n".repeat(100);
        let (content, need) = fit(&text, 100).unwrap();
        assert!(need <= 100, "{need}");
        assert!(content.ends_with("… (cut to fit)"));
        assert!(fit(&text, 10).is_none());
        assert_eq!(fit("short", 10).unwrap(), ("short".to_string(), 2));
    }
}
