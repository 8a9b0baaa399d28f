//! The seam between the `model` capability and whatever serves model calls.
//!
//! Owns: [`ModelBackend`], the trait the model layer implements (providers,
//! routing, budgets, metering), and the plain request/answer types it speaks. The
//! host side of `model` checks the manifest, decides by policy, audits, and then
//! hands the request to the backend of the call's context; without one the call
//! fails with `unavailable` and says how to configure a model.

use std::future::Future;
use std::pin::Pin;

/// One message of a conversation.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelMessage {
    /// "system", "user", "assistant" or "tool".
    pub role: String,
    /// Text.
    pub content: String,
    /// Tool calls of an assistant message: (id, name, arguments JSON).
    pub tool_calls: Vec<(String, String, String)>,
    /// For tool messages: the call answered.
    pub tool_call_id: Option<String>,
}

/// A chat request as the plugin sent it.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelRequest {
    /// Who asks (the plugin's name), for metering.
    pub plugin: String,
    /// The model asked for, or none for the router's choice.
    pub model: Option<String>,
    /// Conversation.
    pub messages: Vec<ModelMessage>,
    /// Tools: (name, description, JSON schema).
    pub tools: Vec<(String, String, String)>,
    /// Upper bound on completion tokens.
    pub max_tokens: Option<u32>,
    /// Sampling temperature.
    pub temperature: Option<f32>,
}

/// The answer, metered.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelAnswer {
    /// The model that answered.
    pub model: String,
    /// The assistant message.
    pub message: ModelMessage,
    /// "stop", "length", "tool_calls".
    pub finish_reason: String,
    /// Prompt tokens.
    pub input_tokens: u32,
    /// Completion tokens.
    pub output_tokens: u32,
    /// Cost in USD.
    pub cost_usd: f64,
}

/// Why a model call failed, for the plugin.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelFailure {
    /// The WIT error code name ("unavailable", "limit-exceeded", ...).
    pub code: ralex_caps::ErrorKind,
    /// What went wrong and how to fix it.
    pub message: String,
}

/// Boxed future of a model answer.
pub type ModelFuture<'a> =
    Pin<Box<dyn Future<Output = Result<ModelAnswer, ModelFailure>> + Send + 'a>>;

/// Serves model calls (implemented by the model layer).
pub trait ModelBackend: Send + Sync {
    /// The provider and locality of `model` (for the policy), if known.
    fn describe(&self, model: Option<&str>) -> (String, String, bool);
    /// Send the request.
    fn chat(&self, request: ModelRequest) -> ModelFuture<'_>;
}
