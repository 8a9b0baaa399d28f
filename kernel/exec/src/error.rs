//! Why an `exec` call failed.
//!
//! Owns: [`ExecError`] and its WIT error code ([`ExecError::kind`]). Messages
//! say what was refused, where, and how to fix it. A program that runs and fails
//! is not an error: its exit code is in the [`crate::Output`].

use std::io;
use std::path::PathBuf;

use ralex_caps::ErrorKind;

/// Why an `exec` call failed.
#[derive(Debug, thiserror::Error)]
pub enum ExecError {
    /// An allow-list entry does not parse.
    #[error(
        "invalid exec allow-list entry `{entry}`: {reason}; entries look like `cargo test`, `pytest` or `npm run lint`"
    )]
    InvalidEntry {
        /// The entry as written.
        entry: String,
        /// What is wrong with it.
        reason: String,
    },

    /// No program was named.
    #[error("no program was given; name an allowed program, e.g. `cargo`")]
    EmptyProgram,

    /// A program name, argument, directory or variable contains a NUL byte.
    #[error("the {what} contains a NUL byte, which no program can receive; remove it")]
    NulByte {
        /// Which input, e.g. `argument 2`.
        what: String,
    },

    /// The program was given as a path instead of a bare name.
    #[error(
        "`{program}` is a path; give the bare program name as in the allow-list (e.g. `cargo`), the kernel finds it on its own PATH"
    )]
    ProgramIsPath {
        /// The program as given.
        program: String,
    },

    /// The program and arguments match no allow-list entry.
    #[error(
        "`{command}` is not in this plugin's exec allow-list (allowed: {allowed}); add an entry to the plugin's exec grant"
    )]
    NotAllowed {
        /// The program and the start of its arguments.
        command: String,
        /// The allow-list, e.g. `cargo test`, `pytest` (or `nothing`).
        allowed: String,
    },

    /// The program is allowed but not on the kernel's PATH.
    #[error(
        "`{program}` was not found on the kernel's PATH ({path}); install it or start the kernel with a PATH that contains it"
    )]
    ProgramNotFound {
        /// The program name.
        program: String,
        /// The PATH that was searched.
        path: String,
    },

    /// The working directory is absolute or climbs out with `..`.
    #[error(
        "working directory `{cwd}` is outside the project root `{}`; give a folder relative to the project root, without `..`",
        root.display()
    )]
    CwdOutsideRoot {
        /// The directory as given.
        cwd: String,
        /// The project root.
        root: PathBuf,
    },

    /// The working directory goes through a symlink that leaves the root.
    #[error(
        "working directory `{cwd}` goes through a symlink that leads outside the project root `{}`; use a folder inside the project",
        root.display()
    )]
    CwdEscapes {
        /// The directory as given.
        cwd: String,
        /// The project root.
        root: PathBuf,
    },

    /// The working directory does not exist.
    #[error("working directory `{cwd}` does not exist in the project root `{}`", root.display())]
    CwdNotFound {
        /// The directory as given.
        cwd: String,
        /// The project root.
        root: PathBuf,
    },

    /// The working directory is not a directory.
    #[error("working directory `{cwd}` is a file, not a folder")]
    CwdNotDirectory {
        /// The directory as given.
        cwd: String,
    },

    /// A variable the caller asked to pass looks like a secret.
    #[error(
        "environment variable `{name}` looks like a secret (its name contains KEY, TOKEN, SECRET, PASSWORD or CREDENTIAL, or starts with RALEX_, AWS_, OPENAI or ANTHROPIC) and is never passed to programs"
    )]
    SecretVariable {
        /// The variable name.
        name: String,
    },

    /// A variable name that cannot be set.
    #[error("`{name}` is not a valid environment variable name; use letters, digits and `_`")]
    InvalidVariable {
        /// The name as given.
        name: String,
    },

    /// A timeout of zero.
    #[error(
        "a timeout of zero cannot succeed; leave it unset for the default or give a positive duration"
    )]
    InvalidTimeout,

    /// The project root cannot be opened (a kernel configuration problem).
    #[error("cannot open the project root `{}`: {source}; check that the folder exists", root.display())]
    Root {
        /// The root as configured.
        root: PathBuf,
        /// The OS error.
        #[source]
        source: io::Error,
    },

    /// The process could not be started or waited for.
    #[error("running `{program}` failed: {source}")]
    Process {
        /// The program name.
        program: String,
        /// The OS error.
        #[source]
        source: io::Error,
    },
}

impl ExecError {
    /// The WIT error code for this error.
    pub fn kind(&self) -> ErrorKind {
        use ExecError as E;
        match self {
            E::InvalidEntry { .. }
            | E::EmptyProgram
            | E::NulByte { .. }
            | E::CwdNotDirectory { .. }
            | E::InvalidVariable { .. }
            | E::InvalidTimeout => ErrorKind::InvalidInput,
            E::ProgramIsPath { .. }
            | E::NotAllowed { .. }
            | E::CwdOutsideRoot { .. }
            | E::CwdEscapes { .. }
            | E::SecretVariable { .. } => ErrorKind::Denied,
            E::ProgramNotFound { .. } | E::CwdNotFound { .. } => ErrorKind::NotFound,
            E::Root { .. } | E::Process { .. } => ErrorKind::Internal,
        }
    }
}
