//! The store's error type.
//!
//! Owns: every way a store call can fail, with messages that name the namespace,
//! key or database file involved and say how to fix it. Callers branch on
//! [`StoreError::is_client_error`]: client errors are the plugin's fault and go
//! back to it as they are; the others are the kernel's problem.

use std::path::PathBuf;

/// Why a store call failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The key is empty, too long or contains a NUL byte.
    #[error("invalid key `{key}` in namespace `{namespace}`: {reason}")]
    InvalidKey {
        /// The namespace the key was used in.
        namespace: String,
        /// The offending key, with control characters escaped.
        key: String,
        /// What is wrong with it and how to fix it.
        reason: String,
    },

    /// The namespace is empty or contains a NUL byte (a kernel bug, not a plugin's).
    #[error("invalid namespace `{namespace}`: {reason}")]
    InvalidNamespace {
        /// The offending namespace, with control characters escaped.
        namespace: String,
        /// What is wrong with it.
        reason: &'static str,
    },

    /// The value is larger than one value may be.
    #[error(
        "the value for key `{key}` in namespace `{namespace}` is {size} bytes, over the limit of {limit} bytes per value; store smaller values or split them across keys"
    )]
    ValueTooLarge {
        /// The namespace written to.
        namespace: String,
        /// The key written to.
        key: String,
        /// Size of the refused value in bytes.
        size: usize,
        /// The per-value limit in bytes.
        limit: usize,
    },

    /// The write would take the namespace past its storage quota.
    #[error(
        "namespace `{namespace}` would use {needed} bytes, over its quota of {limit} bytes ({used} bytes used now); delete keys you no longer need"
    )]
    QuotaExceeded {
        /// The namespace written to.
        namespace: String,
        /// Bytes (keys + values) used before the write.
        used: u64,
        /// Bytes the namespace would use after the write.
        needed: u64,
        /// The quota in bytes.
        limit: u64,
    },

    /// The database was written by a newer Ralex whose schema this build does not know.
    #[error(
        "the database `{}` has schema version {found}, but this build of Ralex supports versions up to {supported}; upgrade Ralex or point it at another data directory",
        path.display()
    )]
    Newer {
        /// The database file (`:memory:` for an in-memory store).
        path: PathBuf,
        /// The schema version found in the file.
        found: i64,
        /// The newest schema version this build knows.
        supported: i64,
    },

    /// SQLite failed.
    #[error("SQLite failed while {context}: {source}")]
    Sqlite {
        /// What the store was doing, e.g. "reading a key".
        context: &'static str,
        /// SQLite's error.
        #[source]
        source: rusqlite::Error,
    },

    /// A live token already has this name.
    #[error(
        "a token named `{name}` already exists; revoke it first (`ralex token revoke {name}`) or choose another name"
    )]
    TokenNameTaken {
        /// The name.
        name: String,
    },

    /// No command has this id.
    #[error("no command has the id `{id}`; `ralex undo` without an id undoes the latest change")]
    UnknownCommand {
        /// The id asked for.
        id: String,
    },

    /// No workflow run has this id.
    #[error("there is no workflow run `{id}`; `ralex workflow runs` lists them")]
    UnknownRun {
        /// The id asked for.
        id: String,
    },

    /// The run has ended and cannot change.
    #[error("workflow run `{id}` has already ended ({state}); start a new run")]
    RunFinished {
        /// The run.
        id: String,
        /// How it ended.
        state: String,
    },

    /// The database's folder could not be created.
    #[error("cannot create the folder `{}` for the database: {source}; check its permissions", path.display())]
    Io {
        /// The folder.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
}

impl StoreError {
    /// True when the caller (a plugin) caused the error and can fix it by changing
    /// its request: a bad key, a too-large value or a full quota.
    pub fn is_client_error(&self) -> bool {
        matches!(
            self,
            StoreError::InvalidKey { .. }
                | StoreError::ValueTooLarge { .. }
                | StoreError::QuotaExceeded { .. }
        )
    }

    /// A closure that wraps a SQLite error with what the store was doing.
    pub(crate) fn sqlite(context: &'static str) -> impl FnOnce(rusqlite::Error) -> StoreError {
        move |source| StoreError::Sqlite { context, source }
    }
}
