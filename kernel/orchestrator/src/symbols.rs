//! Targets the file-name resolver could not place, resolved against the
//! project's symbol index (`ralex-context`): "add a docstring to parse config"
//! names the function `parse_config`, "the stock item class" `StockItem`.
//! Targets the parser read as paths are left to the file-name resolver.
//!
//! Owns: one index per project, built on first need and brought up to date
//! (changed files only) before each use. Only a clear winner is taken: a target
//! the index finds ambiguous or not at all stays as the parser read it, so
//! nothing is guessed.
//!
//! Must never: block the async runtime (the index is built and queried on the
//! blocking pool), or let a failing index fail the command.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use ralex_context::index::Index;
use ralex_context::resolve::{Request, Resolved, TargetKind, resolve};
use ralex_intent::{Intent, Target};

/// The symbol indexes of the projects, by root.
#[derive(Default)]
pub(crate) struct SymbolIndexes {
    indexes: Mutex<HashMap<PathBuf, Arc<Mutex<Index>>>>,
}

/// Whether the index should try this target: unplaced, not ambiguous, named,
/// and not read as a path (a path that is not there — a file just deleted, one
/// to create — must not be re-read as some other file).
fn wanted(target: &Target) -> bool {
    !target.resolved
        && target.candidates.is_empty()
        && target.path.is_none()
        && (target.symbol.is_some() || target.phrase.is_some())
}

impl SymbolIndexes {
    fn index(&self, root: &Path) -> Arc<Mutex<Index>> {
        let mut indexes = self.indexes.lock().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(
            indexes
                .entry(root.to_path_buf())
                .or_insert_with(|| Arc::new(Mutex::new(Index::new(root)))),
        )
    }

    /// Places the intent's unplaced targets that the index finds exactly one
    /// meaning for.
    pub(crate) async fn resolve_rest(&self, intent: &mut Intent, root: &Path) {
        if !intent.targets.iter().any(wanted) {
            return;
        }
        let index = self.index(root);
        let targets = intent.targets.clone();
        let placed = tokio::task::spawn_blocking(move || {
            let mut index = index.lock().unwrap_or_else(PoisonError::into_inner);
            if let Err(e) = index.update() {
                tracing::warn!(error = %e, "the symbol index could not be updated");
                return targets;
            }
            let mut targets = targets;
            for target in targets.iter_mut().filter(|t| wanted(t)) {
                place(&index, target);
            }
            targets
        })
        .await;
        match placed {
            Ok(targets) => intent.targets = targets,
            Err(e) => tracing::warn!(error = %e, "the symbol index failed"),
        }
    }
}

/// Places `target` when the index has one clear meaning for it.
fn place(index: &Index, target: &mut Target) {
    let phrase = target
        .phrase
        .clone()
        .or_else(|| target.symbol.clone())
        .unwrap_or_default();
    let Resolved::One(found) = resolve(
        index,
        &Request {
            phrase: &phrase,
            hint: None,
            recent: &[],
        },
    ) else {
        return;
    };
    tracing::debug!(%phrase, path = %found.path, why = %found.why, "target placed by the symbol index");
    if matches!(found.target, TargetKind::Directory) {
        return;
    }
    target.path = Some(found.path);
    if let Some(symbol) = found.symbol {
        target.symbol = Some(symbol);
    }
    target.line = found.line.or(target.line);
    target.resolved = true;
}

#[cfg(test)]
mod tests {
    use super::*;
    use ralex_intent::{IntentKind, Risk};

    fn intent(targets: Vec<Target>) -> Intent {
        Intent {
            kind: IntentKind::Docs,
            targets,
            params: Default::default(),
            risk: Risk::Modify,
            confidence: 0.9,
        }
    }

    fn phrase(words: &str) -> Target {
        Target {
            phrase: Some(words.into()),
            ..Target::default()
        }
    }

    #[tokio::test]
    async fn a_clear_symbol_is_placed_and_a_close_call_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join("app")).unwrap();
        std::fs::write(
            root.join("app/config.py"),
            "import json\n\n\ndef parse_config(path):\n    return json.load(open(path))\n",
        )
        .unwrap();
        std::fs::write(root.join("app/a.py"), "def load_items():\n    pass\n").unwrap();
        std::fs::write(root.join("app/b.py"), "def load_items():\n    pass\n").unwrap();
        let indexes = SymbolIndexes::default();

        let mut found = intent(vec![phrase("parse config"), phrase("load items")]);
        indexes.resolve_rest(&mut found, root).await;
        let t = &found.targets[0];
        assert!(t.resolved, "{t:?}");
        assert_eq!(t.path.as_deref(), Some("app/config.py"));
        assert_eq!(t.symbol.as_deref(), Some("parse_config"));
        assert_eq!(t.line, Some(4));
        // Two equally good meanings: nothing is guessed.
        let t = &found.targets[1];
        assert!(!t.resolved && t.path.is_none(), "{t:?}");

        // A file added later is found: the index is brought up to date.
        std::fs::write(root.join("app/stock.py"), "class StockItem:\n    pass\n").unwrap();
        let mut later = intent(vec![phrase("stock item class")]);
        indexes.resolve_rest(&mut later, root).await;
        assert_eq!(later.targets[0].symbol.as_deref(), Some("StockItem"));
    }
}
