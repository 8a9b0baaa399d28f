//! `git add` + `git commit`.
//!
//! Owns: staging paths (or every change, deletions included) into the
//! repository's index and recording the index as a commit on HEAD, first
//! commit included.
//!
//! The commit records the whole index: what was staged before plus the given
//! paths (like `git add <paths> && git commit`, not `git commit -- <paths>`).

use std::io;
use std::path::Path;

use git2::{Index, IndexAddOption};

use crate::repo::HeadState;
use crate::{GitError, Repo, paths};

impl Repo {
    /// Records `tree` as a commit on HEAD with `message` and the repository's
    /// signature, `parent` being HEAD's commit (none for the first one).
    pub(crate) fn commit_on_head(
        &self,
        message: &str,
        tree: &git2::Tree<'_>,
        parent: Option<&git2::Commit<'_>>,
        action: &'static str,
    ) -> Result<git2::Oid, GitError> {
        let signature = self.signature()?;
        let parents: Vec<&git2::Commit<'_>> = parent.into_iter().collect();
        self.repo
            .commit(
                Some("HEAD"),
                &signature,
                &signature,
                message,
                tree,
                &parents,
            )
            .map_err(GitError::git(action))
    }

    /// Stages `paths` (files or folders; every change including deletions when
    /// `paths` is empty) and commits the index on HEAD with `message`. The
    /// author is `user.name`/`user.email` from git's configuration, else
    /// `Ralex <ralex@localhost>`. Returns the new commit's id.
    ///
    /// Fails with [`GitError::EmptyMessage`] for a blank message and
    /// [`GitError::NothingToCommit`] when the result equals HEAD.
    pub fn commit(&self, message: &str, paths: &[String]) -> Result<String, GitError> {
        let message = git2::message_prettify(message, None)
            .map_err(GitError::git("cleaning up the commit message"))?;
        if message.trim().is_empty() {
            return Err(GitError::EmptyMessage);
        }
        let paths = paths::normalize_all(paths)?;
        self.ensure_clean_state("commit")?;
        let branch = match self.head_state()? {
            HeadState::Branch { name, .. } | HeadState::Unborn { name } => name,
            HeadState::Detached { .. } => "HEAD".to_owned(),
        };

        let mut index = self
            .repo
            .index()
            .map_err(GitError::git("reading the index"))?;
        index
            .read(false)
            .map_err(GitError::git("reading the index"))?;
        if index.has_conflicts() {
            return Err(GitError::Busy {
                action: "commit",
                what: "the index has unresolved merge conflicts".to_owned(),
                workdir: self.workdir().to_path_buf(),
            });
        }
        self.stage(&mut index, &paths)?;
        index.write().map_err(GitError::git("writing the index"))?;
        let tree_id = index
            .write_tree()
            .map_err(GitError::git("writing the tree"))?;

        let parent = self.head_commit()?;
        let unchanged = match &parent {
            Some(parent) => parent.tree_id() == tree_id,
            None => index.is_empty(),
        };
        if unchanged {
            return Err(GitError::NothingToCommit { branch });
        }
        let tree = self
            .repo
            .find_tree(tree_id)
            .map_err(GitError::git("reading the tree"))?;
        let id = self.commit_on_head(&message, &tree, parent.as_ref(), "creating the commit")?;
        tracing::info!(commit = %id, %branch, "committed");
        Ok(id.to_string())
    }

    /// Stages `paths` into `index` (everything when empty).
    fn stage(&self, index: &mut Index, paths: &[String]) -> Result<(), GitError> {
        let staging = GitError::git("staging changes");
        if paths.is_empty() {
            index
                .add_all(["*"], IndexAddOption::DEFAULT, None)
                .and_then(|()| index.update_all(["*"], None))
                .map_err(staging)?;
            return Ok(());
        }
        for path in paths {
            match std::fs::symlink_metadata(self.workdir().join(path)) {
                Ok(meta) if meta.is_dir() => index
                    .add_all([path], IndexAddOption::DEFAULT, None)
                    .and_then(|()| index.update_all([path], None))
                    .map_err(GitError::git("staging a folder"))?,
                Ok(_) => index
                    .add_path(Path::new(path))
                    .map_err(GitError::git("staging a file"))?,
                Err(err)
                    if matches!(
                        err.kind(),
                        io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
                    ) =>
                {
                    if !self.is_known(index, path)? {
                        return Err(GitError::PathNotFound { path: path.clone() });
                    }
                    index
                        .remove_all([path], None)
                        .map_err(GitError::git("staging a deletion"))?;
                }
                Err(err) => {
                    return Err(GitError::io("read", self.workdir().join(path))(err));
                }
            }
        }
        Ok(())
    }

