//! Snapshots: the full state of the work tree, recorded for undo.
//!
//! Owns: [`Snapshot`], recording the work tree as a commit under the private
//! ref `refs/ralex/snapshots/<id>` (parent: HEAD, if any), listing snapshots,
//! and resolving an id back to its commit.
//!
//! A snapshot holds tracked files as they are on disk (staged or not) and
//! untracked files that are not ignored; never ignored files and never `.git`.
//! Because it is a ref, `git gc` keeps it.
//!
//! Must never: move HEAD or a branch, write the index, touch the work tree or
//! the stash. The tree is built in a [`Scratch`] index.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use git2::{ErrorCode, Oid};

use crate::scratch::Scratch;
use crate::{GitError, Repo};

/// Where snapshots live.
pub(crate) const SNAPSHOT_REFS: &str = "refs/ralex/snapshots/";

/// How many ids one millisecond may hand out before giving up.
const MAX_PER_MILLI: u32 = 10_000;

/// A recorded state of the work tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    /// The id, `<unix-millis>-<counter>` (13 and 4 digits), sortable by time.
    pub id: String,
    /// The id of the snapshot commit.
    pub commit: String,
    /// The label given when it was taken.
    pub label: String,
    /// When it was taken, in seconds since the Unix epoch.
    pub time: i64,
}

impl Repo {
    /// Records the full current state of the work tree as a snapshot. Changes
    /// nothing the user sees: HEAD, branches, index, work tree and stash stay.
    pub fn snapshot(&self, label: &str) -> Result<Snapshot, GitError> {
        let tree_id = Scratch::new(self)?.capture_all()?;
        let tree = self
            .repo
            .find_tree(tree_id)
            .map_err(GitError::git("reading the snapshot tree"))?;
        let parent = self.head_commit()?;
        let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
        let signature = self.signature()?;
        let commit_id = self
            .repo
            .commit(None, &signature, &signature, label, &tree, &parents)
            .map_err(GitError::git("recording the snapshot"))?;
        let id = self.claim_id(commit_id)?;
        tracing::debug!(%id, commit = %commit_id, "snapshot taken");
        Ok(Snapshot {
            id,
            commit: commit_id.to_string(),
            label: label.to_owned(),
            time: signature.when().seconds(),
        })
    }

    /// Every snapshot of the repository, oldest first.
    pub fn snapshots(&self) -> Result<Vec<Snapshot>, GitError> {
        let listing = GitError::git("listing the snapshots");
        let refs = self
            .repo
            .references_glob(&format!("{SNAPSHOT_REFS}*"))
            .map_err(listing)?;
        let mut snapshots = Vec::new();
        for reference in refs {
            let reference = reference.map_err(GitError::git("listing the snapshots"))?;
            let Some(id) = reference
                .name()
                .and_then(|name| name.strip_prefix(SNAPSHOT_REFS))
            else {
                continue;
            };
            let id = id.to_owned();
            let commit = reference
                .peel_to_commit()
                .map_err(GitError::git("reading a snapshot"))?;
            snapshots.push(describe(id, &commit));
        }
        snapshots.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(snapshots)
    }

    /// Deletes snapshot `id` (its objects go at the next `git gc`).
    pub fn drop_snapshot(&self, id: &str) -> Result<(), GitError> {
        let (_, _) = self.resolve_snapshot(id)?;
        let mut reference = self
            .repo
            .find_reference(&format!("{SNAPSHOT_REFS}{id}"))
            .map_err(GitError::git("finding the snapshot"))?;
        reference
            .delete()
            .map_err(GitError::git("deleting the snapshot"))
    }

    /// The snapshot `id` and its commit; [`GitError::SnapshotNotFound`] when unknown.
    pub(crate) fn resolve_snapshot(
        &self,
        id: &str,
    ) -> Result<(Snapshot, git2::Commit<'_>), GitError> {
        if !is_valid_id(id) {
            return Err(GitError::InvalidSnapshotId { id: id.to_owned() });
        }
        let reference = match self.repo.find_reference(&format!("{SNAPSHOT_REFS}{id}")) {
            Ok(reference) => reference,
            Err(err) if err.code() == ErrorCode::NotFound => {
                return Err(GitError::SnapshotNotFound { id: id.to_owned() });
            }
            Err(err) => return Err(GitError::git("finding the snapshot")(err)),
        };
        let commit = reference
            .peel_to_commit()
            .map_err(GitError::git("reading the snapshot"))?;
        Ok((describe(id.to_owned(), &commit), commit))
    }

