//! `list` (one directory, optionally recursive) and `files` (every file, for the
//! kernel's resolver).
//!
//! Owns: the listing operations, their entry type and the entry limit.
//!
//! Must never: list `.git` or `.gitignore`d entries, follow symlinked
//! directories (they are reported as [`EntryKind::Symlink`]), or silently
//! truncate: past `max_list_entries` the call fails with `limit-exceeded`.

use std::ops::ControlFlow;
use std::sync::Arc;

use super::files_cache::{FilesCache, stamp};
use super::walk::Depth;
use super::{Workspace, WorkspaceError, path};

/// What a directory entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntryKind {
    /// A regular file.
    File,
    /// A directory.
    Directory,
    /// A symbolic link (never followed by `list`).
    Symlink,
}

/// One entry of a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Path relative to the project root, `/`-separated.
    pub path: String,
    /// File, directory or symlink.
    pub kind: EntryKind,
    /// Size in bytes (0 for directories; a symlink's own size).
    pub size: u64,
}

impl Workspace {
    /// Lists `dir` (`""` or `"."` for the root), sorted by path.
    ///
    /// Paths in the result are relative to the project root, not to `dir`.
    pub fn list(&self, dir: &str, recursive: bool) -> Result<Vec<Entry>, WorkspaceError> {
        let rel = path::normalize(dir, &self.root)?;
        let shown = if dir.is_empty() { "." } else { dir };
        if path::is_in_git_dir(&rel) {
            return Err(WorkspaceError::GitDir {
                path: shown.to_owned(),
            });
        }
        if !rel.is_empty() {
            let metadata = self
                .dir
                .metadata(&rel)
                .map_err(|source| WorkspaceError::from_io(source, shown, &self.root))?;
            if !metadata.is_dir() {
                return Err(WorkspaceError::IsFile {
                    path: shown.to_owned(),
                });
            }
        }

        let limit = self.limits.max_list_entries;
        let depth = if recursive {
            Depth::Recursive
        } else {
            Depth::Shallow
        };
        let mut entries = Vec::new();
        self.walk(&rel, shown, depth, &mut |visited| {
            if entries.len() >= limit {
                return Err(WorkspaceError::TooManyEntries {
                    path: shown.to_owned(),
                    limit,
                });
            }
            let size = match visited.kind {
                EntryKind::Directory => 0,
                EntryKind::File | EntryKind::Symlink => {
                    visited.entry.metadata().map(|m| m.len()).unwrap_or(0)
                }
            };
            entries.push(Entry {
                path: visited.path.to_owned(),
                kind: visited.kind,
                size,
            });
            Ok(ControlFlow::Continue(()))
        })?;
        entries.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(entries)
    }

