//! "Run the bugfix workflow": a `workflow` intent runs the named workflow for
//! the person asking, and the answer says how the run ended. Parameters the
//! parser heard (`environment` for a deploy) are passed when the workflow
//! declares them. A destructive workflow intent (a deploy) was confirmed before
//! it got here, and that confirmation also passes the run's confirmation steps.

use std::path::Path;

use ralex_intent::Intent;
use serde_json::{Map, Value};

use super::{RunError, WorkflowRequest};
use crate::answer::{Answer, Status};
use crate::orchestrator::{Ctx, Orchestrator};
use crate::request::Confirm;

impl Orchestrator {
    /// The names of the workflows in `root`, for the command parser (file
    /// names only: cheap enough for every command).
    pub(crate) fn workflow_names(&self, root: &Path) -> Vec<String> {
        let mut names: Vec<String> = ralex_workflow::BUILTIN
            .iter()
            .map(|(n, _)| n.to_string())
            .collect();
        let project = root.join(ralex_notes::layout::WORKFLOWS);
        for dir in self.workflow.dirs.iter().chain(std::iter::once(&project)) {
            let Ok(read) = std::fs::read_dir(dir) else {
                continue;
            };
            for entry in read.flatten() {
                let path = entry.path();
                if matches!(
                    path.extension().and_then(|e| e.to_str()),
                    Some("yaml" | "yml")
                ) && let Some(stem) = path.file_stem().and_then(|s| s.to_str())
                    && !names.iter().any(|n| n == stem)
                {
                    names.push(stem.to_string());
                }
            }
        }
        names
    }

    /// Runs the workflow a `workflow` intent names.
    pub(crate) async fn run_workflow_intent(&self, ctx: &Ctx<'_>, intent: &Intent) -> Answer {
        let root = ctx.workspace.root();
        let Some(name) = intent.param("name").map(str::to_string) else {
            return ctx.failed(
                Some(intent),
                format!(
                    "Which workflow? The workflows here are: {}.",
                    self.workflow_names(root).join(", ")
                ),
            );
        };
        let declared: Vec<String> = self
            .workflows(root)
            .ok()
            .and_then(|c| c.get(&name).ok().and_then(|e| e.parsed.clone().ok()))
            .map(|w| w.params.into_iter().map(|p| p.name).collect())
            .unwrap_or_default();
        let params: Map<String, Value> = intent
            .params
            .iter()
            .filter(|(k, _)| declared.contains(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let confirm = !matches!(ctx.request.confirm, Confirm::No);
        let request = WorkflowRequest {
            name: name.clone(),
            params,
            project: root.to_path_buf(),
            session_id: ctx.request.session_id.clone(),
            who: ctx.request.who.clone(),
            confirm,
        };
        ctx.emit
            .emit("workflow", format!("Starting the {name} workflow"));
        // Boxed: a workflow runs agent tasks through `run_intent`, which is how
        // this was reached (an agent task is never itself a workflow).
        let view = match Box::pin(self.run_workflow(&request)).await {
            Ok(view) => view,
            Err(RunError::Denied(why)) => return ctx.answer(intent, Status::Denied, why),
            Err(e) => return ctx.failed(Some(intent), format!("{e}. Nothing was changed.")),
        };
        let status = match view.run.state.as_str() {
            "completed" => Status::Completed,
            "waiting" => Status::NeedsConfirmation,
            _ => Status::Failed,
        };
        let mut answer = ctx.answer(intent, status, view.run.message.clone());
        answer.cost_usd = view.cost_usd;
        answer.output = Some(
            view.steps
                .iter()
                .map(|s| {
                    format!(
                        "{}. {} — {}: {}",
                        s.index + 1,
                        s.name,
                        s.state,
                        s.summary.lines().next().unwrap_or("")
                    )
                })
                .collect::<Vec<_>>()
                .join("\n"),
        );
        answer.notes.push(format!("workflow run {}", view.run.id));
        answer
    }
}
