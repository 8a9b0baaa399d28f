//! Intents that need a model: context → prompt enhancer → router → the agent
//! plugin's tool loop → snapshot, diffs, tests → answer.
//!
//! Owns: [`Orchestrator::run_agent`] (the prompt is `agent_prompt`, the model
//! choice `agent_route`, the snapshots `snapshots`). Before the agent's first write the
//! journal's hook takes a git snapshot and records it with the command (committed
//! before the write happens), so a command stays undoable even when the kernel is
//! killed halfway. The agent gets only this project's files, git, the test
//! programs and the model — each use decided by policy for the agent plugin and
//! audited — and the kernel enforces the step and cost limits itself
//! ([`CommandSpend`]).

use std::sync::{Arc, Mutex, PoisonError};

use ralex_exec::{Limits, Runner};
use ralex_host::calls::agent::{AgentLimits, Task};
use ralex_host::calls::intent::intent_to_wit;
use ralex_host::calls::router::OutcomeKind;
use ralex_host::model::{CommandSpend, ModelAccess};
use ralex_host::{CallContext, CallError};
use ralex_intent::{Intent, IntentKind, Risk};
use ralex_models::Latency;
use tracing::Instrument;

use crate::answer::{Answer, Status};
use crate::direct::Direct;
use crate::opencode::OpenCode;
use crate::orchestrator::{Ctx, Orchestrator};
use crate::pipeline::kind_and_risk;
use crate::project::discover_test_command;

impl Orchestrator {
    /// Runs a model-backed intent through the agent plugin.
    pub(crate) async fn run_agent(
        &self,
        ctx: &Ctx<'_>,
        intent: &Intent,
        normalized: &str,
        direct: &Direct,
    ) -> Answer {
        // One changing command at a time per project (others wait their turn).
        let lock = self.writer_lock(ctx.workspace.root());
        let _turn = match lock.try_lock() {
            Ok(turn) => turn,
            Err(_) => {
                ctx.emit.emit(
                    "agent",
                    "Waiting for another change to this project to finish",
                );
                lock.lock().await
            }
        };
        let opencode = match OpenCode::configured(ctx.workspace.root()) {
            Ok(opencode) => opencode,
            Err(why) => {
                return ctx.failed(Some(intent), format!("{why}. Nothing was changed."));
            }
        };
        let repo = match ralex_git::Repo::open(ctx.workspace.root()) {
            Ok(repo) => Arc::new(Mutex::new(repo)),
            Err(e) => {
                return ctx.failed(
                    Some(intent),
                    format!("I only change projects I can undo, and this one is not a git repository ({e}). Run `git init` in it first. Nothing was changed."),
                );
            }
        };
        if let Some(opencode) = opencode {
            let prompt = self.prompt(ctx, intent, normalized).await;
            return self
                .run_opencode(ctx, intent, normalized, direct, &repo, &opencode, prompt)
                .await;
        }
        let agent = match &self.roles.agent {
            Ok(agent) => Arc::clone(agent),
            Err(why) => {
                return ctx.failed(
                    Some(intent),
                    format!("The coding agent is not available: {why}. Nothing was changed."),
                );
            }
        };
        let Some(models) = self.models.clone().filter(|m| !m.candidates().is_empty()) else {
            return ctx.failed(
                Some(intent),
                "No model is configured, and this command needs one. Add [[providers]] and [[models]] to ralex.toml, set a provider key such as OPENAI_API_KEY, or set RALEX_OPENAI_BASE_URL and RALEX_MODEL. Nothing was changed.".into(),
            );
        };
        let (kind, risk) = kind_and_risk(intent);
        let prompt = self.prompt(ctx, intent, normalized).await;
        let route = match self
            .route(ctx, intent, &models, &kind, &risk, &prompt)
            .await
        {
            Ok(route) => route,
            Err(answer) => return *answer,
        };
        let test_command = discover_test_command(ctx.workspace.root())
            .ok()
            .flatten()
            .map(|t| std::iter::once(t.program).chain(t.args).collect::<Vec<_>>())
            .unwrap_or_default();
        let run_tests = !test_command.is_empty() && self.wants_tests(intent, normalized);
        let task = Task {
            intent: intent_to_wit(intent),
            command: normalized.to_owned(),
            system_prompt: prompt.system.clone(),
            context: prompt.context.clone(),
            model: route.as_ref().map(|r| r.model.clone()).unwrap_or_default(),
            fallbacks: route
                .as_ref()
                .map(|r| r.fallbacks.clone())
                .unwrap_or_default(),
            limits: AgentLimits {
                max_steps: self.settings.max_steps,
                max_cost_usd: self.settings.max_cost_usd,
            },
            run_tests,
            test_command,
        };
        let before = Arc::new(Mutex::new(None::<String>));
        let journal = Arc::new(self.snapshot_journal(ctx, &repo, Arc::clone(&before)));
        let spend = Arc::new(CommandSpend::new(
            self.settings.max_steps,
            (self.settings.max_cost_usd * 1e9) as i64,
        ));
        let call = CallContext {
            workspace: Some(Arc::clone(&ctx.workspace)),
            progress: Some(ctx.emit.plugin_sink("agent")),
            // A read-only intent (explain, analyze, chat) gets no journal: every
            // write is refused.
            journal: (intent.risk != Risk::ReadOnly).then(|| Arc::clone(&journal)),
            git: Some(Arc::clone(&repo)),
            egress: None,
            runner: Some(Arc::new(Runner::new(
                ctx.workspace.root().to_path_buf(),
                Limits::default(),
                self.sandbox(),
            ))),
            mcp: None,
            model: Some(Arc::new(ModelAccess {
                session: Some(ctx.request.session_id.clone()),
                route: route.clone(),
                kind: kind.clone(),
                risk,
                latency: Latency::Balanced,
                on_delta: None,
                spend: Some(Arc::clone(&spend)),
                ..ModelAccess::new(models)
            })),
        };
        ctx.emit.emit("agent", "The agent is working");
        let result = self
            .host
            .run_task(&agent, call, task)
            .instrument(tracing::info_span!("stage", name = "agent"))
            .await;
        let spent = spend.spent();
        let before = before
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        let mut answer = ctx.answer(intent, Status::Completed, String::new());
        answer.notes = prompt.notes;
        answer.model = spent.model.clone();
        answer.cost_usd = spent.cost_nusd as f64 / 1e9;
        let wrote = !journal.changes().is_empty();
        match &before {
            Some(before) if wrote => self.collect_changes(ctx, &repo, before, &mut answer),
            // The snapshot was taken for a write that then failed: nothing changed,
            // so there is nothing to undo and the command must not hide the last
            // real change from "undo that".
            Some(before) => self.forget_snapshot(ctx, &repo, before),
            None => {}
        }
        match result {
            Ok(outcome) => {
                answer.response = outcome.value.summary.trim().to_owned();
                if run_tests && wrote {
                    ctx.emit.emit("tests", "Running the tests");
                    let tests = direct.run_tests().await;
                    // The kernel's own run is the verdict; it is only said when
                    // the agent's summary did not already say the same.
                    if let Some(report) = &tests.tests
                        && outcome.value.tests_passed != Some(report.passed)
                    {
                        answer.response.push_str(if report.passed {
                            " The tests pass."
                        } else {
                            " The tests fail."
                        });
                    }
                    answer.tests = tests.tests;
                }
                if !wrote && answer.response.is_empty() {
                    answer.response = "I did not change anything.".into();
                }
            }
            Err(e) => {
                answer.status = Status::Failed;
                answer.response = failure_sentence(&e, answer.changes.len());
            }
        }
        self.record_outcome(&answer, &kind).await;
        answer
    }

