//! Ralex's first-party model router plugin (world `model-router`).
//!
//! Chooses the cheapest capable model within budget for each request, escalating the
//! tier with the request's complexity, with a fallback chain and a one-line reason,
//! and learns per-model success rates from outcomes.
//!
//! The logic is plain Rust with no bindings, tested natively: [`complexity`] (what a
//! request needs), [`learn`] (success counts in kv), [`route`] (the decision) and
//! [`reason`] (the words). `component` only adapts it to the WIT interface when built
//! as a component.

#![warn(missing_docs)]

pub mod complexity;
pub mod learn;
pub mod reason;
pub mod route;

#[cfg(target_arch = "wasm32")]
mod component;
