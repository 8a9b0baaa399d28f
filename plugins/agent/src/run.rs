//! The tool loop: ask the model, carry out the tool calls it makes, answer each with a
//! `tool` message, and repeat until it answers without tools; then run the tests once
//! and, while they fail, give the model up to [`MAX_FIX_ROUNDS`] rounds to fix them.
//!
//! The loop owns the bookkeeping and the stopping rules: at most `max-steps` model calls
//! and `max-cost-usd` spent, and at most [`MAX_EDIT_FAILURES`] edits in a row that do not
//! apply. It must never stop silently: every stop names the reason, how far it got and
//! the files it had already changed.

use crate::execute::{self, Outcome};
use crate::host::{ChatRequest, Error, ErrorCode, Host, Level, Message, Role, Usage};
use crate::prompt;
use crate::summary::{self, Facts, Limit};
use crate::task::{Task, TaskResult};
use crate::test_run::{self, TestRun};
use crate::tools;

/// Edits in a row that may fail before the task is given up.
pub const MAX_EDIT_FAILURES: u32 = 2;

/// Rounds the model gets to fix failing tests.
pub const MAX_FIX_ROUNDS: u32 = 2;

/// Completion tokens asked for per model call.
pub const MAX_TOKENS: u32 = 4096;

/// Sampling temperature: low, edits must be exact.
const TEMPERATURE: f32 = 0.2;

/// What the loop has done so far.
#[derive(Default)]
struct Progress {
    steps: u32,
    usage: Usage,
    /// Changed paths, in order of first change.
    changed: Vec<String>,
    /// Successful edits (a path changed twice counts twice).
    edits: usize,
    /// Edits in a row that did not apply.
    edit_failures: u32,
    /// Actions the policy refused, deduplicated.
    refused: Vec<String>,
    fix_rounds: u32,
    /// The last test run and the number of edits made before it.
    last_test: Option<(TestRun, usize)>,
    tests_unavailable: bool,
}

impl Progress {
    /// The last test run, if no edit was made after it.
    fn fresh_test(&self) -> Option<&TestRun> {
        match &self.last_test {
            Some((run, edits)) if *edits == self.edits => Some(run),
            _ => None,
        }
    }

    /// Book one tool call's outcome; `Err` when edits failed too often in a row.
    fn record(&mut self, outcome: Outcome) -> Result<(), Error> {
        match outcome {
            Outcome::Done { changed, tests } => {
                if let Some(path) = changed {
                    self.edits += 1;
                    self.edit_failures = 0;
                    if !self.changed.contains(&path) {
                        self.changed.push(path);
                    }
                }
                if let Some(run) = tests {
                    self.last_test = Some((run, self.edits));
                }
            }
            Outcome::Failed => {}
            Outcome::EditFailed { path, reason } => {
                self.edit_failures += 1;
                if self.edit_failures >= MAX_EDIT_FAILURES {
                    return Err(summary::edit_error(path.as_deref(), &reason, &self.changed));
                }
            }
            Outcome::Refused { action } => {
                if !self.refused.contains(&action) {
                    self.refused.push(action);
                }
            }
        }
        Ok(())
    }
}

