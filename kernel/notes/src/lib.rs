//! `ralex-notes`: the project's `.ralex/` notes (DESIGN.md §5), plain markdown a
//! person reads and edits, kept by Ralex as it works.
//!
//! - [`layout`]: which files there are, which are append-only logs, and safe paths;
//! - [`skeleton`]: the helpful first version of each file, created on first use;
//! - [`session`]: one entry per command in `sessions/<date>-<id>.md`;
//! - [`statements`]: decisions and preferences stated in a command, kept in `decisions.md`;
//! - [`check`]: damaged or unparseable files found and reported, never rewritten;
//! - [`restore`]: the newest healthy version of a damaged file, from git history;
//! - [`overview`]: what `ralex context show` prints;
//! - [`config`]: the `[context]` table of `.ralex/config.toml`;
//! - [`recorder`]: all of the above after one command, in one call.
//!
//! Must never: write outside `.ralex/`, rewrite a file a person may have edited
//! (logs are appended to, damaged files are left as they are), or fail a command
//! because a note could not be written — callers log and go on.

pub mod check;
pub mod config;
pub mod error;
pub mod layout;
pub mod overview;
pub mod recorder;
pub mod restore;
pub mod session;
pub mod skeleton;
pub mod statements;

pub use check::{Problem, check};
pub use config::ContextConfig;
pub use error::NotesError;
pub use layout::{APPEND_ONLY, DIR};
pub use overview::{Overview, overview};
pub use recorder::{CommandRecord, Recorded, record};
pub use session::Entry;
pub use statements::{Statement, StatementKind, statements};
