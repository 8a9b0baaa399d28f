//! `apply_patch`: a unified diff over one or more files, all or nothing.
//!
//! Owns: turning parsed file sections into a plan (every path checked, every
//! file read and patched in memory, every result size-checked), then carrying
//! the plan out, and putting back what was already written if a later write
//! fails.
//!
//! Must never: write anything before every hunk of every file has applied in
//! memory; create or delete what a section does not say (`/dev/null`); patch a
//! file that is not UTF-8, has several hard links, is a symlink or lies in
//! `.git`; or touch one file twice (two sections for one path are refused).
//! The undo of a failed write phase is best effort (it is itself I/O): failures
//! are logged, and the error returned is the one that stopped the patch.

mod apply;
mod parse;

use std::collections::HashSet;

use super::super::{Workspace, WorkspaceError};
use super::atomic;
use super::change::{Change, ChangeKind, sha256_hex};
use super::target::Parents;
use parse::FilePatch;

/// One file's part of a checked patch.
struct Plan {
    /// Normalised path.
    rel: String,
    /// The path as the patch wrote it, for messages.
    shown: String,
    /// The content before (`None` when the patch creates the file).
    before: Option<String>,
    /// The content after (`None` when the patch deletes the file).
    after: Option<String>,
    /// The existing file's permission bits.
    mode: Option<u32>,
}

impl Workspace {
    /// Applies a unified diff (plain or git-style: `--- a/path`, `+++ b/path`,
    /// `/dev/null` to create or delete, any number of files and hunks). Either
    /// every file changes or none does: all hunks are checked against the current
    /// files before anything is written. A hunk that does not match fails with
    /// `conflict`, naming the file, the hunk and the first differing line.
    /// Returns one change per file, in patch order.
    pub fn apply_patch(&self, patch: &str) -> Result<Vec<Change>, WorkspaceError> {
        let files = parse::parse(patch)?;
        if files.is_empty() {
            return Err(WorkspaceError::PatchEmpty);
        }
        let mut seen = HashSet::new();
        let mut plans = Vec::with_capacity(files.len());
        for file in &files {
            let plan = self.plan(file)?;
            if !seen.insert(plan.rel.clone()) {
                return Err(WorkspaceError::PatchDuplicate { path: plan.shown });
            }
            plans.push(plan);
        }

        for (done, plan) in plans.iter().enumerate() {
            if let Err(err) = self.carry_out(plan) {
                tracing::warn!(path = %plan.rel, error = %err, "patch failed while writing; undoing");
                for written in plans[..done].iter().rev() {
                    self.undo(written);
                }
                return Err(err);
            }
        }
        tracing::debug!(files = plans.len(), "patch applied");
        Ok(plans.into_iter().map(Plan::into_change).collect())
    }

    /// Checks one section and computes its result, changing nothing.
    fn plan(&self, file: &FilePatch<'_>) -> Result<Plan, WorkspaceError> {
        let shown = file.path().to_owned();
        if let (Some(old), Some(new)) = (file.old_path, file.new_path)
            && self.edit_path(old)? != self.edit_path(new)?
        {
            return Err(WorkspaceError::PatchUnsupported {
                path: old.to_owned(),
                what: "renames the file",
                fix: "use move first, then patch the new path",
            });
        }
        let rel = self.edit_path(&shown)?;
        let patched = |before: &str| {
            apply::apply(before, &file.hunks).map_err(|mismatch| WorkspaceError::PatchMismatch {
                path: shown.clone(),
                hunk: mismatch.hunk,
                detail: mismatch.detail,
            })
        };

        if file.old_path.is_none() {
            if let Some(target) = self.target(&rel, &shown, Parents::Probe)?
                && target.occupied(&shown, &self.root)?
            {
                return Err(WorkspaceError::AlreadyExists { path: shown });
            }
            let after = patched("")?;
            self.check_write_size(&shown, after.len())?;
            return Ok(Plan {
                rel,
                shown,
                before: None,
                after: Some(after),
                mode: None,
            });
        }

        let target = self.open_target(&rel, &shown, false)?;
        let existing = target.existing_file(&shown, &self.root)?;
        let before = target.read_text(self.limits.max_write_bytes, &shown, &self.root)?;
        let after = patched(&before)?;
        if file.new_path.is_none() {
            // Deleting removes only this name: like `delete`, allowed with hard links.
            if !after.is_empty() {
                return Err(WorkspaceError::PatchIncompleteDelete { path: shown });
            }
            return Ok(Plan {
                rel,
                shown,
                before: Some(before),
                after: None,
                mode: Some(existing.mode),
            });
        }
        existing.refuse_hard_links(&shown)?;
        self.check_write_size(&shown, after.len())?;
        Ok(Plan {
            rel,
            shown,
            before: Some(before),
            after: Some(after),
            mode: Some(existing.mode),
        })
    }