    /// Whether `path` (a file or folder) is in the index or in HEAD.
    fn is_known(&self, index: &Index, path: &str) -> Result<bool, GitError> {
        let folder = format!("{path}/");
        let in_index = index
            .iter()
            .any(|e| e.path == path.as_bytes() || e.path.starts_with(folder.as_bytes()));
        if in_index {
            return Ok(true);
        }
        Ok(match self.head_tree()? {
            Some(tree) => tree.get_path(Path::new(path)).is_ok(),
            None => false,
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::*;
    use ralex_caps::ErrorKind;

    #[test]
    fn first_commit_in_an_empty_repository() {
        let fx = Fixture::new();
        fx.write("a.txt", "a\n").write("src/b.rs", "b\n");
        let repo = fx.open();
        let id = repo.commit("first", &[]).expect("commit");
        assert_eq!(fx.git(&["rev-parse", "HEAD"]).trim(), id);
        assert_eq!(
            fx.git(&["log", "--format=%s|%an <%ae>"]).trim(),
            "first|Test User <test@example.com>"
        );
        assert_eq!(fx.git(&["ls-files"]), "a.txt\nsrc/b.rs\n");
        assert!(fx.git_status().is_empty(), "{:?}", fx.git_status());
    }

    #[test]
    fn commit_all_includes_deletions_and_new_files_but_not_ignored() {
        let fx = Fixture::with_commit(&[
            ("a.txt", "a\n"),
            ("gone.txt", "g\n"),
            (".gitignore", "*.log\n"),
        ]);
        fx.write("a.txt", "changed\n").remove("gone.txt");
        fx.write("new.txt", "n\n").write("debug.log", "ignored\n");
        let repo = fx.open();
        repo.commit("everything", &[]).expect("commit");
        assert_eq!(fx.git(&["ls-files"]), ".gitignore\na.txt\nnew.txt\n");
        assert!(fx.git_status().is_empty(), "{:?}", fx.git_status());
        assert_eq!(fx.git(&["show", "HEAD:a.txt"]), "changed\n");
    }

    #[test]
    fn commit_given_paths_leaves_other_changes_unstaged() {
        let fx = Fixture::with_commit(&[("a.txt", "a\n"), ("b.txt", "b\n"), ("dir/c.txt", "c\n")]);
        fx.write("a.txt", "a2\n")
            .write("b.txt", "b2\n")
            .remove("dir/c.txt");
        fx.write("dir/d.txt", "d\n");
        let repo = fx.open();
        repo.commit("only a and dir", &["a.txt".to_owned(), "dir".to_owned()])
            .expect("commit");
        assert_eq!(
            fx.git(&["show", "--name-status", "--format=", "HEAD"]),
            "M\ta.txt\nD\tdir/c.txt\nA\tdir/d.txt\n"
        );
        assert_eq!(fx.git_status(), vec![" M b.txt"]);
    }

    #[test]
    fn commit_a_deleted_file_by_path() {
        let fx = Fixture::with_commit(&[("a.txt", "a\n"), ("b.txt", "b\n")]);
        fx.remove("a.txt");
        fx.open()
            .commit("drop a", &["a.txt".to_owned()])
            .expect("commit");
        assert_eq!(fx.git(&["ls-files"]), "b.txt\n");
    }

    #[test]
    fn nothing_to_commit_is_a_conflict() {
        let fx = Fixture::with_commit(&[("a.txt", "a\n")]);
        let err = fx.open().commit("noop", &[]).expect_err("nothing");
        assert_kind(&err, ErrorKind::Conflict, "nothing to commit on `main`");
        let empty = Fixture::new();
        let err = empty.open().commit("noop", &[]).expect_err("nothing");
        assert_kind(&err, ErrorKind::Conflict, "nothing to commit");
    }

    #[test]
    fn empty_message_is_invalid() {
        let fx = Fixture::new();
        fx.write("a.txt", "a\n");
        let err = fx.open().commit("  \n\t", &[]).expect_err("empty");
        assert_kind(&err, ErrorKind::InvalidInput, "message is empty");
        assert!(fx.git(&["ls-files"]).is_empty(), "nothing was staged");
    }

    #[test]
    fn unknown_path_is_not_found() {
        let fx = Fixture::with_commit(&[("a.txt", "a\n")]);
        let err = fx
            .open()
            .commit("x", &["nope.txt".to_owned()])
            .expect_err("unknown");
        assert_kind(&err, ErrorKind::NotFound, "nope.txt");
    }

    #[test]
    fn commit_refuses_during_a_merge_conflict() {
        let fx = Fixture::conflicted_merge();
        let err = fx.open().commit("x", &[]).expect_err("merging");
        assert_kind(&err, ErrorKind::Conflict, "merge");
    }
}
