//! The record of one command's file changes, for undo and review.
//!
//! Owns: calling the "before the first write" hook exactly once (the orchestrator
//! takes its git snapshot there) and collecting every [`Change`] the command's
//! plugins made, in order.
//!
//! Must never: let a write happen when the before-first-write hook failed — no
//! snapshot means no undo, so the write is refused.

use std::sync::Mutex;

use ralex_caps::Change;

/// Hook run once before the first write of a command.
pub type BeforeFirstWrite = Box<dyn Fn() -> Result<(), String> + Send + Sync>;

/// Changes made during one command.
#[derive(Default)]
pub struct WriteJournal {
    hook: Option<BeforeFirstWrite>,
    state: Mutex<JournalState>,
}

#[derive(Default)]
struct JournalState {
    /// `Some(Ok)` once the hook ran, `Some(Err)` when it failed.
    hook_result: Option<Result<(), String>>,
    changes: Vec<Change>,
}

impl WriteJournal {
    /// A journal without a hook.
    pub fn new() -> WriteJournal {
        WriteJournal::default()
    }

    /// A journal that runs `hook` before the first write (e.g. a git snapshot).
    pub fn with_hook(hook: BeforeFirstWrite) -> WriteJournal {
        WriteJournal {
            hook: Some(hook),
            state: Mutex::default(),
        }
    }

    /// The changes so far, oldest first.
    pub fn changes(&self) -> Vec<Change> {
        self.lock().changes.clone()
    }

    /// Run the hook if it has not run; its failure refuses this and every later write.
    pub(crate) fn before_write(&self) -> Result<(), String> {
        let mut state = self.lock();
        if state.hook_result.is_none() {
            let result = self.hook.as_ref().map_or(Ok(()), |hook| hook());
            state.hook_result = Some(result);
        }
        state.hook_result.clone().unwrap_or(Ok(()))
    }

    pub(crate) fn record(&self, changes: impl IntoIterator<Item = Change>) {
        self.lock().changes.extend(changes);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, JournalState> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl std::fmt::Debug for WriteJournal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WriteJournal")
            .field("changes", &self.lock().changes.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[test]
    fn the_hook_runs_once() {
        let runs = Arc::new(AtomicU32::new(0));
        let counter = Arc::clone(&runs);
        let journal = WriteJournal::with_hook(Box::new(move || {
            counter.fetch_add(1, Ordering::SeqCst);
            Ok(())
        }));
        assert!(journal.before_write().is_ok());
        assert!(journal.before_write().is_ok());
        assert_eq!(runs.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn a_failed_hook_refuses_every_write() {
        let journal = WriteJournal::with_hook(Box::new(|| Err("no snapshot".into())));
        assert_eq!(journal.before_write(), Err("no snapshot".to_string()));
        assert_eq!(journal.before_write(), Err("no snapshot".to_string()));
    }
}