    /// Creates the ref for `commit` under a fresh id and returns the id.
    fn claim_id(&self, commit: Oid) -> Result<String, GitError> {
        static LAST_MILLIS: AtomicU64 = AtomicU64::new(0);
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0);
        // Never go backwards within this process, even if the clock does.
        let millis = LAST_MILLIS.fetch_max(now, Ordering::SeqCst).max(now);
        for counter in 0..MAX_PER_MILLI {
            let id = format!("{millis:013}-{counter:04}");
            match self.repo.reference(
                &format!("{SNAPSHOT_REFS}{id}"),
                commit,
                false,
                "ralex snapshot",
            ) {
                Ok(_) => return Ok(id),
                Err(err) if err.code() == ErrorCode::Exists => continue,
                Err(err) => return Err(GitError::git("storing the snapshot")(err)),
            }
        }
        Err(GitError::git("storing the snapshot")(
            git2::Error::from_str("too many snapshots in one millisecond"),
        ))
    }
}

/// The [`Snapshot`] for `commit` stored under `id`.
fn describe(id: String, commit: &git2::Commit<'_>) -> Snapshot {
    Snapshot {
        id,
        commit: commit.id().to_string(),
        label: String::from_utf8_lossy(commit.message_bytes()).into_owned(),
        time: commit.time().seconds(),
    }
}

