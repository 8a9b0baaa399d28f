//! Undo: put back exactly what one command changed.
//!
//! Owns: [`Orchestrator::undo`] (`ralex undo [ID]`, `POST /v4/undo`) and the undo
//! intent ("undo that"). The command is found by its undo id, else the session's
//! latest change, else (without a session) the project's. Its files go back to the
//! snapshot taken before its first write — only the paths it changed, and only if
//! they are still as it left them (else nothing is written and the answer names
//! the paths). A command the kernel never finished (killed mid-edit) is undone
//! against the current state. Every restored path is decided by policy for the
//! person and audited; the router hears that its model's change was undone.

use std::sync::Arc;

use ralex_host::calls::router::OutcomeKind;
use ralex_intent::{Intent, IntentKind, Risk};
use ralex_policy::{Action, Resource};
use ralex_store::CommandRow;
use tracing::Instrument;

use crate::answer::{Answer, ChangeOut, Status};
use crate::events::Emitter;
use crate::gate::Gate;
use crate::ids;
use crate::orchestrator::{Ctx, Orchestrator};
use crate::pipeline::PipelineError;
use crate::request::CommandRequest;

/// What to undo.
#[derive(Debug, Clone)]
pub struct UndoRequest {
    /// The command's undo id; none: the latest change (of the session, if given).
    pub undo_id: Option<String>,
    /// The session whose latest change "undo" means.
    pub session_id: Option<String>,
    /// The request's project and person (its transcript is ignored).
    pub base: CommandRequest,
}

impl Orchestrator {
    /// Undoes one command's changes (see the module docs).
    pub async fn undo(&self, request: &UndoRequest) -> Result<Answer, PipelineError> {
        let base = &request.base;
        let workspace = self.workspace(&base.project)?;
        let command_id = ids::command_id();
        let ctx = Ctx {
            request: base,
            project_key: workspace.root().display().to_string(),
            workspace,
            gate: Gate::new(
                Arc::clone(self.host.policy()),
                Arc::clone(&self.store),
                base.who.principal.clone(),
                &base.who.actor,
                &base.who.label,
            ),
            emit: Emitter::new(
                &command_id,
                &base.session_id,
                &base.who.actor,
                self.events.clone(),
            ),
            command_id,
            snapshot_after: std::sync::Mutex::new(None),
        };
        let intent = Intent {
            kind: IntentKind::Undo,
            targets: Vec::new(),
            params: Default::default(),
            risk: Risk::Modify,
            confidence: 1.0,
        };
        let span = tracing::info_span!("command", id = %ctx.command_id, session = %base.session_id);
        let answer = self
            .undo_in(
                &ctx,
                &intent,
                request.undo_id.as_deref(),
                request.session_id.is_some(),
            )
            .instrument(span)
            .await;
        ctx.emit.done(&answer);
        Ok(answer)
    }

