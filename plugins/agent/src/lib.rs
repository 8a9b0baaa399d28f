//! Ralex's first-party coding agent plugin (world `agent`).
//!
//! Carries out a coding task with a tool loop: the model reads, searches and edits the
//! project through tools that map onto the kernel's imports, edits are exact-match
//! replacements that fail loudly with a hint of where the text differs, and the
//! project's tests run after the change with up to two rounds of fixes.
//!
//! The logic is plain Rust written against the [`host::Host`] trait and tested natively
//! with a scripted model and an in-memory project: [`prompt`] (the opening messages),
//! [`tools`] (specs and argument parsing), [`execute`] (one tool call), [`edit_hint`]
//! (why a replace did not apply), [`clip`] (output caps), [`test_run`] (the test
//! command), [`run`] (the loop and its limits) and [`summary`] (the closing words).
//! `component` only adapts it to the WIT imports and export when built as a component.
//!
//! The agent never decides what it may touch: every call goes through the kernel's
//! policy, and a refusal is reported to the model and the user, never worked around.

#![warn(missing_docs)]

pub mod clip;
pub mod edit_hint;
pub mod execute;
pub mod host;
pub mod prompt;
pub mod run;
pub mod summary;
pub mod task;
pub mod test_run;
pub mod tools;

#[cfg(target_arch = "wasm32")]
mod component;
