//! `ralex-context`: what Ralex knows about the project it works on (issue 7).
//!
//! This crate holds the symbol index, the spoken-name resolver and ranked context:
//!
//! - [`lang`]: file extension → tree-sitter grammar and definition/reference queries;
//! - [`extract`]: one file's text → symbols and references;
//! - [`index`]: the project's files (respecting `.gitignore`), kept current incrementally;
//! - [`store`]: the index persisted in SQLite through the caller's connection;
//! - [`names`]: identifiers and spoken phrases as words, with kind hints;
//! - [`phonetic`]: phonetic keys and fuzzy word similarity;
//! - [`resolve`]: a spoken target phrase → ranked candidates and a verdict;
//! - [`graph`]: the reference graph over files (who uses what who defines);
//! - [`rank`]: personalised PageRank over that graph, files and definitions;
//! - [`chunk`]: a piece of selected context and the token estimate;
//! - [`select`]: context for a request within a token budget, explained;
//! - [`repo_map`]: signature lines of the best ranked definitions.
//!
//! `.ralex` notes and git sync (the rest of issue 7) are not here yet.
//! See docs/CONTEXT.md for how it works, its accuracy and its benchmarks.

pub mod chunk;
mod enclosing;
pub mod extract;
mod fxhash;
pub mod graph;
pub mod index;
pub mod lang;
pub mod names;
pub mod phonetic;
pub mod rank;
mod relations;
pub mod repo_map;
pub mod resolve;
pub mod select;
mod sources;
pub mod store;
