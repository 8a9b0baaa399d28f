//! Which path a write may change, and a handle on the folder that holds it.
//!
//! Owns: the checks every change makes on a path before touching anything —
//! lexical validation (shared with reads), `.git` in any letter case, symlinks
//! on the way or as the target, folders on the way that are files, the target's
//! type and link count — and reading or hashing the current content.
//!
//! Must never: follow a symlink. Folders are opened one component at a time with
//! `open_dir_nofollow` from the root `Dir`, so later steps (temp file, rename,
//! unlink) act on a handle that cannot be swapped for a symlink afterwards; the
//! target itself is inspected with `symlink_metadata` and opened with
//! `O_NOFOLLOW`. A refusal here has changed nothing (folders are only created in
//! [`Parents::Create`] mode, after every check of the operation has passed).

use std::io::{self, Read};

use cap_fs_ext::{DirExt, FollowSymlinks, OpenOptionsFollowExt, OpenOptionsSyncExt};
use cap_std::fs::{Dir, FileType, MetadataExt, OpenOptions};
use sha2::{Digest, Sha256};

use super::super::file::{RegularFile, special_kind};
use super::super::{Workspace, WorkspaceError, path};

/// What to do when a folder on the way does not exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Parents {
    /// Fail with `not-found` (delete, move's source, replace).
    MustExist,
    /// Create it inside the root (the write phase of write, create, move, patch).
    Create,
    /// Report that the target cannot exist yet, changing nothing (checks before
    /// creating).
    Probe,
}

/// A file name inside an opened folder: where a change happens.
pub(crate) struct Target {
    /// The folder holding the file, opened without following symlinks.
    pub(crate) dir: Dir,
    /// The file's name inside `dir`.
    pub(crate) name: String,
    /// The file's normalised path relative to the root.
    pub(crate) rel: String,
}

/// A regular file found at a [`Target`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Existing {
    /// Its permission bits (`st_mode & 0o7777`), kept across a rewrite.
    pub(crate) mode: u32,
    /// Its hard-link count.
    pub(crate) links: u64,
}

impl Workspace {
    /// Validates a path a plugin wants to change: relative, inside the root,
    /// naming something below it, not inside `.git` (any letter case).
    /// Returns the normalised form.
    pub(crate) fn edit_path(&self, input: &str) -> Result<String, WorkspaceError> {
        let rel = path::normalize_file(input, &self.root)?;
        if path::is_in_git_dir_any_case(&rel) {
            return Err(WorkspaceError::GitDirWrite {
                path: input.to_owned(),
            });
        }
        Ok(rel)
    }

    /// Opens the folder that holds `rel` (normalised, from [`Workspace::edit_path`])
    /// one component at a time, refusing symlinks and files on the way. `None`
    /// only in [`Parents::Probe`] mode, when a folder on the way does not exist
    /// yet (so neither does the target). `shown` is the path as the plugin gave it.
    pub(crate) fn target(
        &self,
        rel: &str,
        shown: &str,
        parents: Parents,
    ) -> Result<Option<Target>, WorkspaceError> {
        let io_error = |source| WorkspaceError::from_write_io(source, shown, &self.root);
        let (folders, name) = match rel.rsplit_once('/') {
            Some((folders, name)) => (Some(folders), name),
            None => (None, rel),
        };
        let mut dir = self.dir.try_clone().map_err(io_error)?;
        let mut walked = String::new();
        for part in folders.into_iter().flat_map(|folders| folders.split('/')) {
            if !walked.is_empty() {
                walked.push('/');
            }
            walked.push_str(part);
            match dir.symlink_metadata(part) {
                Ok(metadata) if metadata.is_symlink() => {
                    return Err(WorkspaceError::SymlinkWrite {
                        path: shown.to_owned(),
                        link: walked,
                    });
                }
                Ok(metadata) if metadata.is_dir() => {}
                Ok(_) => {
                    return Err(WorkspaceError::ParentIsFile {
                        path: shown.to_owned(),
                        parent: walked,
                    });
                }
                Err(err) if err.kind() == io::ErrorKind::NotFound => match parents {
                    Parents::MustExist => return Err(io_error(err)),
                    Parents::Probe => return Ok(None),
                    Parents::Create => match dir.create_dir(part) {
                        Ok(()) => tracing::debug!(folder = %walked, "created folder"),
                        Err(err) if err.kind() == io::ErrorKind::AlreadyExists => {}
                        Err(err) => return Err(io_error(err)),
                    },
                },
                Err(err) => return Err(io_error(err)),
            }
            // No-follow: a symlink swapped in since the check fails here.
            dir = dir.open_dir_nofollow(part).map_err(io_error)?;
        }
        Ok(Some(Target {
            dir,
            name: name.to_owned(),
            rel: rel.to_owned(),
        }))
    }

