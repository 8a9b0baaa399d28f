//! Committing the context notes on their own.
//!
//! Owns: [`Repo::commit_context`] — one commit labelled `ralex: context: …`
//! whose tree is HEAD's tree with the notes' folder taken from the work tree,
//! and the index entries of that folder brought in line with it, so that
//! `git status` shows the notes clean.
//!
//! Must never: record, stage or unstage anything outside the folder — a
//! user's staged code change stays staged and out of the commit, unstaged
//! edits stay unstaged — or write a work-tree file.

use std::path::Path;

use git2::{Delta, ErrorCode, ObjectType, Tree, TreeWalkMode, TreeWalkResult};

use super::COMMIT_PREFIX;
use super::pattern::is_under;
use super::resolve::stage_zero;
use crate::repo::HeadState;
use crate::scratch::Scratch;
use crate::{GitError, Repo, paths};

impl Repo {
    /// Commits the changes (added, modified, deleted files that are not
    /// ignored) under the folder `prefix` (e.g. `.ralex`, relative to the
    /// work-tree root) as one commit on HEAD whose subject is
    /// `ralex: context: <message>`, and returns its id — `None` when nothing
    /// under `prefix` changed. Works on a branch without commits (the first
    /// commit then holds only the notes).
    ///
    /// Nothing else is committed, whatever is staged. The index entries under
    /// `prefix` are set to the commit's; the others are left alone. The author
    /// is git's `user.name`/`user.email`, else `Ralex <ralex@localhost>`.
    ///
    /// Fails with [`GitError::DetachedHead`] when HEAD is not on a branch and
    /// [`GitError::Busy`] during a merge, rebase, cherry-pick….
    pub fn commit_context(&self, prefix: &str, message: &str) -> Result<Option<String>, GitError> {
        let prefix = paths::normalize(prefix)?;
        self.ensure_clean_state("commit the context notes")?;
        let (branch, parent) = match self.head_state()? {
            HeadState::Branch { name, commit } => {
                let parent = self
                    .repo
                    .find_commit(commit)
                    .map_err(GitError::git("reading the HEAD commit"))?;
                (name, Some(parent))
            }
            HeadState::Unborn { name } => (name, None),
            HeadState::Detached { commit } => {
                return Err(GitError::DetachedHead {
                    commit: crate::branch::short(commit),
                });
            }
        };
        let base = match &parent {
            Some(commit) => Some(
                commit
                    .tree()
                    .map_err(GitError::git("reading the HEAD tree"))?,
            ),
            None => None,
        };
        let tree_id = Scratch::new(self)?.capture_folder(base.as_ref(), &prefix)?;
        let tree = self
            .repo
            .find_tree(tree_id)
            .map_err(GitError::git("reading the notes' tree"))?;
        let changes = self.note_changes(base.as_ref(), &tree)?;
        if changes.is_empty() {
            return Ok(None);
        }
        if let Some((_, stray)) = changes.iter().find(|(_, path)| !is_under(&prefix, path)) {
            return Err(GitError::git("committing the context notes")(
                git2::Error::from_str(&format!("`{stray}` outside `{prefix}` would be committed")),
            ));
        }
        let message = context_message(message, &changes);
        let id = self.commit_on_head(
            &message,
            &tree,
            parent.as_ref(),
            "creating the context commit",
        )?;
        self.refresh_folder_index(&prefix, &tree)?;
        tracing::info!(commit = %id, %branch, files = changes.len(), "context notes committed");
        Ok(Some(id.to_string()))
    }

    /// The changed paths between `base` and `tree`, with git's one-letter
    /// status (`A`, `M`, `D`, `T`).
    fn note_changes(
        &self,
        base: Option<&Tree<'_>>,
        tree: &Tree<'_>,
    ) -> Result<Vec<(char, String)>, GitError> {
        let diff = self
            .repo
            .diff_tree_to_tree(base, Some(tree), None)
            .map_err(GitError::git("comparing the notes with HEAD"))?;
        Ok(diff
            .deltas()
            .filter_map(|delta| {
                let letter = match delta.status() {
                    Delta::Added => 'A',
                    Delta::Deleted => 'D',
                    Delta::Typechange => 'T',
                    _ => 'M',
                };
                let file = match delta.status() {
                    Delta::Deleted => delta.old_file(),
                    _ => delta.new_file(),
                };
                file.path_bytes()
                    .map(|path| (letter, String::from_utf8_lossy(path).into_owned()))
            })
            .collect())
    }

