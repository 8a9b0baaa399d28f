//! What a UI may send on the events WebSocket: confirming or cancelling a
//! command that waits for a confirmation, by its id. Confirming runs exactly the
//! intent the id was given for (the orchestrator checks it against the stored
//! digest, session, project and person); cancelling makes the id unusable.
//!
//! Messages in: `{"type":"confirm","confirmation_id":ID}`,
//! `{"type":"cancel","confirmation_id":ID}`. Out: `{"type":"answer",
//! "confirmation_id", "answer"}`, `{"type":"cancelled","confirmation_id"}`, or
//! `{"type":"error","confirmation_id"?, "error":{"code","message"}}`.

use std::path::Path;

use ralex_orchestrator::{CommandRequest, Confirm, Who};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::now_ms;
use crate::routes::voice::execute;
use crate::state::AppState;

/// A message from the UI.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientMessage {
    /// Run the command waiting for this confirmation.
    Confirm {
        /// The id from the `needs_confirmation` answer or `done` event.
        confirmation_id: String,
    },
    /// Do not run it.
    Cancel {
        /// The id.
        confirmation_id: String,
    },
}

fn error(id: Option<&str>, e: &ApiError) -> Value {
    let mut v = json!({"type": "error", "error": {"code": e.code, "message": e.message}});
    if let Some(id) = id {
        v["confirmation_id"] = json!(id);
    }
    v
}

/// Answers one text message from the UI (`who` sent it).
pub async fn reply(state: &AppState, who: &Who, text: &str) -> Value {
    let message: ClientMessage = match serde_json::from_str(text) {
        Ok(m) => m,
        Err(e) => {
            return error(
                None,
                &ApiError::bad_request(format!(
                    "unreadable message ({e}); send {{\"type\":\"confirm\"|\"cancel\",\"confirmation_id\":ID}}"
                )),
            );
        }
    };
    match message {
        ClientMessage::Confirm { confirmation_id } => {
            match confirm(state, who, &confirmation_id).await {
                Ok(answer) => {
                    json!({"type": "answer", "confirmation_id": confirmation_id, "answer": answer})
                }
                Err(e) => error(Some(&confirmation_id), &e),
            }
        }
        ClientMessage::Cancel { confirmation_id } => {
            let store = state.store.clone();
            let (id, actor) = (confirmation_id.clone(), who.actor.clone());
            let cancelled = tokio::task::spawn_blocking(move || {
                store.confirmation_cancel(&id, &actor, now_ms())
            })
            .await;
            match cancelled {
                Ok(Ok(true)) => json!({"type": "cancelled", "confirmation_id": confirmation_id}),
                Ok(Ok(false)) => error(
                    Some(&confirmation_id),
                    &ApiError::not_found(
                        "no pending confirmation of yours has this id (it was used, cancelled or has expired)",
                    ),
                ),
                Ok(Err(e)) => error(Some(&confirmation_id), &ApiError::internal(e.to_string())),
                Err(e) => error(Some(&confirmation_id), &ApiError::internal(e.to_string())),
            }
        }
    }
}

/// Runs the command waiting for `id`, as `who`.
async fn confirm(state: &AppState, who: &Who, id: &str) -> Result<Value, ApiError> {
    let store = state.store.clone();
    let key = id.to_owned();
    let pending = tokio::task::spawn_blocking(move || store.confirmation(&key))
        .await
        .map_err(|e| ApiError::internal(e.to_string()))?
        .map_err(|e| ApiError::internal(e.to_string()))?;
    let unknown = || {
        ApiError::not_found(format!(
            "no confirmation of yours has the id `{id}`; confirm the id the answer gave"
        ))
    };
    let pending = pending.ok_or_else(unknown)?;
    if pending.actor != who.actor {
        return Err(unknown());
    }
    let same = |root: &Path| {
        root == Path::new(&pending.project)
            || root
                .canonicalize()
                .is_ok_and(|c| c == Path::new(&pending.project))
    };
    let project = state
        .projects
        .iter()
        .find(|p| same(&p.root))
        .ok_or_else(|| {
            ApiError::not_found("the project of that confirmation is not served here")
        })?;
    let request = CommandRequest {
        transcript: pending.transcript,
        project: project.root.clone(),
        session_id: pending.session,
        dry_run: false,
        confirm: Confirm::Pending(Some(id.to_owned())),
        who: who.clone(),
    };
    let answer = execute(state, &request).await?;
    serde_json::to_value(&answer)
        .map_err(|e| ApiError::internal(format!("cannot serialise the answer: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_parse_and_unknown_ones_do_not() {
        let m: ClientMessage =
            serde_json::from_str(r#"{"type":"confirm","confirmation_id":"k1"}"#).unwrap();
        assert!(matches!(m, ClientMessage::Confirm { confirmation_id } if confirmation_id == "k1"));
        assert!(
            serde_json::from_str::<ClientMessage>(r#"{"type":"run","confirmation_id":"k1"}"#)
                .is_err()
        );
        assert!(serde_json::from_str::<ClientMessage>(r#"{"type":"cancel"}"#).is_err());
    }
}
