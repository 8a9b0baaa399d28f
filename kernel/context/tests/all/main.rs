//! Integration tests of `ralex-context` (one test binary for the crate).

mod fixtures;
mod labelled;
mod ranking;
mod selection;
