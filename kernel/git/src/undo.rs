//! Undo: put back what a command changed between two snapshots.
//!
//! Owns: [`UndoReport`] and [`Repo::undo`]. The paths that differ between the
//! `before` and `after` snapshots are the command's; each is restored to its
//! `before` state only if it still is as the command left it. Paths the command
//! did not touch are never written, so later unrelated edits stay.
//!
//! All or nothing for conflicts: if any touched path changed after the command,
//! nothing is written and the error lists those paths. A path that is already
//! back at its `before` state is left as it is.
//!
//! The index is left alone: a file the command staged stays staged (as in
//! `git status` `AD` after its removal); stage or reset it yourself. Content is
//! written as stored in the snapshot (after git's clean filters, e.g. LF line
//! endings with `core.autocrlf`). Submodules are never touched; they are
//! reported as skipped.

use std::collections::BTreeSet;
use std::path::Path;

use git2::Tree;

use crate::scratch::{FileState, Scratch};
use crate::worktree::{self, MODE_GITLINK};
use crate::{GitError, Repo};

/// What [`Repo::undo`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UndoReport {
    /// Paths written back to their `before` content (modified or re-created).
    pub restored: Vec<String>,
    /// Paths removed because they did not exist before the command.
    pub deleted: Vec<String>,
    /// Submodule paths the command changed, which undo does not touch.
    pub skipped: Vec<String>,
}

/// What undo does to one path.
enum Step {
    Write(FileState),
    Delete,
}

impl Repo {
    /// Reverts the work-tree changes made between snapshots `before` and
    /// `after`. Fails with [`GitError::UndoConflict`] (changing nothing) when a
    /// touched path was edited after `after`, [`GitError::SnapshotNotFound`]
    /// for an unknown id.
    pub fn undo(&self, before: &str, after: &str) -> Result<UndoReport, GitError> {
        self.undo_only(before, after, &|_| true)
    }

    /// [`Repo::undo`] for the paths `include` accepts only (a workflow's
    /// rollback leaves the `.ralex` notes that record the run).
    pub fn undo_only(
        &self,
        before: &str,
        after: &str,
        include: &dyn Fn(&str) -> bool,
    ) -> Result<UndoReport, GitError> {
        let (_, before_commit) = self.resolve_snapshot(before)?;
        let (_, after_commit) = self.resolve_snapshot(after)?;
        let reading = GitError::git("reading a snapshot tree");
        let before_tree = before_commit.tree().map_err(reading)?;
        let after_tree = after_commit
            .tree()
            .map_err(GitError::git("reading a snapshot tree"))?;
        let touched = self.touched_paths(&before_tree, &after_tree)?;

        let workdir = self.workdir();
        let mut scratch = Scratch::new(self)?;
        let mut report = UndoReport::default();
        let mut steps = Vec::new();
        let mut conflicts = Vec::new();
        for path in touched.into_iter().filter(|p| include(p)) {
            let was = entry(&before_tree, &path);
            let left = entry(&after_tree, &path);
            if [was, left].iter().flatten().any(|f| f.mode == MODE_GITLINK) {
                report.skipped.push(path);
                continue;
            }
            let now = if worktree::ancestors_are_folders(workdir, &path) {
                scratch.file_state(workdir, &path)?
            } else {
                None
            };
            if now == left {
                steps.push((path, was.map_or(Step::Delete, Step::Write)));
            } else if now != was {
                conflicts.push(path);
            }
        }
        if !conflicts.is_empty() {
            return Err(GitError::UndoConflict { paths: conflicts });
        }

        let deleted: BTreeSet<String> = steps
            .iter()
            .filter(|(_, step)| matches!(step, Step::Delete))
            .map(|(path, _)| path.clone())
            .collect();
        for (path, step) in &steps {
            if matches!(step, Step::Write(_)) {
                worktree::check_writable(workdir, path, &deleted)?;
            }
        }
        for path in &deleted {
            worktree::remove(workdir, path)?;
            report.deleted.push(path.clone());
        }
        for (path, step) in steps {
            if let Step::Write(file) = step {
                let blob = self
                    .repo
                    .find_blob(file.id)
                    .map_err(GitError::git("reading a snapshot file"))?;
                worktree::write(workdir, &path, blob.content(), file.mode)?;
                report.restored.push(path);
            }
        }
        tracing::info!(
            before,
            after,
            restored = report.restored.len(),
            deleted = report.deleted.len(),
            "undo applied"
        );
        Ok(report)
    }

    /// Every path added, modified or deleted between the two trees, sorted.
    fn touched_paths(
        &self,
        before: &Tree<'_>,
        after: &Tree<'_>,
    ) -> Result<BTreeSet<String>, GitError> {
        let diff = self
            .repo
            .diff_tree_to_tree(Some(before), Some(after), None)
            .map_err(GitError::git("comparing the snapshots"))?;
        let mut paths = BTreeSet::new();
        for delta in diff.deltas() {
            for file in [delta.old_file(), delta.new_file()] {
                if let Some(path) = file.path_bytes() {
                    paths.insert(String::from_utf8_lossy(path).into_owned());
                }
            }
        }
        Ok(paths)
    }
}

/// The file at `path` in `tree`, if any.
fn entry(tree: &Tree<'_>, path: &str) -> Option<FileState> {
    let entry = tree.get_path(Path::new(path)).ok()?;
    if entry.kind() == Some(git2::ObjectType::Tree) {
        return None;
    }
    Some(FileState {
        id: entry.id(),
        mode: entry.filemode() as u32,
    })
}

#[cfg(test)]
mod tests;
