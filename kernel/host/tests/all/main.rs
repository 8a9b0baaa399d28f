//! Integration tests of the component host against real guest components (built by
//! `cargo xtask plugins` into `target/test-plugins/`). One test binary, so wasmtime
//! links once.

mod cache;
mod capabilities;
mod compress;
mod faults;
mod loading;
mod models;
mod parser;
mod security;
mod support;
