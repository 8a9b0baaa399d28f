//! A private index for looking at the work tree without touching git's state.
//!
//! Owns: [`Scratch`], a second libgit2 handle on the repository whose index is
//! loaded from `.git/index` (so unchanged files are not re-hashed) and then
//! only ever changed in memory. Snapshots and undo hash the work tree through
//! it, with git's own rules (`.gitignore`, clean filters, file modes).
//!
//! Must never: write the index file (`Index::write`), or hand its handle to
//! code that might. Blobs and trees it creates go into the object database,
//! which is harmless (unreferenced ones are collected by `git gc`).

use std::path::Path;

use git2::{Index, IndexAddOption, Oid, Repository, Tree};

use crate::{GitError, Repo};

/// A file as git would record it: blob id and mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FileState {
    pub(crate) id: Oid,
    pub(crate) mode: u32,
}

/// A throw-away copy of the index, bound to its own repository handle.
pub(crate) struct Scratch {
    repo: Repository,
    index: Index,
}

impl Scratch {
    /// A scratch index holding what `.git/index` holds now.
    pub(crate) fn new(repo: &Repo) -> Result<Scratch, GitError> {
        let handle =
            Repository::open(repo.workdir()).map_err(GitError::git("opening a scratch handle"))?;
        let index = handle.index().map_err(GitError::git("reading the index"))?;
        Ok(Scratch {
            repo: handle,
            index,
        })
    }

    /// Records the whole work tree (tracked files as on disk, untracked files
    /// that are not ignored, deletions) and returns its tree id.
    pub(crate) fn capture_all(&mut self) -> Result<Oid, GitError> {
        let capturing = GitError::git("recording the work tree");
        self.index
            .add_all(["*"], IndexAddOption::DEFAULT, None)
            .and_then(|()| self.index.update_all(["*"], None))
            .map_err(capturing)?;
        self.index
            .write_tree_to(&self.repo)
            .map_err(GitError::git("writing the work tree's tree"))
    }

    /// Records the folder `folder` as it is in the work tree (files that are
    /// not ignored, tracked files even if ignored, deletions) on top of
    /// `base` (an empty tree when `None`) and returns the resulting tree's
    /// id: `base` everywhere else, the work tree inside `folder`.
    pub(crate) fn capture_folder(
        &mut self,
        base: Option<&Tree<'_>>,
        folder: &str,
    ) -> Result<Oid, GitError> {
        match base {
            Some(tree) => self.index.read_tree(tree),
            None => self.index.clear(),
        }
        .map_err(GitError::git("loading the HEAD tree"))?;
        self.index
            .add_all([folder], IndexAddOption::DEFAULT, None)
            .and_then(|()| self.index.update_all([folder], None))
            .map_err(GitError::git("recording a folder of the work tree"))?;
        self.index
            .write_tree_to(&self.repo)
            .map_err(GitError::git("writing the folder's tree"))
    }

    /// How git would record the file at `path` now, `None` when there is no
    /// file or symlink there (a folder or nothing).
    pub(crate) fn file_state(
        &mut self,
        workdir: &Path,
        path: &str,
    ) -> Result<Option<FileState>, GitError> {
        match std::fs::symlink_metadata(workdir.join(path)) {
            Ok(meta) if meta.is_file() || meta.file_type().is_symlink() => {}
            Ok(_) => return Ok(None),
            Err(err)
                if matches!(
                    err.kind(),
                    std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
                ) =>
            {
                return Ok(None);
            }
            Err(err) => return Err(GitError::io("read", workdir.join(path))(err)),
        }
        self.index
            .add_path(Path::new(path))
            .map_err(GitError::git("hashing a work-tree file"))?;
        Ok(self
            .index
            .get_path(Path::new(path), 0)
            .map(|entry| FileState {
                id: entry.id,
                mode: entry.mode,
            }))
    }
}
