//! Resolving the conflicts of a merge of two devices' histories.
//!
//! Owns: deciding, for every conflicted path of a merge index, whether the
//! sync may resolve it, and resolving it in that index: append-only notes by
//! [`union`], other notes by a three-way text merge, and what still conflicts
//! by keeping both versions between markers naming this device and the other
//! device (reported as a [`Conflict`]). A note deleted on one device and
//! changed on the other is kept, changed.
//!
//! Must never: resolve a path outside the notes' folder (code conflicts block
//! the sync, and then nothing is resolved at all), or produce a file that lacks
//! either device's text. Binary notes and symlinks keep this device's version
//! in the file; the other's stays in the merge commit's second parent.

use std::path::Path;

use git2::{Index, IndexConflict, IndexEntry, IndexTime, MergeFileOptions, Oid};

use super::pattern::{is_under, matches_any};
use super::union::union;
use crate::{Conflict, GitError, Repo, SyncOptions};

/// Git's modes of regular files.
const MODE_FILE: u32 = 0o100_644;
const MODE_EXEC: u32 = 0o100_755;

/// What resolving a merge index came to.
pub(super) enum Resolution {
    /// Every conflict was inside the notes' folder and is resolved in the
    /// index; these notes kept both versions.
    Resolved(Vec<Conflict>),
    /// These conflicted paths are outside the notes' folder; the index is
    /// left as it was.
    Blocked(Vec<String>),
}

/// The names the conflict markers give the two sides.
pub(super) struct Labels {
    /// This device's side, e.g. `this device (main)`.
    pub(super) ours: String,
    /// The other side, e.g. `other device (origin/main)`.
    pub(super) theirs: String,
}

/// One path's resolution: the content to record (none: deleted), its mode,
/// and the conflict to report.
struct Resolved {
    content: Option<Vec<u8>>,
    mode: u32,
    conflict: Option<Conflict>,
}

impl Repo {
    /// Resolves the conflicts of `index` (the result of merging two commits)
    /// when they are all inside `prefix`.
    pub(super) fn resolve_conflicts(
        &self,
        index: &mut Index,
        opts: &SyncOptions,
        prefix: &str,
        labels: &Labels,
    ) -> Result<Resolution, GitError> {
        let conflicts: Vec<IndexConflict> = index
            .conflicts()
            .and_then(|conflicts| conflicts.collect::<Result<Vec<_>, _>>())
            .map_err(GitError::git("listing the merge conflicts"))?;
        let mut outside: Vec<String> = conflicts
            .iter()
            .map(conflict_path)
            .filter(|path| !is_under(prefix, path))
            .collect();
        if !outside.is_empty() {
            outside.sort();
            outside.dedup();
            return Ok(Resolution::Blocked(outside));
        }
        let mut kept = Vec::new();
        for conflict in &conflicts {
            let path = conflict_path(conflict);
            let append_only = matches_any(&opts.append_only, &path);
            let resolved = self.resolve_one(conflict, &path, append_only, labels)?;
            index
                .conflict_remove(Path::new(&path))
                .map_err(GitError::git("resolving a merge conflict"))?;
            if let Some(content) = &resolved.content {
                let id = self
                    .repo
                    .blob(content)
                    .map_err(GitError::git("storing a merged note"))?;
                index
                    .add(&stage_zero(&path, id, resolved.mode, content.len()))
                    .map_err(GitError::git("recording a merged note"))?;
            }
            tracing::info!(%path, append_only, kept_both = resolved.conflict.is_some(), "note merged");
            kept.extend(resolved.conflict);
        }
        Ok(Resolution::Resolved(kept))
    }

