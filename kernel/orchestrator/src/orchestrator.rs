//! The whole pipeline of DESIGN.md §1 for one command, shared by `ralex run` and
//! the gateway: understand → decide (confirmations bound to the intent) → dry run,
//! undo, direct execution, or the coding agent → record in the session history →
//! answer.
//!
//! Owns: [`Orchestrator`] (what the pipeline needs: host, store, plugins per role,
//! models, settings, where events go) and [`Orchestrator::handle`]. Every command
//! is one `tracing` span (`command`, with its id and session) with a span per
//! stage, and emits progress [`Event`](crate::Event)s. A plugin's fault is a
//! failed answer with the reason, never a panic; only faults of the kernel itself
//! (the audit trail cannot be written, the project cannot be opened) are errors.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use ralex_caps::workspace::Workspace;
use ralex_host::calls::router::PluginRouter;
use ralex_host::{Host, Plugin};
use ralex_intent::{Intent, IntentKind};
use ralex_models::Models;
use ralex_policy::Verdict;
use ralex_store::{FinishedCommand, NewCommand, Store};
use tracing::Instrument;

use crate::answer::{Answer, Status};
use crate::confirm::{self, DEFAULT_CONFIRMATION_TTL};
use crate::direct::Direct;
use crate::events::{Emitter, EventSink};
use crate::gate::Gate;
use crate::ids;
use crate::pipeline::{PipelineError, kind_and_risk, understand};
use crate::request::{CommandRequest, Confirm};
use crate::speak::describe_dry_run;
use crate::symbols::SymbolIndexes;
use crate::workspaces::Workspaces;

/// A plugin for a role, or why there is none.
pub type Role = Result<Arc<Plugin>, String>;

/// The plugins of each pipeline role.
#[derive(Clone)]
pub struct Roles {
    /// Turns words into an intent.
    pub parser: Role,
    /// Adds standards and patterns to the agent's prompt (optional).
    pub enhancer: Role,
    /// Carries out model-backed intents.
    pub agent: Role,
    /// The model router, told how routed commands turned out (optional).
    pub router: Option<Arc<PluginRouter>>,
    /// Summarises old session notes (`context-compressor`; optional).
    pub compressor: Role,
}

/// Limits and defaults of the pipeline (`[agent]` and `[pipeline]` in ralex.toml).
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Most model round trips of one command.
    pub max_steps: u32,
    /// Most money one command may spend, USD.
    pub max_cost_usd: f64,
    /// Run the tests after every change (else only when the command asks or fixes).
    pub always_run_tests: bool,
    /// Tokens of project context given to the agent.
    pub context_tokens: usize,
    /// Tokens the prompt enhancer may add.
    pub enhancer_tokens: u32,
    /// How long a confirmation request stays valid.
    pub confirmation_ttl: Duration,
    /// Time limit of the parse stage.
    pub parse_timeout: Duration,
    /// Time limit of the enhance stage.
    pub enhance_timeout: Duration,
    /// Time limit of the route stage.
    pub route_timeout: Duration,
    /// Time limit of one test run.
    pub test_timeout: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            max_steps: 16,
            max_cost_usd: 0.50,
            always_run_tests: false,
            context_tokens: 6_000,
            enhancer_tokens: 1_500,
            confirmation_ttl: DEFAULT_CONFIRMATION_TTL,
            parse_timeout: Duration::from_secs(10),
            enhance_timeout: Duration::from_secs(10),
            route_timeout: Duration::from_secs(10),
            test_timeout: Duration::from_secs(600),
        }
    }
}

/// Everything one command needs.
pub struct Orchestrator {
    pub(crate) host: Arc<Host>,
    pub(crate) store: Arc<Store>,
    pub(crate) roles: Roles,
    pub(crate) models: Option<Arc<Models>>,
    pub(crate) settings: Settings,
    pub(crate) events: Option<EventSink>,
    /// One lock per project: commands that change files run one at a time in a
    /// project, so two agents never interleave their edits or snapshots.
    pub(crate) writers: std::sync::Mutex<
        std::collections::HashMap<std::path::PathBuf, Arc<tokio::sync::Mutex<()>>>,
    >,
    /// The exec sandbox, detected on first use (the probe starts a process).
    sandbox: std::sync::OnceLock<ralex_exec::Sandbox>,
    /// The open projects.
    workspaces: Workspaces,
    /// Their symbol indexes.
    pub(crate) symbols: SymbolIndexes,
    /// Where projects whose notes were committed are sent for a sync, when
    /// they are synced in the background (`ralex serve`).
    pub(crate) notes_synced:
        std::sync::OnceLock<tokio::sync::mpsc::UnboundedSender<std::path::PathBuf>>,
    /// Workflow folders, step plugins and run locks.
    pub(crate) workflow: crate::workflow::Setup,
}

