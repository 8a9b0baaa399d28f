//! [`Models`]: the model layer's front door. One call goes through
//! choose the chain (explicit model, preset route, router, or default) → for each
//! model: capability and context-window checks, cooldown, policy (through the
//! caller's [`Observer`]), budget check and reservation → attempts with backoff →
//! every attempt metered in the ledger with its audit entry → the answer, or an
//! error that says what each model did.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ralex_store::{NANO_USD, Store};

use crate::attempt::Tried;
use crate::budget::{Budgets, Remaining, Spent, Verdict};
use crate::catalogue::{Catalogue, ModelSpec};
use crate::config::{CallConfig, ModelsConfig};
use crate::error::{ConfigError, ModelError};
use crate::health::Health;
use crate::provider::{self, Provider};
use crate::router::{Candidate, Latency, RouteChoice, RouteInput, Router};
use crate::tokens;
use crate::types::{ChatRequest, Completion};

/// What the caller sees of a call while it runs, and the policy hook.
pub trait Observer: Send {
    /// May `model` be called? `Err` carries the reason (the caller audits it).
    fn authorize(&mut self, model: &ModelSpec) -> Result<(), String>;
    /// A new attempt starts (text streamed by an earlier one is void).
    fn attempt(&mut self, _model: &str, _attempt: u32) {}
    /// Streamed text.
    fn delta(&mut self, _text: &str) {}
    /// Something the user should know (fallback taken, budget nearly used).
    fn note(&mut self, _text: &str) {}
}

/// An observer that allows every model and ignores the rest (for kernel-internal
/// calls that went through policy elsewhere).
pub struct AllowAll;

impl Observer for AllowAll {
    fn authorize(&mut self, _model: &ModelSpec) -> Result<(), String> {
        Ok(())
    }
}

/// One model call.
#[derive(Debug, Clone, Copy)]
pub struct Call<'a> {
    /// The conversation.
    pub request: &'a ChatRequest,
    /// A model named by the caller: only that model is tried.
    pub model: Option<&'a str>,
    /// A route chosen earlier for this command.
    pub route: Option<&'a RouteChoice>,
    /// Audit actor ("plugin:agent").
    pub actor: &'a str,
    /// Ledger plugin column ("agent").
    pub plugin: &'a str,
    /// Session, for the session budget.
    pub session: Option<&'a str>,
    /// Intent kind, for the router.
    pub kind: &'a str,
    /// Risk, for the router.
    pub risk: &'a str,
    /// Speed preference, for the router.
    pub latency: Latency,
    /// Stream the answer (deltas go to the observer).
    pub stream: bool,
}

impl<'a> Call<'a> {
    /// A call for `request` with defaults: routed, unsessioned, streamed.
    pub fn new(request: &'a ChatRequest, actor: &'a str, plugin: &'a str) -> Call<'a> {
        Call {
            request,
            model: None,
            route: None,
            actor,
            plugin,
            session: None,
            kind: "chat",
            risk: "read_only",
            latency: Latency::Balanced,
            stream: true,
        }
    }
}

/// A metered answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// The model that answered.
    pub model: String,
    /// Its provider.
    pub provider: String,
    /// What it said.
    pub completion: Completion,
    /// Prompt tokens billed.
    pub input_tokens: u32,
    /// Completion tokens billed.
    pub output_tokens: u32,
    /// Cost of this answer (successful attempt), nano-dollars.
    pub cost_nusd: i64,
    /// Cost of every attempt of the call, nano-dollars.
    pub total_cost_nusd: i64,
    /// Attempts made, across models.
    pub attempts: u32,
    /// The router's reason, when it chose.
    pub reason: Option<String>,
    /// Fallbacks taken, warnings.
    pub notes: Vec<String>,
}

impl Answer {
    /// The cost of all attempts in USD.
    pub fn cost_usd(&self) -> f64 {
        self.total_cost_nusd as f64 / NANO_USD as f64
    }
}

pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// The model layer.
pub struct Models {
    pub(crate) catalogue: Catalogue,
    pub(crate) providers: HashMap<String, Provider>,
    pub(crate) health: Health,
    pub(crate) budgets: Budgets,
    pub(crate) calls: CallConfig,
    pub(crate) store: Arc<Store>,
    pub(crate) router: Option<Arc<dyn Router>>,
}

impl std::fmt::Debug for Models {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Models")
            .field("providers", &self.providers.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl Models {
    /// Builds the layer: catalogue, enabled providers with their keys, budgets.
    pub fn new(
        config: &ModelsConfig,
        store: Arc<Store>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Models, ConfigError> {
        let catalogue = Catalogue::build(config, env)?;
        let client = provider::client();
        let mut providers = HashMap::new();
        for spec in catalogue.providers() {
            let name = &spec.config.name;
            if !catalogue.enabled(name) {
                continue;
            }
            let key = spec.key.load(name, env)?;
            providers.insert(
                name.clone(),
                Provider::new(spec.clone(), key, client.clone()),
            );
        }
        if let Some(default) = &config.calls.default_model
            && catalogue.model(default).is_none()
        {
            return Err(ConfigError::new(format!(
                "[model_calls] default_model = {default:?} is not in the catalogue; use a [[models]] name or a catalogue model"
            )));
        }
        Ok(Models {
            health: Health::new(
                config.calls.cooldown_after,
                Duration::from_secs(config.calls.cooldown_s),
            ),
            budgets: Budgets::new(config.budgets.clone()),
            calls: config.calls.clone(),
            catalogue,
            providers,
            store,
            router: None,
        })
    }

    /// Routes calls that name no model through `router`.
    pub fn set_router(&mut self, router: Arc<dyn Router>) {
        self.router = Some(router);
    }

    /// The catalogue.
    pub fn catalogue(&self) -> &Catalogue {
        &self.catalogue
    }

    /// Provider health (cooldowns).
    pub fn health(&self) -> &Health {
        &self.health
    }

    /// Budgets and reservations.
    pub fn budgets(&self) -> &Budgets {
        &self.budgets
    }

    /// A provider by name, if enabled.
    pub fn provider(&self, name: &str) -> Option<&Provider> {
        self.providers.get(name)
    }

    pub(crate) fn providers(&self) -> impl Iterator<Item = &Provider> {
        self.providers.values()
    }

    pub(crate) fn call_config(&self) -> &CallConfig {
        &self.calls
    }

    /// What has been spent today, this month and in `session`.
    pub fn spent(&self, session: Option<&str>) -> Spent {
        match self.store.ledger_spent(now_ms(), session) {
            Ok(s) => Spent {
                day_nusd: s.day.cost_nusd,
                month_nusd: s.month.cost_nusd,
                session_nusd: s.session.cost_nusd,
                day_tokens: s.day_paid_tokens,
            },
            Err(e) => {
                // Unknown spending must not mean unlimited spending: count as full.
                tracing::error!(error = %e, "cannot read the cost ledger; budgets treated as spent");
                Spent {
                    day_nusd: i64::MAX / 4,
                    month_nusd: i64::MAX / 4,
                    session_nusd: i64::MAX / 4,
                    day_tokens: u64::MAX / 4,
                }
            }
        }
    }

    /// Money left in each budget.
    pub fn remaining(&self, session: Option<&str>) -> Remaining {
        self.budgets.remaining(self.spent(session), session)
    }

    /// The usable models as the router sees them.
    pub fn candidates(&self) -> Vec<Candidate> {
        self.catalogue
            .available()
            .map(|spec| Candidate {
                cooling_down: self.health.cooling(&spec.provider),
                spec: spec.clone(),
            })
            .collect()
    }

    /// Asks the router for a route (what the orchestrator does once per command).
    pub async fn route(&self, input: RouteInput) -> Result<RouteChoice, ModelError> {
        let router = self.router.as_ref().ok_or_else(|| {
            ModelError::Unavailable("no model-router plugin is configured".into())
        })?;
        router.route(input).await.map_err(|e| {
            if e.over_budget {
                ModelError::Budget(e.message)
            } else {
                ModelError::Unavailable(e.message)
            }
        })
    }

    /// The route input for a call that names no model.
    pub fn route_input(
        &self,
        call: &Call<'_>,
        prompt_tokens: u64,
        needed: &[String],
    ) -> RouteInput {
        RouteInput {
            kind: call.kind.to_string(),
            risk: call.risk.to_string(),
            context_tokens: prompt_tokens.min(u32::MAX as u64) as u32,
            needed: needed.to_vec(),
            latency: call.latency,
            catalogue: self.candidates(),
            budgets: self.remaining(call.session),
        }
    }

    fn default_model(&self) -> Option<String> {
        self.calls
            .default_model
            .clone()
            .or_else(|| self.catalogue.env_model.clone())
            .or_else(|| {
                let mut available = self.catalogue.available();
                match (available.next(), available.next()) {
                    (Some(only), None) => Some(only.name.clone()),
                    _ => None,
                }
            })
    }

    fn no_model_message(&self) -> String {
        if self.catalogue.available().next().is_none() {
            "no model is configured: set a provider key (OPENAI_API_KEY, ANTHROPIC_API_KEY, OPENROUTER_API_KEY, ...), declare [[providers]] and [[models]] in ralex.toml, or set RALEX_OPENAI_BASE_URL and RALEX_MODEL".into()
        } else {
            "no model was chosen: no model-router plugin answered and [model_calls] default_model is not set in ralex.toml".into()
        }
    }

    /// The models to try, in order, and the router's reason.
    async fn chain(
        &self,
        call: &Call<'_>,
        prompt: u64,
        needed: &[String],
        observer: &mut dyn Observer,
    ) -> Result<(Vec<String>, Option<String>), ModelError> {
        if let Some(model) = call.model {
            return Ok((vec![model.to_string()], None));
        }
        if let Some(route) = call.route {
            return Ok((route.chain(), Some(route.reason.clone())));
        }
        let mut router_error = None;
        if let Some(router) = &self.router {
            if self.catalogue.available().next().is_none() {
                return Err(ModelError::Unavailable(self.no_model_message()));
            }
            match router.route(self.route_input(call, prompt, needed)).await {
                Ok(choice) => return Ok((choice.chain(), Some(choice.reason))),
                Err(e) => {
                    let note =
                        format!("the router could not choose ({e}); using the default model");
                    tracing::warn!("{note}");
                    observer.note(&note);
                    router_error = Some(e);
                }
            }
        }
        match (self.default_model(), router_error) {
            (Some(model), _) => Ok((vec![model], None)),
            // The router answered with a refusal (e.g. every model over budget): say so.
            (None, Some(e)) if e.over_budget => Err(ModelError::Budget(e.message)),
            (None, Some(e)) => Err(ModelError::Unavailable(format!(
                "no model was chosen: the router could not choose ({e}) and [model_calls] default_model is not set in ralex.toml"
            ))),
            (None, None) => Err(ModelError::Unavailable(self.no_model_message())),
        }
    }

    /// Sends one chat call through the chain; see the module documentation.
    pub async fn chat(
        &self,
        call: Call<'_>,
        observer: &mut dyn Observer,
    ) -> Result<Answer, ModelError> {
        let prompt = tokens::prompt_tokens(call.request);
        let needed: Vec<String> = if call.request.tools.is_empty() {
            Vec::new()
        } else {
            vec!["tools".into()]
        };
        let (chain, reason) = self.chain(&call, prompt, &needed, observer).await?;

        // Cooling providers go last: tried only when nothing else answered.
        let (mut order, cooling): (Vec<String>, Vec<String>) =
            chain.into_iter().partition(|name| {
                self.catalogue
                    .model(name)
                    .is_none_or(|m| !self.health.cooling(&m.provider))
            });
        order.extend(cooling);

        let mut failures: Vec<String> = Vec::new();
        let mut notes: Vec<String> = Vec::new();
        let mut budget: Option<String> = None;
        let mut denied: Vec<String> = Vec::new();
        let mut attempts = 0u32;
        let mut spent_nusd = 0i64;
        for name in &order {
            let Some(model) = self.catalogue.model(name) else {
                failures.push(format!("`{name}` is not in the catalogue"));
                continue;
            };
            let Some(provider) = self.providers.get(&model.provider) else {
                let how = self
                    .catalogue
                    .provider(&model.provider)
                    .map(|p| p.key.describe())
                    .unwrap_or_default();
                failures.push(format!(
                    "`{name}`: its provider `{}` is not enabled (set {how} or declare it under [[providers]])",
                    model.provider
                ));
                continue;
            };
            if let Some(missing) = needed.iter().find(|c| !model.has(c)) {
                failures.push(format!("`{name}` cannot use {missing}"));
                continue;
            }
            let max_out = call
                .request
                .max_tokens
                .unwrap_or(self.calls.reserve_output_tokens)
                .min(model.max_output_tokens.unwrap_or(u32::MAX))
                .max(1);
            if prompt + u64::from(max_out.min(1024)) > u64::from(model.context_window) {
                let note = format!(
                    "skipped `{name}`: about {prompt} prompt tokens do not fit its {}-token context window",
                    model.context_window
                );
                observer.note(&note);
                notes.push(note.clone());
                failures.push(note);
                continue;
            }
            // Leave the answer whatever room the window has left.
            let max_out = max_out.min((u64::from(model.context_window) - prompt) as u32);
            if let Err(why) = observer.authorize(model) {
                denied.push(format!("`{name}`: {why}"));
                continue;
            }
            let estimate = model.cost_nusd(prompt, u64::from(max_out));
            let verdict = self.budgets.check_and_reserve(
                || self.spent(call.session),
                call.session,
                estimate,
                prompt + u64::from(max_out),
                model.free(),
            );
            let reservation = match verdict {
                Verdict::Refuse(message) => {
                    let note = format!("skipped `{name}`: {message}");
                    observer.note(&note);
                    notes.push(note);
                    budget.get_or_insert(message);
                    continue;
                }
                Verdict::Allow {
                    reservation,
                    warnings,
                } => {
                    for w in warnings {
                        observer.note(&w);
                        notes.push(w);
                    }
                    reservation
                }
            };
            let tried = self
                .try_model(
                    &call,
                    model,
                    provider,
                    max_out,
                    estimate,
                    prompt,
                    observer,
                    &mut attempts,
                    &mut spent_nusd,
                )
                .await;
            self.budgets.release(reservation);
            match tried {
                Ok(Tried::Answered(mut answer)) => {
                    answer.reason = reason;
                    answer.attempts = attempts;
                    answer.total_cost_nusd = spent_nusd;
                    notes.append(&mut answer.notes);
                    answer.notes = notes;
                    return Ok(*answer);
                }
                Ok(Tried::Failed(why)) => {
                    let note = format!("`{name}` failed ({why})");
                    observer.note(&note);
                    notes.push(note);
                    failures.push(format!("`{name}`: {why}"));
                }
                Err(e) => return Err(e),
            }
        }
        if failures.is_empty()
            && denied.is_empty()
            && let Some(message) = budget
        {
            return Err(ModelError::Budget(message));
        }
        if failures.is_empty() && !denied.is_empty() && budget.is_none() {
            return Err(ModelError::Denied(format!(
                "the policy allows none of the models chosen: {}",
                denied.join("; ")
            )));
        }
        let mut parts = failures;
        parts.extend(
            denied
                .into_iter()
                .map(|d| format!("{d} (denied by policy)")),
        );
        if let Some(message) = budget {
            parts.push(message);
        }
        Err(ModelError::Failed(format!(
            "no model answered: {}",
            parts.join("; ")
        )))
    }
}
