//! `ralex-caps`: the kernel's capability providers, as plain Rust.
//!
//! Owns: the host-side behaviour behind the WIT capability interfaces (for now
//! `ralex:plugin/workspace` and `ralex:plugin/workspace-edit`). The wasmtime glue lives in `ralex-host` and only
//! converts types; every check that keeps a plugin inside its grant is here.
//!
//! Must never: depend on wasmtime, or trust a path, pattern or size that came
//! from a plugin before validating it.

pub mod error;
pub mod workspace;

pub use error::ErrorKind;
pub use workspace::{
    Change, ChangeKind, Entry, EntryKind, SearchMatch, SearchOptions, Workspace, WorkspaceError,
    WorkspaceLimits,
};
