//! Writing and removing work-tree files for undo.
//!
//! Owns: atomic file replacement (temporary file in the same folder, then
//! rename), keeping the executable bit and symlinks, removing files and the
//! folders they leave empty, and the checks that keep those writes from going
//! through a symlinked folder.
//!
//! Must never: follow a symlink on the way to a path, or remove a folder that
//! still holds anything.

use std::collections::BTreeSet;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::GitError;

/// Git's mode for symlinks.
pub(crate) const MODE_LINK: u32 = 0o120_000;
/// Git's mode for executable files.
pub(crate) const MODE_EXEC: u32 = 0o100_755;
/// Git's mode for submodules.
pub(crate) const MODE_GITLINK: u32 = 0o160_000;

/// Whether every existing ancestor folder of `path` is a real folder (no
/// symlink, no file) — i.e. whether git would see a file at `path` at all.
pub(crate) fn ancestors_are_folders(workdir: &Path, path: &str) -> bool {
    ancestors(path).all(
        |ancestor| match std::fs::symlink_metadata(workdir.join(ancestor)) {
            Ok(meta) => meta.is_dir(),
            Err(_) => true,
        },
    )
}

/// `a`, `a/b` for `a/b/c`.
fn ancestors(path: &str) -> impl Iterator<Item = &str> {
    path.match_indices('/').map(move |(at, _)| &path[..at])
}

