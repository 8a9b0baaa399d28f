//! The directory walker behind `list`, `search` and `files`.
//!
//! Owns: visiting the entries below a directory in a stable order (sorted per
//! directory, depth-first), skipping `.git` folders and `.gitignore`d entries.
//!
//! Must never: follow a symlinked directory (symlinks are reported, not entered),
//! open a directory except through the root `Dir` (subdirectories are opened
//! with `open_dir_nofollow`), or keep more than one directory handle open at a
//! time (so a wide tree cannot exhaust file descriptors). A subdirectory that
//! vanishes or cannot be read during the walk is skipped, not fatal.

use std::ops::ControlFlow;

use cap_fs_ext::DirExt;
use cap_std::fs::{Dir, DirEntry};

use super::gitignore::IgnoreRules;
use super::list::EntryKind;
use super::{Workspace, WorkspaceError};

/// One entry met by the walk.
pub(crate) struct Visited<'a> {
    /// Path relative to the root, `/`-separated.
    pub(crate) path: &'a str,
    /// File, directory or symlink (other file types are skipped).
    pub(crate) kind: EntryKind,
    /// The directory entry, for its metadata or to open it.
    pub(crate) entry: &'a DirEntry,
}

/// Whether to enter subdirectories.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Depth {
    /// Only the entries of the start directory.
    Shallow,
    /// Everything below it.
    Recursive,
}

impl Workspace {
    /// Visits the entries below `start` (a normalised directory path, `""` for the
    /// root), stopping early when `visit` breaks. Errors opening `start` itself are
    /// returned, with `shown` as the path in the message.
    pub(crate) fn walk(
        &self,
        start: &str,
        shown: &str,
        depth: Depth,
        visit: &mut dyn FnMut(Visited<'_>) -> Result<ControlFlow<()>, WorkspaceError>,
    ) -> Result<(), WorkspaceError> {
        let mut pending = vec![(
            start.to_owned(),
            IgnoreRules::for_ancestors_of(&self.dir, start),
        )];
        while let Some((rel, rules)) = pending.pop() {
            let opened;
            let dir = if rel.is_empty() {
                &self.dir
            } else if rel == start {
                // The start may be reached through a symlink inside the root.
                opened = self
                    .dir
                    .open_dir(&rel)
                    .map_err(|source| WorkspaceError::from_io(source, shown, &self.root))?;
                &opened
            } else {
                match self.dir.open_dir_nofollow(&rel) {
                    Ok(dir) => {
                        opened = dir;
                        &opened
                    }
                    Err(err) => {
                        tracing::debug!(path = %rel, error = %err, "skipping unreadable directory");
                        continue;
                    }
                }
            };
            let entries = match sorted_entries(dir) {
                Ok(entries) => entries,
                Err(err) if rel == start => {
                    return Err(WorkspaceError::from_io(err, shown, &self.root));
                }
                Err(err) => {
                    tracing::debug!(path = %rel, error = %err, "skipping unreadable directory");
                    continue;
                }
            };
            // A symlinked `.gitignore` counts too; it is read only if it stays inside.
            let rules = if entries.iter().any(|(name, kind, _)| {
                name == ".gitignore" && matches!(kind, EntryKind::File | EntryKind::Symlink)
            }) {
                rules.with_gitignore_of(&self.dir, &rel)
            } else {
                rules
            };

            let mut subdirs = Vec::new();
            for (name, kind, entry) in &entries {
                if name == ".git" {
                    continue;
                }
                let path = if rel.is_empty() {
                    name.clone()
                } else {
                    format!("{rel}/{name}")
                };
                if rules.is_ignored(&path, *kind == EntryKind::Directory) {
                    continue;
                }
                let visited = Visited {
                    path: &path,
                    kind: *kind,
                    entry,
                };
                if visit(visited)?.is_break() {
                    return Ok(());
                }
                if depth == Depth::Recursive && *kind == EntryKind::Directory {
                    subdirs.push(path);
                }
            }
            // Reversed, so the stack pops them in name order.
            pending.extend(subdirs.into_iter().rev().map(|path| (path, rules.clone())));
        }
        Ok(())
    }
}

/// The entries of `dir` that have UTF-8 names and a kind we report, by name.
fn sorted_entries(dir: &Dir) -> std::io::Result<Vec<(String, EntryKind, DirEntry)>> {
    let mut entries = Vec::new();
    for entry in dir.entries()? {
        let entry = entry?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            tracing::debug!(name = ?name, "skipping a file name that is not UTF-8");
            continue;
        };
        let file_type = entry.file_type()?;
        let kind = if file_type.is_symlink() {
            EntryKind::Symlink
        } else if file_type.is_dir() {
            EntryKind::Directory
        } else if file_type.is_file() {
            EntryKind::File
        } else {
            continue; // FIFOs, sockets, devices: nothing a plugin can read
        };
        entries.push((name.to_owned(), kind, entry));
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(entries)
}
