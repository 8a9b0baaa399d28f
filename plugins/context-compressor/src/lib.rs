//! Ralex's first-party context compressor plugin (world `context-compressor`).
//!
//! Turns old session notes (`.ralex/sessions/<date>-<id>.md`, oldest first) into a
//! short markdown summary written by a model — what was asked, what changed, where —
//! while every decision and explicit preference is kept word for word beside it.
//! The kernel appends both to `.ralex/sessions/archive.md` and only then removes
//! the compressed session files.
//!
//! The logic is plain Rust with no bindings, tested natively: [`extract`] (what is
//! kept word for word, and what is left), [`prompt`] (the instructions and the
//! notes) and [`compress`] (the whole, over a [`compress::Model`]). `component`
//! only adapts it to the WIT interface and the `model` import when built as a
//! component.
//!
//! Must never: make up a summary. Without a model answer the call fails, and the
//! kernel keeps every note.

#![warn(missing_docs)]

pub mod compress;
pub mod extract;
pub mod prompt;

#[cfg(target_arch = "wasm32")]
mod component;
