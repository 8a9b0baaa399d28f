//! `delete`: remove one regular file.
//!
//! Owns: the delete operation and its tests.
//!
//! Must never: delete a folder, a symlink (even one inside the root: the link
//! itself is not a file the plugin was shown), a special file or anything in
//! `.git`. A file with several hard links may be deleted: only this name goes,
//! the shared content is untouched.

use super::super::{Workspace, WorkspaceError};
use super::atomic;
use super::change::{Change, ChangeKind};

impl Workspace {
    /// Deletes the regular file at `path`; `not-found` if there is none.
    /// Folders left empty stay.
    pub fn delete(&self, path: &str) -> Result<Change, WorkspaceError> {
        let rel = self.edit_path(path)?;
        let target = self.open_target(&rel, path, false)?;
        target.existing_file(path, &self.root)?;
        let before_sha256 = target.sha256(path, &self.root)?;
        atomic::remove_file(&target.dir, &target.name, path, &self.root)?;
        tracing::debug!(path = %rel, "file deleted");
        Ok(Change {
            path: rel,
            kind: ChangeKind::Deleted,
            before_sha256: Some(before_sha256),
            after_sha256: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::change::sha256_hex;
    use crate::ErrorKind;
    use crate::workspace::testing::{Fixture, assert_refused};
    use crate::workspace::{Change, ChangeKind};

    #[test]
    fn deletes_a_file_and_keeps_its_folder() {
        let fx = Fixture::new();
        fx.write("src/old.rs", "// old\n");
        let change = fx.open().delete("src/old.rs").expect("delete");
        assert_eq!(
            change,
            Change {
                path: "src/old.rs".into(),
                kind: ChangeKind::Deleted,
                before_sha256: Some(sha256_hex(b"// old\n")),
                after_sha256: None,
            }
        );
        assert!(!fx.exists("src/old.rs"));
        assert!(fx.exists("src"));
    }

    #[test]
    fn missing_files_are_not_found() {
        let fx = Fixture::new();
        let ws = fx.open();
        for path in ["nope.txt", "no/such/dir/file"] {
            assert_refused(&fx, &ws, ErrorKind::NotFound, "does not exist", |ws| {
                ws.delete(path)
            });
        }
    }

    #[test]
    fn only_regular_files_outside_git_can_be_deleted() {
        let fx = Fixture::new();
        fx.write("src/lib.rs", "")
            .write(".git/HEAD", "ref: x\n")
            .symlink("src/lib.rs", "lib-link")
            .symlink("../secret.txt", "secret")
            .symlink("src", "src-link")
            .mkfifo("pipe");
        let ws = fx.open();
        assert_refused(&fx, &ws, ErrorKind::InvalidInput, "is a directory", |ws| {
            ws.delete("src")
        });
        for path in ["lib-link", "secret", "src-link", "src-link/lib.rs"] {
            assert_refused(&fx, &ws, ErrorKind::Denied, "symlink", |ws| ws.delete(path));
        }
        assert_refused(&fx, &ws, ErrorKind::Denied, "named pipe", |ws| {
            ws.delete("pipe")
        });
        for path in [".git/HEAD", ".GIT/HEAD", ".git"] {
            assert_refused(&fx, &ws, ErrorKind::Denied, "inside `.git`", |ws| {
                ws.delete(path)
            });
        }
        for path in ["../secret.txt", "/etc/passwd"] {
            assert_refused(&fx, &ws, ErrorKind::Denied, "", |ws| ws.delete(path));
        }
    }

    #[test]
    fn deleting_a_hard_link_removes_only_that_name() {
        let fx = Fixture::new();
        std::fs::hard_link(fx.tmp.path().join("secret.txt"), fx.root().join("hard"))
            .expect("link outside");
        fx.open().delete("hard").expect("delete the inside name");
        assert!(!fx.exists("hard"));
        assert_eq!(
            std::fs::read_to_string(fx.tmp.path().join("secret.txt")).expect("secret"),
            "outside secret"
        );
    }
}
