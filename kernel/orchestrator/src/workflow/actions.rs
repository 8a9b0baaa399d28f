//! What each kind of step does, on the kernel's capabilities, for the person
//! who started the run:
//!
//! - `agent`: an intent built from the prompt and targets, through the same
//!   pipeline as a spoken command (policy, snapshot, agent, undo id, notes);
//!   `verify` makes the tests the judge.
//! - `test`: the project's test command (or the step's), in the exec sandbox.
//! - `run`: one allow-listed program, no shell, in the sandbox, with a timeout.
//! - `git`: status, diff, log or commit, as the direct `git` intents do.
//! - `plugin`: a `workflow-step` component — untrusted code — in a fresh
//!   instance, with its manifest's limits and only what its grants and the
//!   policy allow, its writes journaled for undo like the agent's.
//! - `confirm`: passes when the person confirmed, else the run waits.
//! - `write`: one file of the project, decided by policy.
//! - `fail`: ends the step as failed with its message.

use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use ralex_exec::{Allowed, Limits, Runner};
use ralex_host::calls::step::StepInput;
use ralex_host::{CallContext, World};
use ralex_intent::{Intent, IntentKind, Risk, Target};
use ralex_policy::{Action as PolicyAction, Resource};
use ralex_store::RunRow;
use ralex_workflow::template::render_value;
use ralex_workflow::{Action, GitAction, Step, Template};
use serde_json::{Map, Value, json};

use crate::answer::{Answer, Status};
use crate::direct::Direct;
use crate::direct::tests::{TAIL_LINES, tail};
use crate::events::Emitter;
use crate::gate::Gate;
use crate::orchestrator::Orchestrator;
use crate::project::split_words;
use crate::request::{CommandRequest, Confirm, Who};

/// How long a `run` step may take when it names no timeout.
const RUN_TIMEOUT: Duration = Duration::from_secs(10 * 60);

/// How a step attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StepState {
    /// It did what it should.
    Ok,
    /// It failed (retries and `on_failure` apply).
    Failed,
    /// It waits for a person's confirmation.
    Waiting,
}

impl StepState {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            StepState::Ok => "ok",
            StepState::Failed => "failed",
            StepState::Waiting => "waiting",
        }
    }
}

/// What one attempt of a step did.
#[derive(Debug, Clone)]
pub(crate) struct Done {
    pub(crate) state: StepState,
    pub(crate) output: Value,
    pub(crate) summary: String,
    pub(crate) command_id: Option<String>,
    pub(crate) cost_nusd: i64,
}

impl Done {
    fn ok(summary: impl Into<String>, output: Value) -> Done {
        Done {
            state: StepState::Ok,
            output,
            summary: summary.into(),
            command_id: None,
            cost_nusd: 0,
        }
    }

    pub(crate) fn failed(summary: impl Into<String>) -> Done {
        Done {
            state: StepState::Failed,
            output: Value::Null,
            summary: summary.into(),
            command_id: None,
            cost_nusd: 0,
        }
    }
}

/// What every step of one run shares.
pub(crate) struct StepRun<'a> {
    pub(crate) run: &'a RunRow,
    pub(crate) root: &'a Path,
    pub(crate) who: &'a Who,
    pub(crate) confirm: bool,
    pub(crate) gate: &'a Gate,
    pub(crate) emit: &'a Emitter,
}

fn render(text: &str, data: &Value) -> String {
    Template::parse(text).map_or_else(|_| text.to_string(), |t| t.render(data))
}

/// A target as written in a workflow: a path when it looks like one, else a symbol.
fn target(text: String) -> Target {
    let looks_like_path = text.contains('/')
        || text
            .rsplit_once('.')
            .is_some_and(|(_, ext)| !ext.is_empty() && ext.len() <= 5 && !text.contains(' '));
    Target {
        phrase: Some(text.clone()),
        path: looks_like_path.then(|| text.clone()),
        symbol: (!looks_like_path).then_some(text),
        ..Target::default()
    }
}

