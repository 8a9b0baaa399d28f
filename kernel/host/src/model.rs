//! The seam between the `model` capability and the model layer.
//!
//! Owns: [`ModelAccess`], what a call's context carries to reach models — the
//! shared [`ralex_models::Models`] plus what this command adds: the session (for
//! the session budget), a route chosen earlier by the router plugin, the intent's
//! kind and risk (for routing when no route was chosen), and where streamed text
//! goes. The host side of `model` checks the manifest, lets the model layer walk
//! its chain, and decides by policy *per model tried* (through an observer), so a
//! fallback to another model is decided and audited like the first choice.

use std::sync::{Arc, Mutex, PoisonError};

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
    /// The command's own limits and running totals; none: only budgets apply.
    pub spend: Option<Arc<CommandSpend>>,
}

/// What one command may spend on models, and what it has spent: the kernel's own
/// check of the agent's step and cost limits (the agent counts too, but a plugin
/// is never trusted to stop itself).
#[derive(Debug)]
pub struct CommandSpend {
    max_calls: u32,
    max_cost_nusd: i64,
    state: Mutex<Spent>,
}

/// Running totals of one command's model calls.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Spent {
    /// Chat calls answered.
    pub calls: u32,
    /// Nano-dollars, failed attempts included.
    pub cost_nusd: i64,
    /// Prompt tokens.
    pub input_tokens: u64,
    /// Completion tokens.
    pub output_tokens: u64,
    /// The model of the latest answer.
    pub model: Option<String>,
}

impl CommandSpend {
    /// At most `max_calls` chat calls and `max_cost_nusd` nano-dollars.
    pub fn new(max_calls: u32, max_cost_nusd: i64) -> CommandSpend {
        CommandSpend {
            max_calls,
            max_cost_nusd,
            state: Mutex::default(),
        }
    }

    /// What was spent so far.
    pub fn spent(&self) -> Spent {
        self.lock().clone()
    }

    /// Refuses another call once a limit is reached, saying which.
    pub(crate) fn admit(&self) -> Result<(), String> {
        let spent = self.lock();
        if spent.calls >= self.max_calls {
            return Err(format!(
                "this command has used all {} model calls it may make; ask for a smaller change or raise [agent] max_steps",
                self.max_calls
            ));
        }
        if spent.cost_nusd >= self.max_cost_nusd {
            return Err(format!(
                "this command has spent ${:.4} of its ${:.4} limit; raise [agent] max_cost_usd to let it go on",
                spent.cost_nusd as f64 / 1e9,
                self.max_cost_nusd as f64 / 1e9
            ));
        }
        Ok(())
    }

    /// Counts an answered call.
    pub(crate) fn add(&self, model: &str, cost_nusd: i64, input: u64, output: u64) {
        let mut spent = self.lock();
        spent.calls += 1;
        spent.cost_nusd += cost_nusd;
        spent.input_tokens += input;
        spent.output_tokens += output;
        spent.model = Some(model.to_owned());
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Spent> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
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
            spend: None,
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