/// Carry out `task` with the model and tools of `host`.
pub fn run(host: &mut dyn Host, task: &Task) -> Result<TaskResult, Error> {
    let tests_offered = !task.test_command.is_empty();
    let test_command: &[String] = if tests_offered {
        &task.test_command
    } else {
        &[]
    };
    let model = Some(task.model.trim().to_string()).filter(|m| !m.is_empty());
    let limits = task.limits;
    let mut messages = vec![
        Message::text(Role::System, prompt::system_message(task, tests_offered)),
        Message::text(Role::User, prompt::user_message(task)),
    ];
    let tools = tools::specs(tests_offered);
    host.log(
        Level::Info,
        &format!(
            "agent starts: model {}, {} tools, at most {} steps and {}",
            model.as_deref().unwrap_or("chosen by the kernel"),
            tools.len(),
            limits.max_steps,
            summary::usd(limits.max_cost_usd)
        ),
    );
    let mut done = Progress::default();
    loop {
        if done.steps >= limits.max_steps {
            return Err(stopped(host, Limit::Steps(limits.max_steps), &done));
        }
        if done.usage.cost_usd > limits.max_cost_usd {
            return Err(stopped(host, Limit::Cost(limits.max_cost_usd), &done));
        }
        done.steps += 1;
        host.progress(
            &format!(
                "Asking the model (step {} of {})",
                done.steps, limits.max_steps
            ),
            Some((done.steps - 1) as f32 / limits.max_steps as f32),
        );
        let request = ChatRequest {
            model: model.clone(),
            messages: messages.clone(),
            tools: tools.clone(),
            max_tokens: Some(MAX_TOKENS),
            temperature: Some(TEMPERATURE),
        };
        let response = host
            .chat(request)
            .map_err(|e| summary::model_error(e, done.steps, &done.changed))?;
        done.usage.add(response.usage);
        let mut message = response.message;
        message.role = Role::Assistant;
        let calls = message.tool_calls.clone();
        let answer = message.content.clone();
        messages.push(message);
        host.log(
            Level::Debug,
            &format!(
                "step {}: {} answered with {} tool call(s), finish reason {:?}",
                done.steps,
                response.model,
                calls.len(),
                response.finish_reason
            ),
        );

        if calls.is_empty() {
            match finish(host, task, &mut done, &answer) {
                Finish::Done(result) => return Ok(result),
                Finish::FixTests(request) => {
                    messages.push(Message::text(Role::User, request));
                    continue;
                }
            }
        }
        if done.usage.cost_usd > limits.max_cost_usd {
            return Err(stopped(host, Limit::Cost(limits.max_cost_usd), &done));
        }
        for call in &calls {
            let answer = execute::execute(host, call, test_command);
            messages.push(Message::tool_result(&call.id, answer.text));
            if let Err(e) = done.record(answer.outcome) {
                host.log(Level::Warn, &e.message);
                return Err(e);
            }
        }
    }
}

/// What to do once the model answers without tool calls.
enum Finish {
    /// The task is done.
    Done(TaskResult),
    /// The tests fail: send this request and go on.
    FixTests(String),
}

fn finish(host: &mut dyn Host, task: &Task, done: &mut Progress, answer: &str) -> Finish {
    let check = task.run_tests && !task.test_command.is_empty() && !done.changed.is_empty();
    if check && done.fresh_test().is_none() {
        host.progress("Running the tests", None);
        match test_run::run(host, &task.test_command) {
            Ok(run) => {
                host.log(Level::Info, &format!("tests ran: {}", run.status));
                done.last_test = Some((run, done.edits));
            }
            Err(e) => {
                host.log(
                    Level::Warn,
                    &format!("could not run the tests: {}", e.message),
                );
                if e.code == ErrorCode::Denied {
                    let action = "running the tests".to_string();
                    if !done.refused.contains(&action) {
                        done.refused.push(action);
                    }
                } else {
                    done.tests_unavailable = true;
                }
            }
        }
    }
    let failing = done
        .fresh_test()
        .filter(|run| check && !run.passed)
        .map(|run| (run.status.clone(), run.fix_request(&task.test_command)));
    if let Some((status, request)) = failing
        && done.fix_rounds < MAX_FIX_ROUNDS
    {
        done.fix_rounds += 1;
        host.log(
            Level::Info,
            &format!(
                "tests failed ({status}); fix round {} of {MAX_FIX_ROUNDS}",
                done.fix_rounds
            ),
        );
        return Finish::FixTests(request);
    }
    let summary = summary::summary(Facts {
        answer,
        changed: &done.changed,
        refused: &done.refused,
        tests: done.fresh_test(),
        tests_unavailable: done.tests_unavailable,
    });
    host.log(
        Level::Info,
        &format!(
            "agent finished after {} steps ({} spent), changed {} file(s)",
            done.steps,
            summary::usd(done.usage.cost_usd),
            done.changed.len()
        ),
    );
    Finish::Done(TaskResult {
        summary,
        changed_paths: done.changed.clone(),
        tests_passed: done.last_test.as_ref().map(|(run, _)| run.passed),
        steps: done.steps,
        usage: done.usage,
    })
}

/// The error for a reached limit, logged.
fn stopped(host: &mut dyn Host, limit: Limit, done: &Progress) -> Error {
    let e = summary::limit_error(limit, done.steps, done.usage.cost_usd, &done.changed);
    host.log(Level::Warn, &e.message);
    e
}

#[cfg(test)]
mod fake;
#[cfg(test)]
mod tests;
