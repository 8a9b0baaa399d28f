//! Running workflows: durable, step by step, each step decided by policy and
//! recorded before the next begins.
//!
//! Owns: [`WorkflowRequest`] and [`RunView`], the orchestrator's workflow API
//! ([`Orchestrator::start_workflow`], [`Orchestrator::drive_workflow`],
//! [`Orchestrator::resume_unfinished`], …), the engine's loop (`engine`), what
//! each kind of step does (`actions`), the data conditions and templates read
//! (`data`), rollback to the run's start snapshot (`rollback`), and the locks
//! that keep two kernels from driving one run (`locks`).
//!
//! Durability: the run row holds the workflow's text as it began; a step is
//! written `running` before it starts and its result before the next starts.
//! A kernel killed mid-run resumes it (`ralex serve` on start, or `ralex
//! workflow resume ID`): finished steps are not repeated; the step that was
//! running is repeated only when it is safe (tests, confirmations, git reads,
//! or `repeatable: true`), else the run is marked interrupted, naming the step.
//!
//! Must never: run a step the policy did not allow for the person who started
//! the run, or give a `workflow-step` plugin more than its grants.

mod actions;
mod data;
mod engine;
mod locks;
pub(crate) mod review;
mod rollback;
mod spoken;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use ralex_host::Plugin;
use ralex_intent::{Intent, IntentKind, Risk};
use ralex_store::{NewRun, RunRow, StepRow};
use ralex_workflow::{Catalog, WorkflowError};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::gate::Gate;
use crate::ids;
use crate::orchestrator::Orchestrator;
use crate::request::Who;

pub use locks::RunLocks;

/// Starting a workflow.
#[derive(Debug, Clone)]
pub struct WorkflowRequest {
    /// The workflow's name.
    pub name: String,
    /// Its parameters (text values are converted to the declared types).
    pub params: Map<String, Value>,
    /// The project.
    pub project: PathBuf,
    /// The session its commands belong to.
    pub session_id: String,
    /// Who starts it.
    pub who: Who,
    /// The person confirms up front (`--yes`): confirmation steps pass.
    pub confirm: bool,
}

/// A run and its step log.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunView {
    /// The run.
    #[serde(flatten)]
    pub run: RunRow,
    /// Cost in USD.
    pub cost_usd: f64,
    /// A transactional run's changes waiting for review, with diffs.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<crate::answer::ChangeOut>,
    /// Every step reached, in order.
    pub steps: Vec<StepRow>,
}

/// Why a run could not start or go on.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// No such workflow, or its file is broken, or wrong parameters.
    #[error("{0}")]
    Workflow(#[from] WorkflowError),
    /// No run has this id.
    #[error("there is no workflow run `{0}`; `ralex workflow runs` lists them")]
    UnknownRun(String),
    /// The policy refused.
    #[error("{0}")]
    Denied(String),
    /// Another kernel is driving the run right now.
    #[error(
        "workflow run `{0}` is being run by another Ralex process right now; wait for it or stop that process"
    )]
    Busy(String),
    /// The run has ended.
    #[error("workflow run `{id}` has already ended ({state}); start a new run")]
    Finished {
        /// The run.
        id: String,
        /// How it ended.
        state: String,
    },
    /// A transactional run's review cannot be done (nothing waits, already
    /// applied, or the worktree cannot be made).
    #[error("{0}")]
    Review(String),
    /// The store failed.
    #[error("the workflow run could not be recorded: {0}")]
    Store(String),
}

/// What the orchestrator needs for workflows.
#[derive(Default)]
pub(crate) struct Setup {
    /// Folders of workflow files (user, bundles), before the project's own.
    pub(crate) dirs: Vec<PathBuf>,
    /// Installed `workflow-step` plugins.
    pub(crate) plugins: Vec<Arc<Plugin>>,
    /// Who drives which run.
    pub(crate) locks: RunLocks,
    /// Locks of runs started here and not driven yet (held from the moment a
    /// run is recorded, so no other process resumes it in between).
    pending: std::sync::Mutex<std::collections::HashMap<String, locks::Held>>,
    /// Outbound HTTP for `workflow-step` plugins, set up on first use.
    egress: std::sync::OnceLock<Option<Arc<ralex_net::Egress>>>,
}

