//! The `.ralex` notes after each command, and their way through git.
//!
//! Owns: recording one finished command in the project's notes (skeletons on
//! first use, the session entry, stated decisions — `ralex-notes`), committing
//! the note changes in their own labelled commit (`ralex: context: …`, never
//! mixed with code: only `.ralex/` paths go in it), and [`sync_notes`]: commit
//! what is pending, then pull and push with the configured remote
//! (`ralex-git`'s union/three-way merge of notes).
//!
//! Commits: a command that changed files or stated a decision commits the notes
//! right away; the entry of a read-only command ("run the tests", "git status")
//! waits for the next such commit or sync, so reading does not fill the history
//! with one commit per question. Nothing is committed in a repository without
//! commits yet, on a detached HEAD or in the middle of a merge.
//!
//! Must never: fail or slow down the command it records — every fault here is
//! logged and reported as a note in the trace; pushing and pulling happen in
//! the background (`ralex serve`) or on demand (`ralex context sync`), never on
//! the command's path.

use std::path::Path;

use ralex_git::{GitError, Repo, SyncOptions, SyncReport};
use ralex_intent::Intent;
use ralex_notes::skeleton::Facts;
use ralex_notes::{CommandRecord, ContextConfig, Recorded};

use crate::answer::Answer;
use crate::compress::{CompressReport, SessionDate, compress_sessions};
use crate::orchestrator::{Ctx, Orchestrator};
use crate::pipeline::kind_and_risk;

/// What one sync of a project's notes did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NotesSync {
    /// The context commit made first, if notes were pending.
    pub committed: Option<String>,
    /// What the exchange with the remote did; `None` when sync is off.
    pub report: Option<SyncReport>,
    /// The remote used.
    pub remote: Option<String>,
}