/// What every stage of one command shares.
pub(crate) struct Ctx<'a> {
    pub(crate) request: &'a CommandRequest,
    pub(crate) command_id: String,
    pub(crate) workspace: Arc<Workspace>,
    pub(crate) project_key: String,
    pub(crate) gate: Gate,
    pub(crate) emit: Emitter,
    /// The snapshot after the command's last write, once taken.
    pub(crate) snapshot_after: std::sync::Mutex<Option<String>>,
}

impl Orchestrator {
    /// An orchestrator over `host` and `store` with these plugins and models.
    pub fn new(
        host: Arc<Host>,
        store: Arc<Store>,
        roles: Roles,
        models: Option<Arc<Models>>,
        settings: Settings,
    ) -> Orchestrator {
        Orchestrator {
            host,
            store,
            roles,
            models,
            settings,
            events: None,
            writers: std::sync::Mutex::default(),
            sandbox: std::sync::OnceLock::new(),
            workspaces: Workspaces::default(),
            symbols: SymbolIndexes::default(),
            notes_synced: std::sync::OnceLock::new(),
            workflow: crate::workflow::Setup::default(),
        }
    }

    /// The open project at `root`.
    pub(crate) fn workspace(&self, root: &Path) -> Result<Arc<Workspace>, PipelineError> {
        self.workspaces.get(root).map_err(|e| {
            PipelineError::Project(format!("cannot open the project {}: {e}", root.display()))
        })
    }

    /// Sends every command's progress events to `sink`.
    pub fn with_events(mut self, sink: EventSink) -> Orchestrator {
        self.events = Some(sink);
        self
    }

    /// Keeps the projects' symbol indexes in `dir` between runs (one SQLite
    /// file per project), so a restart re-parses only what changed.
    pub fn with_index_cache(self, dir: std::path::PathBuf) -> Orchestrator {
        self.symbols.keep_in(dir);
        self
    }

    /// The model layer, if one is configured (the gateway transcribes audio with it).
    pub fn models(&self) -> Option<&Arc<Models>> {
        self.models.as_ref()
    }

    /// The settings in use.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Runs one command through the pipeline and answers it.
    pub async fn handle(&self, request: &CommandRequest) -> Result<Answer, PipelineError> {
        let command_id = ids::command_id();
        let span = tracing::info_span!("command", id = %command_id, session = %request.session_id);
        self.handle_in(request, command_id).instrument(span).await
    }

    async fn handle_in(
        &self,
        request: &CommandRequest,
        command_id: String,
    ) -> Result<Answer, PipelineError> {
        let ctx = self.context(request, command_id)?;
        let answer = self.understand_and_run(&ctx).await?;
        ctx.emit.done(&answer);
        Ok(answer)
    }

    /// Runs an intent that was not spoken but built by the kernel (a workflow's
    /// agent task) through the same pipeline: policy, snapshots, the agent,
    /// history, notes.
    pub(crate) async fn handle_intent(
        &self,
        request: &CommandRequest,
        intent: &Intent,
    ) -> Result<Answer, PipelineError> {
        let ctx = self.context(request, ids::command_id())?;
        let answer = self.run_intent(&ctx, intent, &request.transcript).await?;
        ctx.emit.done(&answer);
        Ok(answer)
    }

