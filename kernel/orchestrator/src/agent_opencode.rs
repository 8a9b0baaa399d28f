//! A model-backed command carried out by OpenCode (see [`crate::opencode`]):
//! snapshot, run, read its events, diff, tests, answer.

use std::sync::{Arc, Mutex, PoisonError};

use ralex_intent::Intent;

use crate::agent_prompt::Prompt;
use crate::answer::{Answer, Status};
use crate::direct::Direct;
use crate::opencode::{self, OpenCode};
use crate::orchestrator::{Ctx, Orchestrator};

/// Longest spoken response taken from OpenCode's text.
const MAX_RESPONSE_CHARS: usize = 600;

impl Orchestrator {
    /// Runs `intent` with OpenCode in the project of `ctx`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn run_opencode(
        &self,
        ctx: &Ctx<'_>,
        intent: &Intent,
        normalized: &str,
        direct: &Direct,
        repo: &Arc<Mutex<ralex_git::Repo>>,
        config: &OpenCode,
        prompt: Prompt,
    ) -> Answer {
        let mut answer = ctx.answer(intent, Status::Completed, String::new());
        answer.notes = prompt.notes;
        answer.model = Some(match &config.model {
            Some(model) => format!("opencode:{model}"),
            None => "opencode".to_owned(),
        });
        // OpenCode writes on its own, so the snapshot comes first.
        let before = {
            let repo = repo.lock().unwrap_or_else(PoisonError::into_inner);
            match repo.snapshot(&format!(
                "ralex: before {}: {}",
                ctx.command_id, ctx.request.transcript
            )) {
                Ok(snapshot) => snapshot.id,
                Err(e) => {
                    return ctx.failed(Some(intent), format!("I could not snapshot the project before starting OpenCode ({e}), so I did not start it. Nothing was changed."));
                }
            }
        };
        if let Err(e) = self.store.command_snapshot_before(&ctx.command_id, &before) {
            return ctx.failed(
                Some(intent),
                format!("The snapshot could not be recorded for undo ({e}), so I did not start OpenCode. Nothing was changed."),
            );
        }
        let message = format!(
            "{normalized}\n\n{}\n\n{}",
            prompt.system.trim(),
            prompt.context.trim()
        );
        let title = format!("ralex: {normalized}");
        ctx.emit.emit("agent", "OpenCode is working");
        let outcome = opencode::run(
            &ctx.gate,
            config,
            ctx.workspace.root(),
            &message,
            &title,
            self.sandbox(),
        )
        .await;
        let changed = self.collect_or_forget(ctx, repo, &before, &mut answer);
        let output = match outcome {
            Ok(output) => output,
            Err(why) => {
                answer.status = if why.starts_with("I may not") {
                    Status::Denied
                } else {
                    Status::Failed
                };
                answer.response = format!("{why}.{}", nothing_or_undo(changed));
                return answer;
            }
        };
        let events = opencode::read_events(&output.stdout);
        answer.cost_usd = events.cost_usd;
        if events.cost_usd > 0.0 {
            answer.notes.push("the cost is what OpenCode reported; Ralex's budgets and ledger do not cover OpenCode's own model calls".into());
        }
        let failure = if output.timed_out {
            Some(format!(
                "OpenCode did not finish within {} s and was stopped",
                config.timeout.as_secs()
            ))
        } else if let Some(error) = events.errors.last() {
            Some(format!("OpenCode stopped with an error: {error}"))
        } else if output.exit_code != Some(0) {
            let tail: Vec<&str> = output.stderr.lines().rev().take(5).collect();
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            Some(format!(
                "OpenCode failed (exit code {}): {}",
                output
                    .exit_code
                    .map_or_else(|| "none".to_string(), |c| c.to_string()),
                tail.join(" / ").trim()
            ))
        } else {
            None
        };
        if let Some(failure) = failure {
            answer.status = Status::Failed;
            answer.response = format!("{failure}.{}", nothing_or_undo(changed));
            return answer;
        }
        let said = events.texts.last().cloned().unwrap_or_default();
        answer.response = if said.is_empty() {
            if changed > 0 {
                format!("OpenCode changed {changed} file{}.", plural(changed))
            } else {
                "OpenCode did not change anything.".into()
            }
        } else {
            clip(&said, MAX_RESPONSE_CHARS)
        };
        if changed > 0 && self.wants_tests(intent, normalized) {
            ctx.emit.emit("tests", "Running the tests");
            let tests = direct.run_tests().await;
            if let Some(report) = &tests.tests {
                answer.response.push_str(if report.passed {
                    " The tests pass."
                } else {
                    " The tests fail."
                });
            }
            answer.tests = tests.tests;
        }
        answer
    }

    /// The diffs and undo id when OpenCode changed something (the number of
    /// files), else the snapshot is forgotten.
    fn collect_or_forget(
        &self,
        ctx: &Ctx<'_>,
        repo: &Arc<Mutex<ralex_git::Repo>>,
        before: &str,
        answer: &mut Answer,
    ) -> usize {
        self.collect_changes(ctx, repo, before, answer);
        if answer.changes.is_empty() {
            answer.undo_id = None;
            *ctx.snapshot_after
                .lock()
                .unwrap_or_else(PoisonError::into_inner) = None;
            self.forget_snapshot(ctx, repo, before);
        }
        answer.changes.len()
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn nothing_or_undo(changed: usize) -> String {
    if changed == 0 {
        " Nothing was changed.".into()
    } else {
        format!(
            " It had already changed {changed} file{}; say undo to put {} back.",
            plural(changed),
            if changed == 1 { "it" } else { "them" }
        )
    }
}

/// `text` cut at a sentence end (or a word) within `max` characters.
fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let head: String = text.chars().take(max).collect();
    let cut = head
        .rfind(". ")
        .map(|i| i + 1)
        .or_else(|| head.rfind(' '))
        .unwrap_or(head.len());
    format!("{}…", head[..cut].trim_end())
}
