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
use ralex_context::resolve::{Candidate, Request, Resolved, TargetKind, resolve};
use ralex_context::select::{Seeds, Selection, select};
use ralex_intent::{Intent, Target};

use crate::direct::SymbolUses;
use crate::index_cache::refresh;

/// The symbol indexes of the projects, by root.
#[derive(Default)]
pub(crate) struct SymbolIndexes {
    indexes: Mutex<HashMap<PathBuf, Arc<Mutex<Index>>>>,
    /// Where the indexes are kept between runs (`None`: in memory only).
    cache: std::sync::OnceLock<PathBuf>,
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
    /// Keeps the indexes in `dir` between runs (set once; later calls are ignored).
    pub(crate) fn keep_in(&self, dir: PathBuf) {
        let _ = self.cache.set(dir);
    }

    /// Where the indexes are kept, if anywhere.
    pub(crate) fn cache_dir(&self) -> Option<PathBuf> {
        self.cache.get().cloned()
    }

    /// The index of the project at `root` (empty until first brought up to date).
    pub(crate) fn index(&self, root: &Path) -> Arc<Mutex<Index>> {
        let mut indexes = self.indexes.lock().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(
            indexes
                .entry(root.to_path_buf())
                .or_insert_with(|| Arc::new(Mutex::new(Index::new(root)))),
        )
    }

    /// The ranked context for `seeds` within `budget` tokens, the index brought
    /// up to date first; `read` reads a file for the person asking (`None`:
    /// refused or unreadable, and skipped). `Err` says why the index could not
    /// be used.
    pub(crate) async fn select(
        &self,
        root: &Path,
        seeds: Seeds,
        budget: usize,
        mut read: impl FnMut(&str) -> Option<String> + Send + 'static,
    ) -> Result<Selection, String> {
        let index = self.index(root);
        let cache = self.cache_dir();
        tokio::task::spawn_blocking(move || {
            let mut index = index.lock().unwrap_or_else(PoisonError::into_inner);
            refresh(&mut index, cache.as_deref())?;
            Ok(select(&index, &seeds, budget, &mut read))
        })
        .await
        .map_err(|e| e.to_string())?
    }

    /// Where `name` is defined and used, from the index brought up to date:
    /// `None` when the index cannot be used or knows no definition of `name`
    /// (a plain text search is then the better answer).
    pub(crate) async fn uses(&self, root: &Path, name: &str) -> Option<SymbolUses> {
        let index = self.index(root);
        let cache = self.cache_dir();
        let name = name.to_string();
        let found = tokio::task::spawn_blocking(move || {
            let mut index = index.lock().unwrap_or_else(PoisonError::into_inner);
            if let Err(e) = refresh(&mut index, cache.as_deref()) {
                tracing::warn!(error = %e, "the symbol index could not be updated");
                return None;
            }
            let definitions: Vec<(String, u32)> = index
                .definitions_of(&name)
                .map(|d| (d.path.to_string(), d.symbol.line))
                .collect();
            if definitions.is_empty() {
                return None;
            }
            let references = index
                .references_to(&name)
                .filter(|(path, line)| !definitions.iter().any(|(p, l)| p == path && l == line))
                .map(|(path, line)| (path.to_string(), line))
                .collect();
            Some(SymbolUses {
                name,
                definitions,
                references,
            })
        })
        .await;
        found.ok().flatten()
    }

    /// Places the intent's unplaced targets that the index finds exactly one
    /// meaning for; `recent` (the session's recent files, most recent first)
    /// breaks ties.
    pub(crate) async fn resolve_rest(&self, intent: &mut Intent, root: &Path, recent: &[String]) {
        if !intent.targets.iter().any(wanted) {
            return;
        }
        let index = self.index(root);
        let cache = self.cache_dir();
        let targets = intent.targets.clone();
        let recent = recent.to_vec();
        let search = intent.kind == ralex_intent::IntentKind::Search;
        let placed = tokio::task::spawn_blocking(move || {
            let mut index = index.lock().unwrap_or_else(PoisonError::into_inner);
            if let Err(e) = refresh(&mut index, cache.as_deref()) {
                tracing::warn!(error = %e, "the symbol index could not be updated");
                return targets;
            }
            let mut targets = targets;
            place_all(&index, &mut targets, &recent, search);
            targets
        })
        .await;
        match placed {
            Ok(targets) => intent.targets = targets,
            Err(e) => tracing::warn!(error = %e, "the symbol index failed"),
        }
    }
}