    /// What every stage of one command shares.
    pub(crate) fn context<'a>(
        &self,
        request: &'a CommandRequest,
        command_id: String,
    ) -> Result<Ctx<'a>, PipelineError> {
        let workspace = self.workspace(&request.project)?;
        Ok(Ctx {
            request,
            project_key: workspace.root().display().to_string(),
            workspace,
            gate: Gate::new(
                Arc::clone(self.host.policy()),
                Arc::clone(&self.store),
                request.who.principal.clone(),
                &request.who.actor,
                &request.who.label,
            ),
            emit: Emitter::new(
                &command_id,
                &request.session_id,
                &request.who.actor,
                self.events.clone(),
            ),
            command_id,
            snapshot_after: std::sync::Mutex::new(None),
        })
    }

    /// Parse, then decide and do.
    async fn understand_and_run(&self, ctx: &Ctx<'_>) -> Result<Answer, PipelineError> {
        let request = ctx.request;
        ctx.emit.emit("parse", "Understanding the command");
        let parser = match &self.roles.parser {
            Ok(parser) => parser,
            Err(why) => {
                return Ok(ctx.failed(
                    None,
                    format!("I cannot understand commands right now: {why}"),
                ));
            }
        };
        let understood = tokio::time::timeout(
            self.settings.parse_timeout,
            understand(
                &self.host,
                parser,
                &ctx.workspace,
                &request.transcript,
                &self.workflow_names(ctx.workspace.root()),
            ),
        )
        .instrument(tracing::info_span!("stage", name = "parse"))
        .await;
        let understood = match understood {
            Err(_) => {
                return Ok(ctx.failed(
                    None,
                    format!(
                        "Understanding the command took longer than {} s, so I stopped. Nothing was changed.",
                        self.settings.parse_timeout.as_secs()
                    ),
                ));
            }
            Ok(Err(e)) => return Ok(ctx.failed(None, format!("{e}. Nothing was changed."))),
            Ok(Ok(understood)) => understood,
        };
        let (mut intent, normalized) = (understood.intent, understood.normalized);
        let recent = self.recent_files(ctx);
        self.symbols
            .resolve_rest(&mut intent, ctx.workspace.root(), &recent)
            .await;
        let mut answer = self.run_intent(ctx, &intent, &normalized).await?;
        answer.normalized = Some(normalized);
        Ok(answer)
    }

    /// Everything after understanding: decide, then do.
    async fn run_intent(
        &self,
        ctx: &Ctx<'_>,
        intent: &Intent,
        normalized: &str,
    ) -> Result<Answer, PipelineError> {
        if let Some(answer) = self.decide(ctx, intent)? {
            return Ok(answer);
        }
        if ctx.request.dry_run {
            return Ok(ctx.answer(intent, Status::Completed, describe_dry_run(intent)));
        }
        self.begin(ctx, intent, normalized)?;
        let answer = match intent.kind {
            IntentKind::Undo => self.undo_in(ctx, intent, None, true).await,
            IntentKind::Workflow => self.run_workflow_intent(ctx, intent).await,
            _ => {
                let direct = Direct::new(
                    ctx.workspace.root().to_path_buf(),
                    Arc::clone(&ctx.workspace),
                    ctx.gate.clone(),
                    self.sandbox(),
                )
                .with_test_timeout(self.settings.test_timeout)
                .with_uses(self.symbol_uses(ctx, intent).await);
                match direct.execute(intent, normalized).await {
                    Some(outcome) => ctx.outcome_answer(intent, outcome),
                    None => self.run_agent(ctx, intent, normalized, &direct).await,
                }
            }
        };
        self.finish(ctx, &answer);
        self.keep_notes(ctx, intent, &answer).await;
        Ok(answer)
    }

    /// The policy on the intent, with the person's confirmation; `Some` answer
    /// when the command stops here (denied, or waiting for a confirmation).
    fn decide(&self, ctx: &Ctx<'_>, intent: &Intent) -> Result<Option<Answer>, PipelineError> {
        let _stage = tracing::info_span!("stage", name = "policy").entered();
        ctx.emit.emit("policy", "Checking the policy");
        let request = ctx.request;
        let digest = confirm::intent_digest(intent, &ctx.project_key);
        let confirmed = match &request.confirm {
            Confirm::No => false,
            Confirm::Upfront => true,
            Confirm::Pending(id) => {
                let taken = self
                    .store
                    .confirmation_take(
                        id.as_deref(),
                        &request.session_id,
                        &ctx.project_key,
                        &request.who.actor,
                        &digest,
                        ids::now_ms(),
                    )
                    .map_err(|e| PipelineError::Audit(e.to_string()))?;
                if let Some(why) = confirm::refusal(&taken) {
                    return Ok(Some(ctx.answer(
                        intent,
                        Status::Denied,
                        format!("I did not run it: {why}. Nothing was changed."),
                    )));
                }
                true
            }
        };
        let notes: &[&str] = if request.dry_run { &["dry run"] } else { &[] };
        let decision = ctx
            .gate
            .decide_command(intent, &request.transcript, confirmed, notes)?;
        let (kind, risk) = kind_and_risk(intent);
        // A target that could mean several files is asked about, never confirmed
        // or acted on: the person picks one (the answer lists the candidates).
        let ambiguous = intent.targets.iter().any(|t| !t.candidates.is_empty());
        if ambiguous && !request.dry_run && decision.verdict != Verdict::Deny {
            return Ok(Some(ctx.answer(
                intent,
                Status::Failed,
                describe_dry_run(intent),
            )));
        }
        match decision.verdict {
            Verdict::Allow => Ok(None),
            Verdict::Deny => Ok(Some(ctx.answer(
                intent,
                Status::Denied,
                format!(
                    "I may not do that: {}",
                    decision.explain(
                        &request.who.label,
                        "command:run",
                        &format!("a {risk} `{kind}` command")
                    )
                ),
            ))),
            Verdict::NeedsConfirmation if request.dry_run => Ok(None),
            Verdict::NeedsConfirmation => {
                let id = confirm::new_id();
                confirm::ask(
                    &self.store,
                    &id,
                    &request.session_id,
                    &ctx.project_key,
                    &request.who.actor,
                    &digest,
                    &request.transcript,
                    ids::now_ms(),
                    self.settings.confirmation_ttl,
                )
                .map_err(|e| PipelineError::Audit(e.to_string()))?;
                let what = describe_dry_run(intent)
                    .trim_start_matches("Dry run: ")
                    .replace(" Nothing was changed.", "")
                    .replace(" This is destructive and would need your confirmation.", "");
                let mut answer = ctx.answer(
                    intent,
                    Status::NeedsConfirmation,
                    format!(
                        "{what} This is {risk}, so I need your confirmation: say confirm within {} seconds to go ahead. Nothing was done yet.",
                        self.settings.confirmation_ttl.as_secs()
                    ),
                );
                answer.confirmation_id = Some(id);
                ctx.emit.emit("policy", "Waiting for your confirmation");
                Ok(Some(answer))
            }
        }
    }

    /// For a `search` whose first target names a symbol the index knows: where
    /// it is defined and used.
    async fn symbol_uses(
        &self,
        ctx: &Ctx<'_>,
        intent: &Intent,
    ) -> Option<crate::direct::SymbolUses> {
        if intent.kind != IntentKind::Search {
            return None;
        }
        let name = intent.targets.first()?.symbol.as_deref()?;
        self.symbols.uses(ctx.workspace.root(), name).await
    }

    /// The sandbox programs run in, detected once.
    pub(crate) fn sandbox(&self) -> ralex_exec::Sandbox {
        self.sandbox
            .get_or_init(|| ralex_exec::Sandbox::detect().sandbox)
            .clone()
    }

    /// The write lock of `project`.
    pub(crate) fn writer_lock(&self, project: &std::path::Path) -> Arc<tokio::sync::Mutex<()>> {
        let mut writers = self
            .writers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Arc::clone(writers.entry(project.to_path_buf()).or_default())
    }

    /// Records the command in the session history as running.
    pub(crate) fn begin(
        &self,
        ctx: &Ctx<'_>,
        intent: &Intent,
        normalized: &str,
    ) -> Result<(), PipelineError> {
        let intent_json = serde_json::to_string(intent).unwrap_or_else(|_| "{}".into());
        self.store
            .command_begin(&NewCommand {
                id: &ctx.command_id,
                session: &ctx.request.session_id,
                project: &ctx.project_key,
                actor: &ctx.request.who.actor,
                transcript: normalized,
                intent: &intent_json,
                started_ms: ids::now_ms(),
            })
            .map_err(|e| PipelineError::Audit(e.to_string()))
    }

    /// Records how the command ended (a failure to record is logged: the answer
    /// and the audit trail already say what happened).
    pub(crate) fn finish(&self, ctx: &Ctx<'_>, answer: &Answer) {
        let state = answer.status.as_str();
        let changed: Vec<String> = answer.changes.iter().map(|c| c.path.clone()).collect();
        let after = ctx
            .snapshot_after
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        let result = self.store.command_finish(
            &ctx.command_id,
            &FinishedCommand {
                state,
                response: &answer.response,
                model: answer.model.as_deref(),
                cost_nusd: (answer.cost_usd * 1e9).round() as i64,
                snapshot_after: after.as_deref(),
                changed: &changed,
                finished_ms: ids::now_ms(),
            },
        );
        if let Err(e) = result {
            tracing::error!(error = %e, "cannot record how the command ended");
        }
    }
}
