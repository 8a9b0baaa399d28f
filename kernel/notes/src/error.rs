//! What can go wrong with the notes, each error naming the file involved.

use std::path::PathBuf;

/// An error reading or writing `.ralex/` notes.
#[derive(Debug, thiserror::Error)]
pub enum NotesError {
    /// A file or folder could not be read or written.
    #[error("{}: {what}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What was being done ("reading", "writing", …).
        what: &'static str,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A path given by a person or a caller is not a note path.
    #[error("`{path}` is not a file under .ralex/: {why}")]
    BadPath {
        /// The path as given.
        path: String,
        /// Why it was refused.
        why: &'static str,
    },
    /// `.ralex/config.toml` is not valid.
    #[error(".ralex/config.toml: {0}")]
    Config(String),
    /// Git history could not be read.
    #[error("git history of {path}: {message}")]
    Git {
        /// The note.
        path: String,
        /// libgit2's message.
        message: String,
    },
    /// No healthy version of a damaged file is in git history.
    #[error(
        "{path}: no healthy version in git history ({looked} commits looked at); fix the file by hand"
    )]
    NoHealthyVersion {
        /// The note.
        path: String,
        /// Commits that touched it.
        looked: usize,
    },
}

impl NotesError {
    /// An I/O error on `path` while doing `what`.
    pub(crate) fn io(
        path: impl Into<PathBuf>,
        what: &'static str,
    ) -> impl FnOnce(std::io::Error) -> NotesError {
        let path = path.into();
        move |source| NotesError::Io { path, what, source }
    }
}
