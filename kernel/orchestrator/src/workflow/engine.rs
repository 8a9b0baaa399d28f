//! The engine's loop: from where the run stands, each step in order — its
//! condition, its attempts with backoff and timeout, its result written to the
//! store before the next step starts — then `on_failure` (continue, stop, or
//! roll back to the run's start snapshot). A confirmation step the person has
//! not given makes the run wait; driving it again with the confirmation goes on
//! from there.

use std::path::PathBuf;
use std::sync::Arc;

use ralex_store::{RunRow, StepResult, StepRow};
use ralex_workflow::{Attempts, OnFailure, Step, Template, Workflow, parse};
use serde_json::Value;

use super::actions::{Done, StepRun, StepState};
use super::data::RunData;
use crate::events::Emitter;
use crate::gate::Gate;
use crate::ids;
use crate::orchestrator::Orchestrator;
use crate::request::Who;

/// Most attempts a step gets, whatever a template says.
const MAX_ATTEMPTS: u64 = 20;

/// Where a run goes on from, after reading its step log.
enum From {
    /// Step `n` (everything before it is done).
    Step(usize),
    /// Step `n` failed and the kernel stopped before its `on_failure` was
    /// carried out (stop or rollback): carry it out now.
    Failed(usize, String),
    /// Nothing to do: it waits, or it was marked interrupted.
    Stop,
}

impl Orchestrator {
    /// Drives `run` (its lock held) until it ends or waits.
    pub(crate) async fn drive(&self, run: RunRow, who: &Who, confirm: bool) {
        let emit = Emitter::new(&run.id, &run.session, &who.actor, self.events.clone());
        let workflow = match parse(&run.source, &run.definition) {
            Ok(w) => w,
            Err(p) => {
                self.end(
                    &run,
                    &emit,
                    "failed",
                    &format!("The workflow no longer parses, so the run stopped: {p}"),
                );
                return;
            }
        };
        // A transactional run works in its worktree; the checkout stays as it is.
        let root = PathBuf::from(run.worktree.as_deref().unwrap_or(&run.project));
        let gate = Gate::new(
            Arc::clone(self.host.policy()),
            Arc::clone(&self.store),
            who.principal.clone(),
            &who.actor,
            &who.label,
        );
        let mut data = RunData::new(&run, &root);
        let rows = match self.store.run_steps(&run.id) {
            Ok(rows) => rows,
            Err(e) => {
                let message = format!("The run's step log cannot be read: {e}");
                self.end(&run, &emit, "failed", &message);
                return;
            }
        };
        // A confirmation given up front (`run --yes`) passes every confirmation
        // step; one given to a waiting run passes only the step that waits.
        let fresh = rows.is_empty();
        let start = match self.resume_point(&run, &workflow, rows, &mut data, &emit, confirm) {
            From::Step(n) => n,
            From::Failed(n, summary) => {
                let step = &workflow.steps[n];
                self.fail(&run, &workflow.name, step, &summary, &root, &gate, &emit)
                    .await;
                return;
            }
            From::Stop => return,
        };
        if run.state == "waiting"
            && let Err(e) = self
                .store
                .run_set_state(&run.id, "running", "", false, ids::now_ms())
        {
            tracing::warn!(run = %run.id, error = %e, "cannot mark the run running");
        }
        let sr = StepRun {
            run: &run,
            root: &root,
            who,
            confirm: confirm && fresh,
            gate: &gate,
            emit: &emit,
        };
        let total = workflow.steps.len();
        let mut skipped = 0;
        for (index, step) in workflow.steps.iter().enumerate().skip(start) {
            emit.emit_fraction(
                "workflow",
                format!(
                    "Step {} of {total}: {} ({})",
                    index + 1,
                    step.name,
                    step.action.kind()
                ),
                Some(index as f32 / total as f32),
            );
            if let Some(condition) = step.condition()
                && !condition.holds(data.value())
            {
                let summary = format!(
                    "Skipped: `{}` is false.",
                    step.condition.as_deref().unwrap_or("")
                );
                let done = Done {
                    state: StepState::Ok,
                    output: Value::Null,
                    summary,
                    command_id: None,
                    cost_nusd: 0,
                };
                if let Err(why) = self.record(&run, index, step, "skipped", &done, 0, &mut data) {
                    self.end(&run, &emit, "failed", &why);
                    return;
                }
                skipped += 1;
                continue;
            }
            let (done, attempts) = self.attempts(&sr, index, step, &data).await;
            let recorded = self.record(
                &run,
                index,
                step,
                done.state.as_str(),
                &done,
                attempts,
                &mut data,
            );
            if let Err(why) = recorded {
                self.end(&run, &emit, "failed", &why);
                return;
            }
            match done.state {
                StepState::Ok => {}
                StepState::Waiting => {
                    let message = format!(
                        "Step `{}` waits for your confirmation: {} Say confirm, or run `ralex workflow resume {} --yes`.",
                        step.name, done.summary, run.id
                    );
                    if let Err(e) =
                        self.store
                            .run_set_state(&run.id, "waiting", &message, false, ids::now_ms())
                    {
                        tracing::error!(run = %run.id, error = %e, "cannot record that the run waits");
                    }
                    emit.emit("workflow", message);
                    return;
                }
                StepState::Failed if step.on_failure == OnFailure::Continue => {
                    emit.emit(
                        "workflow",
                        format!("Step `{}` failed; going on: {}", step.name, done.summary),
                    );
                }
                StepState::Failed => {
                    self.fail(
                        &run,
                        &workflow.name,
                        step,
                        &done.summary,
                        &root,
                        &gate,
                        &emit,
                    )
                    .await;
                    return;
                }
            }
        }
        let ran = total - start - skipped;
        let message = format!(
            "Workflow `{}` finished: {ran} step{} done{}.",
            workflow.name,
            if ran == 1 { "" } else { "s" },
            if skipped > 0 {
                format!(", {skipped} skipped")
            } else {
                String::new()
            }
        );
        self.end(&run, &emit, "completed", &message);
    }