    /// Undoes `undo_id`, or the latest change of the session (`by_session`) or
    /// project.
    pub(crate) async fn undo_in(
        &self,
        ctx: &Ctx<'_>,
        intent: &Intent,
        undo_id: Option<&str>,
        by_session: bool,
    ) -> Answer {
        ctx.emit.emit("undo", "Finding the change to undo");
        let found = match undo_id {
            Some(id) => self.store.command(id),
            None if by_session => self
                .store
                .command_last_undoable(&ctx.project_key, Some(&ctx.request.session_id)),
            None => self.store.command_last_undoable(&ctx.project_key, None),
        };
        let row = match found {
            Ok(Some(row)) => row,
            Ok(None) if undo_id.is_some() => {
                return ctx.failed(
                    Some(intent),
                    format!(
                        "There is no change with the undo id {}. Nothing was changed.",
                        undo_id.unwrap_or_default()
                    ),
                );
            }
            Ok(None) => {
                return ctx.failed(Some(intent), "There is nothing to undo.".into());
            }
            Err(e) => {
                return ctx.failed(Some(intent), format!("I could not read the history: {e}"));
            }
        };
        if row.project != ctx.project_key {
            return ctx.failed(
                Some(intent),
                format!(
                    "The change {} belongs to another project ({}); undo it there.",
                    row.id, row.project
                ),
            );
        }
        if row.undone_ms.is_some() {
            return ctx.failed(
                Some(intent),
                format!("\"{}\" was already undone.", row.transcript),
            );
        }
        let Some(before) = row.snapshot_before.clone() else {
            return ctx.failed(
                Some(intent),
                format!(
                    "\"{}\" did not change any file, so there is nothing to undo.",
                    row.transcript
                ),
            );
        };
        for path in &row.changed {
            if let Err(why) = ctx.gate.allow(
                Action::WorkspaceWrite,
                &Resource::Path(path.clone()),
                &[path.as_bytes()],
                false,
            ) {
                return ctx.answer(
                    intent,
                    Status::Denied,
                    format!("I may not restore {path}: {why}"),
                );
            }
        }
        let lock = self.writer_lock(ctx.workspace.root());
        let _turn = lock.lock().await;
        let mut answer = self.restore(ctx, intent, &row, &before);
        if answer.status == Status::Completed {
            if let Err(e) = self.store.command_mark_undone(&row.id, ids::now_ms()) {
                answer
                    .notes
                    .push(format!("the history could not record the undo: {e}"));
            }
            if let (Some(router), Some(model)) = (&self.roles.router, &row.model) {
                let kind = serde_json::from_str::<Intent>(&row.intent)
                    .map(|i| i.kind.as_str().to_owned())
                    .unwrap_or_else(|_| "edit".into());
                if let Err(e) = router.record(model, &kind, OutcomeKind::Undone).await {
                    tracing::warn!(error = %e, "the router could not record the undo");
                }
            }
        }
        answer
    }

    /// Restores `row`'s paths to `before` and answers with what changed.
    fn restore(&self, ctx: &Ctx<'_>, intent: &Intent, row: &CommandRow, before: &str) -> Answer {
        let repo = match ralex_git::Repo::open(ctx.workspace.root()) {
            Ok(repo) => repo,
            Err(e) => {
                return ctx.failed(
                    Some(intent),
                    format!("I cannot open the project's git repository: {e}"),
                );
            }
        };
        let now = match repo.snapshot(&format!("ralex: before undoing {}", row.id)) {
            Ok(s) => s,
            Err(e) => {
                return ctx.failed(
                    Some(intent),
                    format!("I could not snapshot the project before undoing: {e}"),
                );
            }
        };
        // A finished command is undone between its own snapshots; one the kernel
        // never finished, between its `before` snapshot and now.
        let after = row.snapshot_after.clone().unwrap_or_else(|| now.id.clone());
        ctx.emit
            .emit("undo", format!("Undoing \"{}\"", row.transcript));
        let report = match repo.undo(before, &after) {
            Ok(report) => report,
            Err(e) => {
                return ctx.failed(
                    Some(intent),
                    format!(
                        "I could not undo \"{}\": {e}. Nothing was changed.",
                        row.transcript
                    ),
                );
            }
        };
        let mut answer = ctx.answer(intent, Status::Completed, String::new());
        if let Ok(done) = repo.snapshot(&format!("ralex: after undoing {}", row.id))
            && let Ok(files) = repo.snapshot_diff(&now.id, &done.id)
        {
            answer.changes = files
                .into_iter()
                .map(|f| ChangeOut {
                    path: f.path,
                    diff: f.diff,
                })
                .collect();
        }
        let mut paths: Vec<String> = report.restored.clone();
        paths.extend(report.deleted.iter().cloned());
        answer.response = if paths.is_empty() {
            format!(
                "The files \"{}\" changed are already as they were before.",
                row.transcript
            )
        } else {
            format!(
                "I undid \"{}\": {} {} back as before.",
                row.transcript,
                crate::speak::and_list(&paths),
                if paths.len() == 1 { "is" } else { "are" }
            )
        };
        if row.interrupted() {
            answer.notes.push("that command never finished (the kernel stopped during it); every file changed since it began was put back".into());
        }
        if !report.skipped.is_empty() {
            answer.notes.push(format!(
                "submodules are not undone: {}",
                report.skipped.join(", ")
            ));
        }
        answer
    }
}