    /// Sets the index entries under `prefix` to those of `tree` (with the
    /// files' current stat data where the work tree matches, so `git status`
    /// need not re-read them), leaving every other entry alone.
    fn refresh_folder_index(&self, prefix: &str, tree: &Tree<'_>) -> Result<(), GitError> {
        let mut index = self
            .repo
            .index()
            .map_err(GitError::git("reading the index"))?;
        index
            .read(false)
            .map_err(GitError::git("reading the index"))?;
        index
            .remove_dir(Path::new(prefix), 0)
            .map_err(GitError::git("updating the notes in the index"))?;
        for (path, id, mode) in self.files_under(tree, prefix)? {
            let hashed = index
                .add_path(Path::new(&path))
                .ok()
                .and_then(|()| index.get_path(Path::new(&path), 0));
            if !hashed.is_some_and(|entry| entry.id == id && entry.mode == mode) {
                // Changed again since the commit (or not a plain file): the
                // index records what was committed.
                index
                    .add(&stage_zero(&path, id, mode, 0))
                    .map_err(GitError::git("updating the notes in the index"))?;
            }
        }
        index.write().map_err(GitError::git("writing the index"))
    }

    /// Every non-folder entry of `tree` under the folder `prefix`: path, id, mode.
    fn files_under(
        &self,
        tree: &Tree<'_>,
        prefix: &str,
    ) -> Result<Vec<(String, git2::Oid, u32)>, GitError> {
        let folder = match tree.get_path(Path::new(prefix)) {
            Ok(entry) if entry.kind() == Some(ObjectType::Tree) => self
                .repo
                .find_tree(entry.id())
                .map_err(GitError::git("reading the notes' folder"))?,
            Ok(_) => return Ok(Vec::new()),
            Err(err) if err.code() == ErrorCode::NotFound => return Ok(Vec::new()),
            Err(err) => return Err(GitError::git("reading the notes' folder")(err)),
        };
        let mut files = Vec::new();
        folder
            .walk(TreeWalkMode::PreOrder, |dir, entry| {
                if entry.kind() != Some(ObjectType::Tree) {
                    let name = String::from_utf8_lossy(entry.name_bytes());
                    files.push((
                        format!("{prefix}/{dir}{name}"),
                        entry.id(),
                        u32::try_from(entry.filemode()).unwrap_or_default(),
                    ));
                }
                TreeWalkResult::Ok
            })
            .map_err(GitError::git("listing the notes"))?;
        Ok(files)
    }
}

/// `ralex: context: <summary>` and a body listing the changed notes.
fn context_message(message: &str, changes: &[(char, String)]) -> String {
    let summary = message.trim();
    let summary = summary
        .strip_prefix(COMMIT_PREFIX.trim_end())
        .unwrap_or(summary)
        .trim();
    let summary = if summary.is_empty() {
        "update project notes"
    } else {
        summary
    };
    let mut text = format!("{COMMIT_PREFIX}{summary}\n\n");
    for (letter, path) in changes {
        text.push_str(&format!("{letter}  {path}\n"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_labelled_once_and_list_the_notes() {
        let changes = [
            ('A', ".ralex/a.md".to_owned()),
            ('D', ".ralex/b.md".to_owned()),
        ];
        assert_eq!(
            context_message("session notes", &changes),
            "ralex: context: session notes\n\nA  .ralex/a.md\nD  .ralex/b.md\n"
        );
        assert!(context_message("ralex: context: x", &changes).starts_with("ralex: context: x\n"));
        assert!(context_message("  ", &[]).starts_with("ralex: context: update project notes\n"));
    }
}