    /// Reads the step log `rows`: what is done goes into `data`; says where to go on.
    fn resume_point(
        &self,
        run: &RunRow,
        workflow: &Workflow,
        rows: Vec<StepRow>,
        data: &mut RunData,
        emit: &Emitter,
        confirm: bool,
    ) -> From {
        let mut next = 0;
        for row in rows {
            let index = row.index as usize;
            let Some(step) = workflow.steps.get(index) else {
                break;
            };
            match row.state.as_str() {
                "failed" if step.on_failure != OnFailure::Continue => {
                    return From::Failed(index, row.summary.clone());
                }
                "ok" | "failed" | "skipped" => {
                    data.record(&row);
                    next = index + 1;
                }
                "waiting" if confirm => {
                    let done = Done {
                        state: StepState::Ok,
                        output: serde_json::json!({"confirmed": true}),
                        summary: format!("Confirmed: {}", row.summary),
                        command_id: None,
                        cost_nusd: 0,
                    };
                    if let Err(why) = self.record(run, index, step, "ok", &done, 0, data) {
                        self.end(run, emit, "failed", &why);
                        return From::Stop;
                    }
                    next = index + 1;
                }
                "waiting" => {
                    emit.emit(
                        "workflow",
                        format!("Step `{}` still waits for your confirmation.", step.name),
                    );
                    return From::Stop;
                }
                // "running": the kernel stopped during this step.
                _ if step.repeatable => {
                    emit.emit("workflow", format!("Resuming: step `{}` was running when Ralex stopped; it is safe to repeat, so it runs again.", step.name));
                    return From::Step(index);
                }
                _ => {
                    let undo = row
                        .command_id
                        .as_deref()
                        .map(|id| format!(" `ralex undo {id}` puts back what it changed."))
                        .unwrap_or_else(|| {
                            // An agent or plugin step journals its writes as a command.
                            if matches!(
                                step.action,
                                ralex_workflow::Action::Agent { .. }
                                    | ralex_workflow::Action::Plugin { .. }
                            ) {
                                " If it changed files, `ralex undo` puts back the latest change."
                                    .to_string()
                            } else {
                                String::new()
                            }
                        });
                    let message = format!(
                        "Step `{}` ({}) was running when Ralex stopped, and it is not safe to repeat, so the run is interrupted.{undo} Check the project, then start a new run (mark the step `repeatable: true` if running it twice does no harm).",
                        step.name,
                        step.action.kind()
                    );
                    let done = Done::failed(message.clone());
                    // The run ends interrupted either way; the log says so if it can.
                    let _ = self.record(run, index, step, "interrupted", &done, 0, data);
                    self.end(run, emit, "interrupted", &message);
                    return From::Stop;
                }
            }
        }
        From::Step(next)
    }