impl Orchestrator {
    /// Runs one attempt of `step` over `data`.
    pub(crate) async fn act(&self, sr: &StepRun<'_>, step: &Step, data: &Value) -> Done {
        match &step.action {
            Action::Agent {
                prompt,
                targets,
                kind,
                verify,
            } => {
                let prompt = render(prompt, data);
                let targets = targets.iter().map(|t| render(t, data)).collect();
                self.agent_step(sr, &prompt, targets, kind, *verify).await
            }
            Action::Test { command } => match command {
                None => self.test_step(sr).await,
                Some(command) => {
                    let command = render(command, data);
                    let mut done = self.run_step(sr, &command, step.timeout).await;
                    if let Some(map) = done.output.as_object_mut() {
                        let passed = done.state == StepState::Ok;
                        map.insert("passed".into(), Value::Bool(passed));
                    }
                    done
                }
            },
            Action::Run { command } => {
                let command = render(command, data);
                self.run_step(sr, &command, step.timeout).await
            }
            Action::Git { action, message } => {
                let message = message.as_deref().map(|m| render(m, data));
                self.git_step(sr, *action, message).await
            }
            Action::Plugin { name, with } => {
                let params = match render_value(with, data) {
                    Ok(v) => v,
                    Err(e) => return Done::failed(format!("the step's `with` is wrong: {e}")),
                };
                let previous: Map<String, Value> = data
                    .get("steps")
                    .and_then(Value::as_object)
                    .map(|steps| {
                        steps
                            .iter()
                            .map(|(k, v)| {
                                (k.clone(), v.get("output").cloned().unwrap_or(Value::Null))
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                self.plugin_step(sr, step, name, &params, &Value::Object(previous))
                    .await
            }
            Action::Confirm { message } => {
                let message = render(message, data);
                if sr.confirm {
                    Done::ok(format!("Confirmed: {message}"), json!({"confirmed": true}))
                } else {
                    Done {
                        state: StepState::Waiting,
                        output: json!({"confirmed": false}),
                        summary: message,
                        command_id: None,
                        cost_nusd: 0,
                    }
                }
            }
            Action::Write { path, content } => {
                let path = render(path, data);
                let content = render(content, data);
                self.write_step(sr, &path, &content)
            }
            Action::Fail { message } => Done::failed(render(message, data)),
        }
    }

    fn request(&self, sr: &StepRun<'_>, transcript: &str) -> CommandRequest {
        CommandRequest {
            transcript: transcript.to_string(),
            project: sr.root.to_path_buf(),
            session_id: sr.run.session.clone(),
            dry_run: false,
            confirm: Confirm::No,
            who: sr.who.clone(),
        }
    }

    async fn agent_step(
        &self,
        sr: &StepRun<'_>,
        prompt: &str,
        targets: Vec<String>,
        kind: &str,
        verify: bool,
    ) -> Done {
        let kind: IntentKind = kind.parse().unwrap_or(IntentKind::Edit);
        let risk = match kind {
            IntentKind::Explain | IntentKind::Analyze | IntentKind::Chat => Risk::ReadOnly,
            _ => Risk::Modify,
        };
        let mut params = Map::new();
        params.insert("run_tests".into(), Value::Bool(verify));
        let mut intent = Intent {
            kind,
            targets: targets.into_iter().map(target).collect(),
            params,
            risk,
            confidence: 1.0,
        };
        if let Ok(workspace) = self.workspace(sr.root) {
            crate::resolve::resolve(&mut intent, &workspace);
        }
        self.symbols.resolve_rest(&mut intent, sr.root, &[]).await;
        let request = self.request(sr, prompt);
        let answer = match self.handle_intent(&request, &intent).await {
            Ok(answer) => answer,
            Err(e) => return Done::failed(format!("the agent task could not run: {e}")),
        };
        let mut done = agent_done(&answer);
        if verify && done.state == StepState::Ok {
            let tests = match &answer.tests {
                Some(t) => Some(t.clone()),
                None => match self.direct(sr) {
                    Ok(direct) => direct.run_tests().await.tests,
                    Err(_) => None,
                },
            };
            match tests {
                Some(t) if t.passed => {
                    done.summary.push_str(" The tests pass.");
                }
                Some(t) => {
                    done.state = StepState::Failed;
                    done.summary = format!("{} The tests still fail.", done.summary);
                    if let Some(map) = done.output.as_object_mut() {
                        map.insert(
                            "tests".into(),
                            json!({"passed": false, "tail": t.output_tail}),
                        );
                    }
                }
                None => {
                    done.state = StepState::Failed;
                    done.summary =
                        format!("{} The tests could not be run to verify it.", done.summary);
                }
            }
        }
        done
    }

    async fn test_step(&self, sr: &StepRun<'_>) -> Done {
        let direct = match self.direct(sr) {
            Ok(direct) => direct,
            Err(done) => return *done,
        };
        let outcome = direct.run_tests().await;
        match outcome.tests {
            Some(report) => {
                let output = json!({
                    "passed": report.passed,
                    "exit_code": report.exit_code,
                    "timed_out": report.timed_out,
                    "duration_ms": report.duration_ms,
                    "command": report.command,
                    "tail": report.output_tail,
                });
                Done {
                    state: if report.passed {
                        StepState::Ok
                    } else {
                        StepState::Failed
                    },
                    output,
                    summary: outcome.response,
                    command_id: None,
                    cost_nusd: 0,
                }
            }
            None => Done::failed(outcome.response),
        }
    }

    fn direct(&self, sr: &StepRun<'_>) -> Result<Direct, Box<Done>> {
        let workspace = self
            .workspace(sr.root)
            .map_err(|e| Done::failed(e.to_string()))?;
        Ok(Direct::new(
            sr.root.to_path_buf(),
            workspace,
            sr.gate.clone(),
            self.sandbox(),
        )
        .with_test_timeout(self.settings.test_timeout))
    }

    async fn run_step(&self, sr: &StepRun<'_>, command: &str, timeout: Option<Duration>) -> Done {
        let words = match split_words(command) {
            Ok(words) => words,
            Err(why) => return Done::failed(format!("`{command}` cannot run: {why}")),
        };
        let Some((program, args)) = words.split_first() else {
            return Done::failed(
                "the command is empty (is the setting it comes from missing from .ralex/config.toml?)",
            );
        };
        let resource = Resource::Program {
            name: program.clone(),
            args: args.to_vec(),
        };
        if let Err(why) = sr.gate.allow(
            PolicyAction::ExecRun,
            &resource,
            &[command.as_bytes()],
            false,
        ) {
            return Done::failed(format!("I may not run `{command}`: {why}"));
        }
        let allowed = match Allowed::parse(program) {
            Ok(a) => vec![a],
            Err(e) => return Done::failed(format!("`{command}` cannot run: {e}")),
        };
        let timeout = timeout.unwrap_or(RUN_TIMEOUT).min(ralex_exec::MAX_TIMEOUT);
        sr.emit.emit("workflow", format!("Running `{command}`"));
        let runner = Runner::new(sr.root.to_path_buf(), Limits::default(), self.sandbox());
        let output = match runner.run(&allowed, program, args, "", Some(timeout)).await {
            Ok(output) => output,
            Err(e) => return Done::failed(format!("`{command}` could not run: {e}")),
        };
        let secs = output.duration.as_secs_f64();
        let ok = output.exit_code == Some(0) && !output.timed_out;
        let summary = if output.timed_out {
            format!(
                "`{command}` did not finish within {} s; I stopped it.",
                timeout.as_secs()
            )
        } else if ok {
            format!("`{command}` finished in {secs:.1} s.")
        } else {
            let code = output
                .exit_code
                .map_or_else(|| "it was killed".to_string(), |c| format!("exit code {c}"));
            format!("`{command}` failed ({code}) after {secs:.1} s.")
        };
        Done {
            state: if ok { StepState::Ok } else { StepState::Failed },
            output: json!({
                "command": command,
                "exit_code": output.exit_code,
                "timed_out": output.timed_out,
                "stdout": tail(&output.stdout, TAIL_LINES),
                "stderr": tail(&output.stderr, TAIL_LINES),
                "tail": tail(&format!("{}{}", output.stdout, output.stderr), TAIL_LINES),
            }),
            summary,
            command_id: None,
            cost_nusd: 0,
        }
    }

    async fn git_step(&self, sr: &StepRun<'_>, action: GitAction, message: Option<String>) -> Done {
        let name = match action {
            GitAction::Status => "status",
            GitAction::Diff => "diff",
            GitAction::Log => "log",
            GitAction::Commit => "commit",
        };
        let mut params = Map::new();
        params.insert("action".into(), Value::String(name.into()));
        if let Some(m) = message {
            params.insert("message".into(), Value::String(m));
        }
        let intent = Intent {
            kind: IntentKind::Git,
            targets: Vec::new(),
            params,
            risk: if action == GitAction::Commit {
                Risk::Modify
            } else {
                Risk::ReadOnly
            },
            confidence: 1.0,
        };
        let direct = match self.direct(sr) {
            Ok(direct) => direct,
            Err(done) => return *done,
        };
        match direct.execute(&intent, "").await {
            Some(outcome) => Done {
                state: if outcome.status == Status::Completed {
                    StepState::Ok
                } else {
                    StepState::Failed
                },
                output: json!({"response": outcome.response, "output": outcome.output}),
                summary: outcome.response,
                command_id: None,
                cost_nusd: 0,
            },
            None => Done::failed(format!("git {name} is not available")),
        }
    }

    fn write_step(&self, sr: &StepRun<'_>, path: &str, content: &str) -> Done {
        let workspace = match self.workspace(sr.root) {
            Ok(w) => w,
            Err(e) => return Done::failed(e.to_string()),
        };
        // The policy decides on the path as it will be written (`.env/.` is `.env`).
        let path = match workspace.normalize(path) {
            Ok(p) => p,
            Err(e) => return Done::failed(format!("cannot write {path}: {e}")),
        };
        if let Err(why) = sr.gate.allow(
            PolicyAction::WorkspaceWrite,
            &Resource::Path(path.clone()),
            &[path.as_bytes(), content.as_bytes()],
            false,
        ) {
            return Done::failed(format!("I may not write {path}: {why}"));
        }
        match workspace.write(&path, content) {
            Ok(_) => Done::ok(format!("Wrote {path}."), json!({"path": path})),
            Err(e) => Done::failed(format!("cannot write {path}: {e}")),
        }
    }

    async fn plugin_step(
        &self,
        sr: &StepRun<'_>,
        step: &Step,
        name: &str,
        params: &Value,
        previous: &Value,
    ) -> Done {
        let Some(plugin) = self.workflow.plugins.iter().find(|p| p.name() == name) else {
            return Done::failed(format!(
                "the workflow-step plugin `{name}` is not installed (`ralex plugin list` shows what is)"
            ));
        };
        if plugin.world() != World::WorkflowStep {
            return Done::failed(format!(
                "`{name}` is a {} plugin, not a workflow step",
                plugin.world()
            ));
        }
        let repo = match ralex_git::Repo::open(sr.root) {
            Ok(repo) => Arc::new(Mutex::new(repo)),
            Err(e) => {
                return Done::failed(format!(
                    "plugin steps only run in projects whose changes can be undone, and this one is not a git repository ({e})"
                ));
            }
        };
        let mut intent_params = Map::new();
        intent_params.insert("name".into(), Value::String(sr.run.workflow.clone()));
        intent_params.insert("step".into(), Value::String(step.name.clone()));
        let intent = Intent {
            kind: IntentKind::Workflow,
            targets: Vec::new(),
            params: intent_params,
            risk: Risk::Modify,
            confidence: 1.0,
        };
        let transcript = format!(
            "workflow {} step {} (plugin {name})",
            sr.run.workflow, step.name
        );
        let request = self.request(sr, &transcript);
        let ctx = match self.context(&request, crate::ids::command_id()) {
            Ok(ctx) => ctx,
            Err(e) => return Done::failed(e.to_string()),
        };
        if let Err(e) = self.begin(&ctx, &intent, &transcript) {
            return Done::failed(e.to_string());
        }
        let lock = self.writer_lock(sr.root);
        let turn = lock.lock().await;
        let before = Arc::new(Mutex::new(None::<String>));
        let journal = Arc::new(self.snapshot_journal(&ctx, &repo, Arc::clone(&before)));
        let call = CallContext {
            workspace: Some(Arc::clone(&ctx.workspace)),
            progress: Some(ctx.emit.plugin_sink("workflow")),
            journal: Some(Arc::clone(&journal)),
            git: Some(Arc::clone(&repo)),
            // Outbound HTTP as the plugin's manifest and the policy allow
            // (internal addresses stay refused unless the policy opens them).
            egress: self.workflow.egress(),
            runner: Some(Arc::new(Runner::new(
                sr.root.to_path_buf(),
                Limits::default(),
                self.sandbox(),
            ))),
            mcp: None,
            model: None,
        };
        let input = StepInput {
            name: step.name.clone(),
            params_json: params.to_string(),
            previous_json: previous.to_string(),
        };
        let result = self.host.run_step(plugin, call, input).await;
        let before = before
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        let mut answer = ctx.answer(&intent, Status::Completed, String::new());
        let wrote = !journal.changes().is_empty();
        match &before {
            Some(before) if wrote => self.collect_changes(&ctx, &repo, before, &mut answer),
            Some(before) => self.forget_snapshot(&ctx, &repo, before),
            None => {}
        }
        drop(turn);
        let done = match result {
            Ok(outcome) => match serde_json::from_str::<Value>(&outcome.value.output_json) {
                Ok(output) => Done {
                    state: StepState::Ok,
                    output,
                    summary: outcome.value.summary.trim().to_string(),
                    command_id: answer.undo_id.clone(),
                    cost_nusd: 0,
                },
                Err(e) => Done {
                    command_id: answer.undo_id.clone(),
                    ..Done::failed(format!(
                        "the plugin `{name}` answered output that is not JSON: {e}"
                    ))
                },
            },
            Err(e) => Done {
                command_id: answer.undo_id.clone(),
                ..Done::failed(e.to_string())
            },
        };
        answer.status = if done.state == StepState::Ok {
            Status::Completed
        } else {
            Status::Failed
        };
        answer.response = done.summary.clone();
        self.finish(&ctx, &answer);
        done
    }
}

/// An agent step's result from the command's answer.
fn agent_done(answer: &Answer) -> Done {
    let state = match answer.status {
        Status::Completed => StepState::Ok,
        _ => StepState::Failed,
    };
    let summary = match answer.status {
        Status::NeedsConfirmation => format!(
            "{} (an agent task in a workflow cannot wait for a confirmation; the policy asks for one here)",
            answer.response
        ),
        _ => answer.response.clone(),
    };
    Done {
        state,
        output: json!({
            "response": answer.response,
            "status": answer.status.as_str(),
            "changes": answer.changes.iter().map(|c| c.path.clone()).collect::<Vec<_>>(),
            "undo_id": answer.undo_id,
            "model": answer.model,
            "tests": answer.tests.as_ref().map(|t| json!({"passed": t.passed, "tail": t.output_tail})),
        }),
        summary,
        command_id: answer.undo_id.clone(),
        cost_nusd: (answer.cost_usd * 1e9).round() as i64,
    }
}