    /// Every regular file that is not ignored, relative to the root,
    /// `/`-separated and sorted. Symlinks are left out (their targets inside the
    /// root are listed where they are).
    ///
    /// The list is kept while the tree's shape is unchanged (every folder's and
    /// `.gitignore`'s modification time is checked before reuse; see
    /// `files_cache`), so asking again is cheap.
    pub fn files(&self) -> Result<Arc<Vec<String>>, WorkspaceError> {
        let mut cache = self
            .files_cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(cached) = cache.as_ref().filter(|c| c.current(&self.dir)) {
            return Ok(Arc::clone(&cached.files));
        }
        let walked_at = std::time::SystemTime::now();
        let mut stamps = vec![(String::new(), stamp(&self.dir, ""))];
        let mut files = Vec::new();
        self.walk("", ".", Depth::Recursive, &mut |visited| {
            let gitignore = visited.path == ".gitignore" || visited.path.ends_with("/.gitignore");
            if visited.kind == EntryKind::Directory || gitignore {
                let time = visited
                    .entry
                    .metadata()
                    .ok()
                    .and_then(|m| m.modified().ok());
                stamps.push((visited.path.to_owned(), time.map(|t| t.into_std())));
            }
            if visited.kind == EntryKind::File {
                files.push(visited.path.to_owned());
            }
            Ok(ControlFlow::Continue(()))
        })?;
        files.sort();
        let files = Arc::new(files);
        *cache = FilesCache::new(Arc::clone(&files), stamps, walked_at);
        Ok(files)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;
    use crate::workspace::WorkspaceLimits;
    use crate::workspace::testing::{Fixture, assert_kind};

    fn paths(entries: &[Entry]) -> Vec<&str> {
        entries.iter().map(|e| e.path.as_str()).collect()
    }

    fn project() -> Fixture {
        let fx = Fixture::new();
        fx.write("README.md", "hello")
            .write("src/main.rs", "fn main() {}\n")
            .write("src/lib/mod.rs", "")
            .write("src.txt", "")
            .write(".git/config", "[core]\n")
            .write(".git/objects/ab/cdef", "");
        fx
    }

    #[test]
    fn lists_the_root_shallow_and_sorted() {
        let fx = project();
        let ws = fx.open();
        let entries = ws.list("", false).expect("list");
        assert_eq!(paths(&entries), vec!["README.md", "src", "src.txt"]);
        assert_eq!(entries[0].kind, EntryKind::File);
        assert_eq!(entries[0].size, 5);
        assert_eq!(entries[1].kind, EntryKind::Directory);
        assert_eq!(entries[1].size, 0);
        assert_eq!(ws.list(".", false).expect("dot"), entries);
    }

    #[test]
    fn lists_recursively_with_root_relative_paths() {
        let fx = project();
        let ws = fx.open();
        assert_eq!(
            paths(&ws.list("", true).expect("recursive")),
            vec![
                "README.md",
                "src",
                "src.txt",
                "src/lib",
                "src/lib/mod.rs",
                "src/main.rs"
            ]
        );
        assert_eq!(
            paths(&ws.list("src", false).expect("subdir")),
            vec!["src/lib", "src/main.rs"]
        );
        assert_eq!(
            paths(&ws.list("./src/lib/", true).expect("normalised")),
            vec!["src/lib/mod.rs"]
        );
    }

    #[test]
    fn git_folder_is_never_listed() {
        let fx = project();
        fx.write("vendor/dep/.git", "gitdir: ../../.git/modules/dep\n");
        let ws = fx.open();
        let all = ws.list("", true).expect("list");
        assert!(
            all.iter().all(|e| !e.path.split('/').any(|p| p == ".git")),
            "{all:?}"
        );
        assert!(
            !ws.files()
                .expect("files")
                .iter()
                .any(|p| p.contains(".git/") || p.ends_with(".git"))
        );
        assert_kind(
            &ws.list(".git", false).expect_err(".git"),
            ErrorKind::Denied,
            "inside `.git`",
        );
        assert_kind(
            &ws.list("./.git/objects", true).expect_err("inside"),
            ErrorKind::Denied,
            "git capability",
        );
    }

    #[test]
    fn gitignored_entries_are_not_listed() {
        let fx = project();
        fx.write(".gitignore", "*.log\ntarget/\n/secret.env\n")
            .write("debug.log", "")
            .write("target/debug/app", "")
            .write("secret.env", "")
            .write("src/secret.env", "")
            .write("web/.gitignore", "dist\n!keep.log\n")
            .write("web/dist/app.js", "")
            .write("web/keep.log", "")
            .write("web/index.html", "");
        let ws = fx.open();
        let all = ws.list("", true).expect("list");
        let all = paths(&all);
        for hidden in [
            "debug.log",
            "target",
            "target/debug/app",
            "secret.env",
            "web/dist",
            "web/dist/app.js",
        ] {
            assert!(!all.contains(&hidden), "{hidden} listed: {all:?}");
        }
        for shown in [
            ".gitignore",
            "src/secret.env",
            "web/.gitignore",
            "web/keep.log",
            "web/index.html",
        ] {
            assert!(all.contains(&shown), "{shown} missing: {all:?}");
        }
        // Nested rules apply to a shallow listing of a subfolder too.
        assert_eq!(
            paths(&ws.list("web", false).expect("web")),
            vec!["web/.gitignore", "web/index.html", "web/keep.log"]
        );
        assert!(!ws.files().expect("files").contains(&"debug.log".to_owned()));
    }

    #[test]
    fn symlinked_directories_are_reported_not_followed() {
        let fx = project();
        fx.symlink("/", "rootfs")
            .symlink("src", "src-link")
            .symlink("../", "parent");
        let ws = fx.open();
        let all = ws.list("", true).expect("list");
        for link in ["rootfs", "src-link", "parent"] {
            let entry = all.iter().find(|e| e.path == link).expect("link listed");
            assert_eq!(entry.kind, EntryKind::Symlink);
        }
        assert!(
            !all.iter()
                .any(|e| e.path.starts_with("rootfs/") || e.path.starts_with("parent/"))
        );
        assert!(!all.iter().any(|e| e.path.starts_with("src-link/")));
        // Listing through an inside symlink explicitly is allowed; outside is denied.
        assert_eq!(
            paths(&ws.list("src-link", false).expect("inside")),
            vec!["src-link/lib", "src-link/main.rs"]
        );
        assert_kind(
            &ws.list("rootfs", false).expect_err("outside"),
            ErrorKind::Denied,
            "symlink that leads outside",
        );
        assert_kind(
            &ws.list("parent", false).expect_err("parent"),
            ErrorKind::Denied,
            "symlink",
        );
    }

    #[test]
    fn fifos_are_not_listed() {
        let fx = project();
        let status = std::process::Command::new("mkfifo")
            .arg(fx.root().join("pipe"))
            .status()
            .expect("mkfifo");
        assert!(status.success());
        let ws = fx.open();
        assert!(!paths(&ws.list("", false).expect("list")).contains(&"pipe"));
    }

    #[test]
    fn bad_directories() {
        let fx = project();
        let ws = fx.open();
        assert_kind(
            &ws.list("nope", false).expect_err("missing"),
            ErrorKind::NotFound,
            "`nope` does not exist",
        );
        assert_kind(
            &ws.list("README.md", false).expect_err("file"),
            ErrorKind::InvalidInput,
            "is a file",
        );
        assert_kind(
            &ws.list("../", false).expect_err("traversal"),
            ErrorKind::Denied,
            "outside the project root",
        );
        assert_kind(
            &ws.list("/etc", true).expect_err("absolute"),
            ErrorKind::Denied,
            "absolute path",
        );
        assert_kind(
            &ws.list("src\0", true).expect_err("nul"),
            ErrorKind::InvalidInput,
            "NUL",
        );
    }

    #[test]
    fn too_many_entries_is_an_error_not_a_truncation() {
        let fx = Fixture::new();
        for i in 0..11 {
            fx.write(&format!("f{i:02}"), "");
        }
        let limits = WorkspaceLimits {
            max_list_entries: 10,
            ..WorkspaceLimits::default()
        };
        let ws = fx.open_with(limits);
        let err = ws.list("", false).expect_err("11 > 10");
        assert_kind(
            &err,
            ErrorKind::LimitExceeded,
            "listing `.` found more than 10 entries",
        );
        std::fs::remove_file(fx.root().join("f00")).expect("rm");
        assert_eq!(ws.list("", false).expect("10 entries").len(), 10);
    }

    #[test]
    fn files_lists_regular_files_sorted() {
        let fx = project();
        fx.symlink("README.md", "README-link");
        assert_eq!(
            *fx.open().files().expect("files"),
            vec!["README.md", "src.txt", "src/lib/mod.rs", "src/main.rs"]
        );
    }

    /// Sets the modification time of `rel` (a file or folder) an hour back.
    fn age(fx: &Fixture, rel: &str) {
        let path = fx.root().join(rel);
        let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        std::fs::File::open(&path)
            .and_then(|f| f.set_modified(hour_ago))
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }

    fn age_tree(fx: &Fixture) {
        for rel in ["", "src", "src/lib"] {
            age(fx, rel);
        }
    }

    #[test]
    fn the_file_list_is_kept_until_the_tree_changes() {
        let fx = project();
        age_tree(&fx);
        let ws = fx.open();
        let first = ws.files().expect("files");
        let again = ws.files().expect("files");
        assert!(
            Arc::ptr_eq(&first, &again),
            "an unchanged tree is not walked again"
        );

        fx.write("src/lib/new.rs", "");
        let grown = ws.files().expect("files");
        assert!(grown.contains(&"src/lib/new.rs".to_owned()), "{grown:?}");
        std::fs::remove_file(fx.root().join("src/main.rs")).expect("remove");
        let shrunk = ws.files().expect("files");
        assert!(!shrunk.contains(&"src/main.rs".to_owned()), "{shrunk:?}");
    }

    #[test]
    fn a_changed_gitignore_changes_the_list() {
        let fx = project();
        fx.write(".gitignore", "# nothing\n");
        age(&fx, ".gitignore");
        age_tree(&fx);
        let ws = fx.open();
        assert!(ws.files().expect("files").contains(&"src.txt".to_owned()));
        // Same length, same folder times: only the file's own time tells.
        std::fs::write(fx.root().join(".gitignore"), "src.txt\n").expect("write");
        assert!(!ws.files().expect("files").contains(&"src.txt".to_owned()));
    }

    #[test]
    fn a_freshly_changed_tree_is_not_kept() {
        let fx = project();
        let ws = fx.open();
        let first = ws.files().expect("files");
        let again = ws.files().expect("files");
        assert_eq!(first, again);
        assert!(
            !Arc::ptr_eq(&first, &again),
            "racy stamps must not be trusted"
        );
    }
}