    /// Every attempt of `step`: the last one's result and how many were made.
    async fn attempts(
        &self,
        sr: &StepRun<'_>,
        index: usize,
        step: &Step,
        data: &RunData,
    ) -> (Done, u32) {
        let attempts = match &step.retry.attempts {
            Attempts::Fixed(n) => *n,
            Attempts::Template(t) => Template::parse(t)
                .ok()
                .and_then(|t| {
                    t.value(data.value())
                        .as_u64()
                        .or_else(|| t.render(data.value()).trim().parse().ok())
                })
                .unwrap_or(1)
                .clamp(1, MAX_ATTEMPTS) as u32,
        };
        let mut error = String::new();
        let mut cost = 0;
        let mut attempt = 1;
        loop {
            if let Err(e) = self.store.run_step_start(
                &sr.run.id,
                index,
                &step.name,
                step.action.kind(),
                ids::now_ms(),
            ) {
                return (
                    Done::failed(format!(
                        "the step could not be recorded, so it did not run: {e}"
                    )),
                    attempt,
                );
            }
            let scope = data.with_attempt(attempt, &error);
            let act = self.act(sr, step, &scope);
            let mut done = match step.timeout {
                Some(limit) => match tokio::time::timeout(limit, act).await {
                    Ok(done) => done,
                    Err(_) => Done::failed(format!(
                        "The step took longer than its timeout of {}, so I stopped it.",
                        human(limit)
                    )),
                },
                None => act.await,
            };
            cost += done.cost_nusd;
            if done.state != StepState::Failed || attempt >= attempts {
                done.cost_nusd = cost;
                return (done, attempt);
            }
            let wait = step.retry.wait_before(attempt + 1);
            sr.emit.emit(
                "workflow",
                format!(
                    "Step `{}` failed (attempt {attempt} of {attempts}): {} Trying again in {}.",
                    step.name,
                    done.summary,
                    human(wait)
                ),
            );
            error = done.summary;
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    /// Writes a step's result (before anything else happens) and adds it to `data`.
    #[allow(clippy::too_many_arguments)]
    fn record(
        &self,
        run: &RunRow,
        index: usize,
        step: &Step,
        state: &str,
        done: &Done,
        attempts: u32,
        data: &mut RunData,
    ) -> Result<(), String> {
        let now = ids::now_ms();
        let output = done.output.to_string();
        let result = StepResult {
            state,
            output: &output,
            summary: &done.summary,
            command_id: done.command_id.as_deref(),
            cost_nusd: done.cost_nusd,
            finished_ms: now,
        };
        if let Err(e) =
            self.store
                .run_step_finish(&run.id, index, &step.name, step.action.kind(), &result)
        {
            tracing::error!(run = %run.id, step = %step.name, error = %e, "cannot record the step's result");
            return Err(format!(
                "The result of step `{}` could not be stored ({e}), so the run stopped before the next step.",
                step.name
            ));
        }
        if done.cost_nusd > 0
            && let Err(e) = self.store.run_add_cost(&run.id, done.cost_nusd)
        {
            tracing::warn!(run = %run.id, error = %e, "cannot add the step's cost to the run");
        }
        data.record(&StepRow {
            index: index as i64,
            name: step.name.clone(),
            kind: step.action.kind().to_string(),
            state: state.to_string(),
            attempts: i64::from(attempts),
            output: done.output.clone(),
            summary: done.summary.clone(),
            command_id: done.command_id.clone(),
            cost_nusd: done.cost_nusd,
            started_ms: now,
            finished_ms: Some(now),
        });
        Ok(())
    }

    /// Carries out a failed step's `on_failure` (stop or rollback) and ends the run.
    #[allow(clippy::too_many_arguments)]
    async fn fail(
        &self,
        run: &RunRow,
        workflow: &str,
        step: &Step,
        summary: &str,
        root: &std::path::Path,
        gate: &Gate,
        emit: &Emitter,
    ) {
        let why = summary.trim_end_matches('.');
        if step.on_failure != OnFailure::Rollback {
            let message = format!(
                "Workflow `{workflow}` stopped at step `{}`: {summary}",
                step.name
            );
            self.end(run, emit, "failed", &message);
            return;
        }
        let start = self
            .store
            .run(&run.id)
            .ok()
            .flatten()
            .and_then(|r| r.snapshot_start);
        let (state, message) = match self.roll_back(root, start.as_deref(), gate).await {
            Ok(sentence) => (
                "rolled_back",
                format!(
                    "Workflow `{workflow}` failed at step `{}` ({why}). {sentence}",
                    step.name
                ),
            ),
            Err(e) => (
                "failed",
                format!(
                    "Workflow `{workflow}` failed at step `{}` ({why}), and the rollback failed: {e}",
                    step.name
                ),
            ),
        };
        self.end(run, emit, state, &message);
    }

    /// Ends the run.
    fn end(&self, run: &RunRow, emit: &Emitter, state: &str, message: &str) {
        let message = format!("{message}{}", self.close_review(run, state));
        let message = message.as_str();
        if let Err(e) = self
            .store
            .run_set_state(&run.id, state, message, true, ids::now_ms())
        {
            tracing::error!(run = %run.id, error = %e, "cannot record how the run ended");
        }
        emit.emit("workflow", message.to_string());
        tracing::info!(run = %run.id, workflow = %run.workflow, state, "workflow run ended");
    }
}

/// "2 s", "1.5 s", "3 min".
fn human(d: std::time::Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 120.0 {
        format!("{} min", (s / 60.0).round())
    } else if s.fract() == 0.0 {
        format!("{s} s")
    } else {
        format!("{s:.1} s")
    }
}