    /// Resolves one conflicted note.
    fn resolve_one(
        &self,
        conflict: &IndexConflict,
        path: &str,
        append_only: bool,
        labels: &Labels,
    ) -> Result<Resolved, GitError> {
        let (our, their) = match (&conflict.our, &conflict.their) {
            (Some(our), Some(their)) => (our, their),
            // Deleted on one side, changed on the other: keep the change.
            (Some(kept), None) | (None, Some(kept)) => {
                let content = self.blob_bytes(kept.id)?;
                let text = String::from_utf8_lossy(&content).into_owned();
                let ours_kept = conflict.our.is_some();
                let conflict = (!append_only).then(|| Conflict {
                    path: path.to_owned(),
                    ours: if ours_kept {
                        text.clone()
                    } else {
                        String::new()
                    },
                    theirs: if ours_kept { String::new() } else { text },
                });
                return Ok(Resolved {
                    content: Some(content),
                    mode: kept.mode,
                    conflict,
                });
            }
            (None, None) => {
                return Ok(Resolved {
                    content: None,
                    mode: 0,
                    conflict: None,
                });
            }
        };
        let ours = self.blob_bytes(our.id)?;
        let theirs = self.blob_bytes(their.id)?;
        let ancestor = match &conflict.ancestor {
            Some(entry) => self.blob_bytes(entry.id)?,
            None => Vec::new(),
        };
        let both = || Conflict {
            path: path.to_owned(),
            ours: String::from_utf8_lossy(&ours).into_owned(),
            theirs: String::from_utf8_lossy(&theirs).into_owned(),
        };
        let texts = (
            text_of(our.mode, &ours),
            text_of(their.mode, &theirs),
            std::str::from_utf8(&ancestor).ok(),
        );
        let (Some(ours_text), Some(theirs_text), Some(ancestor_text)) = texts else {
            return Ok(Resolved {
                content: Some(ours.clone()),
                mode: our.mode,
                conflict: Some(both()),
            });
        };
        if append_only {
            return Ok(Resolved {
                content: Some(union(ancestor_text, ours_text, theirs_text).into_bytes()),
                mode: our.mode,
                conflict: None,
            });
        }
        let (content, clean) = self.merge_text(conflict.ancestor.as_ref(), our, their, labels)?;
        Ok(Resolved {
            content: Some(content),
            mode: our.mode,
            conflict: (!clean).then(both),
        })
    }

    /// Three-way merge of two versions of a text file; conflicting hunks keep
    /// both versions between labelled markers. Returns the text and whether
    /// it merged cleanly.
    fn merge_text(
        &self,
        ancestor: Option<&IndexEntry>,
        our: &IndexEntry,
        their: &IndexEntry,
        labels: &Labels,
    ) -> Result<(Vec<u8>, bool), GitError> {
        let empty;
        let ancestor = match ancestor {
            Some(entry) => entry,
            None => {
                let id = self
                    .repo
                    .blob(b"")
                    .map_err(GitError::git("storing an empty file"))?;
                empty = stage_zero(&String::from_utf8_lossy(&our.path), id, our.mode, 0);
                &empty
            }
        };
        let mut options = MergeFileOptions::new();
        options
            .our_label(labels.ours.as_str())
            .their_label(labels.theirs.as_str());
        let merged = self
            .repo
            .merge_file_from_index(ancestor, our, their, Some(&mut options))
            .map_err(GitError::git("merging two versions of a note"))?;
        Ok((merged.content().to_vec(), merged.is_automergeable()))
    }

    /// The bytes of blob `id`.
    fn blob_bytes(&self, id: Oid) -> Result<Vec<u8>, GitError> {
        self.repo
            .find_blob(id)
            .map(|blob| blob.content().to_vec())
            .map_err(GitError::git("reading a note from the object database"))
    }
}

/// The path a conflict is about (rename detection is off, so all sides agree).
fn conflict_path(conflict: &IndexConflict) -> String {
    let entry = [&conflict.our, &conflict.their, &conflict.ancestor]
        .into_iter()
        .flatten()
        .next();
    entry.map_or_else(String::new, |e| {
        String::from_utf8_lossy(&e.path).into_owned()
    })
}

/// `content` as text when it is a regular file holding UTF-8 without NULs.
fn text_of(mode: u32, content: &[u8]) -> Option<&str> {
    if mode != MODE_FILE && mode != MODE_EXEC {
        return None;
    }
    std::str::from_utf8(content)
        .ok()
        .filter(|text| !text.contains('\0'))
}

/// A resolved (stage 0) index entry.
pub(super) fn stage_zero(path: &str, id: Oid, mode: u32, size: usize) -> IndexEntry {
    IndexEntry {
        ctime: IndexTime::new(0, 0),
        mtime: IndexTime::new(0, 0),
        dev: 0,
        ino: 0,
        mode,
        uid: 0,
        gid: 0,
        file_size: u32::try_from(size).unwrap_or(u32::MAX),
        id,
        flags: 0,
        flags_extended: 0,
        path: path.as_bytes().to_vec(),
    }
}