impl Setup {
    /// The egress plugin steps fetch through (none if TLS cannot be set up).
    pub(crate) fn egress(&self) -> Option<Arc<ralex_net::Egress>> {
        self.egress
            .get_or_init(
                || match ralex_net::Egress::new(ralex_net::Limits::default()) {
                    Ok(e) => Some(Arc::new(e)),
                    Err(e) => {
                        tracing::warn!(error = %e, "no outbound HTTP for workflow steps");
                        None
                    }
                },
            )
            .clone()
    }
}

pub(crate) fn store_error(e: ralex_store::StoreError) -> RunError {
    RunError::Store(e.to_string())
}

impl Orchestrator {
    /// Looks for workflow files in `dirs` (in order, before the project's
    /// `.ralex/workflows`, which wins over them and the built-ins).
    pub fn with_workflow_dirs(mut self, dirs: Vec<PathBuf>) -> Orchestrator {
        self.workflow.dirs = dirs;
        self
    }

    /// The installed plugins `plugin:` steps may name (only `workflow-step`
    /// plugins are used).
    pub fn with_step_plugins(mut self, plugins: Vec<Arc<Plugin>>) -> Orchestrator {
        self.workflow.plugins = plugins;
        self
    }

    /// Keeps run locks in `dir`, so two processes never drive one run.
    pub fn with_run_locks(mut self, dir: PathBuf) -> Orchestrator {
        self.workflow.locks = RunLocks::in_dir(dir);
        self
    }

    /// Every workflow that can run in `project`.
    pub fn workflows(&self, project: &Path) -> Result<Catalog, WorkflowError> {
        let mut dirs = self.workflow.dirs.clone();
        dirs.push(project.join(ralex_notes::layout::WORKFLOWS));
        Catalog::load(&dirs)
    }

    /// Records a new run of `request.name` (checked, parameters resolved,
    /// `command:run` decided for the person) and returns its id. It does not
    /// run it: [`Orchestrator::drive_workflow`] does.
    pub fn start_workflow(&self, request: &WorkflowRequest) -> Result<String, RunError> {
        let workspace = self
            .workspace(&request.project)
            .map_err(|e| RunError::Store(e.to_string()))?;
        let catalog = self.workflows(workspace.root())?;
        let entry = catalog.get(&request.name)?;
        let workflow = entry.parsed.clone().map_err(WorkflowError::from)?;
        let params = ralex_workflow::params::resolve(&workflow, &request.params)
            .map_err(WorkflowError::Params)?;
        let gate = Gate::new(
            Arc::clone(self.host.policy()),
            Arc::clone(&self.store),
            request.who.principal.clone(),
            &request.who.actor,
            &request.who.label,
        );
        let intent = workflow_intent(&request.name);
        let transcript = format!("run the {} workflow", request.name);
        let decision = gate
            .decide_command(&intent, &transcript, request.confirm, &["workflow"])
            .map_err(|e| RunError::Store(e.to_string()))?;
        if decision.verdict == ralex_policy::Verdict::Deny {
            return Err(RunError::Denied(format!(
                "I may not run workflow `{}`: {}",
                request.name,
                decision.explain(&request.who.label, "command:run", "a `workflow` command")
            )));
        }
        let id = ids::run_id();
        let held = self
            .workflow
            .locks
            .try_hold(&id)
            .ok_or_else(|| RunError::Busy(id.clone()))?;
        let project = workspace.root().display().to_string();
        self.store
            .run_begin(&NewRun {
                id: &id,
                workflow: &workflow.name,
                source: &entry.source.label(&workflow.name),
                definition: &entry.text,
                params: &Value::Object(params).to_string(),
                project: &project,
                session: &request.session_id,
                actor: &request.who.actor,
                started_ms: ids::now_ms(),
            })
            .map_err(store_error)?;
        let start = self.mark_start(&id, workspace.root());
        if workflow.transactional
            && let Err(why) = self.prepare_worktree(&id, workspace.root(), start.as_deref())
        {
            let message = format!("The run could not start: {why}.");
            if let Err(e) = self
                .store
                .run_set_state(&id, "failed", &message, true, ids::now_ms())
            {
                tracing::warn!(run = %id, error = %e, "cannot record that the run failed");
            }
            return Err(RunError::Review(format!(
                "workflow `{}` is transactional, and {why}",
                workflow.name
            )));
        }
        self.workflow
            .pending
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(id.clone(), held);
        Ok(id)
    }