    /// Writes one planned file (its checks repeated on the handles used).
    fn carry_out(&self, plan: &Plan) -> Result<(), WorkspaceError> {
        let shown = plan.shown.as_str();
        match &plan.after {
            Some(after) if plan.before.is_none() => {
                let target = self.open_target(&plan.rel, shown, true)?;
                if target.occupied(shown, &self.root)? {
                    return Err(WorkspaceError::AlreadyExists {
                        path: shown.to_owned(),
                    });
                }
                atomic::write_file(
                    &target.dir,
                    &target.name,
                    after.as_bytes(),
                    None,
                    shown,
                    &self.root,
                )
            }
            Some(after) => {
                let target = self.open_target(&plan.rel, shown, false)?;
                let existing = target.existing_file(shown, &self.root)?;
                existing.refuse_hard_links(shown)?;
                atomic::write_file(
                    &target.dir,
                    &target.name,
                    after.as_bytes(),
                    Some(existing.mode),
                    shown,
                    &self.root,
                )
            }
            None => {
                let target = self.open_target(&plan.rel, shown, false)?;
                target.existing_file(shown, &self.root)?;
                atomic::remove_file(&target.dir, &target.name, shown, &self.root)
            }
        }
    }

    /// Puts back one file [`Workspace::carry_out`] already changed (best effort).
    fn undo(&self, plan: &Plan) {
        let shown = plan.shown.as_str();
        let undone = match &plan.before {
            None => self
                .open_target(&plan.rel, shown, false)
                .and_then(|target| {
                    atomic::remove_file(&target.dir, &target.name, shown, &self.root)
                }),
            Some(before) => self.open_target(&plan.rel, shown, true).and_then(|target| {
                atomic::write_file(
                    &target.dir,
                    &target.name,
                    before.as_bytes(),
                    plan.mode,
                    shown,
                    &self.root,
                )
            }),
        };
        if let Err(err) = undone {
            tracing::error!(path = %plan.rel, error = %err, "could not undo a partly applied patch");
        }
    }
}