/// Ids are what [`Repo::snapshot`] hands out: digits and `-`, nothing that
/// could climb out of `refs/ralex/snapshots/`.
fn is_valid_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_digit() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use ralex_caps::ErrorKind;

    /// Files of a commit's tree, as `path` → contents.
    fn tree_files(fx: &Fixture, commit: &str) -> Vec<(String, String)> {
        fx.git(&["ls-tree", "-r", "--name-only", commit])
            .lines()
            .map(|path| {
                (
                    path.to_owned(),
                    fx.git(&["show", &format!("{commit}:{path}")]),
                )
            })
            .collect()
    }

    /// What `git` sees of HEAD, index, work tree and stash.
    fn git_state(fx: &Fixture) -> (String, String, Vec<String>, String, String) {
        (
            fx.git(&["rev-parse", "HEAD"]),
            fx.git(&["ls-files", "--stage"]),
            fx.git_status(),
            fx.git(&["stash", "list"]),
            fx.git(&["for-each-ref", "refs/heads", "refs/tags"]),
        )
    }

    #[test]
    fn snapshot_records_modified_untracked_and_staged_files_but_not_ignored() {
        let fx = Fixture::with_commit(&[
            ("a.txt", "a\n"),
            ("b.txt", "b\n"),
            ("gone.txt", "g\n"),
            (".gitignore", "*.log\ntarget/\n"),
        ]);
        fx.write("a.txt", "modified, unstaged\n");
        fx.write("b.txt", "staged\n");
        fx.git(&["add", "b.txt"]);
        fx.write("b.txt", "staged then edited\n");
        fx.remove("gone.txt");
        fx.write("new/untracked.txt", "untracked\n");
        fx.write("debug.log", "ignored\n");
        fx.write("target/out.bin", "ignored\n");
        let repo = fx.open();
        let snap = repo.snapshot("before edit").expect("snapshot");

        let files = tree_files(&fx, &snap.commit);
        assert_eq!(
            files,
            vec![
                (".gitignore".to_owned(), "*.log\ntarget/\n".to_owned()),
                ("a.txt".to_owned(), "modified, unstaged\n".to_owned()),
                ("b.txt".to_owned(), "staged then edited\n".to_owned()),
                ("new/untracked.txt".to_owned(), "untracked\n".to_owned()),
            ]
        );
        assert_eq!(
            fx.git(&["rev-parse", &format!("{}^", snap.commit)]),
            fx.git(&["rev-parse", "HEAD"])
        );
        assert_eq!(
            fx.git(&["rev-parse", &format!("refs/ralex/snapshots/{}", snap.id)])
                .trim(),
            snap.commit
        );
        assert_eq!(snap.label, "before edit");
    }

    #[test]
    fn snapshot_changes_nothing_git_shows() {
        let fx = Fixture::with_commit(&[("a.txt", "a\n"), ("b.txt", "b\n")]);
        fx.write("a.txt", "edited\n");
        fx.write("b.txt", "staged\n");
        fx.git(&["add", "b.txt"]);
        fx.write("c.txt", "new\n");
        fx.write("s.txt", "stashed\n");
        fx.git(&["stash", "push", "-q", "-u", "--", "s.txt"]);
        let index_before = std::fs::read(fx.path(".git/index")).expect("index");
        let state = git_state(&fx);

        let repo = fx.open();
        repo.snapshot("one").expect("snapshot");
        repo.snapshot("two").expect("snapshot");

        assert_eq!(git_state(&fx), state);
        assert_eq!(
            std::fs::read(fx.path(".git/index")).expect("index"),
            index_before
        );
        assert_eq!(fx.read("a.txt").as_deref(), Some("edited\n"));
        assert_eq!(fx.read("c.txt").as_deref(), Some("new\n"));
    }

    #[test]
    fn snapshot_in_a_repository_without_commits() {
        let fx = Fixture::new();
        fx.write("a.txt", "a\n");
        let repo = fx.open();
        let snap = repo.snapshot("first").expect("snapshot");
        assert_eq!(
            tree_files(&fx, &snap.commit),
            vec![("a.txt".to_owned(), "a\n".to_owned())]
        );
        assert_eq!(fx.git(&["rev-list", "--count", &snap.commit]).trim(), "1");
        assert!(repo.log(5).expect("log").is_empty(), "HEAD stays unborn");
        assert_eq!(fx.git_status(), vec!["?? a.txt"]);
    }

    #[test]
    fn snapshots_are_listed_in_order_with_unique_sortable_ids() {
        let fx = Fixture::with_commit(&[("a.txt", "a\n")]);
        let repo = fx.open();
        let taken: Vec<Snapshot> = (0..5)
            .map(|i| repo.snapshot(&format!("s{i}")).expect("snapshot"))
            .collect();
        let listed = repo.snapshots().expect("list");
        assert_eq!(listed, taken);
        let mut ids: Vec<&str> = taken.iter().map(|s| s.id.as_str()).collect();
        ids.dedup();
        assert_eq!(ids.len(), 5);
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
        assert!(taken.iter().all(|s| s.id.len() == 18 && is_valid_id(&s.id)));
    }

    #[test]
    fn snapshots_survive_gc() {
        let fx = Fixture::with_commit(&[("a.txt", "a\n")]);
        fx.write("a.txt", "only in the snapshot\n");
        let snap = fx.open().snapshot("keep me").expect("snapshot");
        fx.git(&["gc", "-q", "--prune=now"]);
        assert_eq!(
            fx.git(&["show", &format!("{}:a.txt", snap.commit)]),
            "only in the snapshot\n"
        );
        assert_eq!(fx.open().snapshots().expect("list"), vec![snap]);
    }

    #[test]
    fn drop_snapshot_removes_it() {
        let fx = Fixture::with_commit(&[("a.txt", "a\n")]);
        let repo = fx.open();
        let one = repo.snapshot("one").expect("snapshot");
        let two = repo.snapshot("two").expect("snapshot");
        repo.drop_snapshot(&one.id).expect("drop");
        assert_eq!(repo.snapshots().expect("list"), vec![two]);
        let err = repo.drop_snapshot(&one.id).expect_err("gone");
        assert_kind(&err, ErrorKind::NotFound, &one.id);
    }

    #[test]
    fn malformed_ids_are_invalid_input() {
        let fx = Fixture::with_commit(&[("a.txt", "a\n")]);
        let repo = fx.open();
        for bad in ["", "../../heads/main", "abc", "1/2"] {
            let err = repo.resolve_snapshot(bad).map(|_| ()).expect_err(bad);
            assert_kind(&err, ErrorKind::InvalidInput, "not a snapshot id");
        }
    }
}
