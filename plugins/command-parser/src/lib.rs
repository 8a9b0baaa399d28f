//! The first-party command parser plugin (world `command-parser`).
//!
//! The parsing itself lives in [`parse`], plain Rust with no bindings, so it is tested
//! natively against the labelled utterance set; this file only adapts it to the WIT
//! interface when built as a component.

pub mod parse;

#[cfg(target_arch = "wasm32")]
mod component;