/// Places every wanted target the index has one clear meaning for. An
/// ambiguous symbol whose candidates include exactly one inside a file the
/// command also names ("parse_config in tools/config.py") is placed there, and
/// that file target, which only said where, is dropped. Other ambiguities list
/// their candidates (best first) for a person to pick from — except in a
/// `search`, where one name defined in several places is simply that name
/// (all its definitions and uses are the answer).
fn place_all(index: &Index, targets: &mut Vec<Target>, recent: &[String], search: bool) {
    let mut containers: Vec<usize> = Vec::new();
    for i in 0..targets.len() {
        if !wanted(&targets[i]) {
            continue;
        }
        let phrase = targets[i]
            .phrase
            .clone()
            .or_else(|| targets[i].symbol.clone())
            .unwrap_or_default();
        let request = Request {
            phrase: &phrase,
            hint: None,
            recent,
        };
        match resolve(index, &request) {
            Resolved::One(found) => {
                tracing::debug!(%phrase, path = %found.path, why = %found.why, "target placed by the symbol index");
                place(&mut targets[i], found);
            }
            Resolved::Ambiguous(list) => {
                let named: Vec<(usize, &Candidate)> = list
                    .iter()
                    .filter(|c| c.symbol.is_some())
                    .filter_map(|c| {
                        targets
                            .iter()
                            .position(|t| {
                                t.resolved
                                    && t.symbol.is_none()
                                    && t.path.as_deref() == Some(&c.path)
                            })
                            .map(|at| (at, c))
                    })
                    .collect();
                let first = list.first().and_then(|c| c.symbol.clone());
                let one_name = first.is_some() && list.iter().all(|c| c.symbol == first);
                if search && one_name {
                    targets[i].symbol = first;
                } else if let [(at, found)] = named.as_slice() {
                    tracing::debug!(%phrase, path = %found.path, "symbol placed by the file named with it");
                    containers.push(*at);
                    let found = (*found).clone();
                    place(&mut targets[i], found);
                } else {
                    targets[i].candidates = list.iter().map(label).collect();
                }
            }
            Resolved::None => {}
        }
    }
    containers.sort_unstable();
    containers.dedup();
    for at in containers.into_iter().rev() {
        targets.remove(at);
    }
}

/// How a candidate is listed for a person, in words the parser reads back
/// when it replaces the phrase: a path, or `name in path`.
fn label(candidate: &Candidate) -> String {
    match &candidate.symbol {
        Some(name) if !matches!(candidate.target, TargetKind::File | TargetKind::Directory) => {
            format!("{name} in {}", candidate.path)
        }
        _ => candidate.path.clone(),
    }
}

/// Puts `found` into `target` (a folder is left to the file-name resolver).
fn place(target: &mut Target, found: Candidate) {
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
        indexes.resolve_rest(&mut found, root, &[]).await;
        let t = &found.targets[0];
        assert!(t.resolved, "{t:?}");
        assert_eq!(t.path.as_deref(), Some("app/config.py"));
        assert_eq!(t.symbol.as_deref(), Some("parse_config"));
        assert_eq!(t.line, Some(4));
        // Two equally good meanings: nothing is guessed, both are offered.
        let t = &found.targets[1];
        assert!(!t.resolved && t.path.is_none(), "{t:?}");
        assert_eq!(
            t.candidates,
            vec!["load_items in app/a.py", "load_items in app/b.py"]
        );

        // The session's recent file breaks the tie.
        let mut recent = intent(vec![phrase("load items")]);
        indexes
            .resolve_rest(&mut recent, root, &["app/b.py".to_string()])
            .await;
        assert_eq!(recent.targets[0].path.as_deref(), Some("app/b.py"));

        // The candidate picked from the list, said back, is placed in its file.
        let mut picked = intent(vec![
            phrase("load_items"),
            Target {
                phrase: Some("app/b.py".into()),
                path: Some("app/b.py".into()),
                resolved: true,
                ..Target::default()
            },
        ]);
        indexes.resolve_rest(&mut picked, root, &[]).await;
        assert_eq!(picked.targets.len(), 1, "{:?}", picked.targets);
        assert_eq!(picked.targets[0].path.as_deref(), Some("app/b.py"));
        assert_eq!(picked.targets[0].symbol.as_deref(), Some("load_items"));

        // A file added later is found: the index is brought up to date.
        std::fs::write(root.join("app/stock.py"), "class StockItem:\n    pass\n").unwrap();
        let mut later = intent(vec![phrase("stock item class")]);
        indexes.resolve_rest(&mut later, root, &[]).await;
        assert_eq!(later.targets[0].symbol.as_deref(), Some("StockItem"));
    }
}