    /// Whether to run the tests after the agent's changes.
    pub(crate) fn wants_tests(&self, intent: &Intent, normalized: &str) -> bool {
        // A workflow's agent task says so itself (`verify`).
        if let Some(explicit) = intent.params.get("run_tests").and_then(|v| v.as_bool()) {
            return explicit;
        }
        let lower = normalized.to_lowercase();
        self.settings.always_run_tests
            || intent.kind == IntentKind::Fix
            || intent.param("run_tests").is_some()
            || lower.contains(" test")
    }

    /// Tells the router how the routed command went.
    pub(crate) async fn record_outcome(&self, answer: &Answer, kind: &str) {
        let (Some(router), Some(model)) = (&self.roles.router, &answer.model) else {
            return;
        };
        let outcome = match (&answer.status, &answer.tests) {
            (Status::Completed, Some(t)) if t.passed => OutcomeKind::TestsPassed,
            (Status::Completed, Some(_)) => OutcomeKind::TestsFailed,
            (Status::Completed, None) => OutcomeKind::Accepted,
            _ => OutcomeKind::Failed,
        };
        if let Err(e) = router.record(model, kind, outcome).await {
            tracing::warn!(error = %e, "the router could not record the outcome");
        }
    }
}

/// Why the agent stopped, in a sentence, with what to do about changes it made.
fn failure_sentence(e: &CallError, changed: usize) -> String {
    let why = match e {
        CallError::Plugin { message, .. } => message.clone(),
        other => other.to_string(),
    };
    let why = why.trim_end_matches('.');
    if changed == 0 {
        format!("The agent stopped: {why}. Nothing was changed.")
    } else {
        format!(
            "The agent stopped: {why}. It had already changed {changed} file{}; say undo to put {} back.",
            if changed == 1 { "" } else { "s" },
            if changed == 1 { "it" } else { "them" }
        )
    }
}