/// Why the notes of a project cannot be synced.
#[derive(Debug, thiserror::Error)]
pub enum NotesSyncError {
    /// `.ralex/config.toml` is wrong.
    #[error("{0}")]
    Config(#[from] ralex_notes::NotesError),
    /// The project is not in a git repository, or git failed.
    #[error("{0}")]
    Git(#[from] GitError),
}

/// The note folder and append-only patterns of the project at `repo`'s
/// `prefix` (the project may be a sub-folder of the work tree).
fn options(repo: &Repo, remote: &str) -> SyncOptions {
    let under = |path: &str| {
        if repo.prefix().is_empty() {
            path.to_string()
        } else {
            format!("{}/{path}", repo.prefix())
        }
    };
    let mut options = SyncOptions::new(remote);
    options.prefix = under(ralex_notes::DIR);
    options.append_only = ralex_notes::APPEND_ONLY.iter().map(|p| under(p)).collect();
    options
}

/// Commits the project's pending note changes with `message` (after the
/// `ralex: context: ` label); `None` when nothing was pending.
pub fn commit_notes(root: &Path, message: &str) -> Result<Option<String>, GitError> {
    let repo = Repo::open(root)?;
    if repo.git2().head().is_err() {
        // No commits yet (or HEAD unreadable): the person's first commit is theirs.
        return Ok(None);
    }
    let prefix = options(&repo, "origin").prefix;
    repo.commit_context(&prefix, message)
}

/// Commits the notes a read-only command left pending, before a git status,
/// diff or commit, so that git shows — and a commit takes — the code only
/// (unless `[context] commit = false`: the notes are then files like any
/// other). Faults are logged.
pub(crate) fn settle_notes(repo: &Repo, root: &Path) {
    if !root.join(ralex_notes::DIR).is_dir()
        || !ContextConfig::load(root).is_ok_and(|c| c.commit)
        || repo.git2().head().is_err()
    {
        return;
    }
    let prefix = options(repo, "origin").prefix;
    if let Err(e) = repo.commit_context(&prefix, "notes of earlier commands") {
        tracing::info!(error = %e, "the pending notes were not committed");
    }
}

/// Whether the project at `root` is in a git repository with the remote `name`.
pub fn has_remote(root: &Path, name: &str) -> bool {
    Repo::open(root).is_ok_and(|repo| repo.git2().find_remote(name).is_ok())
}

/// How many commits of the current branch that are not Ralex's notes commits
/// `remote` does not have yet (as last fetched): the person's own code, which a
/// background sync must not push for them. `None` when it cannot be told.
pub fn unpushed_code_commits(root: &Path, remote: &str) -> Option<usize> {
    let repo = Repo::open(root).ok()?;
    let git = repo.git2();
    let head = git.head().ok()?;
    let branch = head.shorthand()?.to_string();
    let mut walk = git.revwalk().ok()?;
    walk.push(head.target()?).ok()?;
    if let Ok(tracking) = git.refname_to_id(&format!("refs/remotes/{remote}/{branch}")) {
        walk.hide(tracking).ok()?;
    }
    let mut code = 0;
    for id in walk {
        let commit = git.find_commit(id.ok()?).ok()?;
        if !commit
            .summary()
            .is_some_and(|s| s.starts_with(ralex_git::COMMIT_PREFIX))
        {
            code += 1;
        }
    }
    Some(code)
}

/// Commits the pending notes of the project at `root` (unless `[context] commit =
/// false`), then syncs them with the
/// configured remote (`[context] remote`, default `origin`). Blocking: call it
/// from a blocking thread.
pub fn sync_notes(root: &Path) -> Result<NotesSync, NotesSyncError> {
    let config = ContextConfig::load(root)?;
    let repo = Repo::open(root)?;
    let remote = config.remote().map(str::to_owned);
    let options = options(&repo, remote.as_deref().unwrap_or("origin"));
    let committed = if config.commit {
        repo.commit_context(&options.prefix, "notes of this device")?
    } else {
        None
    };
    let report = match &remote {
        Some(_) => Some(repo.sync_context(&options)?),
        None => None,
    };
    Ok(NotesSync {
        committed,
        report,
        remote,
    })
}

/// Tokens the compressor's summary of one run may take, by default.
pub const COMPRESS_BUDGET_TOKENS: u32 = 1_500;

impl Orchestrator {
    /// Compresses the session notes of the project at `root` older than
    /// `older_than_days` into the archive with the configured compressor, and
    /// commits the result as a context commit. `Err` says why nothing was done.
    pub async fn compress_notes(
        &self,
        root: &Path,
        older_than_days: u32,
        budget_tokens: u32,
    ) -> Result<CompressReport, String> {
        let plugin = self.roles.compressor.as_ref().map_err(Clone::clone)?;
        let lock = self.writer_lock(root);
        let _guard = lock.lock().await;
        let report = compress_sessions(
            &self.host,
            plugin,
            self.models.clone(),
            root,
            older_than_days,
            budget_tokens,
            SessionDate::today_utc(),
        )
        .await
        .map_err(|e| e.to_string())?;
        if !report.sessions.is_empty() {
            let project = root.to_path_buf();
            let message = format!("compressed {} session notes", report.sessions.len());
            let committed =
                tokio::task::spawn_blocking(move || commit_notes(&project, &message)).await;
            match committed {
                Ok(Ok(Some(_))) => self.notes_changed(root),
                Ok(Ok(None)) | Ok(Err(GitError::NotARepo { .. })) => {}
                Ok(Err(e)) => tracing::info!(error = %e, "the compressed notes were not committed"),
                Err(e) => tracing::warn!(error = %e, "committing the compressed notes failed"),
            }
        }
        Ok(report)
    }

    /// Records the finished command in the project's notes and commits them
    /// when it changed something; faults are logged, never returned.
    pub(crate) async fn keep_notes(&self, ctx: &Ctx<'_>, intent: &Intent, answer: &Answer) {
        let root = ctx.workspace.root().to_path_buf();
        if crate::workflow::review::is_review_worktree(&root) {
            return;
        }
        let config = match ContextConfig::load(&root) {
            Ok(config) => config,
            Err(e) => {
                tracing::warn!(error = %e, "the notes were not updated: .ralex/config.toml is wrong");
                return;
            }
        };
        if !config.record {
            return;
        }
        let (date, time) = ralex_notes::recorder::now_local();
        let record = CommandRecord {
            session: ctx.request.session_id.clone(),
            transcript: ctx.request.transcript.clone(),
            kind: kind_and_risk(intent).0,
            status: answer.status.as_str().to_string(),
            model: answer.model.clone(),
            cost_usd: answer.cost_usd,
            changed: answer.changes.iter().map(|c| c.path.clone()).collect(),
            response: answer.response.clone(),
            date,
            time,
        };
        let workspace = std::sync::Arc::clone(&ctx.workspace);
        let facts = move || Facts {
            name: shared_name(workspace.root())
                .unwrap_or_else(|| workspace.project_name().to_string()),
            files: workspace
                .files()
                .map(|files| files.iter().take(2_000).cloned().collect())
                .unwrap_or_default(),
            test_command: crate::project::discover_test_command(workspace.root())
                .ok()
                .flatten()
                .map(|t| {
                    std::iter::once(t.program.as_str())
                        .chain(t.args.iter().map(String::as_str))
                        .collect::<Vec<_>>()
                        .join(" ")
                }),
        };
        // One writer at a time per project: the commit must not race a
        // command's own git work.
        let lock = self.writer_lock(&root);
        let _guard = lock.lock().await;
        let commit = config.commit;
        let message = format!(
            "session {}: {}",
            ralex_notes::session::safe_id(&record.session),
            record
                .transcript
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        );
        let changed_code = !record.changed.is_empty();
        let project = root.clone();
        let done = tokio::task::spawn_blocking(move || {
            let recorded = ralex_notes::record(&root, &record, facts)?;
            let committed = if commit && wants_commit(&recorded, changed_code) {
                match commit_notes(&root, &message) {
                    Ok(id) => id,
                    Err(GitError::NotARepo { .. }) => None,
                    Err(e) => {
                        tracing::info!(error = %e, "the notes were kept but not committed");
                        None
                    }
                }
            } else {
                None
            };
            Ok::<_, ralex_notes::NotesError>((recorded, committed))
        })
        .await;
        match done {
            Ok(Ok((recorded, committed))) => {
                for problem in &recorded.problems {
                    tracing::warn!(note = %problem.path, "{}", problem.message);
                }
                if let Some(id) = committed {
                    tracing::info!(commit = %id, "context notes committed");
                    self.notes_changed(&project);
                }
            }
            Ok(Err(e)) => tracing::warn!(error = %e, "the notes could not be updated"),
            Err(e) => tracing::warn!(error = %e, "updating the notes failed"),
        }
    }
}

/// The project's name as every clone knows it: the last part of its `origin`
/// URL (`git@host:team/inventory.git` → `inventory`), so two devices that
/// cloned into differently named folders write the same `project.md`.
fn shared_name(root: &Path) -> Option<String> {
    let repo = Repo::open(root).ok()?;
    let remote = repo.git2().find_remote("origin").ok()?;
    name_of_url(remote.url()?)
}

fn name_of_url(url: &str) -> Option<String> {
    let last = url.trim_end_matches('/').rsplit(['/', ':', '\\']).next()?;
    let name = last.strip_suffix(".git").unwrap_or(last);
    (!name.is_empty()).then(|| name.to_string())
}

/// Whether what was recorded is worth its own commit now.
fn wants_commit(recorded: &Recorded, changed_code: bool) -> bool {
    recorded.wrote()
        && (changed_code || recorded.decisions_added > 0 || !recorded.created.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shared_name_comes_from_the_remote_url() {
        assert_eq!(
            name_of_url("git@github.com:team/inventory.git").as_deref(),
            Some("inventory")
        );
        assert_eq!(
            name_of_url("https://host/team/inventory/").as_deref(),
            Some("inventory")
        );
        assert_eq!(
            name_of_url("/srv/git/remote.git").as_deref(),
            Some("remote")
        );
        assert_eq!(name_of_url("").as_deref(), None);
    }

    #[test]
    fn read_only_entries_wait_for_the_next_commit() {
        let entry = Recorded {
            session_note: Some(".ralex/sessions/2026-12-05-s.md".into()),
            ..Recorded::default()
        };
        assert!(!wants_commit(&entry, false));
        assert!(wants_commit(&entry, true));
        let decided = Recorded {
            decisions_added: 1,
            ..entry.clone()
        };
        assert!(wants_commit(&decided, false));
        assert!(!wants_commit(&Recorded::default(), true));
    }
}
