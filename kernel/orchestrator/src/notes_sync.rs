//! Background sync of the projects' notes while `ralex serve` runs.
//!
//! Owns: [`Orchestrator::sync_notes_in_background`] — one task that syncs each
//! served project every `[context] sync_interval_seconds` (default 300 s) and
//! soon after a command committed notes. A sync that finds the remote offline
//! leaves the context commits queued; the next round carries them (the retry
//! with backoff inside one sync is `ralex-git`'s).
//!
//! A background sync never pushes the person's own work: while the branch has
//! code commits the remote does not have, it waits (and says so in the log);
//! `ralex context sync` is the explicit way to sync everything.
//!
//! Must never: run a sync while a command of the same project writes (it holds
//! the project's writer lock), or stop the kernel: faults are logged.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ralex_git::SyncState;
use ralex_notes::ContextConfig;

use crate::notes::{
    COMPRESS_BUDGET_TOKENS, NotesSync, has_remote, sync_notes, unpushed_code_commits,
};
use crate::orchestrator::Orchestrator;

/// Wait after a command's commit before syncing, so a burst of commands is
/// carried by one sync.
const SETTLE: Duration = Duration::from_secs(2);

impl Orchestrator {
    /// Starts syncing the notes of `projects` in the background (on the current
    /// tokio runtime); the task ends with the runtime.
    pub fn sync_notes_in_background(self: &Arc<Self>, projects: Vec<PathBuf>) {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<PathBuf>();
        if self.notes_synced.set(tx).is_err() {
            tracing::warn!("the notes are already synced in the background");
            return;
        }
        let this = Arc::clone(self);
        tokio::spawn(async move {
            let mut due: HashMap<PathBuf, Instant> = projects
                .iter()
                .map(|p| (p.clone(), Instant::now()))
                .collect();
            loop {
                let next = due.values().min().copied();
                let wake = async {
                    match next {
                        Some(at) => tokio::time::sleep_until(at.into()).await,
                        None => std::future::pending().await,
                    }
                };
                tokio::select! {
                    asked = rx.recv() => match asked {
                        Some(project) => {
                            due.insert(project, Instant::now() + SETTLE);
                        }
                        None => return,
                    },
                    () = wake => {
                        let now = Instant::now();
                        let ready: Vec<PathBuf> = due
                            .iter()
                            .filter(|(_, at)| **at <= now)
                            .map(|(p, _)| p.clone())
                            .collect();
                        for project in ready {
                            let interval = this.sync_once(&project).await;
                            due.insert(project, Instant::now() + interval);
                        }
                    }
                }
            }
        });
    }

    /// Asks the background task, if there is one, to sync `project` soon.
    pub(crate) fn notes_changed(&self, project: &std::path::Path) {
        if let Some(tx) = self.notes_synced.get() {
            let _ = tx.send(project.to_path_buf());
        }
    }

    /// One sync of `project`; returns when the next one is due.
    async fn sync_once(&self, project: &std::path::Path) -> Duration {
        let config = match ContextConfig::load(project) {
            Ok(config) => config,
            Err(e) => {
                tracing::warn!(project = %project.display(), error = %e, "notes not synced");
                return Duration::from_secs(ContextConfig::default().sync_interval_seconds);
            }
        };
        let interval = Duration::from_secs(config.sync_interval_seconds);
        if config.record
            && self.roles.compressor.is_ok()
            && project.join(ralex_notes::layout::SESSIONS).is_dir()
        {
            match self
                .compress_notes(project, config.compress_after_days, COMPRESS_BUDGET_TOKENS)
                .await
            {
                Ok(report) if !report.sessions.is_empty() => {
                    tracing::info!(project = %project.display(), "{}", report.message)
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::info!(project = %project.display(), error = %e, "old session notes not compressed")
                }
            }
        }
        let Some(remote) = config.remote().filter(|_| config.commit) else {
            return interval;
        };
        if !has_remote(project, remote) {
            tracing::debug!(project = %project.display(), %remote, "no such remote: notes not synced");
            return interval;
        }
        // Pushing the branch would push the person's own unpushed commits too:
        // that is theirs to do (`ralex context sync` does it when asked).
        match unpushed_code_commits(project, remote) {
            Some(0) => {}
            Some(n) => {
                tracing::info!(project = %project.display(), commits = n, %remote, "notes sync waits: the branch has code commits not pushed yet");
                return interval;
            }
            None => return interval,
        }
        let lock = self.writer_lock(project);
        let _guard = lock.lock().await;
        let root = project.to_path_buf();
        match tokio::task::spawn_blocking(move || sync_notes(&root)).await {
            Ok(Ok(done)) => log(project, &done),
            Ok(Err(e)) => {
                tracing::info!(project = %project.display(), error = %e, "notes not synced")
            }
            Err(e) => tracing::warn!(error = %e, "the notes sync failed"),
        }
        interval
    }
}

fn log(project: &std::path::Path, done: &NotesSync) {
    let Some(report) = &done.report else {
        return;
    };
    match &report.state {
        SyncState::Synced => tracing::info!(
            project = %project.display(),
            pushed = report.pushed,
            pulled = report.pulled,
            merged = report.merged,
            "notes synced"
        ),
        SyncState::Offline { reason } => tracing::info!(
            project = %project.display(),
            queued = report.pending_commits,
            %reason,
            "notes sync offline; the commits stay queued"
        ),
        SyncState::Blocked { reason } => {
            tracing::warn!(project = %project.display(), %reason, "notes sync blocked")
        }
    }
    for conflict in &report.conflicts {
        tracing::warn!(
            project = %project.display(),
            note = %conflict.path,
            "both devices changed this note; both versions are kept in it between markers"
        );
    }
}
