//! Integration tests of `ralex-context` (one test binary for the crate).

mod labelled;
