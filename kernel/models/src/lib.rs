//! `ralex-models`: the kernel's model layer.
//!
//! Owns: the catalogue of providers and models with prices ([`catalogue`]), keys
//! that never leak ([`key`]), the OpenAI-compatible and Anthropic wire formats with
//! streaming and tool calls ([`wire`]), one provider over HTTP ([`provider`]),
//! retries with backoff and `Retry-After` ([`retry`]), per-provider cooldown
//! ([`health`]), budgets and reservations ([`budget`]), speech-to-text ([`stt`]),
//! and [`Models`], which puts them together: chain → checks → policy → budget →
//! attempts (`attempt`) → ledger and audit.
//!
//! Plugins never reach this crate directly: the host's `model` capability calls it
//! after the manifest and policy checks, and the router is a plugin behind
//! [`router::Router`].
//!
//! Must never: send a request a hard budget forbids, follow a redirect with a key,
//! put a key in a log, an error or the audit trail, or trust a provider's own
//! cost figure (costs are computed from token counts and catalogue prices).

mod attempt;
pub mod budget;
pub mod catalogue;
pub mod config;
pub mod error;
pub mod health;
pub mod key;
mod models;
pub mod provider;
pub mod retry;
pub mod router;
pub mod stt;
pub mod tokens;
pub mod types;
pub mod wire;

pub use catalogue::{Catalogue, ModelSpec};
pub use config::{
    BudgetConfig, CallConfig, ModelConfig, ModelsConfig, ProviderConfig, ProviderKind,
};
pub use error::{ConfigError, Failure, FailureKind, ModelError};
pub use models::{AllowAll, Answer, Call, Models, Observer};
pub use router::{Candidate, Latency, RouteChoice, RouteError, RouteInput, Router};
pub use types::{ChatRequest, Completion, FinishReason, Message, Role, ToolCall, ToolSpec};