    /// Starts `request` and runs it until it ends or waits for a confirmation.
    pub async fn run_workflow(&self, request: &WorkflowRequest) -> Result<RunView, RunError> {
        let id = self.start_workflow(request)?;
        self.drive_workflow(&id, &request.who, request.confirm)
            .await
    }

    /// Runs run `id` from where it stands: the next step, the step that waits
    /// for a confirmation (`confirm` gives it), or — after a crash — the step
    /// that was running when that is safe.
    pub async fn drive_workflow(
        &self,
        id: &str,
        who: &Who,
        confirm: bool,
    ) -> Result<RunView, RunError> {
        let held = self
            .workflow
            .pending
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(id);
        let Some(_held) = held.or_else(|| self.workflow.locks.try_hold(id)) else {
            return Err(RunError::Busy(id.to_string()));
        };
        // Read under the lock: another process may have ended it meanwhile.
        let run = self
            .store
            .run(id)
            .map_err(store_error)?
            .ok_or_else(|| RunError::UnknownRun(id.to_string()))?;
        if run.finished() {
            return Err(RunError::Finished {
                id: id.to_string(),
                state: run.state,
            });
        }
        self.drive(run, who, confirm).await;
        self.workflow_run(id)?
            .ok_or_else(|| RunError::UnknownRun(id.to_string()))
    }

    /// Resumes every run a stopped kernel left `running` (`ralex serve` calls
    /// this on start), each as the person who started it (`who_of` finds them
    /// by their audit name; a run whose person is gone — a revoked token — is
    /// marked interrupted). Runs another process is driving are left alone.
    pub async fn resume_unfinished(
        &self,
        who_of: &(dyn Fn(&str) -> Option<Who> + Sync),
    ) -> Vec<RunView> {
        let runs = match self.store.runs_unfinished() {
            Ok(runs) => runs,
            Err(e) => {
                tracing::error!(error = %e, "cannot list unfinished workflow runs");
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        for run in runs {
            let Some(who) = who_of(&run.actor) else {
                let message = format!(
                    "Not resumed: `{}`, who started this run, can no longer run commands here.",
                    run.actor
                );
                if let Err(e) =
                    self.store
                        .run_set_state(&run.id, "interrupted", &message, true, ids::now_ms())
                {
                    tracing::warn!(run = %run.id, error = %e, "cannot mark the run interrupted");
                }
                continue;
            };
            tracing::info!(run = %run.id, workflow = %run.workflow, "resuming a workflow run");
            match self.drive_workflow(&run.id, &who, false).await {
                Ok(view) => out.push(view),
                Err(RunError::Busy(_)) => {}
                Err(e) => {
                    tracing::warn!(run = %run.id, error = %e, "cannot resume the workflow run")
                }
            }
        }
        out
    }

    /// Run `id` with its step log.
    pub fn workflow_run(&self, id: &str) -> Result<Option<RunView>, RunError> {
        let Some(run) = self.store.run(id).map_err(store_error)? else {
            return Ok(None);
        };
        let steps = self.store.run_steps(id).map_err(store_error)?;
        let changes = if run.review.as_deref() == Some("pending") {
            self.review_changes(&run, None)
        } else {
            Vec::new()
        };
        Ok(Some(RunView {
            cost_usd: run.cost_nusd as f64 / 1e9,
            changes,
            run,
            steps,
        }))
    }

    /// The latest `limit` runs (of `project` if given), newest first.
    pub fn workflow_runs(
        &self,
        project: Option<&Path>,
        limit: usize,
    ) -> Result<Vec<RunRow>, RunError> {
        let project = project.map(|p| {
            std::fs::canonicalize(p)
                .unwrap_or_else(|_| p.to_path_buf())
                .display()
                .to_string()
        });
        self.store
            .runs(project.as_deref(), limit)
            .map_err(store_error)
    }
}

/// The intent a workflow run is decided as.
pub(crate) fn workflow_intent(name: &str) -> Intent {
    let mut params = Map::new();
    params.insert("name".into(), Value::String(name.to_string()));
    Intent {
        kind: IntentKind::Workflow,
        targets: Vec::new(),
        params,
        risk: Risk::Modify,
        confidence: 1.0,
    }
}
