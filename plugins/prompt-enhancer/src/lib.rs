//! Ralex's first-party prompt enhancer plugin (world `prompt-enhancer`).
//!
//! Gives each prompt a system prompt for the kind of work asked, and adds the
//! project's notes that matter for the command — `.ralex/standards/*.md` for the
//! targets' languages and in general, and the sections of `.ralex/decisions.md` and
//! `.ralex/patterns.md` that share words with the command — within a token budget,
//! with one short note per thing added or left out.
//!
//! The logic is plain Rust with no bindings, tested natively: [`notes`] (reading,
//! through a [`notes::FileSource`]), [`sections`] and [`rank`] (what is relevant, in
//! which order, using [`words`] and [`lang`]), [`budget`] (what fits), [`system`]
//! (the instructions) and [`enhance`] (the pipeline). `component` only adapts it to
//! the WIT interface when built as a component.

#![warn(missing_docs)]

pub mod budget;
pub mod enhance;
pub mod lang;
pub mod notes;
pub mod rank;
pub mod request;
pub mod sections;
pub mod system;
pub mod words;

#[cfg(target_arch = "wasm32")]
mod component;

#[cfg(test)]
mod tests;