    /// [`Workspace::target`] in [`Parents::MustExist`] or [`Parents::Create`] mode,
    /// where a folder always results.
    pub(crate) fn open_target(
        &self,
        rel: &str,
        shown: &str,
        create_parents: bool,
    ) -> Result<Target, WorkspaceError> {
        let parents = if create_parents {
            Parents::Create
        } else {
            Parents::MustExist
        };
        self.target(rel, shown, parents)?
            .ok_or_else(|| WorkspaceError::NotFound {
                path: shown.to_owned(),
                root: self.root.clone(),
            })
    }
}

impl Target {
    /// Whether anything (of any type) exists at the name.
    pub(crate) fn occupied(
        &self,
        shown: &str,
        root: &std::path::Path,
    ) -> Result<bool, WorkspaceError> {
        match self.dir.symlink_metadata(&self.name) {
            Ok(_) => Ok(true),
            Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(err) => Err(WorkspaceError::from_write_io(err, shown, root)),
        }
    }

    /// The regular file at the name, `None` if nothing is there; refuses
    /// symlinks, folders and special files.
    pub(crate) fn existing(
        &self,
        shown: &str,
        root: &std::path::Path,
    ) -> Result<Option<Existing>, WorkspaceError> {
        let metadata = match self.dir.symlink_metadata(&self.name) {
            Ok(metadata) => metadata,
            Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(err) => return Err(WorkspaceError::from_write_io(err, shown, root)),
        };
        self.check_editable(metadata.file_type(), shown)?;
        Ok(Some(Existing {
            mode: metadata.mode() & 0o7777,
            links: metadata.nlink(),
        }))
    }

    /// Like [`Target::existing`], but the file must be there.
    pub(crate) fn existing_file(
        &self,
        shown: &str,
        root: &std::path::Path,
    ) -> Result<Existing, WorkspaceError> {
        self.existing(shown, root)?
            .ok_or_else(|| WorkspaceError::NotFound {
                path: shown.to_owned(),
                root: root.to_path_buf(),
            })
    }

    /// Reads the file as UTF-8 text for an edit, up to `limit` bytes.
    pub(crate) fn read_text(
        &self,
        limit: u64,
        shown: &str,
        root: &std::path::Path,
    ) -> Result<String, WorkspaceError> {
        let bytes = RegularFile {
            dir: &self.dir,
            rel: &self.name,
            follow: FollowSymlinks::No,
            stat_first: false,
        }
        .read(limit, shown, root)
        .map_err(|err| match err {
            WorkspaceError::TooLarge { path, size, limit } => {
                WorkspaceError::EditTooLarge { path, size, limit }
            }
            other => other,
        })?;
        String::from_utf8(bytes).map_err(|_| WorkspaceError::EditNotUtf8 {
            path: shown.to_owned(),
        })
    }

    /// Hex SHA-256 of the file's current content, read in chunks (any size).
    pub(crate) fn sha256(
        &self,
        shown: &str,
        root: &std::path::Path,
    ) -> Result<String, WorkspaceError> {
        let io_error = |source| WorkspaceError::from_io(source, shown, root);
        let mut options = OpenOptions::new();
        options.read(true).nonblock(true).follow(FollowSymlinks::No);
        let mut file = self.dir.open_with(&self.name, &options).map_err(io_error)?;
        self.check_editable(file.metadata().map_err(io_error)?.file_type(), shown)?;
        let mut hasher = Sha256::new();
        let mut buffer = vec![0u8; 64 * 1024];
        loop {
            let read = file.read(&mut buffer).map_err(io_error)?;
            if read == 0 {
                break;
            }
            hasher.update(&buffer[..read]);
        }
        Ok(hex::encode(hasher.finalize()))
    }
}

impl Existing {
    /// Refuses a file whose content is shared with other names.
    pub(crate) fn refuse_hard_links(self, shown: &str) -> Result<(), WorkspaceError> {
        if self.links > 1 {
            return Err(WorkspaceError::HardLinked {
                path: shown.to_owned(),
                links: self.links,
            });
        }
        Ok(())
    }
}

impl Target {
    /// Only regular files may be changed; a symlink is never followed.
    fn check_editable(&self, file_type: FileType, shown: &str) -> Result<(), WorkspaceError> {
        if file_type.is_file() {
            return Ok(());
        }
        if file_type.is_dir() {
            return Err(WorkspaceError::EditIsDirectory {
                path: shown.to_owned(),
            });
        }
        if file_type.is_symlink() {
            return Err(WorkspaceError::SymlinkWrite {
                path: shown.to_owned(),
                link: self.rel.clone(),
            });
        }
        Err(WorkspaceError::NotEditable {
            path: shown.to_owned(),
            what: special_kind(file_type),
        })
    }
}
