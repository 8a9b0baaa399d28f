//! What changed between two snapshots, file by file, as unified diffs.
//!
//! Owns: [`FileDiff`] and [`Repo::snapshot_diff`], which the orchestrator uses to
//! show a command's changes (the snapshot before its first write against the one
//! after its last). Binary files get a one-line note instead of a patch.

use git2::{DiffOptions, Patch};

use crate::{GitError, Repo};

/// One changed file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileDiff {
    /// Path relative to the work-tree root (the new path of a rename).
    pub path: String,
    /// The unified diff, as `git diff` prints it.
    pub diff: String,
}

impl Repo {
    /// The files that differ between snapshots `before` and `after`, each with its
    /// unified diff, in path order.
    pub fn snapshot_diff(&self, before: &str, after: &str) -> Result<Vec<FileDiff>, GitError> {
        let (_, before_commit) = self.resolve_snapshot(before)?;
        let (_, after_commit) = self.resolve_snapshot(after)?;
        let reading = GitError::git("reading a snapshot tree");
        let before_tree = before_commit.tree().map_err(reading)?;
        let after_tree = after_commit
            .tree()
            .map_err(GitError::git("reading a snapshot tree"))?;
        let mut options = DiffOptions::new();
        options.context_lines(3);
        let diff = self
            .repo
            .diff_tree_to_tree(Some(&before_tree), Some(&after_tree), Some(&mut options))
            .map_err(GitError::git("comparing two snapshots"))?;
        let mut files = Vec::new();
        for index in 0..diff.deltas().len() {
            let Some(delta) = diff.get_delta(index) else {
                continue;
            };
            let path = delta
                .new_file()
                .path()
                .or_else(|| delta.old_file().path())
                .map(|p| p.to_string_lossy().replace('\\', "/"))
                .unwrap_or_default();
            let text = match Patch::from_diff(&diff, index)
                .map_err(GitError::git("printing a snapshot diff"))?
            {
                Some(mut patch) => {
                    let buf = patch
                        .to_buf()
                        .map_err(GitError::git("printing a snapshot diff"))?;
                    String::from_utf8_lossy(&buf).into_owned()
                }
                None => format!("Binary file {path} changed\n"),
            };
            files.push(FileDiff { path, diff: text });
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(files)
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::*;

    #[test]
    fn the_diff_between_snapshots_names_each_changed_file() {
        let fx = Fixture::with_commit(&[("a.txt", "one\ntwo\n"), ("b.txt", "bee\n")]);
        let repo = fx.open();
        let before = repo.snapshot("before").expect("snapshot");
        fx.write("a.txt", "one\n2\n");
        fx.write("c.txt", "new\n");
        let after = repo.snapshot("after").expect("snapshot");
        let files = repo.snapshot_diff(&before.id, &after.id).expect("diff");
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["a.txt", "c.txt"]);
        assert!(files[0].diff.contains("-two\n+2\n"), "{}", files[0].diff);
        assert!(files[0].diff.starts_with("diff --git a/a.txt b/a.txt"));
        assert!(files[1].diff.contains("+new\n"), "{}", files[1].diff);
    }

    #[test]
    fn an_unknown_snapshot_is_an_error() {
        let fx = Fixture::with_commit(&[("a.txt", "one\n")]);
        let repo = fx.open();
        let before = repo.snapshot("before").expect("snapshot");
        assert!(
            repo.snapshot_diff(&before.id, "1234567890123-0001")
                .is_err()
        );
    }
}
