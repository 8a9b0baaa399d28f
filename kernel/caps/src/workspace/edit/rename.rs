//! `rename` (the WIT `move`): move one regular file to a new path.
//!
//! Owns: the move operation and its tests.
//!
//! Must never: replace anything at the destination, move a folder, symlink or
//! special file, move into or out of `.git`, or go through a symlink on either
//! side. Missing folders of the destination are created inside the root.

use super::super::{Workspace, WorkspaceError};
use super::atomic;
use super::change::{Change, ChangeKind};
use super::target::Parents;

impl Workspace {
    /// Moves the regular file at `from` to `to` (both relative to the root);
    /// `conflict` if anything exists at `to`. The content is unchanged, so the
    /// change's two hashes are equal.
    pub fn rename(&self, from: &str, to: &str) -> Result<Change, WorkspaceError> {
        let from_rel = self.edit_path(from)?;
        let to_rel = self.edit_path(to)?;
        if from_rel == to_rel {
            return Err(WorkspaceError::SameSourceAndDestination {
                path: from.to_owned(),
            });
        }
        let source = self.open_target(&from_rel, from, false)?;
        source.existing_file(from, &self.root)?;
        let probed = self.target(&to_rel, to, Parents::Probe)?;
        if let Some(destination) = &probed
            && destination.occupied(to, &self.root)?
        {
            return Err(WorkspaceError::DestinationExists {
                from: from.to_owned(),
                to: to.to_owned(),
            });
        }
        let sha256 = source.sha256(from, &self.root)?;
        let destination = match probed {
            Some(destination) => destination,
            None => self.open_target(&to_rel, to, true)?,
        };
        atomic::rename_file(
            (&source.dir, &source.name),
            (&destination.dir, &destination.name),
            from,
            &self.root,
        )?;
        tracing::debug!(from = %from_rel, to = %to_rel, "file moved");
        Ok(Change {
            path: to_rel,
            kind: ChangeKind::Renamed { from: from_rel },
            before_sha256: Some(sha256.clone()),
            after_sha256: Some(sha256),
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
    fn moves_a_file_into_a_new_folder_keeping_its_mode() {
        let fx = Fixture::new();
        fx.write("run.sh", "#!/bin/sh\n").chmod("run.sh", 0o750);
        let change = fx
            .open()
            .rename("run.sh", "scripts/bin/run.sh")
            .expect("move");
        let sha = Some(sha256_hex(b"#!/bin/sh\n"));
        assert_eq!(
            change,
            Change {
                path: "scripts/bin/run.sh".into(),
                kind: ChangeKind::Renamed {
                    from: "run.sh".into()
                },
                before_sha256: sha.clone(),
                after_sha256: sha,
            }
        );
        assert!(!fx.exists("run.sh"));
        assert_eq!(fx.read("scripts/bin/run.sh"), "#!/bin/sh\n");
        assert_eq!(fx.mode("scripts/bin/run.sh"), 0o750);
    }

    #[test]
    fn an_existing_destination_is_a_conflict() {
        let fx = Fixture::new();
        fx.write("a.txt", "a")
            .write("b.txt", "b")
            .mkdir("dir")
            .symlink("nowhere", "dangling");
        let ws = fx.open();
        for to in ["b.txt", "dir", "dangling", "./b.txt"] {
            let err = assert_refused(&fx, &ws, ErrorKind::Conflict, "already exists", |ws| {
                ws.rename("a.txt", to)
            });
            assert!(err.to_string().contains("cannot move `a.txt`"), "{err}");
        }
        assert_refused(&fx, &ws, ErrorKind::InvalidInput, "onto itself", |ws| {
            ws.rename("a.txt", "x/../a.txt")
        });
    }

    #[test]
    fn source_must_be_a_regular_file() {
        let fx = Fixture::new();
        fx.write("src/lib.rs", "")
            .symlink("src/lib.rs", "link")
            .mkfifo("pipe");
        let ws = fx.open();
        assert_refused(&fx, &ws, ErrorKind::NotFound, "does not exist", |ws| {
            ws.rename("missing.txt", "x.txt")
        });
        assert_refused(&fx, &ws, ErrorKind::InvalidInput, "is a directory", |ws| {
            ws.rename("src", "src2")
        });
        assert_refused(&fx, &ws, ErrorKind::Denied, "symlink", |ws| {
            ws.rename("link", "x")
        });
        assert_refused(&fx, &ws, ErrorKind::Denied, "named pipe", |ws| {
            ws.rename("pipe", "x")
        });
    }

    #[test]
    fn neither_side_may_leave_the_root_enter_git_or_cross_a_symlink() {
        let fx = Fixture::new();
        fx.write("a.txt", "a")
            .write(".git/config", "")
            .mkdir("docs")
            .symlink("docs", "docs-link")
            .symlink("..", "up");
        let ws = fx.open();
        for (from, to, kind, fragment) in [
            (
                "a.txt",
                "../a.txt",
                ErrorKind::Denied,
                "outside the project root",
            ),
            ("a.txt", "/tmp/a.txt", ErrorKind::Denied, "absolute path"),
            (
                "../secret.txt",
                "stolen.txt",
                ErrorKind::Denied,
                "outside the project root",
            ),
            (
                "a.txt",
                ".git/hooks/pre-commit",
                ErrorKind::Denied,
                "inside `.git`",
            ),
            ("a.txt", ".GIT/config", ErrorKind::Denied, "inside `.git`"),
            (".git/config", "config", ErrorKind::Denied, "inside `.git`"),
            (
                "a.txt",
                "docs-link/a.txt",
                ErrorKind::Denied,
                "symlink `docs-link`",
            ),
            ("a.txt", "up/a.txt", ErrorKind::Denied, "symlink `up`"),
            (
                "up/secret.txt",
                "stolen.txt",
                ErrorKind::Denied,
                "symlink `up`",
            ),
        ] {
            assert_refused(&fx, &ws, kind, fragment, |ws| ws.rename(from, to));
        }
    }
}