/// Refuses a write of `path` that would go through a symlink or file, or
/// replace a folder holding anything but files in `deleted`.
pub(crate) fn check_writable(
    workdir: &Path,
    path: &str,
    deleted: &BTreeSet<String>,
) -> Result<(), GitError> {
    let blocked = |reason| GitError::UndoBlocked {
        path: path.to_owned(),
        reason,
    };
    for ancestor in ancestors(path) {
        match std::fs::symlink_metadata(workdir.join(ancestor)) {
            Ok(meta) if meta.is_dir() => {}
            Ok(_) if deleted.contains(ancestor) => {}
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(blocked("a folder on its way is now a symlink"));
            }
            Ok(_) => return Err(blocked("a file now sits where its folder should be")),
            Err(_) => {}
        }
    }
    let full = workdir.join(path);
    match std::fs::symlink_metadata(&full) {
        Ok(meta) if meta.is_dir() => {
            if !only_deleted_files(&full, path, deleted)? {
                return Err(blocked("a folder with other files now sits at its place"));
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Whether the folder `full` (work-tree path `rel`) holds only files in `deleted`.
fn only_deleted_files(
    full: &Path,
    rel: &str,
    deleted: &BTreeSet<String>,
) -> Result<bool, GitError> {
    let entries =
        std::fs::read_dir(full).map_err(GitError::io("read the folder", full.to_path_buf()))?;
    for entry in entries {
        let entry = entry.map_err(GitError::io("read the folder", full.to_path_buf()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let child_rel = format!("{rel}/{name}");
        let meta =
            std::fs::symlink_metadata(entry.path()).map_err(GitError::io("read", entry.path()))?;
        let ok = if meta.is_dir() {
            only_deleted_files(&entry.path(), &child_rel, deleted)?
        } else {
            deleted.contains(&child_rel)
        };
        if !ok {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Removes the file or symlink at `path`, then the folders it leaves empty.
pub(crate) fn remove(workdir: &Path, path: &str) -> Result<(), GitError> {
    let full = workdir.join(path);
    match std::fs::remove_file(&full) {
        Ok(()) => {}
        Err(err) if err.kind() == io::ErrorKind::NotFound => {}
        Err(err) => return Err(GitError::io("remove", full)(err)),
    }
    let mut parent = full.parent();
    while let Some(folder) = parent {
        if folder == workdir || !folder.starts_with(workdir) || std::fs::remove_dir(folder).is_err()
        {
            break;
        }
        parent = folder.parent();
    }
    Ok(())
}

/// Replaces `path` atomically with `content` and git `mode` (a symlink for
/// [`MODE_LINK`], executable for [`MODE_EXEC`]), creating folders on the way
/// and replacing an empty folder at its place.
pub(crate) fn write(workdir: &Path, path: &str, content: &[u8], mode: u32) -> Result<(), GitError> {
    let full = workdir.join(path);
    let folder = full.parent().unwrap_or(workdir).to_path_buf();
    std::fs::create_dir_all(&folder).map_err(GitError::io("create the folder", folder.clone()))?;
    if std::fs::symlink_metadata(&full).is_ok_and(|meta| meta.is_dir()) {
        remove_empty_tree(&full)?;
    }
    let temp = temp_path(&folder);
    let result = write_temp(&temp, content, mode).and_then(|()| std::fs::rename(&temp, &full));
    if let Err(err) = result {
        let _ = std::fs::remove_file(&temp);
        return Err(GitError::io("write", full)(err));
    }
    Ok(())
}

/// Removes a folder tree that holds only folders (its files were deleted before).
fn remove_empty_tree(full: &Path) -> Result<(), GitError> {
    let entries =
        std::fs::read_dir(full).map_err(GitError::io("read the folder", full.to_path_buf()))?;
    for entry in entries {
        let entry = entry.map_err(GitError::io("read the folder", full.to_path_buf()))?;
        remove_empty_tree(&entry.path())?;
    }
    std::fs::remove_dir(full).map_err(GitError::io("remove the folder", full.to_path_buf()))
}

/// A fresh temporary name in `folder`.
fn temp_path(folder: &Path) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    folder.join(format!(".ralex-undo-{}-{n}.tmp", std::process::id()))
}

/// Creates `temp` with `content` and `mode`.
fn write_temp(temp: &Path, content: &[u8], mode: u32) -> io::Result<()> {
    #[cfg(unix)]
    if mode == MODE_LINK {
        use std::os::unix::ffi::OsStrExt;
        let target = std::ffi::OsStr::from_bytes(content);
        return std::os::unix::fs::symlink(target, temp);
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(temp)?;
    file.write_all(content)?;
    file.sync_all()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let current = file.metadata()?.permissions().mode();
        let wanted = if mode == MODE_EXEC {
            current | ((current & 0o444) >> 2)
        } else {
            current & !0o111
        };
        if wanted != current {
            file.set_permissions(std::fs::Permissions::from_mode(wanted))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ancestors_of_a_path() {
        assert_eq!(ancestors("a/b/c").collect::<Vec<_>>(), vec!["a", "a/b"]);
        assert_eq!(ancestors("top").count(), 0);
    }

    #[test]
    fn write_replaces_atomically_and_leaves_no_temp_files() {
        let tmp = tempfile::tempdir().expect("tempdir");
        write(tmp.path(), "d/e/f.txt", b"one", 0o100_644).expect("write");
        write(tmp.path(), "d/e/f.txt", b"two", 0o100_644).expect("rewrite");
        assert_eq!(std::fs::read(tmp.path().join("d/e/f.txt")).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(tmp.path().join("d/e"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec!["f.txt"]);
    }

    #[cfg(unix)]
    #[test]
    fn write_sets_and_clears_the_executable_bit_and_makes_symlinks() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().expect("tempdir");
        write(tmp.path(), "run.sh", b"#!/bin/sh\n", MODE_EXEC).expect("write");
        let mode = std::fs::metadata(tmp.path().join("run.sh"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o100, 0o100, "{mode:o}");
        write(tmp.path(), "run.sh", b"plain\n", 0o100_644).expect("write");
        let mode = std::fs::metadata(tmp.path().join("run.sh"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o111, 0, "{mode:o}");
        write(tmp.path(), "link", b"run.sh", MODE_LINK).expect("symlink");
        assert_eq!(
            std::fs::read_link(tmp.path().join("link")).unwrap(),
            Path::new("run.sh")
        );
    }

    #[test]
    fn remove_prunes_empty_folders_but_not_the_root_or_full_ones() {
        let tmp = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(tmp.path().join("a/b/c")).unwrap();
        std::fs::write(tmp.path().join("a/b/c/x"), "x").unwrap();
        std::fs::write(tmp.path().join("a/keep"), "k").unwrap();
        remove(tmp.path(), "a/b/c/x").expect("remove");
        assert!(!tmp.path().join("a/b").exists());
        assert!(tmp.path().join("a/keep").exists());
        remove(tmp.path(), "a/keep").expect("remove");
        assert!(!tmp.path().join("a").exists());
        assert!(tmp.path().exists());
    }

    #[cfg(unix)]
    #[test]
    fn writes_through_symlinked_folders_are_refused() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let outside = tempfile::tempdir().expect("outside");
        std::os::unix::fs::symlink(outside.path(), tmp.path().join("lib")).unwrap();
        let err = check_writable(tmp.path(), "lib/x.rs", &BTreeSet::new()).expect_err("symlink");
        assert_eq!(err.kind(), ralex_caps::ErrorKind::Denied);
        assert!(!ancestors_are_folders(tmp.path(), "lib/x.rs"));
        let deleted: BTreeSet<String> = ["lib".to_owned()].into();
        check_writable(tmp.path(), "lib/x.rs", &deleted).expect("the symlink goes first");
    }
}
