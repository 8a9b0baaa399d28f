//! `GET /v4/context/{session_id}`: the session's history, newest first — what
//! was asked, how it ended, what changed, what can be undone. A token sees its own
//! commands; an admin token sees everyone's.

use axum::extract::{Path, State};
use axum::{Extension, Json};
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::routes::voice::valid_session;
use crate::state::AppState;
use crate::tokens::{Caller, Scope};
use crate::who::who;

/// Most commands returned.
const LIMIT: u32 = 100;

/// The session's commands.
#[utoipa::path(get, path = "/v4/context/{session_id}", tag = "commands",
    params(crate::openapi::SessionPath),
    responses(
        (status = 200, description = "The session's commands, newest first", body = crate::openapi::Context),
        (status = 400, description = "Bad session id", body = crate::openapi::ErrorBody),
        (status = 401, description = "No or bad token", body = crate::openapi::ErrorBody),
        (status = 429, description = "Too many failed attempts", body = crate::openapi::ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn context(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(session_id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    if !valid_session(&session_id) {
        return Err(ApiError::bad_request(
            "the session id must be 1–128 letters, digits or `-_.:`",
        ));
    }
    let actor = who(&caller).actor;
    let rows = state
        .store
        .commands_of_session(&session_id, LIMIT)
        .map_err(|e| ApiError::internal(format!("cannot read the history: {e}")))?;
    let commands: Vec<Value> = rows
        .into_iter()
        .filter(|c| caller.scope == Scope::Admin || c.actor == actor)
        .map(|c| {
            json!({
                "id": c.id,
                "transcript": c.transcript,
                "intent": serde_json::from_str::<Value>(&c.intent).unwrap_or(Value::Null),
                "state": c.state,
                "response": c.response,
                "changed": c.changed,
                "model": c.model,
                "cost_usd": c.cost_nusd as f64 / 1e9,
                "undo_id": c.undoable().then_some(c.id.clone()),
                "undone": c.undone_ms.is_some(),
                "started_ms": c.started_ms,
                "finished_ms": c.finished_ms,
            })
        })
        .collect();
    Ok(Json(
        json!({"session_id": session_id, "commands": commands}),
    ))
}
