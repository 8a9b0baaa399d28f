//! Progress events of one command, for the UI (the gateway's WebSocket) and the
//! terminal: which stage started, what a plugin reports, how it ended.
//!
//! Owns: [`Event`] and [`EventSink`]. Events are best-effort: a sink that is slow
//! or gone never holds a command up (the sink decides how to buffer).

use std::sync::Arc;

use serde::Serialize;

use crate::answer::Answer;

/// One progress event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    /// The command it belongs to.
    pub command_id: String,
    /// The session.
    pub session_id: String,
    /// Who asked (`user:cli`, `token:phone`): live views show a person only
    /// their own commands.
    pub actor: String,
    /// `parse`, `policy`, `context`, `enhance`, `route`, `agent`, `tests`,
    /// `snapshot`, `undo`, `done`.
    pub stage: &'static str,
    /// What is happening, in words.
    pub message: String,
    /// Share done, 0 to 1, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fraction: Option<f32>,
    /// On `done`: how the command ended (`completed`, `needs_confirmation`,
    /// `denied`, `failed`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<&'static str>,
    /// On `done`: what the command's model calls cost, in US dollars.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost_usd: Option<f64>,
    /// On `done` of a command waiting for a confirmation: the id to confirm.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirmation_id: Option<String>,
    /// On `done` of a command that changed files: the id that undoes it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub undo_id: Option<String>,
}

/// Where a command's events go.
pub type EventSink = Arc<dyn Fn(Event) + Send + Sync>;

/// Emits events for one command.
#[derive(Clone)]
pub(crate) struct Emitter {
    pub(crate) command_id: String,
    pub(crate) session_id: String,
    actor: String,
    sink: Option<EventSink>,
}

impl Emitter {
    pub(crate) fn new(
        command_id: &str,
        session_id: &str,
        actor: &str,
        sink: Option<EventSink>,
    ) -> Emitter {
        Emitter {
            command_id: command_id.to_owned(),
            session_id: session_id.to_owned(),
            actor: actor.to_owned(),
            sink,
        }
    }

    /// Emits `message` for `stage`.
    pub(crate) fn emit(&self, stage: &'static str, message: impl Into<String>) {
        self.emit_fraction(stage, message, None);
    }

    pub(crate) fn emit_fraction(
        &self,
        stage: &'static str,
        message: impl Into<String>,
        fraction: Option<f32>,
    ) {
        let message = message.into();
        tracing::debug!(stage, %message, "progress");
        self.send(Event {
            fraction,
            ..self.event(stage, message)
        });
    }

    /// The last event of a command: `done`, with how it ended.
    pub(crate) fn done(&self, answer: &Answer) {
        tracing::debug!(status = answer.status.as_str(), "done");
        self.send(Event {
            status: Some(answer.status.as_str()),
            cost_usd: Some(answer.cost_usd),
            confirmation_id: answer.confirmation_id.clone(),
            undo_id: answer.undo_id.clone(),
            ..self.event("done", answer.response.clone())
        });
    }

    fn event(&self, stage: &'static str, message: String) -> Event {
        Event {
            command_id: self.command_id.clone(),
            session_id: self.session_id.clone(),
            actor: self.actor.clone(),
            stage,
            message,
            fraction: None,
            status: None,
            cost_usd: None,
            confirmation_id: None,
            undo_id: None,
        }
    }

    fn send(&self, event: Event) {
        if let Some(sink) = &self.sink {
            sink(event);
        }
    }

    /// A sink for plugin progress reports, forwarded as `stage` events.
    pub(crate) fn plugin_sink(&self, stage: &'static str) -> ralex_host::ProgressSink {
        let me = self.clone();
        Arc::new(move |event: ralex_host::ProgressEvent| {
            me.emit_fraction(stage, event.message, event.fraction);
        })
    }
}
