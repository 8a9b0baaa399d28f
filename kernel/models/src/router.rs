//! The seam to the router: what the model layer asks, what it gets back.
//!
//! The router itself is a plugin (`model-router` world); the kernel adapts it to
//! [`Router`]. The model layer never routes by itself beyond the obvious: an
//! explicitly named model, a preset route, or the configured default when no
//! router answers.

use std::future::Future;
use std::pin::Pin;

use crate::budget::Remaining;
use crate::catalogue::ModelSpec;

/// How much speed matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Latency {
    /// A voice round trip: answer fast.
    Fast,
    /// No preference.
    #[default]
    Balanced,
    /// Take the time needed.
    Thorough,
}

/// A model offered to the router.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// The model.
    pub spec: ModelSpec,
    /// Its provider is cooling down after failures.
    pub cooling_down: bool,
}

/// What the router is asked.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteInput {
    /// Intent kind name ("edit", "explain", ...).
    pub kind: String,
    /// Risk name ("read_only", "modify", "destructive").
    pub risk: String,
    /// Estimated prompt tokens.
    pub context_tokens: u32,
    /// Capabilities the model must have.
    pub needed: Vec<String>,
    /// Speed preference.
    pub latency: Latency,
    /// Usable models.
    pub catalogue: Vec<Candidate>,
    /// Money left.
    pub budgets: Remaining,
}

/// The router's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteChoice {
    /// First model to try.
    pub model: String,
    /// Next ones, in order.
    pub fallbacks: Vec<String>,
    /// Estimated cost in USD.
    pub estimated_cost_usd: f64,
    /// Why, in one line.
    pub reason: String,
}

impl RouteChoice {
    /// The models to try, in order, without repeats.
    pub fn chain(&self) -> Vec<String> {
        let mut chain = vec![self.model.clone()];
        for f in &self.fallbacks {
            if !chain.contains(f) {
                chain.push(f.clone());
            }
        }
        chain
    }
}

/// Why the router could not choose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteError {
    /// What went wrong, for people.
    pub message: String,
    /// The router refused because every capable model is over a budget.
    pub over_budget: bool,
}

impl From<String> for RouteError {
    fn from(message: String) -> RouteError {
        RouteError {
            message,
            over_budget: false,
        }
    }
}

impl From<&str> for RouteError {
    fn from(message: &str) -> RouteError {
        RouteError::from(message.to_string())
    }
}

impl std::fmt::Display for RouteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Boxed future of a routing decision.
pub type RouteFuture<'a> =
    Pin<Box<dyn Future<Output = Result<RouteChoice, RouteError>> + Send + 'a>>;

/// Chooses models (implemented by the kernel over the router plugin).
pub trait Router: Send + Sync {
    /// Choose a model for `input`.
    fn route(&self, input: RouteInput) -> RouteFuture<'_>;
}
