//! The seam between the `model` capability and the model layer.
//!
//! Owns: [`ModelAccess`], what a call's context carries to reach models — the
//! shared [`ralex_models::Models`] plus what this command adds: the session (for
//! the session budget), a route chosen earlier by the router plugin, the intent's
//! kind and risk (for routing when no route was chosen), and where streamed text
//! goes. The host side of `model` checks the manifest, lets the model layer walk
//! its chain, and decides by policy *per model tried* (through an observer), so a
//! fallback to another model is decided and audited like the first choice.

use std::sync::Arc;

use ralex_models::{Latency, Models, RouteChoice};

/// Receives streamed model text (e.g. the gateway's live events).
pub type DeltaSink = Arc<dyn Fn(&str) + Send + Sync>;

/// Model calls for one command.
#[derive(Clone)]
pub struct ModelAccess {
    /// The model layer.
    pub models: Arc<Models>,
    /// The session, for the session budget and the ledger.
    pub session: Option<String>,
    /// The route the router chose for this command, if any.
    pub route: Option<RouteChoice>,
    /// Intent kind name, for routing.
    pub kind: String,
    /// Risk name, for routing.
    pub risk: String,
    /// Speed preference, for routing.
    pub latency: Latency,
    /// Where streamed text goes; none: answers are not streamed.
    pub on_delta: Option<DeltaSink>,
}

impl ModelAccess {
    /// Access to `models` with no session, route or stream.
    pub fn new(models: Arc<Models>) -> ModelAccess {
        ModelAccess {
            models,
            session: None,
            route: None,
            kind: "chat".into(),
            risk: "read_only".into(),
            latency: Latency::Balanced,
            on_delta: None,
        }
    }
}

impl std::fmt::Debug for ModelAccess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModelAccess")
            .field("session", &self.session)
            .field("route", &self.route)
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}
