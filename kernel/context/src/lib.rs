//! `ralex-context`: what Ralex knows about the project it works on (issue 7).
//!
//! This crate holds the symbol index and the spoken-name resolver:
//!
//! - [`lang`]: file extension → tree-sitter grammar and definition/reference queries;
//! - [`extract`]: one file's text → symbols and references;
//! - [`index`]: the project's files (respecting `.gitignore`), kept current incrementally;
//! - [`store`]: the index persisted in SQLite through the caller's connection;
//! - [`names`]: identifiers and spoken phrases as words, with kind hints;
//! - [`phonetic`]: phonetic keys and fuzzy word similarity;
//! - [`resolve`]: a spoken target phrase → ranked candidates and a verdict.
//!
//! Ranked context, `.ralex` notes and git sync (the rest of issue 7) are not here yet.
//! See docs/CONTEXT.md for how it works, its accuracy and its benchmarks.

pub mod extract;
pub mod index;
pub mod lang;
pub mod names;
pub mod phonetic;
pub mod resolve;
pub mod store;
