//! The file list of [`Workspace::files`], kept between calls while the tree's
//! shape is unchanged — the resolver asks for it on every command, and walking a
//! project opens and reads every folder.
//!
//! Owns: the cached list and the stamps that prove it current: the modification
//! time of the root, of every folder listed, and of every `.gitignore` read. A
//! file added, removed or renamed changes its folder's time; a changed
//! `.gitignore` its own. Before the list is reused, every stamp is checked.
//!
//! Must never: hand out a list that may be stale. A folder's time has the
//! resolution of the kernel's clock tick, so a change within the same tick as
//! the walk could leave it equal ("racy" stamps, as git calls them): a list whose
//! newest stamp is younger than [`RACY`] is not kept.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use cap_std::fs::Dir;

/// Stamps younger than this (at the walk) make the list unsafe to keep.
pub(crate) const RACY: Duration = Duration::from_secs(2);

/// A file list and the stamps it was walked under.
#[derive(Debug)]
pub(crate) struct FilesCache {
    pub(crate) files: Arc<Vec<String>>,
    /// (path relative to the root, `""` for the root; its modification time).
    stamps: Vec<(String, SystemTime)>,
}

/// The modification time of `rel` below `dir` (not following a symlink).
pub(crate) fn stamp(dir: &Dir, rel: &str) -> Option<SystemTime> {
    let metadata = if rel.is_empty() {
        dir.dir_metadata()
    } else {
        dir.symlink_metadata(rel)
    };
    metadata.ok()?.modified().ok().map(|t| t.into_std())
}

impl FilesCache {
    /// A cache of `files` under `stamps`, or `None` when a stamp is missing or
    /// too young to trust.
    pub(crate) fn new(
        files: Arc<Vec<String>>,
        stamps: Vec<(String, Option<SystemTime>)>,
        walked_at: SystemTime,
    ) -> Option<FilesCache> {
        let mut kept = Vec::with_capacity(stamps.len());
        for (path, time) in stamps {
            let time = time?;
            let age = walked_at.duration_since(time).unwrap_or(Duration::ZERO);
            if age < RACY {
                return None;
            }
            kept.push((path, time));
        }
        Some(FilesCache {
            files,
            stamps: kept,
        })
    }

    /// Whether every stamp still holds.
    pub(crate) fn current(&self, dir: &Dir) -> bool {
        self.stamps
            .iter()
            .all(|(path, time)| stamp(dir, path) == Some(*time))
    }
}
