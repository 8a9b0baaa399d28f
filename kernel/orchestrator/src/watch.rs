//! Keeping the symbol indexes of served projects fresh between commands: a file
//! watcher per project (`notify`: inotify on Linux) whose events, gathered for a
//! moment, bring the index up to date on the blocking pool — so the next
//! command finds it current instead of paying for the changes itself.
//!
//! Owns: [`Orchestrator::watch_projects`] (and the work, on `SymbolIndexes`). The index is also built once at
//! start (warm), and still brought up to date before every use, so a missed
//! event (a watcher limit reached, a network file system) costs time, never
//! correctness. Events inside `.git/` are ignored; the `.gitignore` rules are
//! applied by the index's own walk.
//!
//! Must never: block the runtime, or stop the kernel when a watch cannot be set
//! up (it is logged, and commands update the index themselves).

use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, PoisonError};
use std::time::Duration;

use notify::{RecursiveMode, Watcher};

use crate::orchestrator::Orchestrator;
use crate::symbols::SymbolIndexes;

/// How long events are gathered before one update.
const SETTLE: Duration = Duration::from_millis(300);

/// Whether an event at `path` (under `root`) can change the index.
fn relevant(root: &Path, path: &Path) -> bool {
    let Ok(relative) = path.strip_prefix(root) else {
        return false;
    };
    !relative
        .components()
        .any(|c| matches!(c, Component::Normal(name) if name == ".git"))
}

impl Orchestrator {
    /// Builds the symbol index of each project in the background and keeps it
    /// up to date from file events while the runtime runs.
    pub fn watch_projects(&self, roots: &[PathBuf]) {
        self.symbols.watch(roots);
    }
}

impl SymbolIndexes {
    /// [`Orchestrator::watch_projects`].
    pub(crate) fn watch(&self, roots: &[PathBuf]) {
        for root in roots {
            let root = match root.canonicalize() {
                Ok(root) => root,
                Err(e) => {
                    tracing::warn!(project = %root.display(), error = %e, "not watched");
                    continue;
                }
            };
            let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<()>();
            let watched = root.clone();
            let watcher = notify::recommended_watcher(
                move |event: notify::Result<notify::Event>| match event {
                    Ok(event) if event.paths.iter().any(|p| relevant(&watched, p)) => {
                        let _ = tx.send(());
                    }
                    Ok(_) => {}
                    Err(e) => tracing::debug!(error = %e, "file watcher"),
                },
            );
            let mut watcher = match watcher {
                Ok(watcher) => watcher,
                Err(e) => {
                    tracing::warn!(project = %root.display(), error = %e, "cannot watch the project's files; the index is updated at each command");
                    continue;
                }
            };
            if let Err(e) = watcher.watch(&root, RecursiveMode::Recursive) {
                tracing::warn!(project = %root.display(), error = %e, "cannot watch the project's files; the index is updated at each command");
                continue;
            }
            let index = self.index(&root);
            let cache = self.cache_dir();
            tokio::spawn(async move {
                // The watcher lives as long as this task.
                let _watcher = watcher;
                let mut first = true;
                loop {
                    if !first {
                        if rx.recv().await.is_none() {
                            return;
                        }
                        tokio::time::sleep(SETTLE).await;
                        while rx.try_recv().is_ok() {}
                    }
                    first = false;
                    let index = Arc::clone(&index);
                    let cache = cache.clone();
                    let done = tokio::task::spawn_blocking(move || {
                        let mut index = index.lock().unwrap_or_else(PoisonError::into_inner);
                        crate::index_cache::refresh(&mut index, cache.as_deref())
                    })
                    .await;
                    match done {
                        Ok(Ok(stats)) => {
                            tracing::debug!(?stats, "symbol index updated from file events")
                        }
                        Ok(Err(e)) => {
                            tracing::warn!(error = %e, "the symbol index could not be updated")
                        }
                        Err(e) => tracing::warn!(error = %e, "the symbol index update failed"),
                    }
                }
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_inside_git_are_ignored() {
        let root = Path::new("/p");
        assert!(relevant(root, Path::new("/p/src/a.py")));
        assert!(!relevant(root, Path::new("/p/.git/index")));
        assert!(!relevant(root, Path::new("/elsewhere/a.py")));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_edit_reaches_the_index_without_a_command() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::write(root.join("a.py"), "def first():\n    pass\n").unwrap();
        let indexes = SymbolIndexes::default();
        indexes.watch(std::slice::from_ref(&root));
        let index = indexes.index(&root);
        let has = |name: &str| {
            index
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .definitions_of(name)
                .count()
                > 0
        };
        let wait = |name: &'static str| async move {
            for _ in 0..100 {
                if has(name) {
                    return true;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            false
        };
        assert!(wait("first").await, "the index is built at start");
        std::fs::write(root.join("b.py"), "def second():\n    pass\n").unwrap();
        assert!(wait("second").await, "a new file reaches the index");
    }
}