impl Plan {
    fn into_change(self) -> Change {
        let kind = match (&self.before, &self.after) {
            (None, _) => ChangeKind::Created,
            (_, None) => ChangeKind::Deleted,
            _ => ChangeKind::Modified,
        };
        Change {
            path: self.rel,
            kind,
            before_sha256: self
                .before
                .as_deref()
                .map(|text| sha256_hex(text.as_bytes())),
            after_sha256: self
                .after
                .as_deref()
                .map(|text| sha256_hex(text.as_bytes())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;
    use crate::workspace::WorkspaceLimits;
    use crate::workspace::testing::{Fixture, assert_refused};

    const MAIN: &str = "fn main() {\n    println!(\"hello\");\n}\n";

    #[test]
    fn applies_a_git_style_patch_to_one_file() {
        let fx = Fixture::new();
        fx.write("src/main.rs", MAIN);
        let patch = "diff --git a/src/main.rs b/src/main.rs\nindex 3b18e51..a042389 100644\n--- a/src/main.rs\n+++ b/src/main.rs\n@@ -1,3 +1,4 @@\n fn main() {\n-    println!(\"hello\");\n+    println!(\"hello, world\");\n+    std::process::exit(0);\n }\n";
        let changes = fx.open().apply_patch(patch).expect("patch");
        let after = "fn main() {\n    println!(\"hello, world\");\n    std::process::exit(0);\n}\n";
        assert_eq!(fx.read("src/main.rs"), after);
        assert_eq!(
            changes,
            vec![Change {
                path: "src/main.rs".into(),
                kind: ChangeKind::Modified,
                before_sha256: Some(sha256_hex(MAIN.as_bytes())),
                after_sha256: Some(sha256_hex(after.as_bytes())),
            }]
        );
        fx.assert_no_temp_files();
    }

    #[test]
    fn several_files_and_hunks() {
        let fx = Fixture::new();
        fx.write("a.txt", "1\n2\n3\n4\n5\n6\n7\n8\n9\n")
            .write("b.txt", "x\n");
        let patch = "--- a/a.txt\n+++ b/a.txt\n@@ -1,2 +1,2 @@\n-1\n+one\n 2\n@@ -8,2 +8,3 @@\n 8\n 9\n+ten\n--- a/b.txt\n+++ b/b.txt\n@@ -1 +1 @@\n-x\n+y\n";
        let changes = fx.open().apply_patch(patch).expect("patch");
        assert_eq!(fx.read("a.txt"), "one\n2\n3\n4\n5\n6\n7\n8\n9\nten\n");
        assert_eq!(fx.read("b.txt"), "y\n");
        let paths: Vec<_> = changes.iter().map(|change| change.path.as_str()).collect();
        assert_eq!(paths, ["a.txt", "b.txt"]);
    }

    #[test]
    fn a_failing_second_file_leaves_the_first_unchanged() {
        let fx = Fixture::new();
        fx.write("a.txt", "a\n").write("b.txt", "one\ntwo\nthree\n");
        let ws = fx.open();
        let patch = "--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 @@\n-a\n+A\n--- a/b.txt\n+++ b/b.txt\n@@ -1,3 +1,3 @@\n one\n-TWO\n+2\n three\n";
        let err = assert_refused(
            &fx,
            &ws,
            ErrorKind::Conflict,
            "hunk `@@ -1,3 +1,3 @@` of `b.txt`",
            |ws| ws.apply_patch(patch),
        );
        assert!(
            err.to_string()
                .contains("line 2 should be `TWO` but is `two`"),
            "{err}"
        );
        assert_eq!(fx.read("a.txt"), "a\n");
    }

    #[test]
    fn creates_and_deletes_files() {
        let fx = Fixture::new();
        fx.write("old.txt", "bye\nnow\n");
        let patch = "diff --git a/new/dir/hello.txt b/new/dir/hello.txt\nnew file mode 100644\n--- /dev/null\n+++ b/new/dir/hello.txt\n@@ -0,0 +1,2 @@\n+hello\n+world\ndiff --git a/old.txt b/old.txt\ndeleted file mode 100644\n--- a/old.txt\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-bye\n-now\ndiff --git a/empty b/empty\nnew file mode 100644\nindex 0000000..e69de29\n";
        let changes = fx.open().apply_patch(patch).expect("patch");
        assert_eq!(fx.read("new/dir/hello.txt"), "hello\nworld\n");
        assert!(!fx.exists("old.txt"));
        assert_eq!(fx.read("empty"), "");
        let kinds: Vec<_> = changes.iter().map(|change| change.kind.clone()).collect();
        assert_eq!(
            kinds,
            [
                ChangeKind::Created,
                ChangeKind::Deleted,
                ChangeKind::Created
            ]
        );
        assert_eq!(changes[1].after_sha256, None);
        assert_eq!(changes[0].before_sha256, None);
        fx.assert_no_temp_files();
    }

    #[test]
    fn create_and_delete_must_match_the_disk() {
        let fx = Fixture::new();
        fx.write("exists.txt", "x\n").write("keep.txt", "a\nb\n");
        let ws = fx.open();
        assert_refused(
            &fx,
            &ws,
            ErrorKind::Conflict,
            "`exists.txt` already exists",
            |ws| ws.apply_patch("--- /dev/null\n+++ b/exists.txt\n@@ -0,0 +1 @@\n+y\n"),
        );
        assert_refused(&fx, &ws, ErrorKind::Conflict, "do not remove all", |ws| {
            ws.apply_patch("--- a/keep.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-a\n")
        });
        assert_refused(&fx, &ws, ErrorKind::NotFound, "does not exist", |ws| {
            ws.apply_patch("--- a/missing.txt\n+++ b/missing.txt\n@@ -1 +1 @@\n-a\n+b\n")
        });
    }

    #[test]
    fn malformed_empty_renaming_and_duplicate_patches_are_refused() {
        let fx = Fixture::new();
        fx.write("a.txt", "a\n").write("b.txt", "b\n");
        let ws = fx.open();
        for (patch, fragment) in [
            ("", "changes no file"),
            ("just some words\n", "changes no file"),
            (
                "--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 @@\n-a\n",
                "ends inside hunk",
            ),
            (
                "--- a/a.txt\n+++ b/b.txt\n@@ -1 +1 @@\n-a\n+b\n",
                "renames the file",
            ),
            (
                "--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 @@\n-a\n+x\n--- a/./a.txt\n+++ b/./a.txt\n@@ -1 +1 @@\n-a\n+y\n",
                "in two separate sections",
            ),
        ] {
            assert_refused(&fx, &ws, ErrorKind::InvalidInput, fragment, |ws| {
                ws.apply_patch(patch)
            });
        }
    }

    #[test]
    fn patch_paths_follow_the_write_rules() {
        let fx = Fixture::new();
        fx.write("a.txt", "a\n")
            .write(".git/config", "a\n")
            .symlink("a.txt", "link")
            .symlink("..", "up");
        std::fs::hard_link(fx.root().join("a.txt"), fx.root().join("hard")).expect("link");
        let ws = fx.open();
        let modify = |path: &str| format!("--- a/{path}\n+++ b/{path}\n@@ -1 +1 @@\n-a\n+b\n");
        let create = |path: &str| format!("--- /dev/null\n+++ b/{path}\n@@ -0,0 +1 @@\n+b\n");
        for (patch, kind, fragment) in [
            (
                modify("../secret.txt"),
                ErrorKind::Denied,
                "outside the project root",
            ),
            (
                create("../pwned.txt"),
                ErrorKind::Denied,
                "outside the project root",
            ),
            (create("/tmp/pwned.txt"), ErrorKind::Denied, "absolute path"),
            (modify(".git/config"), ErrorKind::Denied, "inside `.git`"),
            (
                create(".GIT/hooks/pre-commit"),
                ErrorKind::Denied,
                "inside `.git`",
            ),
            (modify("link"), ErrorKind::Denied, "symlink"),
            (create("up/pwned.txt"), ErrorKind::Denied, "symlink `up`"),
            (modify("hard"), ErrorKind::Denied, "hard links"),
        ] {
            assert_refused(&fx, &ws, kind, fragment, |ws| ws.apply_patch(&patch));
        }
        assert!(!fx.tmp.path().join("pwned.txt").exists());
    }

    #[test]
    fn crlf_executable_bits_and_missing_final_newline_are_kept() {
        let fx = Fixture::new();
        fx.write("win.bat", "@echo off\r\necho hi\r\n")
            .write("run.sh", "#!/bin/sh\necho hi")
            .chmod("run.sh", 0o755);
        let patch = "--- a/win.bat\n+++ b/win.bat\n@@ -1,2 +1,3 @@\n @echo off\n-echo hi\n+echo bye\n+exit /b 0\n--- a/run.sh\n+++ b/run.sh\n@@ -1,2 +1,2 @@\n #!/bin/sh\n-echo hi\n+echo bye\n";
        fx.open().apply_patch(patch).expect("patch");
        assert_eq!(fx.read("win.bat"), "@echo off\r\necho bye\r\nexit /b 0\r\n");
        assert_eq!(fx.read("run.sh"), "#!/bin/sh\necho bye");
        assert_eq!(fx.mode("run.sh"), 0o755);
    }

    #[test]
    fn non_utf8_and_oversize_files_are_refused() {
        let fx = Fixture::new();
        fx.write("latin1.txt", b"caf\xe9\n")
            .write("small.txt", "a\n");
        let ws = fx.open_with(WorkspaceLimits {
            max_write_bytes: 8,
            ..WorkspaceLimits::default()
        });
        assert_refused(
            &fx,
            &ws,
            ErrorKind::InvalidInput,
            "is not UTF-8 text",
            |ws| ws.apply_patch("--- a/latin1.txt\n+++ b/latin1.txt\n@@ -1 +1 @@\n-caf\n+bar\n"),
        );
        assert_refused(&fx, &ws, ErrorKind::TooLarge, "per write", |ws| {
            ws.apply_patch("--- a/small.txt\n+++ b/small.txt\n@@ -1 +1 @@\n-a\n+0123456789\n")
        });
    }

    #[test]
    fn undo_puts_back_what_a_failed_write_phase_changed() {
        // The write phase only fails on I/O errors, which tests cannot cause
        // reliably (they may run as root), so carry out and undo each kind of plan.
        let fx = Fixture::new();
        fx.write("mod.txt", "before\n")
            .chmod("mod.txt", 0o640)
            .write("del.txt", "gone\n")
            .chmod("del.txt", 0o600);
        let ws = fx.open();
        let start = fx.snapshot();
        let plans = [
            Plan {
                rel: "mod.txt".into(),
                shown: "mod.txt".into(),
                before: Some("before\n".into()),
                after: Some("after\n".into()),
                mode: Some(0o640),
            },
            Plan {
                rel: "del.txt".into(),
                shown: "del.txt".into(),
                before: Some("gone\n".into()),
                after: None,
                mode: Some(0o600),
            },
            Plan {
                rel: "new.txt".into(),
                shown: "new.txt".into(),
                before: None,
                after: Some("new\n".into()),
                mode: None,
            },
        ];
        for plan in &plans {
            ws.carry_out(plan).expect("carry out");
        }
        assert_eq!(fx.read("mod.txt"), "after\n");
        assert!(!fx.exists("del.txt"));
        assert_eq!(fx.read("new.txt"), "new\n");
        for plan in plans.iter().rev() {
            ws.undo(plan);
        }
        assert!(fx.snapshot() == start, "undo did not restore the tree");
        fx.assert_no_temp_files();
    }
}

/// What a patch does to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchAction {
    /// `--- /dev/null`: a new file.
    Create,
    /// `+++ /dev/null`: the file is deleted.
    Delete,
    /// The file's content changes.
    Modify,
}

/// The files a patch names and what it does to each, without touching the disk,
/// so the kernel can check each path against manifest and policy before applying.
pub fn patch_paths(patch: &str) -> Result<Vec<(String, PatchAction)>, WorkspaceError> {
    Ok(parse::parse(patch)?
        .iter()
        .map(|file| {
            let action = match (file.old_path, file.new_path) {
                (None, _) => PatchAction::Create,
                (_, None) => PatchAction::Delete,
                _ => PatchAction::Modify,
            };
            (file.path().to_string(), action)
        })
        .collect())
}
